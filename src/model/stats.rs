//! Percentiles by nearest rank, shared by the list, the views over many
//! traces, Compare and the plots.

/// The `p`-th percentile (0–100) of ascending `sorted` values, by nearest
/// rank: the smallest value with at least `p`% of the values at or below it.
/// 0 for no values.
///
/// ```text
/// values 10 20 30 40 50 60 70 80 90 100
/// p50 = 50 (rank 5)   p90 = 90 (rank 9)   p99 = 100 (rank 10)
/// ```
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied().unwrap_or(0)
}

/// p50, p90 and p99 of `values` (sorted in place).
pub fn p50_p90_p99(values: &mut [u64]) -> [u64; 3] {
    values.sort_unstable();
    [
        percentile(values, 50.0),
        percentile(values, 90.0),
        percentile(values, 99.0),
    ]
}

/// p50 and p90 of `values` (sorted in place), by nearest rank.
pub fn p50_p90(values: &mut [u64]) -> (u64, u64) {
    values.sort_unstable();
    (percentile(values, 50.0), percentile(values, 90.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=10).map(|i| i * 10).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 90.0), 90);
        assert_eq!(percentile(&v, 99.0), 100);
        assert_eq!(percentile(&v, 0.0), 10);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
        let v: Vec<u64> = (1..=1000).collect();
        assert_eq!(p50_p90_p99(&mut v.clone()), [500, 900, 990]);
    }
}
