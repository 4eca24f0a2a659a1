//! Independent work spread over the machine's cores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Runs `work` on every item, on up to as many threads as there are cores (at most 8), and
/// returns the results in item order, or the first error in item order. Each thread takes the
/// next item nobody has taken yet, so put the largest items first.
pub(crate) fn map<T, R, E>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.clamp(1, 8).min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        let run = || {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                let result = work(item);
                let failed = result.is_err();
                done.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((index, result));
                if failed {
                    // Take no more: every item before this one is taken already, and nothing
                    // after the first error is used.
                    next.store(items.len(), Ordering::Relaxed);
                }
            }
        };
        for _ in 1..threads {
            scope.spawn(run);
        }
        run();
    });
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_item_order_and_the_first_error_in_item_order_wins() {
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
