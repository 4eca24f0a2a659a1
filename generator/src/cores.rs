//! Independent work spread over the machine's cores.

use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

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
    Shared::new(items.iter().collect(), |item: &&T| work(item)).finish(threads - 1)
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
                scope.spawn(|| self.help());
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
}
