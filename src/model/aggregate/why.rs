//! Why the selected traces differ from the rest: every `key = value` ranked
//! by how much more often the selected traces hold it, and the self time per
//! `service: operation` in each group.
//!
//! ```text
//! 10 shown, 2 selected (slow)        selected  rest   difference
//! feature.flag = new-cart             2/2 100%  1/8 13%   +87%   ← first
//! region = eu                         1/2  50%  4/8 50%     0    (not ranked)
//! user.id: 10 values, folded                                     (one line)
//! ```
//!
//! A trace holds a pair when any of its spans (or their resources) does;
//! it counts once however many spans hold it. Pairs the selection holds no
//! more often than the rest are left out. A key whose values are nearly
//! unique per trace ([`is_unique_per_trace`]) is folded into one line: any
//! of its values, held by one trace, would otherwise rank by chance.

use super::{NameIds, PairIds};
use crate::model::trace::Trace;

/// One ranked `key = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhyRow {
    /// Key as written in the file (or `status`, `kind`, `name`).
    pub key: String,
    /// Value as text.
    pub value: String,
    /// Selected traces holding it.
    pub selected: u32,
    /// Other traces holding it.
    pub rest: u32,
}

/// A key folded because its values are nearly unique per trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldedKey {
    /// The key.
    pub key: String,
    /// Its distinct values.
    pub values: u32,
    /// Traces holding it.
    pub traces: u32,
}

/// Self time of one `service: operation`, per trace, in each group.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeRow {
    /// Service.
    pub service: String,
    /// Operation.
    pub operation: String,
    /// Its total self time over the selected traces, nanoseconds.
    pub selected_nanos: u64,
    /// Its total self time over the other traces.
    pub rest_nanos: u64,
    /// Mean per selected trace.
    pub selected_mean_nanos: f64,
    /// Mean per other trace.
    pub rest_mean_nanos: f64,
}

impl TimeRow {
    /// How much more time the selection spends here per trace.
    pub fn extra_nanos(&self) -> f64 {
        self.selected_mean_nanos - self.rest_mean_nanos
    }
}

/// The why view's answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WhyReport {
    /// Selected traces.
    pub selected: u32,
    /// The other traces.
    pub rest: u32,
    /// Pairs the selection holds more often, most over-represented first.
    pub rows: Vec<WhyRow>,
    /// Keys folded, by key.
    pub folded: Vec<FoldedKey>,
    /// Self time per `service: operation`, largest extra per selected
    /// trace first.
    pub time: Vec<TimeRow>,
}

impl WhyReport {
    /// Share of the selected traces holding `row`, 0–1.
    pub fn selected_share(&self, row: &WhyRow) -> f64 {
        share(row.selected, self.selected)
    }

    /// Share of the other traces holding `row`, 0–1.
    pub fn rest_share(&self, row: &WhyRow) -> f64 {
        share(row.rest, self.rest)
    }
}

fn share(count: u32, of: u32) -> f64 {
    if of == 0 {
        0.0
    } else {
        f64::from(count) / f64::from(of)
    }
}

/// True when a key with `values` distinct values, `single` of them held by
/// one trace only, is folded: more than two values, and at least four in
/// five held by one trace (ids, timestamps). A key with many values that
/// recur across traces (operation names, status codes) is ranked.
pub fn is_unique_per_trace(values: u32, single: u32) -> bool {
    values > 2 && u64::from(single) * 5 >= u64::from(values) * 4
}

/// The order of two pairs, each given as (selected traces holding it, other
/// traces holding it) out of `groups` (selected traces, other traces): the
/// larger difference of shares first, then the larger ratio (a pair the rest
/// never holds has an infinite one), then by key and value. Compared in
/// integers, so that two pairs whose shares differ by the same amount tie
/// and go by ratio (in floats, `2/4 − 10/34` and `4/4 − 27/34` differ by
/// rounding).
pub fn rank_order(a: (u32, u32), b: (u32, u32), groups: (u32, u32)) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    // Shares over the common denominators max(n, 1); 0 out of an empty group.
    let num = |count: u32, of: u32| if of == 0 { 0 } else { i128::from(count) };
    let (ds, dr) = (i128::from(groups.0.max(1)), i128::from(groups.1.max(1)));
    let (sa, ra) = (num(a.0, groups.0), num(a.1, groups.1));
    let (sb, rb) = (num(b.0, groups.0), num(b.1, groups.1));
    // The difference of shares times ds·dr.
    let diff = |s: i128, r: i128| s * dr - r * ds;
    diff(sb, rb)
        .cmp(&diff(sa, ra))
        .then_with(|| match (ra == 0, rb == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // sa/ra against sb/rb: the denominators cancel.
            (false, false) => (sb * ra).cmp(&(sa * rb)),
        })
}

/// Gathers the why view one trace at a time.
#[derive(Default)]
pub struct WhyBuilder {
    pairs: PairIds,
    /// Per pair: selected and other traces holding it.
    counts: Vec<[u32; 2]>,
    /// Per pair: the last trace that counted it (trace number + 1).
    last: Vec<u32>,
    /// Per key: traces holding it, and the last trace that counted it.
    key_traces: Vec<(u32, u32)>,
    traces: u32,
    groups: [u32; 2],
    names: NameIds,
    /// Per name: total self time in the selected and the other traces.
    self_nanos: Vec<[u64; 2]>,
}

impl WhyBuilder {
    /// An empty builder.
    pub fn new() -> WhyBuilder {
        WhyBuilder::default()
    }

    /// Counts `trace`, in the selection or in the rest.
    pub fn add(&mut self, trace: &Trace, selected: bool) {
        self.traces += 1;
        let stamp = self.traces;
        let group = usize::from(!selected);
        self.groups[group] += 1;
        let (counts, last, key_traces) = (&mut self.counts, &mut self.last, &mut self.key_traces);
        self.pairs.for_each(trace, |id, key| {
            let id = id as usize;
            if id >= last.len() {
                last.resize(id + 1, 0);
                counts.resize(id + 1, [0, 0]);
            }
            if last[id] != stamp {
                last[id] = stamp;
                counts[id][group] += 1;
                let key = key as usize;
                if key >= key_traces.len() {
                    key_traces.resize(key + 1, (0, 0));
                }
                if key_traces[key].1 != stamp {
                    key_traces[key] = (key_traces[key].0 + 1, stamp);
                }
            }
        });
        for span in &trace.spans {
            let name = self.names.id(trace, span.raw.service, span.raw.name) as usize;
            if name >= self.self_nanos.len() {
                self.self_nanos.resize(name + 1, [0, 0]);
            }
            let at = &mut self.self_nanos[name][group];
            *at = at.saturating_add(span.self_nanos);
        }
    }

    /// Ranks what was gathered.
    pub fn finish(self) -> WhyReport {
        let [selected, rest] = self.groups;
        // Distinct values per key, and those held by one trace only.
        let mut values = vec![0u32; self.pairs.keys.len()];
        let mut single = vec![0u32; self.pairs.keys.len()];
        for (&key, c) in self.pairs.pair_key.iter().zip(&self.counts) {
            if let Some(v) = values.get_mut(key as usize) {
                *v += 1;
            }
            if let Some(v) = single.get_mut(key as usize).filter(|_| c[0] + c[1] == 1) {
                *v += 1;
            }
        }
        let traces_of = |key: u32| self.key_traces.get(key as usize).map_or(0, |k| k.0);
        let folded_key = |key: u32| {
            is_unique_per_trace(
                values.get(key as usize).copied().unwrap_or(0),
                single.get(key as usize).copied().unwrap_or(0),
            )
        };
        let mut rows: Vec<WhyRow> = Vec::new();
        let pairs = self.pairs.pairs.iter().zip(&self.pairs.pair_key);
        for (((key, value), &key_id), c) in pairs.zip(&self.counts) {
            let (s, r) = (share(c[0], selected), share(c[1], rest));
            if s > r && !folded_key(key_id) {
                rows.push(WhyRow {
                    key: key.clone(),
                    value: value.clone(),
                    selected: c[0],
                    rest: c[1],
                });
            }
        }
        rows.sort_by(|a, b| {
            rank_order((a.selected, a.rest), (b.selected, b.rest), (selected, rest))
                .then_with(|| a.key.cmp(&b.key))
                .then_with(|| a.value.cmp(&b.value))
        });
        let mut folded: Vec<FoldedKey> = (0..self.pairs.keys.len() as u32)
            .filter(|&k| folded_key(k))
            .map(|k| FoldedKey {
                key: self.pairs.keys.get(k as usize).cloned().unwrap_or_default(),
                values: values.get(k as usize).copied().unwrap_or(0),
                traces: traces_of(k),
            })
            .collect();
        folded.sort_by(|a, b| a.key.cmp(&b.key));
        let mean = |total: u64, n: u32| {
            if n == 0 {
                0.0
            } else {
                total as f64 / f64::from(n)
            }
        };
        let mut time: Vec<TimeRow> = self
            .names
            .names
            .iter()
            .zip(&self.self_nanos)
            .map(|((service, operation), t)| TimeRow {
                service: service.clone(),
                operation: operation.clone(),
                selected_nanos: t[0],
                rest_nanos: t[1],
                selected_mean_nanos: mean(t[0], selected),
                rest_mean_nanos: mean(t[1], rest),
            })
            .collect();
        // The extra per selected trace times max(selected, 1)·max(rest, 1),
        // in integers: equal extras tie exactly (as in `rank_order`).
        let extra = |r: &TimeRow| {
            let s = if selected == 0 {
                0
            } else {
                i128::from(r.selected_nanos) * i128::from(rest.max(1))
            };
            let o = if rest == 0 {
                0
            } else {
                i128::from(r.rest_nanos) * i128::from(selected.max(1))
            };
            s - o
        };
        time.sort_by(|a, b| {
            extra(b)
                .cmp(&extra(a))
                .then_with(|| a.service.cmp(&b.service))
                .then_with(|| a.operation.cmp(&b.operation))
        });
        WhyReport {
            selected,
            rest,
            rows,
            folded,
            time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fold_and_recurring_values_do_not() {
        // user.id: one value per trace.
        assert!(is_unique_per_trace(200, 200));
        // 30 operation names over 20 traces, each in several traces.
        assert!(!is_unique_per_trace(30, 0));
        // Two values can always be compared.
        assert!(!is_unique_per_trace(2, 2));
        // Mostly unique, a few repeats: still an id.
        assert!(is_unique_per_trace(100, 80));
        assert!(!is_unique_per_trace(100, 79));
    }
}
