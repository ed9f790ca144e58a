//! Repeated siblings folded into one row: an N+1 of three hundred identical
//! queries under one parent is one row "×300 cart-api: SELECT item" with
//! their total and spread, not three hundred rows to scroll past.
//!
//! A group is a run of at least [`MIN_GROUP`] consecutive children of one
//! parent (or consecutive roots) with the same service and operation.
//! "Consecutive" is in the children's order (the arena's, by start time): a
//! run broken by one other sibling is two runs. Groups are found in one
//! pass over the arena, without recursion.
//!
//! ```text
//! parent                    parent
//! ├─ SELECT item            ├─ ×5 db: SELECT item   (one row, members folded)
//! ├─ SELECT item     →      └─ cache: GET
//! ├─ … (×5)
//! └─ cache: GET
//! ```

use crate::model::stats::p50_p90;
use crate::model::{SpanIx, Trace};

/// Fewest consecutive same-named siblings that make a group.
pub const MIN_GROUP: u32 = 5;

/// One run of repeated siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    /// The first member (the group's row stands where it would).
    pub first: SpanIx,
    /// The last member.
    pub last: SpanIx,
    /// Members.
    pub count: u32,
    /// Their parent; `None` for roots.
    pub parent: Option<SpanIx>,
}

impl Group {
    /// The last arena index the group covers (the last member's subtree).
    pub fn end(&self, trace: &Trace) -> usize {
        trace
            .span(self.last)
            .map_or(self.last.get(), |s| s.subtree_end as usize)
    }

    /// The members, in order.
    pub fn members<'a>(&self, trace: &'a Trace) -> impl Iterator<Item = SpanIx> + 'a {
        let (mut at, last, mut left) = (self.first.get(), self.last.get(), self.count);
        std::iter::from_fn(move || {
            if left == 0 || at > last {
                return None;
            }
            let here = at;
            at = trace.spans.get(here)?.subtree_end as usize + 1;
            left -= 1;
            Some(SpanIx::at(here))
        })
    }

    /// Sum, median and longest of the members' durations, and the time
    /// from the first start to the last end.
    pub fn figures(&self, trace: &Trace) -> GroupFigures {
        let mut durations: Vec<u64> = self
            .members(trace)
            .filter_map(|ix| trace.span(ix))
            .map(|s| s.raw.duration_nanos)
            .collect();
        let total = durations.iter().fold(0u64, |a, d| a.saturating_add(*d));
        let (start, end) = self
            .members(trace)
            .filter_map(|ix| trace.span(ix))
            .fold((u64::MAX, 0u64), |(a, b), s| {
                (a.min(s.raw.start_unix_nanos), b.max(s.end_unix_nanos()))
            });
        let (p50, _) = p50_p90(&mut durations);
        GroupFigures {
            total_nanos: total,
            p50_nanos: p50,
            max_nanos: durations.last().copied().unwrap_or(0),
            start_unix_nanos: start.min(end),
            end_unix_nanos: end,
        }
    }
}

/// What a group's row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupFigures {
    /// Sum of the members' durations.
    pub total_nanos: u64,
    /// Median duration.
    pub p50_nanos: u64,
    /// Longest duration.
    pub max_nanos: u64,
    /// Earliest start of a member.
    pub start_unix_nanos: u64,
    /// Latest end of a member.
    pub end_unix_nanos: u64,
}

/// Every group of a trace, by first member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Groups {
    groups: Vec<Group>,
}

impl Groups {
    /// The groups of `trace`: one pass over each span's children.
    pub fn of(trace: &Trace) -> Groups {
        let mut groups = Vec::new();
        let n = trace.spans.len();
        // The roots' run, then each span's children.
        runs(trace, 0, n, None, &mut groups);
        for (i, span) in trace.spans.iter().enumerate() {
            if span.child_count >= MIN_GROUP {
                runs(
                    trace,
                    i + 1,
                    (span.subtree_end as usize + 1).min(n),
                    Some(SpanIx::at(i)),
                    &mut groups,
                );
            }
        }
        groups.sort_unstable_by_key(|g| g.first);
        Groups { groups }
    }

    /// The group whose first member is `ix`.
    pub fn starting_at(&self, ix: SpanIx) -> Option<&Group> {
        self.groups
            .binary_search_by_key(&ix, |g| g.first)
            .ok()
            .and_then(|p| self.groups.get(p))
    }

    /// All groups, by first member.
    pub fn all(&self) -> &[Group] {
        &self.groups
    }

    /// True when the trace has no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// The runs among the siblings from arena index `from` to `end` (exclusive):
/// the first sibling at `from`, each next one after the previous subtree.
fn runs(trace: &Trace, from: usize, end: usize, parent: Option<SpanIx>, out: &mut Vec<Group>) {
    let key = |i: usize| trace.spans.get(i).map(|s| (s.raw.service, s.raw.name));
    let mut at = from;
    // (first, last, count) of the run being read.
    let mut run: Option<(usize, usize, u32)> = None;
    let close = |run: Option<(usize, usize, u32)>, out: &mut Vec<Group>| {
        if let Some((first, last, count)) = run {
            if count >= MIN_GROUP {
                out.push(Group {
                    first: SpanIx::at(first),
                    last: SpanIx::at(last),
                    count,
                    parent,
                });
            }
        }
    };
    while at < end {
        let Some(span) = trace.spans.get(at) else {
            break;
        };
        run = match run {
            Some((first, _, count)) if key(first) == key(at) => Some((first, at, count + 1)),
            other => {
                close(other, out);
                Some((at, at, 1))
            }
        };
        at = (span.subtree_end as usize + 1).max(at + 1);
    }
    close(run, out);
}
