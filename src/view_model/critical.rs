//! The critical path arranged for drawing: per span, its sections on the path.

use crate::model::analysis::Section;
use crate::model::hash::FxHashMap;
use crate::model::SpanIx;
use crate::view_model::TimeScale;

/// Critical-path sections grouped by span (arena index), and the total.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CriticalPath {
    /// Sections latest first, as computed.
    pub sections: Vec<Section>,
    by_span: FxHashMap<SpanIx, Vec<(u64, u64)>>,
}

impl CriticalPath {
    /// Groups `sections` by span.
    pub fn new(sections: Vec<Section>) -> CriticalPath {
        let mut by_span: FxHashMap<SpanIx, Vec<(u64, u64)>> = FxHashMap::default();
        for s in &sections {
            by_span
                .entry(s.span)
                .or_default()
                .push((s.start_unix_nanos, s.end_unix_nanos));
        }
        CriticalPath { sections, by_span }
    }

    /// The stretches of span `ix` on the path.
    pub fn of(&self, ix: SpanIx) -> &[(u64, u64)] {
        self.by_span.get(&ix).map_or(&[], Vec::as_slice)
    }

    /// Time span `ix` spends on the path.
    pub fn nanos_of(&self, ix: SpanIx) -> u64 {
        self.of(ix).iter().map(|(a, b)| b.saturating_sub(*a)).sum()
    }

    /// Spans on the path in the order they first appear on it (earliest first),
    /// each with its time on the path. Linear in the sections: a bitset
    /// remembers the spans already listed.
    pub fn spans_in_order(&self) -> Vec<(SpanIx, u64)> {
        let words = self
            .sections
            .iter()
            .map(|s| s.span.0 as usize / 64 + 1)
            .max()
            .unwrap_or(0);
        let mut seen = vec![0u64; words];
        let mut out: Vec<(SpanIx, u64)> = Vec::with_capacity(self.by_span.len());
        for s in self.sections.iter().rev() {
            let ix = s.span;
            let (word, bit) = (ix.get() / 64, 1u64 << (ix.0 % 64));
            if let Some(w) = seen.get_mut(word) {
                if *w & bit == 0 {
                    *w |= bit;
                    out.push((ix, self.nanos_of(ix)));
                }
            }
        }
        out
    }

    /// When the path ends: the latest end of any root's path.
    pub fn end_unix_nanos(&self) -> Option<u64> {
        self.sections.iter().map(|s| s.end_unix_nanos).max()
    }

    /// Distinct spans on the path.
    pub fn span_count(&self) -> usize {
        self.by_span.len()
    }

    /// The stretches of span `ix` on the path as drawn on `scale`, at most
    /// one per `1/resolution` of the axis: stretches inside the view, in time
    /// order, those less than that apart merged. The root of a batch job with
    /// 200k children has 200k stretches; its row draws a few hundred.
    pub fn drawn(&self, ix: SpanIx, scale: &TimeScale, resolution: u32) -> Vec<(u64, u64)> {
        let from = scale.start_unix_nanos;
        let to = from.saturating_add(scale.span_nanos);
        let gap = (scale.span_nanos / u64::from(resolution.max(1))).max(1);
        let mut inside: Vec<(u64, u64)> = self
            .of(ix)
            .iter()
            .filter(|&&(a, b)| b >= from && a <= to)
            .map(|&(a, b)| (a.max(from), b.min(to)))
            .collect();
        inside.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::new();
        for (a, b) in inside {
            match out.last_mut() {
                Some(last) if a <= last.1.saturating_add(gap) => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    }

    /// Length of the path.
    pub fn total_nanos(&self) -> u64 {
        self.sections
            .iter()
            .map(|s| s.end_unix_nanos.saturating_sub(s.start_unix_nanos))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(span: u32, a: u64, b: u64) -> Section {
        Section {
            span: SpanIx(span),
            start_unix_nanos: a,
            end_unix_nanos: b,
        }
    }

    #[test]
    fn a_root_with_many_stretches_draws_few() {
        // The root waits between 200k children: a stretch in each gap.
        let sections: Vec<Section> = (0..200_000u64)
            .rev()
            .map(|i| section(0, i * 10, i * 10 + 1))
            .collect();
        let path = CriticalPath::new(sections);
        let whole = TimeScale::new(0, 2_000_000);
        let drawn = path.drawn(SpanIx(0), &whole, 1000);
        assert!(drawn.len() <= 1000, "{} pieces", drawn.len());
        assert_eq!(drawn.first().map(|d| d.0), Some(0));
        assert_eq!(drawn.last().map(|d| d.1), Some(1_999_991));
        // Zoomed to 100 ns: each stretch is visible on its own.
        let zoomed = TimeScale::new(1_000, 100);
        assert_eq!(path.drawn(SpanIx(0), &zoomed, 1000).len(), 11);
        assert_eq!(path.spans_in_order().len(), 1);
    }
}
