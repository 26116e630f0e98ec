//! Quintile scores by rank: `1 + floor(5 · (rank − 1) / n)`, where `rank` is the
//! lowest 1-based rank among ties in ascending order (SQL's `rank()`), so equal
//! values always get the same score.

/// The score 1–5 of every key, in the keys' order. One sort of `(key, index)`
/// pairs, then a walk in key order: a binary search per key into the sorted keys
/// was a cache miss per step, seconds for a million buyers in the browser.
pub(crate) fn scores<K: Ord + Copy>(keys: &[K]) -> Vec<u8> {
    let n = keys.len();
    let mut pairs: Vec<(K, u32)> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect();
    pairs.sort_unstable();
    let mut out = vec![0u8; n];
    // rank − 1 = how many keys are strictly smaller = the position of the first
    // key of this run of ties.
    let mut below = 0;
    for (pos, &(key, i)) in pairs.iter().enumerate() {
        if pos > 0 && pairs[pos - 1].0 != key {
            below = pos;
        }
        out[i as usize] = (1 + 5 * below / n) as u8;
    }
    out
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

    /// Against the definition, on random keys with many ties.
    #[test]
    fn equals_the_rank_definition() {
        let mut x = 12345u64;
        for n in [1usize, 2, 5, 7, 100, 1000] {
            let keys: Vec<u64> = (0..n)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (x >> 33) % 17
                })
                .collect();
            let want: Vec<u8> = keys
                .iter()
                .map(|k| (1 + 5 * keys.iter().filter(|x| *x < k).count() / n) as u8)
                .collect();
            assert_eq!(scores(&keys), want);
        }
    }
}
