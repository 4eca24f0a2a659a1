//! Which core each thread of a generation runs on.
//!
//! Some virtual machines' kernels pack a process's threads onto as few virtual CPUs as they
//! can (Linux's `sched_vcpu_pack`, say): the thread a generation starts to work beside the
//! calling one then waits milliseconds for a core, or shares the caller's. A generation that
//! keeps its calling thread on the core it is on (its home) and its other threads on the
//! remaining ones has each thread on a core of its own from the start. Elsewhere the same
//! placement is what the scheduler would choose anyway, and costs two system calls a thread.

/// The core a generation's calling thread keeps to, with the cores it may use.
pub(crate) struct Home {
    #[cfg(target_os = "linux")]
    cpus: linux::Cpus,
}

/// The cores a thread started by a settled thread moves to: those of its home's process
/// but the home itself (nowhere, when the spawning thread is not settled).
#[derive(Clone, Copy)]
pub(crate) struct Away {
    #[cfg(target_os = "linux")]
    cpus: Option<linux::CpuSet>,
}

/// A thread kept to its home until this is dropped; it may then use all its cores again.
pub(crate) struct Settled<'a> {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    home: &'a Home,
}

impl Home {
    /// The core the calling thread is on, when it may run on more than one (none otherwise,
    /// or where threads cannot be placed).
    pub(crate) fn here() -> Option<Self> {
        // Worked out before any thread is kept to one core: a thread kept to one would count
        // one, and the count is kept for the process.
        if super::available() < 2 {
            return None;
        }
        #[cfg(target_os = "linux")]
        {
            linux::Cpus::here().map(|cpus| Self { cpus })
        }
        #[cfg(not(target_os = "linux"))]
        {
            None
        }
    }

    /// Moves the calling thread off the home core, for a thread that works beside it.
    pub(crate) fn leave(&self) {
        #[cfg(target_os = "linux")]
        linux::set(&self.cpus.away);
    }

    /// Keeps the calling thread to the home core until the result is dropped; threads it
    /// starts meanwhile [`Away::enter`] the other cores.
    pub(crate) fn settle(&self) -> Settled<'_> {
        #[cfg(target_os = "linux")]
        {
            linux::set(&self.cpus.home);
            linux::AWAY.with(|away| away.set(Some(self.cpus.away)));
        }
        Settled { home: self }
    }
}

impl Drop for Settled<'_> {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        {
            linux::AWAY.with(|away| away.set(None));
            linux::set(&self.home.cpus.all);
        }
    }
}

impl Away {
    /// Where a thread the calling thread starts now should go.
    pub(crate) fn from_here() -> Self {
        Self {
            #[cfg(target_os = "linux")]
            cpus: linux::AWAY.with(std::cell::Cell::get),
        }
    }

    /// `job`, as a thread the calling thread starts now runs it: first moving where
    /// [`Away::from_here`] says.
    pub(crate) fn carry<R>(job: impl FnOnce() -> R) -> impl FnOnce() -> R {
        let away = Self::from_here();
        move || {
            away.enter();
            job()
        }
    }

    /// Moves the calling thread there.
    pub(crate) fn enter(self) {
        #[cfg(target_os = "linux")]
        if let Some(cpus) = &self.cpus {
            linux::set(cpus);
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::cell::Cell;

    pub(super) type CpuSet = libc::cpu_set_t;

    thread_local! {
        /// Set while the thread is settled at home: where the threads it starts go.
        pub(super) static AWAY: Cell<Option<CpuSet>> = const { Cell::new(None) };
    }

    /// The cores a thread may use, split into its home and the rest.
    pub(super) struct Cpus {
        pub(super) all: CpuSet,
        pub(super) home: CpuSet,
        pub(super) away: CpuSet,
    }

    impl Cpus {
        pub(super) fn here() -> Option<Self> {
            // SAFETY: a zeroed `cpu_set_t` is an empty set; the calls read and write only
            // the set passed, of the size passed.
            unsafe {
                let mut all: CpuSet = std::mem::zeroed();
                if libc::sched_getaffinity(0, size_of::<CpuSet>(), &mut all) != 0 {
                    return None;
                }
                let current = libc::sched_getcpu();
                let cpu = usize::try_from(current).ok()?;
                if cpu >= libc::CPU_SETSIZE as usize || !libc::CPU_ISSET(cpu, &all) {
                    return None;
                }
                let mut home: CpuSet = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut home);
                let mut away = all;
                libc::CPU_CLR(cpu, &mut away);
                (libc::CPU_COUNT(&away) > 0).then_some(Self { all, home, away })
            }
        }
    }

    /// Keeps the calling thread to `cpus`. A failure (a set the process may no longer use,
    /// say) leaves the thread where it is: placement only speeds things up.
    pub(super) fn set(cpus: &CpuSet) {
        // SAFETY: reads only the set passed, of the size passed.
        unsafe {
            libc::sched_setaffinity(0, size_of::<CpuSet>(), cpus);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use super::linux::CpuSet;
    use super::{Away, Home};

    /// The cores the calling thread may use.
    fn cpus() -> Vec<usize> {
        // SAFETY: as in `linux::Cpus::here`.
        unsafe {
            let mut set: CpuSet = std::mem::zeroed();
            assert_eq!(libc::sched_getaffinity(0, size_of::<CpuSet>(), &mut set), 0);
            (0..libc::CPU_SETSIZE as usize)
                .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
                .collect()
        }
    }

    #[test]
    fn a_settled_thread_keeps_to_its_core_and_the_threads_it_starts_to_the_others() {
        let all = cpus();
        let Some(home) = Home::here() else {
            // One core to use (or none to place): nothing is placed.
            assert!(all.len() < 2 || crate::cores::available() < 2, "{all:?}");
            return;
        };
        let (here, started) = {
            let _settled = home.settle();
            let here = cpus();
            let away = Away::from_here();
            let started = std::thread::spawn(move || {
                away.enter();
                cpus()
            })
            .join()
            .unwrap();
            (here, started)
        };
        assert_eq!(here.len(), 1, "{here:?}");
        assert!(all.contains(&here[0]));
        let mut rest = all.clone();
        rest.retain(|cpu| *cpu != here[0]);
        assert_eq!(started, rest);
        // Settled no more: all the cores again, and threads started now stay where they are.
        assert_eq!(cpus(), all);
        let away = Away::from_here();
        let unplaced = std::thread::spawn(move || {
            away.enter();
            cpus()
        });
        assert_eq!(unplaced.join().unwrap(), all);
        // A thread that leaves home goes to the others.
        let left = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    home.leave();
                    cpus()
                })
                .join()
                .unwrap()
        });
        assert_eq!(left, rest);
    }

    /// The threads a [`crate::cores::map`] starts under a settled thread leave its core.
    #[test]
    fn threads_a_map_starts_run_away_from_home() {
        let all = cpus();
        let Some(home) = Home::here() else {
            return;
        };
        let ran = Mutex::new(Vec::new());
        let items: Vec<u32> = (0..20).collect();
        {
            let _settled = home.settle();
            let here = std::thread::current().id();
            crate::cores::map(&items, |_| {
                let me = std::thread::current().id();
                ran.lock().unwrap().push((me == here, cpus()));
                // Whoever takes an item first waits for another thread to take one, so both
                // the settled thread and a started one take part.
                let deadline = Instant::now() + Duration::from_secs(10);
                while !ran
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|(settled, _)| *settled != (me == here))
                {
                    assert!(Instant::now() < deadline, "no other thread took an item");
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok::<_, ()>(())
            })
            .unwrap();
        }
        let ran = ran.into_inner().unwrap();
        let home_cpu = ran.iter().find(|(settled, _)| *settled).unwrap().1.clone();
        assert_eq!(home_cpu.len(), 1);
        for (settled, cpus) in &ran {
            if *settled {
                assert_eq!(cpus, &home_cpu);
            } else {
                assert!(!cpus.contains(&home_cpu[0]), "{cpus:?}");
                assert!(cpus.iter().all(|cpu| all.contains(cpu)), "{cpus:?}");
            }
        }
    }

    /// A generation puts its calling thread back on all its cores.
    #[test]
    fn a_generation_leaves_the_calling_threads_cores_as_they_were() {
        let before = cpus();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        crate::generate_from_str(&path, &text, &crate::Config::default()).unwrap();
        assert_eq!(cpus(), before);
    }
}
