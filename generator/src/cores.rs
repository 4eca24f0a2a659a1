//! Independent work spread over the machine's cores.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

mod placement;
pub(crate) use placement::{Away, Home};

/// How many cores this process may use, looked up once: on Linux each look-up reads the
/// cgroup's CPU quota from three files, and a generation asks several times.
pub(crate) fn available() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Runs `work` on every item, on as many threads as there are cores (at most 8), and returns
/// the results in item order. Each thread takes the next item nobody has taken yet, so a
/// thread that starts late (a virtual machine's idle core can take milliseconds to wake) or
/// meets large items just does fewer: put the largest items first. The first error, in item
/// order, is returned instead.
pub(crate) fn map<T, R, E>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let threads = available().clamp(1, 8).min(items.len().max(1));
    let shared = Shared::new(items.iter().collect(), |item: &&T| work(item));
    match Standby::at_hand() {
        // The thread standing by counts as one of them.
        Some(standby) if threads > 1 => {
            standby.lend(&|| shared.help(), || shared.finish(threads - 2))
        }
        _ => shared.finish(threads - 1),
    }
}

/// Runs `job` beside the caller: on the thread standing by when there is one, else on a
/// thread of its own (or not at all, when no thread can start).
pub(crate) fn beside(name: &str, job: impl FnOnce() + Send + 'static) {
    match Standby::at_hand() {
        Some(standby) => standby.post(Box::new(job)),
        None => {
            let _ = std::thread::Builder::new()
                .name(name.into())
                .spawn(Away::carry(job));
        }
    }
}

/// How long a thread standing by spins for work before it sleeps.
const SPIN: Duration = Duration::from_millis(5);

/// A thread kept awake for work that comes later: [`map`] and [`beside`] on the thread that
/// made it hand their work to it rather than start threads of their own.
///
/// On a virtual machine a thread started on an idle core (or woken there) can take 1 to 4 ms
/// to run: the second emitting thread of a small spec started that late, a third of its
/// emission. A thread that has just finished other work and spins (yielding the core to any
/// other thread that wants it) takes the work at once.
pub(crate) struct Standby {
    state: Mutex<StandbyState>,
    changed: Condvar,
    /// Raised at every change of the state, for the spinning thread to see without locking.
    version: AtomicU64,
}

#[derive(Default)]
struct StandbyState {
    /// Work lent by [`Standby::lend`] for the serving thread to run once, and its number.
    lent: Option<(u64, &'static (dyn Fn() + Sync))>,
    /// Jobs posted by [`Standby::post`], in order.
    posted: VecDeque<Box<dyn FnOnce() + Send>>,
    /// Serving threads running lent work.
    running: usize,
    closed: bool,
}

thread_local! {
    /// The thread standing by for work started on this thread ([`Standby::stand_by`]).
    static AT_HAND: RefCell<Option<Arc<Standby>>> = const { RefCell::new(None) };
}

impl Standby {
    /// Runs `work` on the calling thread with `standby` at hand for the [`map`]s and
    /// [`beside`]s it makes, then closes `standby` (also when `work` panics).
    pub(crate) fn stand_by<R>(standby: &Arc<Self>, work: impl FnOnce() -> R) -> R {
        struct Closing<'a>(&'a Standby, Option<Arc<Standby>>);
        impl Drop for Closing<'_> {
            fn drop(&mut self) {
                AT_HAND.with(|at_hand| *at_hand.borrow_mut() = self.1.take());
                self.0.update(|state| state.closed = true);
            }
        }
        let before = AT_HAND.with(|at_hand| at_hand.replace(Some(Arc::clone(standby))));
        let _closing = Closing(standby, before);
        work()
    }

    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(StandbyState::default()),
            changed: Condvar::new(),
            version: AtomicU64::new(0),
        })
    }

    fn at_hand() -> Option<Arc<Self>> {
        AT_HAND.with(|at_hand| at_hand.borrow().clone())
    }

    /// Run by the thread standing by: runs the work handed to it until the standby is closed
    /// and no posted job is left, and `idle` once, the first time there is none (unless the
    /// standby is closed by then).
    pub(crate) fn serve(&self, idle: &(dyn Fn() + Sync)) {
        let mut idle = Some(idle);
        let mut seen_lent = 0;
        let mut state = self.lock();
        loop {
            if let Some(job) = state.posted.pop_front() {
                drop(state);
                job();
                state = self.lock();
                continue;
            }
            if let Some((number, work)) = state.lent
                && number != seen_lent
            {
                seen_lent = number;
                state.running += 1;
                drop(state);
                work();
                state = self.lock();
                state.running -= 1;
                self.changed.notify_all();
                continue;
            }
            if state.closed {
                return;
            }
            if let Some(idle) = idle.take() {
                drop(state);
                idle();
                state = self.lock();
                continue;
            }
            // Nothing to do yet: spin a while, then sleep.
            let version = self.version.load(Ordering::Acquire);
            drop(state);
            let spin_until = Instant::now() + SPIN;
            while self.version.load(Ordering::Acquire) == version && Instant::now() < spin_until {
                std::thread::yield_now();
            }
            state = self.lock();
            while self.version.load(Ordering::Acquire) == version {
                state = self
                    .changed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }

    /// Runs `job` on the serving thread, after the jobs posted before it.
    fn post(&self, job: Box<dyn FnOnce() + Send>) {
        self.update(|state| state.posted.push_back(job));
    }

    /// Runs `f`, with `work` lent to the serving thread meanwhile (which runs it once, if it
    /// gets to it before `f` returns); returns once the serving thread is done with it. When
    /// other work is lent already, `f` runs alone.
    fn lend<R>(&self, work: &(dyn Fn() + Sync), f: impl FnOnce() -> R) -> R {
        // SAFETY: the reference is only used by `serve` between taking it from `lent` and
        // lowering `running` again. `Withdraw` clears `lent` and waits for `running` to come
        // back to zero before this function returns or unwinds, so no use outlives `work`.
        let work: &'static (dyn Fn() + Sync) =
            unsafe { std::mem::transmute::<&(dyn Fn() + Sync), &'static (dyn Fn() + Sync)>(work) };
        let mut lent = false;
        self.update(|state| {
            if state.lent.is_none() {
                let number = self.version.load(Ordering::Relaxed) + 1;
                state.lent = Some((number, work));
                lent = true;
            }
        });
        if !lent {
            return f();
        }
        struct Withdraw<'a>(&'a Standby);
        impl Drop for Withdraw<'_> {
            fn drop(&mut self) {
                let mut state = self.0.lock();
                state.lent = None;
                while state.running > 0 {
                    state = self
                        .0
                        .changed
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
        let _withdraw = Withdraw(self);
        f()
    }

    /// Changes the state and tells the serving thread.
    fn update(&self, change: impl FnOnce(&mut StandbyState)) {
        let mut state = self.lock();
        change(&mut state);
        self.version.fetch_add(1, Ordering::Release);
        drop(state);
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, StandbyState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Items that threads already running can work through together with the one that made
/// them: any thread may [`help`](Self::help), taking the next item nobody has taken yet,
/// and [`finish`](Self::finish) helps, then waits for the items other threads took, and
/// returns the results in item order.
///
/// A thread that is already awake helps at once, where a thread started for the work may
/// start milliseconds late on a virtual machine's idle core.
pub(crate) struct Shared<T, R, E, F> {
    items: Vec<T>,
    work: F,
    state: Mutex<State<R, E>>,
    finished: Condvar,
}

struct State<R, E> {
    /// The next item to take.
    next: usize,
    /// Items taken and not finished yet.
    running: usize,
    /// An item failed: take no more.
    failed: bool,
    done: Vec<(usize, Result<R, E>)>,
}

impl<T, R, E, F> Shared<T, R, E, F>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    pub(crate) fn new(items: Vec<T>, work: F) -> Self {
        Self {
            state: Mutex::new(State {
                next: 0,
                running: 0,
                failed: false,
                done: Vec::with_capacity(items.len()),
            }),
            items,
            work,
            finished: Condvar::new(),
        }
    }

    /// Works on items until none is left to take (or one has failed).
    pub(crate) fn help(&self) {
        let mut state = self.lock();
        loop {
            let index = state.next;
            if state.failed || index >= self.items.len() {
                return;
            }
            state.next += 1;
            state.running += 1;
            drop(state);
            let result = (self.work)(&self.items[index]);
            state = self.lock();
            state.failed |= result.is_err();
            state.running -= 1;
            state.done.push((index, result));
            if state.running == 0 {
                self.finished.notify_all();
            }
        }
    }

    /// Helps, with `threads` more threads started for the work, until every item is done, and
    /// returns the results in item order, or the first error in item order. Items a helper
    /// comes for afterwards are none.
    pub(crate) fn finish(&self, threads: usize) -> Result<Vec<R>, E> {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(Away::carry(|| self.help()));
            }
            self.help();
        });
        let mut state = self.lock();
        while state.running > 0 {
            state = self
                .finished
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let mut done = std::mem::take(&mut state.done);
        drop(state);
        done.sort_by_key(|(index, _)| *index);
        done.into_iter().map(|(_, result)| result).collect()
    }

    fn lock(&self) -> MutexGuard<'_, State<R, E>> {
        // A thread panicking in `work` panics the whole generation; the state stays whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::Standby;

    #[test]
    fn results_come_in_item_order_and_an_error_stops_the_map() {
        let items: Vec<u32> = (0..100).collect();
        let doubled = super::map(&items, |&n| Ok::<_, String>(n * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        let failed = super::map(&items, |&n| if n == 57 { Err(n) } else { Ok(n) });
        assert_eq!(failed, Err(57));
        // Of two failures, the first in item order, whichever thread met it first.
        let slow_first = super::map(&items, |&n| match n {
            30 => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                Err(n)
            }
            70 => Err(n),
            _ => Ok(n),
        });
        assert_eq!(slow_first, Err(30));
        assert!(
            super::map(&[] as &[u32], |&n| Ok::<_, ()>(n))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn finish_waits_for_the_items_a_helper_took_and_keeps_item_order() {
        use std::sync::mpsc;
        use std::time::Duration;
        let (started, item_zero_started) = mpsc::channel();
        let (release, item_zero_released) = mpsc::channel::<()>();
        let item_zero_released = std::sync::Mutex::new(item_zero_released);
        let items: Vec<u32> = (0..20).collect();
        let shared = super::Shared::new(items.clone(), |&n: &u32| {
            match n {
                0 => {
                    started.send(()).unwrap();
                    // Held until the other thread has done every other item.
                    let released = item_zero_released.lock().unwrap();
                    released.recv_timeout(Duration::from_secs(10)).unwrap();
                }
                19 => release.send(()).unwrap(),
                _ => {}
            }
            Ok::<_, ()>(n * 3)
        });
        let results = std::thread::scope(|scope| {
            scope.spawn(|| shared.help());
            item_zero_started
                .recv_timeout(Duration::from_secs(10))
                .unwrap();
            shared.finish(0)
        });
        assert_eq!(results, Ok(items.iter().map(|n| n * 3).collect::<Vec<_>>()));
        // A helper coming afterwards finds nothing to take.
        shared.help();
    }

    /// Runs `work` with a thread serving `standby`, and returns that thread's id with the
    /// result; the thread must be done within the test's bound once `work` returns.
    fn with_standby<R>(work: impl FnOnce(&Arc<Standby>) -> R) -> (std::thread::ThreadId, R) {
        let standby = Standby::new();
        std::thread::scope(|scope| {
            let server = scope.spawn(|| {
                standby.serve(&|| {});
                std::thread::current().id()
            });
            let result = Standby::stand_by(&standby, || work(&standby));
            let deadline = Instant::now() + Duration::from_secs(10);
            while !server.is_finished() {
                assert!(Instant::now() < deadline, "the serving thread did not stop");
                std::thread::sleep(Duration::from_millis(1));
            }
            (server.join().unwrap(), result)
        })
    }

    #[test]
    fn map_and_beside_hand_their_work_to_the_thread_standing_by() {
        use std::sync::mpsc;
        let (server, (ran_on, beside_ran_on)) = with_standby(|_| {
            let threads = Mutex::new(Vec::new());
            let items: Vec<u32> = (0..50).collect();
            let results = super::map(&items, |&n| {
                threads.lock().unwrap().push(std::thread::current().id());
                // Whoever takes the first item holds it until the other thread has done one,
                // so both must take part.
                if n == 0 && super::available() > 1 {
                    let deadline = Instant::now() + Duration::from_secs(10);
                    let me = std::thread::current().id();
                    while !threads.lock().unwrap().iter().any(|&id| id != me) {
                        assert!(Instant::now() < deadline, "no other thread took an item");
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                Ok::<_, ()>(n + 1)
            });
            assert_eq!(results.unwrap(), (1..51).collect::<Vec<_>>());
            let (sender, receiver) = mpsc::channel();
            super::beside("test", move || {
                sender.send(std::thread::current().id()).unwrap();
            });
            let beside_ran_on = receiver.recv_timeout(Duration::from_secs(10)).unwrap();
            (threads.into_inner().unwrap(), beside_ran_on)
        });
        let main = std::thread::current().id();
        let mut ids = ran_on.clone();
        ids.sort_by_key(|id| format!("{id:?}"));
        ids.dedup();
        if super::available() > 1 {
            // The map started no thread of its own: the items ran here and on the server.
            assert_eq!(ids.len(), 2, "{ran_on:?}");
            assert!(ids.contains(&main) && ids.contains(&server), "{ids:?}");
        }
        assert_eq!(beside_ran_on, server);
        // With nothing standing by, `beside` starts a thread of its own.
        let (sender, receiver) = mpsc::channel();
        super::beside("test", move || {
            sender.send(std::thread::current().id()).unwrap();
        });
        let alone = receiver.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(alone != main && alone != server);
    }

    #[test]
    fn lend_returns_only_once_the_serving_thread_is_done_with_the_work() {
        use std::sync::atomic::AtomicBool;
        let (_, finished_before_return) = with_standby(|standby| {
            let started = AtomicBool::new(false);
            let finished = AtomicBool::new(false);
            let work = || {
                started.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(30));
                finished.store(true, Ordering::SeqCst);
            };
            standby.lend(&work, || {
                // Return from `f` only once the server has started the work.
                let deadline = Instant::now() + Duration::from_secs(10);
                while !started.load(Ordering::SeqCst) {
                    assert!(Instant::now() < deadline, "the server never took the work");
                    std::thread::yield_now();
                }
            });
            finished.load(Ordering::SeqCst)
        });
        assert!(finished_before_return);
    }

    #[test]
    fn a_panic_while_standing_by_still_lets_the_serving_thread_go() {
        let (_, outcome) = with_standby(|standby| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Standby::stand_by(standby, || panic!("a stage failed"))
            }))
        });
        assert!(outcome.is_err());
        assert!(
            Standby::at_hand().is_none(),
            "the standby is no longer at hand"
        );
    }

    /// The idle work runs once, after the work posted before the serving thread came to it,
    /// and not at all when the standby is closed before there is nothing to do.
    #[test]
    fn idle_work_runs_once_when_there_is_nothing_else_to_do() {
        let order = Arc::new(Mutex::new(Vec::new()));
        let pushing = |what: &'static str| {
            let order = Arc::clone(&order);
            Box::new(move || order.lock().unwrap().push(what))
        };
        let wait_for = |count: usize| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while order.lock().unwrap().len() < count {
                assert!(
                    Instant::now() < deadline,
                    "the serving thread did not get to it"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
        };
        let standby = Standby::new();
        standby.post(pushing("posted"));
        std::thread::scope(|scope| {
            let server = scope.spawn(|| standby.serve(&|| order.lock().unwrap().push("idle")));
            wait_for(2);
            standby.post(pushing("again"));
            wait_for(3);
            standby.update(|state| state.closed = true);
            server.join().unwrap();
        });
        assert_eq!(*order.lock().unwrap(), ["posted", "idle", "again"]);

        let closed = Standby::new();
        closed.update(|state| state.closed = true);
        let ran = std::sync::atomic::AtomicBool::new(false);
        closed.serve(&|| ran.store(true, Ordering::SeqCst));
        assert!(!ran.load(Ordering::SeqCst));
    }
}
