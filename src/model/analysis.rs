//! Trace analysis: the critical path and per-operation statistics.

use super::hash::FxHashMap;
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

/// The critical path, as Jaeger UI defines it: the chain of work that
/// determines when the root finishes. Walking back from the root's end, the
/// path stays on a span until its last-finishing child ends, descends into
/// that child, and when a span has no child finishing in time, returns to the
/// parent at the moment the span started. Children are clipped to their parent;
/// FOLLOWS_FROM children (the parent does not wait for them) are left out.
///
/// ```text
/// root   |==------------------==|        == on the path
/// a        |-----|                       a ends before b starts: on the path too
/// b               |=========|
/// c                 |==|                 b's last-finishing child
/// path:  root, b, c, b, a, root (latest first)
/// ```
///
/// Sections are returned latest first, without overlaps, for the first root.
pub fn critical_path(trace: &Trace) -> Vec<Section> {
    let mut path = Vec::new();
    let n = trace.spans.len();
    if n == 0 {
        return path;
    }
    // Every span clipped to its clipped parent: one pass, parents come first.
    let mut clipped: Vec<(u64, u64)> = Vec::with_capacity(n);
    for s in &trace.spans {
        let (mut start, mut end) = (s.raw.start_unix_nanos, s.end_unix_nanos());
        if let Some(&(ps, pe)) = s.parent.and_then(|p| clipped.get(p.get())) {
            start = start.clamp(ps, pe);
            end = end.clamp(ps, pe);
        }
        clipped.push((start, end.max(start)));
    }
    // Per span, its waited-for children by end (latest first) and a cursor:
    // each return to a span comes with an earlier limit, so the cursor only
    // moves forward and every child list is scanned once.
    let mut by_end: FxHashMap<usize, (Vec<(u64, usize)>, usize)> = FxHashMap::default();
    let mut current = 0usize;
    let mut limit: Option<u64> = None;
    // Each step descends to a child ending earlier or climbs with an earlier
    // limit, so this ends; the cap guards against malformed timing.
    let mut steps = 4 * n + 4;
    while steps > 0 {
        steps -= 1;
        let Some(&(start, end)) = clipped.get(current) else {
            break;
        };
        let until = limit.unwrap_or(end).min(end);
        let (children, cursor) = by_end.entry(current).or_insert_with(|| {
            let mut list: Vec<(u64, usize)> = trace
                .children(SpanIx(current as u32))
                .filter(|c| trace.span(*c).is_some_and(|s| !s.raw.follows_from))
                .filter_map(|c| clipped.get(c.get()).map(|&(_, e)| (e, c.get())))
                .collect();
            list.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            (list, 0)
        });
        while children.get(*cursor).is_some_and(|&(e, _)| e > until) {
            *cursor += 1;
        }
        let last_child = children.get(*cursor).copied().filter(|&(e, _)| e > start);
        match last_child {
            Some((child_end, child)) => {
                if child_end < until {
                    path.push(Section {
                        span: SpanIx(current as u32),
                        start_unix_nanos: child_end,
                        end_unix_nanos: until,
                    });
                }
                current = child;
                limit = None;
            }
            None => {
                if start < until {
                    path.push(Section {
                        span: SpanIx(current as u32),
                        start_unix_nanos: start,
                        end_unix_nanos: until,
                    });
                }
                let Some(span) = trace.spans.get(current) else {
                    break;
                };
                match span.parent {
                    Some(p) if !span.raw.follows_from => {
                        current = p.get();
                        limit = Some(start);
                    }
                    _ => break,
                }
            }
        }
    }
    path
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
