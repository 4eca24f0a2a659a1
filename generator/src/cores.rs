//! Independent work spread over the machine's cores.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let share = || -> Vec<(usize, Result<R, E>)> {
        let mut done = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else { break };
            let result = work(item);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            done.push((index, result));
        }
        done
    };
    let mut done: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(share)).collect();
        let mut done = share();
        for handle in handles {
            done.extend(handle.join().expect("a worker thread panicked"));
        }
        done
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
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
}
