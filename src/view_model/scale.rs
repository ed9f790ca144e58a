//! The time axis: nanoseconds since the trace start ↔ fractions of the width.

use crate::model::{text, Span, Trace};

/// Maps a time range of the trace onto `0.0..=1.0` of the timeline width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeScale {
    /// Absolute time shown at the left edge.
    pub start_unix_nanos: u64,
    /// Nanoseconds the width spans (at least 1).
    pub span_nanos: u64,
}

impl TimeScale {
    /// A scale showing `start..start+span`.
    pub fn new(start_unix_nanos: u64, span_nanos: u64) -> TimeScale {
        TimeScale {
            start_unix_nanos,
            span_nanos: span_nanos.max(1),
        }
    }

    /// The part `from..to` (fractions of `0..1`) of a trace starting at
    /// `start_unix_nanos` and lasting `duration_nanos`: the zoomed timeline.
    pub fn zoomed(start_unix_nanos: u64, duration_nanos: u64, (from, to): (f64, f64)) -> TimeScale {
        let (from, to) = clamp_zoom(from, to);
        let d = duration_nanos as f64;
        TimeScale::new(
            start_unix_nanos.saturating_add((from * d) as u64),
            ((to - from) * d).round() as u64,
        )
    }

    /// Absolute time at fraction `f` of the width.
    pub fn time_at(&self, f: f64) -> u64 {
        (self.start_unix_nanos as f64 + f * self.span_nanos as f64).max(0.0) as u64
    }

    /// Fraction of the width where `unix_nanos` falls (may be outside 0..1).
    pub fn fraction(&self, unix_nanos: u64) -> f64 {
        (unix_nanos as f64 - self.start_unix_nanos as f64) / self.span_nanos as f64
    }

    /// Left edge and width of a bar, as percentages clamped to the axis.
    pub fn bar_percent(&self, start_unix_nanos: u64, duration_nanos: u64) -> (f64, f64) {
        let left = self.fraction(start_unix_nanos).clamp(0.0, 1.0);
        let right = self
            .fraction(start_unix_nanos.saturating_add(duration_nanos))
            .clamp(0.0, 1.0);
        (left * 100.0, (right - left).max(0.0) * 100.0)
    }
}

/// Where `span` lies in `trace`, as fractions of the trace's duration
/// (not clamped: the zoom that fits the span, before any room is added).
pub fn span_range(trace: &Trace, span: &Span) -> (f64, f64) {
    let dur = trace.duration_nanos().max(1) as f64;
    let from = span
        .raw
        .start_unix_nanos
        .saturating_sub(trace.start_unix_nanos) as f64
        / dur;
    (from, from + span.raw.duration_nanos as f64 / dur)
}

/// A zoom range made sane: inside `0..1`, ordered, at least a millionth wide.
pub fn clamp_zoom(from: f64, to: f64) -> (f64, f64) {
    let from = if from.is_finite() {
        from.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let to = if to.is_finite() {
        to.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let (a, b) = if from <= to { (from, to) } else { (to, from) };
    const MIN: f64 = 1e-6;
    if b - a >= MIN {
        (a, b)
    } else if a + MIN <= 1.0 {
        (a, a + MIN)
    } else {
        (1.0 - MIN, 1.0)
    }
}

/// Zooms `(from, to)` by `factor` (< 1 zooms in) around the fraction `at`.
pub fn zoom_by((from, to): (f64, f64), factor: f64, at: f64) -> (f64, f64) {
    let width = ((to - from) * factor).clamp(1e-6, 1.0);
    let at = at.clamp(from, to);
    let rel = if to > from {
        (at - from) / (to - from)
    } else {
        0.5
    };
    let mut a = at - rel * width;
    let mut b = a + width;
    if a < 0.0 {
        b -= a;
        a = 0.0;
    }
    if b > 1.0 {
        a -= b - 1.0;
        b = 1.0;
    }
    clamp_zoom(a, b)
}

/// Moves `(from, to)` by `by` of its own width (negative = earlier),
/// keeping its width and stopping at the trace's ends.
pub fn pan_by((from, to): (f64, f64), by: f64) -> (f64, f64) {
    let width = (to - from).clamp(1e-6, 1.0);
    let step = if by.is_finite() { by * width } else { 0.0 };
    let a = (from + step).clamp(0.0, 1.0 - width);
    clamp_zoom(a, a + width)
}

/// The zoom factor for a wheel turn of `delta_px` pixels (positive = away
/// from the user = zoom out, as in every map and Perfetto): one notch of
/// 100 px scales the range by about 1.25, and one event never more than 4×.
pub fn wheel_factor(delta_px: f64) -> f64 {
    if !delta_px.is_finite() {
        return 1.0;
    }
    (delta_px.clamp(-600.0, 600.0) * 0.00223).exp()
}

/// The range a drag on a time axis pans to: `dx` of `width_px` pixels moved
/// the time under the pointer with it (dragging right shows earlier time).
pub fn drag_pan(zoom: (f64, f64), dx_px: f64, width_px: f64) -> (f64, f64) {
    if width_px <= 0.0 {
        return zoom;
    }
    pan_by(zoom, -dx_px / width_px)
}

/// Fractions of the trace for a range selected between two points of the
/// axis (`a`, `b` are fractions of the axis's width, in any order) while
/// `zoom` is shown.
pub fn select_range((from, to): (f64, f64), a: f64, b: f64) -> (f64, f64) {
    let at = |f: f64| from + f.clamp(0.0, 1.0) * (to - from);
    clamp_zoom(at(a.min(b)), at(a.max(b)))
}

/// Ruler ticks over `0..span_nanos`: offsets at a 1/2/5 step giving at most
/// `max_ticks` intervals, each with its label.
pub fn ticks(span_nanos: u64, max_ticks: u32) -> Vec<(u64, String)> {
    ticks_between(0, span_nanos, max_ticks)
}

/// Ruler ticks for the offsets `from..=to` (nanoseconds since the trace
/// start): the multiples of a 1/2/5 step inside the range, labelled with
/// their offset. At most `max_ticks + 1` ticks, whatever the range: the
/// arithmetic is checked, so a range reaching the end of 64-bit time ends
/// the loop instead of saturating in it.
pub fn ticks_between(from: u64, to: u64, max_ticks: u32) -> Vec<(u64, String)> {
    let max_ticks = u64::from(max_ticks.max(1));
    let end = to.max(from);
    let span = (end - from).max(1);
    let rough = span.div_ceil(max_ticks);
    let step = round_step(rough);
    let mut out = Vec::new();
    let Some(mut t) = from.div_ceil(step).checked_mul(step) else {
        return out;
    };
    for _ in 0..=max_ticks {
        if t > end {
            break;
        }
        let label = if t == 0 {
            String::from("0")
        } else {
            text::duration(t)
        };
        out.push((t, label));
        match t.checked_add(step) {
            Some(next) => t = next,
            None => break,
        }
    }
    out
}

/// The smallest 1/2/5 × 10^k at least `rough` (at least 1; the largest such
/// step that fits when `rough` is near the end of 64-bit time).
fn round_step(rough: u64) -> u64 {
    let mut decade = 1u64;
    loop {
        for m in [1u64, 2, 5] {
            match decade.checked_mul(m) {
                Some(s) if s >= rough => return s,
                Some(_) => {}
                None => return u64::MAX,
            }
        }
        match decade.checked_mul(10) {
            Some(d) => decade = d,
            None => return u64::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_clamped_to_the_axis() {
        let s = TimeScale::new(1_000, 1_000);
        assert_eq!(s.bar_percent(1_000, 500), (0.0, 50.0));
        assert_eq!(s.bar_percent(1_500, 1_000), (50.0, 50.0));
        assert_eq!(s.bar_percent(0, 100), (0.0, 0.0));
    }

    #[test]
    fn ticks_use_round_steps() {
        let t = ticks(150_000_000, 6);
        let offsets: Vec<u64> = t.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [0, 50_000_000, 100_000_000, 150_000_000]);
        assert_eq!(t[1].1, "50ms");
        assert_eq!(ticks(7, 5).len(), 4); // 0,2,4,6 ns
    }

    #[test]
    fn zoomed_ticks_follow_the_range() {
        // 120ms..130ms of a trace: ticks at 2ms steps, labelled from the start.
        let t = ticks_between(120_000_000, 130_000_000, 5);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["120ms", "122ms", "124ms", "126ms", "128ms", "130ms"]
        );
    }

    #[test]
    fn ticks_end_at_the_end_of_time() {
        for (from, to) in [
            (0, u64::MAX),
            (u64::MAX - 1, u64::MAX),
            (u64::MAX - 1_000, u64::MAX),
            (u64::MAX / 2, u64::MAX),
            (u64::MAX - 10_000_000_000, u64::MAX - 1),
            (u64::MAX, u64::MAX),
            (5, 3),
        ] {
            let t = ticks_between(from, to, 8);
            assert!(
                !t.is_empty() && t.len() <= 9,
                "{from}..{to}: {} ticks",
                t.len()
            );
            assert!(
                t.windows(2).all(|w| w[0].0 < w[1].0),
                "{from}..{to}: ordered"
            );
            assert!(
                t.iter().all(|(o, _)| *o >= from.min(to)),
                "{from}..{to}: inside"
            );
        }
        let whole = ticks(u64::MAX, 8);
        assert!(whole.len() <= 9);
        assert_eq!(whole[0].0, 0);
        for max in [1, 2, 5, 10, 100] {
            assert!(ticks_between(0, u64::MAX, max).len() <= max as usize + 1);
        }
    }

    #[test]
    fn zoom_stays_inside_the_trace() {
        assert_eq!(zoom_by((0.0, 1.0), 0.5, 0.5), (0.25, 0.75));
        assert_eq!(zoom_by((0.0, 1.0), 0.5, 0.0), (0.0, 0.5));
        assert_eq!(zoom_by((0.5, 1.0), 4.0, 0.9), (0.0, 1.0));
        assert_eq!(clamp_zoom(0.8, 0.2), (0.2, 0.8));
        assert_eq!(clamp_zoom(f64::NAN, 2.0), (0.0, 1.0));
        let s = TimeScale::zoomed(1_000, 1_000, (0.25, 0.75));
        assert_eq!((s.start_unix_nanos, s.span_nanos), (1_250, 500));
        assert_eq!(s.time_at(1.0), 1_750);
    }
}
