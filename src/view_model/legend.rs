//! Which services the legend shows: all of them when they are few; past
//! [`LEGEND_MAX`], the busiest ones, or those matching the legend's filter,
//! so that a trace with 50k services draws a few dozen buttons, not 50k.

use crate::model::Trace;

/// Most services the legend draws at once.
pub const LEGEND_MAX: usize = 40;

/// Indices into [`Trace::services`] to draw, in name order, and how many
/// services match `filter` in all. An empty filter matches every service and
/// keeps those with the most spans; otherwise the first matches by name
/// (case-insensitive substring).
pub fn legend_entries(trace: &Trace, filter: &str, max: usize) -> (Vec<usize>, usize) {
    let needle = filter.trim().to_lowercase();
    if needle.is_empty() {
        let total = trace.services.len();
        let mut ix: Vec<usize> = (0..total).collect();
        if total > max {
            // Busiest first (ties by name), then back to name order.
            ix.select_nth_unstable_by(max, |&a, &b| {
                trace.services[b]
                    .1
                    .cmp(&trace.services[a].1)
                    .then(a.cmp(&b))
            });
            ix.truncate(max);
            ix.sort_unstable();
        }
        return (ix, total);
    }
    super::choices::matching(
        trace.services.iter().map(|&(s, _)| trace.str(s)),
        &needle,
        max,
    )
}
