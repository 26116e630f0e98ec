//! Quintile scores by rank: `1 + floor(5 · (rank − 1) / n)`, where `rank` is the
//! lowest 1-based rank among ties in ascending order (SQL's `rank()`), so equal
//! values always get the same score.

/// The score 1–5 of every key, in the keys' order.
pub(crate) fn scores<K: Ord + Copy>(keys: &[K]) -> Vec<u8> {
    let n = keys.len();
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    keys.iter()
        .map(|k| {
            // rank − 1 = how many keys are strictly smaller.
            let below = sorted.partition_point(|x| x < k);
            (1 + 5 * below / n) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_distinct_values_make_pairs() {
        assert_eq!(
            scores(&[10, 9, 8, 7, 6, 5, 4, 3, 2, 1]),
            [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
        );
    }

    #[test]
    fn ties_share_the_lowest_rank() {
        // ranks 1, 2, 2, 2, 5, 6 of n = 6.
        assert_eq!(scores(&[1, 2, 2, 2, 3, 4]), [1, 1, 1, 1, 4, 5]);
        assert_eq!(scores(&[7, 7, 7]), [1, 1, 1]);
        assert_eq!(scores::<i32>(&[]), Vec::<u8>::new());
        assert_eq!(scores(&[3, 1]), [3, 1]);
    }
}
