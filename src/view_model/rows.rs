//! Visible rows of the timeline and the slice of them in the viewport.

use std::ops::Range;

use crate::model::{SpanIx, Trace};
use crate::view_model::groups::Groups;

/// Arena indices of the rows shown when the spans flagged in `collapsed` have
/// their subtrees hidden and, when given, only spans flagged in `shown` get a
/// row (their children are still considered). One pass over the arena,
/// skipping hidden subtrees.
pub fn visible_rows(trace: &Trace, collapsed: &[bool], shown: Option<&[bool]>) -> Vec<SpanIx> {
    rows(
        trace,
        &RowOptions {
            collapsed,
            shown,
            ..RowOptions::default()
        },
    )
    .ixs
}

/// What decides the timeline's rows besides the tree itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct RowOptions<'a> {
    /// Per span: its subtree is folded.
    pub collapsed: &'a [bool],
    /// Per span: it gets a row (its children are still considered).
    pub shown: Option<&'a [bool]>,
    /// Spans shorter than this are hidden with everything under them.
    pub min_nanos: u64,
    /// Only this span's subtree.
    pub focus: Option<SpanIx>,
    /// Repeated siblings folded into one row each (shown when a member is
    /// shown and not short; hidden as short when every member is)...
    pub groups: Option<&'a Groups>,
    /// ...except the groups starting at these spans (ascending).
    pub expanded: &'a [SpanIx],
}

/// The timeline's rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Arena indices, ascending; a folded group's row is its first member.
    pub ixs: Vec<SpanIx>,
    /// Spans hidden for being shorter than [`RowOptions::min_nanos`] (with
    /// everything under them).
    pub short_hidden: usize,
}

impl std::ops::Deref for Rows {
    type Target = [SpanIx];

    fn deref(&self) -> &[SpanIx] {
        &self.ixs
    }
}

/// The rows shown under `o`: one pass over the arena, skipping folded
/// subtrees, folded groups and short spans.
pub fn rows(trace: &Trace, o: &RowOptions) -> Rows {
    let n = trace.spans.len();
    let (mut i, end) = match o.focus.and_then(|f| trace.span(f).map(|s| (f, s))) {
        Some((f, s)) => (f.get(), (s.subtree_end as usize + 1).min(n)),
        None => (0, n),
    };
    let start = i;
    let shown = |ix: usize| o.shown.is_none_or(|s| s.get(ix).copied().unwrap_or(true));
    let mut out = Rows {
        ixs: Vec::with_capacity(end - i),
        short_hidden: 0,
    };
    while let Some(span) = trace.spans.get(i).filter(|_| i < end) {
        let after = span.subtree_end as usize + 1;
        let group = o
            .groups
            .filter(|_| i != start || o.focus.is_none())
            .and_then(|g| g.starting_at(SpanIx::at(i)))
            .filter(|g| o.expanded.binary_search(&g.first).is_err());
        if let Some(g) = group {
            let last = g.end(trace) + 1;
            let longest = g
                .members(trace)
                .filter_map(|m| trace.span(m))
                .map(|s| s.raw.duration_nanos)
                .max()
                .unwrap_or(0);
            if longest < o.min_nanos {
                out.short_hidden += last - i;
            } else if g.members(trace).any(|m| {
                shown(m.get())
                    && trace
                        .span(m)
                        .is_some_and(|s| s.raw.duration_nanos >= o.min_nanos)
            }) {
                out.ixs.push(SpanIx::at(i));
            }
            i = last.max(i + 1);
            continue;
        }
        if span.raw.duration_nanos < o.min_nanos {
            out.short_hidden += after - i;
            i = after.max(i + 1);
            continue;
        }
        if shown(i) {
            out.ixs.push(SpanIx::at(i));
        }
        if o.collapsed.get(i).copied().unwrap_or(false) {
            i = after.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The spans in `matches` and all their ancestors: "show only matches" keeps
/// the path from the root to each match.
pub fn with_ancestors(trace: &Trace, matches: &[SpanIx]) -> Vec<bool> {
    let mut keep = vec![false; trace.spans.len()];
    for &m in matches {
        let mut at = Some(m.get());
        while let Some(ix) = at {
            match keep.get_mut(ix) {
                Some(k) if !*k => *k = true,
                _ => break, // already kept: so are its ancestors
            }
            at = trace.spans.get(ix).and_then(|s| s.parent).map(|p| p.get());
        }
    }
    keep
}

/// Spans whose service is not hidden (`hidden` is indexed like
/// [`Trace::services`]).
pub fn service_shown(trace: &Trace, hidden: &[bool]) -> Vec<bool> {
    let hidden_ids: crate::model::hash::FxHashSet<crate::model::strings::StrId> = trace
        .services
        .iter()
        .zip(hidden)
        .filter(|(_, h)| **h)
        .map(|((s, _), _)| *s)
        .collect();
    trace
        .spans
        .iter()
        .map(|s| !hidden_ids.contains(&s.raw.service))
        .collect()
}

/// Collapsed flags that show the tree down to `depth` levels (root = 1).
pub fn collapsed_below(trace: &Trace, depth: u32) -> Vec<bool> {
    trace
        .spans
        .iter()
        .map(|s| s.child_count > 0 && s.depth >= depth)
        .collect()
}

/// Expands the ancestors of `ix` so that its row is visible. Returns true
/// when anything changed.
pub fn reveal(trace: &Trace, collapsed: &mut [bool], ix: SpanIx) -> bool {
    let mut changed = false;
    let mut at = trace.span(ix).and_then(|s| s.parent);
    while let Some(p) = at {
        if let Some(c) = collapsed.get_mut(p.get()) {
            changed |= std::mem::replace(c, false);
        }
        at = trace.span(p).and_then(|s| s.parent);
    }
    changed
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

/// Tallest scrolling element the timeline makes when the browser's own limit
/// is not known: every browser lays out this much (Firefox stops at about
/// 17.9M px, Chromium at 2^25 px, about 1.4M rows of 24 px). Past the limit
/// the scroll position is scaled onto the rows, and every row in view moves
/// with each scroll step, so the page measures the browser's limit once a
/// trace needs more (see [`ScrollMap::with_limit`]).
pub const MAX_SPACER_PX: f64 = 16_000_000.0;

/// Where a scroll position falls among rows too many for one element: the
/// spacer is at most [`MAX_SPACER_PX`] tall, and the scroll range maps onto
/// the whole content linearly, so the first and the last row are both
/// reachable whatever the count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScrollMap {
    content_px: f64,
    viewport_px: f64,
    max_px: f64,
}

impl ScrollMap {
    /// `rows` rows of `row_px` in a viewport `viewport_px` tall, in a
    /// spacer of at most [`MAX_SPACER_PX`].
    pub fn new(rows: usize, row_px: f64, viewport_px: f64) -> ScrollMap {
        ScrollMap::with_limit(rows, row_px, viewport_px, MAX_SPACER_PX)
    }

    /// [`ScrollMap::new`] in a spacer of at most `max_px` (the browser's
    /// measured limit; never less than [`MAX_SPACER_PX`]).
    pub fn with_limit(rows: usize, row_px: f64, viewport_px: f64, max_px: f64) -> ScrollMap {
        ScrollMap {
            content_px: rows as f64 * row_px.max(0.0),
            viewport_px: viewport_px.max(0.0),
            max_px: max_px.max(MAX_SPACER_PX),
        }
    }

    /// True when `rows` rows of `row_px` need more than [`MAX_SPACER_PX`]:
    /// only then is the browser's own limit worth measuring.
    pub fn beyond_default(rows: usize, row_px: f64) -> bool {
        rows as f64 * row_px > MAX_SPACER_PX
    }

    /// Height of the scrolling element.
    pub fn spacer_px(&self) -> f64 {
        self.content_px.min(self.max_px)
    }

    /// True when the rows are too many for one element and scrolling is scaled.
    pub fn scaled(&self) -> bool {
        self.content_px > self.max_px
    }

    /// Content pixels per scrolled pixel (1 unless the rows are too many).
    fn ratio(&self) -> f64 {
        if self.content_px <= self.max_px {
            return 1.0;
        }
        let scrollable = (self.max_px - self.viewport_px).max(1.0);
        ((self.content_px - self.viewport_px).max(0.0) / scrollable).max(1.0)
    }

    /// The content position shown at the top for a scroll position.
    pub fn content_top(&self, scroll_top_px: f64) -> f64 {
        scroll_top_px.max(0.0) * self.ratio()
    }

    /// The scroll position that shows content position `content_top_px` at the top.
    pub fn scroll_for(&self, content_top_px: f64) -> f64 {
        content_top_px.max(0.0) / self.ratio()
    }

    /// Where a row at content position `content_px` sits in the spacer.
    pub fn place(&self, content_px: f64, scroll_top_px: f64) -> f64 {
        content_px - (self.content_top(scroll_top_px) - scroll_top_px.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_that_lays_out_taller_elements_scrolls_a_million_rows_unscaled() {
        // Chromium lays out ~33.5M px: a million rows (24M px) need no scaling
        // there, so rows stay put while the page scrolls natively.
        let chromium = ScrollMap::with_limit(1_000_000, 24.0, 600.0, 31_000_000.0);
        assert!(!chromium.scaled());
        assert_eq!(chromium.spacer_px(), 24_000_000.0);
        assert_eq!(chromium.place(12_000_000.0, 12_000_000.0), 12_000_000.0);
        // With the default limit the same rows are scaled; a limit measured
        // below it is not believed.
        assert!(ScrollMap::new(1_000_000, 24.0, 600.0).scaled());
        assert!(ScrollMap::with_limit(1_000_000, 24.0, 600.0, 1_000.0).scaled());
        assert_eq!(
            ScrollMap::with_limit(1_000, 24.0, 600.0, 1_000.0).spacer_px(),
            24_000.0
        );
        assert!(ScrollMap::beyond_default(1_000_000, 24.0));
        assert!(!ScrollMap::beyond_default(100_000, 24.0));
        // Two million rows are past even Chromium's limit: scaled, and the
        // last row is reachable.
        let two = ScrollMap::with_limit(2_000_000, 24.0, 600.0, 31_000_000.0);
        assert!(two.scaled());
        let end = two.content_top(31_000_000.0 - 600.0);
        assert!((end - (48_000_000.0 - 600.0)).abs() < 1.0, "{end}");
    }

    #[test]
    fn rows_past_the_tallest_element_stay_reachable() {
        // Few rows: positions are what they are.
        let few = ScrollMap::new(1_000, 24.0, 600.0);
        assert!(!few.scaled());
        assert_eq!(few.spacer_px(), 24_000.0);
        assert_eq!(few.content_top(1_200.0), 1_200.0);
        assert_eq!(few.place(1_200.0, 1_200.0), 1_200.0);
        // Five million rows: the spacer stops at the limit, the end of its
        // scroll range shows the last rows, and the rows in view are placed
        // inside the viewport.
        let many = ScrollMap::new(5_000_000, 24.0, 600.0);
        assert!(many.scaled());
        assert_eq!(many.spacer_px(), MAX_SPACER_PX);
        let end = MAX_SPACER_PX - 600.0;
        let top = many.content_top(end);
        assert!((top - (5_000_000.0 * 24.0 - 600.0)).abs() < 1.0, "{top}");
        let window = row_window(top, 600.0, 24.0, 5_000_000, 0);
        assert_eq!(window.end, 5_000_000);
        let last_row_at = many.place((5_000_000.0 - 1.0) * 24.0, end);
        assert!(
            last_row_at >= end && last_row_at + 24.0 <= end + 600.0 + 0.5,
            "{last_row_at}"
        );
        // Scrolling to a row and reading it back agree.
        let row = 3_333_333.0 * 24.0;
        assert!((many.content_top(many.scroll_for(row)) - row).abs() < 1e-3);
    }

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
