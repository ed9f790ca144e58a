//! The critical path arranged for drawing: per span, its sections on the path.

use crate::model::analysis::Section;
use crate::model::hash::FxHashMap;

/// Critical-path sections grouped by span (arena index), and the total.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CriticalPath {
    /// Sections latest first, as computed.
    pub sections: Vec<Section>,
    by_span: FxHashMap<u32, Vec<(u64, u64)>>,
}

impl CriticalPath {
    /// Groups `sections` by span.
    pub fn new(sections: Vec<Section>) -> CriticalPath {
        let mut by_span: FxHashMap<u32, Vec<(u64, u64)>> = FxHashMap::default();
        for s in &sections {
            by_span
                .entry(s.span.0)
                .or_default()
                .push((s.start_unix_nanos, s.end_unix_nanos));
        }
        CriticalPath { sections, by_span }
    }

    /// The stretches of span `ix` on the path.
    pub fn of(&self, ix: u32) -> &[(u64, u64)] {
        self.by_span.get(&ix).map_or(&[], Vec::as_slice)
    }

    /// Time span `ix` spends on the path.
    pub fn nanos_of(&self, ix: u32) -> u64 {
        self.of(ix).iter().map(|(a, b)| b.saturating_sub(*a)).sum()
    }

    /// Spans on the path in the order they first appear on it (earliest first),
    /// each with its time on the path. Linear in the sections: a bitset
    /// remembers the spans already listed.
    pub fn spans_in_order(&self) -> Vec<(u32, u64)> {
        let words = self
            .sections
            .iter()
            .map(|s| s.span.0 as usize / 64 + 1)
            .max()
            .unwrap_or(0);
        let mut seen = vec![0u64; words];
        let mut out: Vec<(u32, u64)> = Vec::with_capacity(self.by_span.len());
        for s in self.sections.iter().rev() {
            let ix = s.span.0;
            let (word, bit) = (ix as usize / 64, 1u64 << (ix % 64));
            if let Some(w) = seen.get_mut(word) {
                if *w & bit == 0 {
                    *w |= bit;
                    out.push((ix, self.nanos_of(ix)));
                }
            }
        }
        out
    }

    /// Distinct spans on the path.
    pub fn span_count(&self) -> usize {
        self.by_span.len()
    }

    /// Length of the path.
    pub fn total_nanos(&self) -> u64 {
        self.sections
            .iter()
            .map(|s| s.end_unix_nanos.saturating_sub(s.start_unix_nanos))
            .sum()
    }
}
