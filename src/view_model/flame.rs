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
//! Boxes narrower than a pixel are left out (their share of the width is
//! drawn by the parent); the layout is one pass over the focused subtree.

use crate::model::Trace;

/// One box to draw, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlameBox {
    /// Arena index of the span.
    pub ix: u32,
    /// Left edge.
    pub x: f32,
    /// Width.
    pub w: f32,
    /// Row (0 = the focused span, or the roots).
    pub row: u32,
}

/// Boxes of the subtree of `focus` (or the whole trace) across `width_px`,
/// leaving out those narrower than `min_px`.
pub fn layout(trace: &Trace, focus: Option<u32>, width_px: f64, min_px: f64) -> Vec<FlameBox> {
    let (range, base_depth, t0, t1) =
        match focus.and_then(|f| trace.spans.get(f as usize).map(|s| (f, s))) {
            Some((f, s)) => (
                f as usize..=s.subtree_end as usize,
                s.depth,
                s.raw.start_unix_nanos,
                s.end_unix_nanos(),
            ),
            None => (
                0..=trace.spans.len().saturating_sub(1),
                1,
                trace.start_unix_nanos,
                trace.end_unix_nanos,
            ),
        };
    let mut out = Vec::new();
    if trace.spans.is_empty() {
        return out;
    }
    let scale = width_px / (t1.saturating_sub(t0).max(1) as f64);
    for ix in range {
        let Some(s) = trace.spans.get(ix) else { break };
        let a = (s.raw.start_unix_nanos.max(t0).min(t1) - t0) as f64 * scale;
        let b = (s.end_unix_nanos().max(t0).min(t1) - t0) as f64 * scale;
        if b - a < min_px {
            continue;
        }
        out.push(FlameBox {
            ix: ix as u32,
            x: a as f32,
            w: (b - a) as f32,
            row: s.depth.saturating_sub(base_depth),
        });
    }
    out
}

/// The box under the point (`x` pixels, `row`), if any.
pub fn hit(boxes: &[FlameBox], x: f64, row: u32) -> Option<u32> {
    boxes
        .iter()
        .rev()
        .find(|b| b.row == row && f64::from(b.x) <= x && x <= f64::from(b.x + b.w))
        .map(|b| b.ix)
}
