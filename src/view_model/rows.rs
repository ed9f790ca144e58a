//! Visible rows of the timeline and the slice of them in the viewport.

use std::ops::Range;

use crate::model::Trace;

/// Arena indices of the rows shown when the spans flagged in `collapsed` have
/// their subtrees hidden. One pass over the arena, skipping hidden subtrees.
pub fn visible_rows(trace: &Trace, collapsed: &[bool]) -> Vec<u32> {
    let mut rows = Vec::with_capacity(trace.spans.len());
    let mut i = 0usize;
    while let Some(span) = trace.spans.get(i) {
        rows.push(i as u32);
        if collapsed.get(i).copied().unwrap_or(false) {
            i = span.subtree_end as usize + 1;
        } else {
            i += 1;
        }
    }
    rows
}

/// The rows that should exist in the DOM: those intersecting the viewport
/// plus `overscan` on each side, clamped to `0..rows`.
pub fn row_window(
    scroll_top_px: f64,
    viewport_px: f64,
    row_px: f64,
    rows: usize,
    overscan: usize,
) -> Range<usize> {
    if rows == 0 || row_px <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top_px.max(0.0) / row_px).floor() as usize;
    let last = ((scroll_top_px.max(0.0) + viewport_px.max(0.0)) / row_px).ceil() as usize;
    let start = first.saturating_sub(overscan).min(rows);
    let end = last.saturating_add(overscan).min(rows);
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_at_top_middle_and_end() {
        assert_eq!(row_window(0.0, 100.0, 20.0, 1000, 5), 0..10);
        assert_eq!(row_window(2000.0, 100.0, 20.0, 1000, 5), 95..110);
        assert_eq!(row_window(19_990.0, 100.0, 20.0, 1000, 5), 994..1000);
        assert_eq!(row_window(0.0, 100.0, 20.0, 0, 5), 0..0);
        // Scrolled past the end (rows just shrank): nothing, not a panic.
        assert_eq!(row_window(1e9, 100.0, 20.0, 10, 5), 10..10);
    }
}
