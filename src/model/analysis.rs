//! Trace analysis: the critical path and per-operation statistics.

use super::hash::FxHashMap;
use super::span::SpanKind;
use super::strings::StrId;
use super::trace::{SpanIx, Trace};

/// A stretch of time during which one span is on the critical path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// The span doing the work.
    pub span: SpanIx,
    /// Start, nanoseconds since the Unix epoch.
    pub start_unix_nanos: u64,
    /// End, nanoseconds since the Unix epoch.
    pub end_unix_nanos: u64,
}

/// The critical path (the definition in TESTIDS.md, after Jaeger UI's): per
/// root span, the chain of work that decides when the root ends.
///
/// Walking back from a root's end, the path stays on a span until the child
/// that finished last ends, descends into that child, and when a span has no
/// child finishing before the current point, returns to its parent at the
/// moment the span started; there it looks for a child that finished
/// strictly before that moment.
///
/// - Children are clipped to their (clipped) parent; a child whose clipped
///   interval is empty (zero length, or wholly outside its parent) is ignored
///   with everything under it.
/// - A CONSUMER span under a PRODUCER is not waited for: the producer's side
///   ends when the message is sent. It is left out with everything under it.
/// - Of children ending at the same moment, the one that started first.
///
/// ```text
/// root   |==------------------==|        == on the path
/// a        |-----|                       a ends before b starts: on the path too
/// b               |=========|
/// c                 |==|                 b's last-finishing child
/// path:  root, b, c, b, a, root (latest first)
/// ```
///
/// Sections come root by root (arena order), each root's latest first. A
/// root's sections tile its interval exactly: each starts where the next one
/// (earlier in time) ends. Linear after one sort of the children by end.
pub fn critical_path(trace: &Trace) -> Vec<Section> {
    let mut path = Vec::new();
    let n = trace.spans.len();
    let clipped = clipped_intervals(trace);

    // Per span, its children on the path, latest end first (CSR by parent).
    let mut entries: Vec<(u32, u64, u32)> = Vec::new();
    for (i, s) in trace.spans.iter().enumerate() {
        if let (Some(p), Some(Some((_, end)))) = (s.parent, clipped.get(i)) {
            entries.push((p.0, *end, i as u32));
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mut first = vec![0u32; n + 1];
    for &(p, _, _) in &entries {
        if let Some(f) = first.get_mut(p as usize + 1) {
            *f += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    // Each return to a span comes with an earlier limit, so a cursor per span
    // only moves forward: every child list is scanned once.
    let mut cursor: Vec<u32> = first[..n].to_vec();

    for (r, root) in trace.spans.iter().enumerate() {
        if root.parent.is_some() {
            continue;
        }
        let Some(Some((_, root_end))) = clipped.get(r).copied() else {
            continue;
        };
        let mut current = r;
        let mut limit = root_end;
        // On entering a span its children may end at its end; on returning
        // from a child they must end strictly before the child started.
        let mut strict = false;
        // Every step descends into a child never taken before or climbs back
        // up, so 2n steps suffice; the bound only guards against a bug.
        for _ in 0..2 * n + 2 {
            let Some(Some((start, _))) = clipped.get(current).copied() else {
                break;
            };
            let hi = first.get(current + 1).copied().unwrap_or(0);
            let Some(at) = cursor.get_mut(current) else {
                break;
            };
            while *at < hi {
                match entries.get(*at as usize) {
                    Some(&(_, e, _)) if e > limit || (strict && e == limit) => *at += 1,
                    _ => break,
                }
            }
            let child = (*at < hi).then(|| entries.get(*at as usize)).flatten();
            match child {
                Some(&(_, child_end, child)) => {
                    if child_end < limit {
                        path.push(section(current, child_end, limit));
                    }
                    current = child as usize;
                    limit = child_end;
                    strict = false;
                }
                None => {
                    if start < limit {
                        path.push(section(current, start, limit));
                    }
                    if current == r {
                        break;
                    }
                    match trace.spans.get(current).and_then(|s| s.parent) {
                        Some(p) => {
                            current = p.get();
                            limit = start;
                            strict = true;
                        }
                        None => break,
                    }
                }
            }
        }
    }
    path
}

fn section(span: usize, start: u64, end: u64) -> Section {
    Section {
        span: SpanIx(span as u32),
        start_unix_nanos: start,
        end_unix_nanos: end,
    }
}

/// Each span's interval for the critical path: clipped to its parent's, or
/// `None` when it takes no part (empty once clipped, under such a span, or a
/// consumer under a producer). One pass: parents come first in the arena.
fn clipped_intervals(trace: &Trace) -> Vec<Option<(u64, u64)>> {
    let mut clipped: Vec<Option<(u64, u64)>> = Vec::with_capacity(trace.spans.len());
    for s in &trace.spans {
        let (start, end) = (s.raw.start_unix_nanos, s.end_unix_nanos());
        let bounds = match s.parent {
            None => Some((start, end)),
            Some(p) => {
                let parent = trace.spans.get(p.get());
                let not_waited = s.raw.kind == SpanKind::Consumer
                    && parent.is_some_and(|p| p.raw.kind == SpanKind::Producer);
                match clipped.get(p.get()).copied().flatten() {
                    Some((ps, pe)) if !not_waited => Some((start.max(ps), end.min(pe))),
                    _ => None,
                }
            }
        };
        clipped.push(bounds.filter(|(a, b)| a < b));
    }
    clipped
}

/// Figures for one (service, operation) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpStats {
    /// Service.
    pub service: StrId,
    /// Operation.
    pub operation: StrId,
    /// Spans.
    pub count: u32,
    /// Sum of durations.
    pub total_nanos: u64,
    /// Shortest duration.
    pub min_nanos: u64,
    /// Longest duration.
    pub max_nanos: u64,
    /// Sum of self times.
    pub self_total_nanos: u64,
    /// Shortest self time.
    pub self_min_nanos: u64,
    /// Longest self time.
    pub self_max_nanos: u64,
}

impl OpStats {
    /// Mean duration.
    pub fn avg_nanos(&self) -> u64 {
        self.total_nanos / u64::from(self.count.max(1))
    }

    /// Mean self time.
    pub fn self_avg_nanos(&self) -> u64 {
        self.self_total_nanos / u64::from(self.count.max(1))
    }

    /// Self time as a share of the trace's duration, in percent.
    pub fn self_percent_of(&self, trace_nanos: u64) -> f64 {
        if trace_nanos == 0 {
            0.0
        } else {
            self.self_total_nanos as f64 * 100.0 / trace_nanos as f64
        }
    }
}

/// Statistics per (service, operation), largest total self time first.
pub fn stats(trace: &Trace) -> Vec<OpStats> {
    let mut by_op: FxHashMap<(StrId, StrId), OpStats> = FxHashMap::default();
    for s in &trace.spans {
        let d = s.raw.duration_nanos;
        let e = by_op.entry((s.raw.service, s.raw.name)).or_insert(OpStats {
            service: s.raw.service,
            operation: s.raw.name,
            count: 0,
            total_nanos: 0,
            min_nanos: u64::MAX,
            max_nanos: 0,
            self_total_nanos: 0,
            self_min_nanos: u64::MAX,
            self_max_nanos: 0,
        });
        e.count += 1;
        // Saturating: a few spans of 100 years (the clamp) pass u64::MAX.
        e.total_nanos = e.total_nanos.saturating_add(d);
        e.min_nanos = e.min_nanos.min(d);
        e.max_nanos = e.max_nanos.max(d);
        e.self_total_nanos = e.self_total_nanos.saturating_add(s.self_nanos);
        e.self_min_nanos = e.self_min_nanos.min(s.self_nanos);
        e.self_max_nanos = e.self_max_nanos.max(s.self_nanos);
    }
    let mut out: Vec<OpStats> = by_op.into_values().collect();
    out.sort_by(|a, b| {
        b.self_total_nanos
            .cmp(&a.self_total_nanos)
            .then_with(|| trace.str(a.service).cmp(trace.str(b.service)))
            .then_with(|| trace.str(a.operation).cmp(trace.str(b.operation)))
    });
    out
}
