//! Independent work spread over the machine's cores.

/// Runs `work` on every item, on as many threads as there are cores (at most 8), and returns
/// the results in item order. Each thread takes every n-th item, so large and small items
/// spread evenly. The first error, in thread order, is returned instead.
pub(crate) fn map<T, R, E>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(items.len().max(1));
    let share = |worker: usize| -> Result<Vec<(usize, R)>, E> {
        let mut done = Vec::new();
        for (index, item) in items.iter().enumerate().skip(worker).step_by(threads) {
            done.push((index, work(item)?));
        }
        Ok(done)
    };
    let shares: Vec<Result<Vec<(usize, R)>, E>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .map(|worker| scope.spawn(move || share(worker)))
            .collect();
        let mut shares = vec![share(0)];
        shares.extend(
            handles
                .into_iter()
                .map(|h| h.join().expect("a worker thread panicked")),
        );
        shares
    });
    let mut done = Vec::with_capacity(items.len());
    for share in shares {
        done.extend(share?);
    }
    done.sort_by_key(|(index, _)| *index);
    Ok(done.into_iter().map(|(_, result)| result).collect())
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
        assert!(
            super::map(&[] as &[u32], |&n| Ok::<_, ()>(n))
                .unwrap()
                .is_empty()
        );
    }
}
