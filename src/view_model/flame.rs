//! The flame graph: spans as boxes, x = time within the focused span,
//! y = depth below it. Children sit under their parent, so the part of a box
//! with nothing under it is the span's self time.
//!
//! ```text
//! |GET /checkout ............................................|  row 0
//!    |auth-client|     |cart-client .................|            row 1
//!     |verify|           |GetCart ..................|              row 2
//! ```
//!
//! Boxes narrower than `min_px` are not laid out one by one: each row's are
//! counted into a [`DensityBand`] drawn under the boxes. The layout is one
//! pass over the focused subtree.

use super::density::DensityBand;
use crate::model::{SpanIx, Trace};

/// One box to draw, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlameBox {
    /// Arena index of the span.
    pub ix: SpanIx,
    /// Left edge.
    pub x: f32,
    /// Width.
    pub w: f32,
    /// Row (0 = the focused span, or the roots).
    pub row: u32,
}

/// The boxes to draw and, per row, the spans too narrow to draw as boxes.
#[derive(Clone, Debug, Default)]
pub struct FlameLayout {
    /// Boxes at least `min_px` wide, in arena order.
    pub boxes: Vec<FlameBox>,
    /// `bands[row]`: the narrower spans of that row.
    pub bands: Vec<DensityBand>,
}

/// Boxes of the subtree of `focus` (or the whole trace) across `width_px`,
/// leaving out those narrower than `min_px`.
pub fn layout(trace: &Trace, focus: Option<SpanIx>, width_px: f64, min_px: f64) -> Vec<FlameBox> {
    layout_with_density(trace, focus, width_px, min_px, 0).boxes
}

/// As [`layout`], counting the spans narrower than `min_px` into density
/// bands for the first `band_rows` rows.
pub fn layout_with_density(
    trace: &Trace,
    focus: Option<SpanIx>,
    width_px: f64,
    min_px: f64,
    band_rows: u32,
) -> FlameLayout {
    let window = match focus.and_then(|f| trace.span(f)) {
        Some(s) => (s.raw.start_unix_nanos, s.end_unix_nanos()),
        None => (trace.start_unix_nanos, trace.end_unix_nanos),
    };
    layout_in(trace, focus, window, width_px, min_px, band_rows)
}

/// The boxes of the subtree of `focus` (or the whole trace) that fall in
/// the time `window` (absolute nanoseconds), which spans `width_px`: the
/// flame graph zoomed. Spans wholly outside the window are left out.
pub fn layout_in(
    trace: &Trace,
    focus: Option<SpanIx>,
    (t0, t1): (u64, u64),
    width_px: f64,
    min_px: f64,
    band_rows: u32,
) -> FlameLayout {
    let (range, base_depth) = match focus.and_then(|f| trace.span(f).map(|s| (f, s))) {
        Some((f, s)) => (f.get()..=s.subtree_end as usize, s.depth),
        None => (0..=trace.spans.len().saturating_sub(1), 1),
    };
    let mut out = FlameLayout::default();
    if trace.spans.is_empty() {
        return out;
    }
    let t1 = t1.max(t0);
    let scale = width_px / (t1.saturating_sub(t0).max(1) as f64);
    for ix in range {
        let Some(s) = trace.spans.get(ix) else { break };
        let end = s.end_unix_nanos();
        if end < t0 || s.raw.start_unix_nanos > t1 || (end == t0 && s.raw.start_unix_nanos < t0) {
            continue;
        }
        let a = (s.raw.start_unix_nanos.max(t0).min(t1) - t0) as f64 * scale;
        let b = (end.max(t0).min(t1) - t0) as f64 * scale;
        let row = s.depth.saturating_sub(base_depth);
        if b - a < min_px {
            if row < band_rows {
                let r = row as usize;
                if out.bands.len() <= r {
                    out.bands.resize_with(r + 1, DensityBand::default);
                }
                out.bands[r].add(a, b, SpanIx::at(ix));
            }
            continue;
        }
        out.boxes.push(FlameBox {
            ix: SpanIx::at(ix),
            x: a as f32,
            w: (b - a) as f32,
            row,
        });
    }
    out
}

/// The box under the point (`x` pixels, `row`), if any.
pub fn hit(boxes: &[FlameBox], x: f64, row: u32) -> Option<SpanIx> {
    boxes
        .iter()
        .rev()
        .find(|b| b.row == row && f64::from(b.x) <= x && x <= f64::from(b.x + b.w))
        .map(|b| b.ix)
}
