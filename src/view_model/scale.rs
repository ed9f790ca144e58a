//! The time axis: nanoseconds since the trace start ↔ fractions of the width.

use crate::model::format;

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

/// Ruler ticks over `0..span_nanos`: offsets at a 1/2/5 step giving at most
/// `max_ticks` intervals, each with its label.
pub fn ticks(span_nanos: u64, max_ticks: u32) -> Vec<(u64, String)> {
    let span = span_nanos.max(1);
    let rough = span.div_ceil(u64::from(max_ticks.max(1)));
    let mut step = 1u64;
    'search: loop {
        for m in [1u64, 2, 5] {
            let s = step.saturating_mul(m);
            if s >= rough {
                step = s;
                break 'search;
            }
        }
        step = step.saturating_mul(10);
    }
    let mut out = Vec::new();
    let mut t = 0u64;
    while t <= span {
        out.push((
            t,
            if t == 0 {
                String::from("0")
            } else {
                format::duration(t)
            },
        ));
        t = t.saturating_add(step);
        if step == 0 {
            break;
        }
    }
    out
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
}
