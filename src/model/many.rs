//! Many traces at once: filtering and sorting the loaded traces, percentiles,
//! duration histograms and RED figures (rate, errors, duration) per service
//! and per operation.

use std::sync::Arc;

use super::aggregate;
use super::hash::FxHashMap;
use super::search::Query;
use super::trace::{Trace, TraceIx};

pub use super::stats::{p50_p90_p99, percentile};

/// What the trace list is narrowed to. Empty fields do not narrow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceFilter {
    /// Some span of this service…
    pub service: String,
    /// …with this operation (the same span, when both are given).
    pub operation: String,
    /// A find query some span must match, e.g. `http.status_code=500`.
    pub attribute: String,
    /// Shortest trace duration kept, e.g. `200ms`.
    pub min_duration: String,
    /// Longest trace duration kept.
    pub max_duration: String,
    /// Only traces with an error span.
    pub errors_only: bool,
    /// Free text (or any find query) some span must match, or a trace id prefix.
    pub text: String,
    /// A `key=value` the trace holds, as the why view counts pairs
    /// ([`super::aggregate::for_each_pair`]).
    pub has: String,
    /// A call between services the trace makes: `caller → callee`.
    pub call: String,
    /// A path some span of the trace is on (`service: operation` steps
    /// joined by ` / `).
    pub path: String,
    /// A time window some span of the trace starts in: `<from µs>-<to µs>`
    /// since the epoch.
    pub window: String,
}

/// The separator of [`TraceFilter::call`].
pub const CALL_ARROW: &str = " → ";

/// A [`TraceFilter`] ready to test traces.
#[derive(Clone, Debug)]
pub struct CompiledFilter {
    service_op: Option<Query>,
    attribute: Option<Query>,
    text: Option<(Query, String)>,
    min_nanos: Option<u64>,
    max_nanos: Option<u64>,
    errors_only: bool,
    has: Option<(String, String)>,
    call: Option<(String, String)>,
    path: Option<String>,
    window: Option<(u64, u64)>,
}

/// Reads a window written `<from µs>-<to µs>` into nanoseconds.
pub fn parse_window(text: &str) -> Option<(u64, u64)> {
    let (from, to) = text.trim().split_once('-')?;
    let from: u64 = from.trim().parse().ok()?;
    let to: u64 = to.trim().parse().ok()?;
    (from < to).then(|| (from.saturating_mul(1000), to.saturating_mul(1000)))
}

fn duration_bound(text: &str, which: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    super::search::parse_duration(t)
        .map(Some)
        .ok_or_else(|| format!("{which} duration `{t}` is not a duration (try 250ms, 1.5s)"))
}

fn query(text: &str) -> Result<Option<Query>, String> {
    let q = Query::parse(text)?;
    Ok((!q.is_empty()).then_some(q))
}

impl TraceFilter {
    /// True when nothing narrows the list.
    pub fn is_empty(&self) -> bool {
        *self == TraceFilter::default()
    }

    /// Checks the fields; the message names the one that cannot be read.
    pub fn compile(&self) -> Result<CompiledFilter, String> {
        let service = self.service.trim();
        let operation = self.operation.trim();
        let service_op = match (service.is_empty(), operation.is_empty()) {
            (true, true) => None,
            (false, true) => Some(Query::service_is(service)),
            (true, false) => Some(Query::operation_is(operation)),
            (false, false) => Some(Query::service_is(service).and(Query::operation_is(operation))),
        };
        let text = query(&self.text)?.map(|q| (q, self.text.trim().to_ascii_lowercase()));
        let has = match self.has.trim() {
            "" => None,
            t => match t.split_once('=') {
                Some((k, v)) if !k.is_empty() => Some((k.to_string(), v.to_string())),
                _ => return Err(format!("`{t}` is not key=value")),
            },
        };
        let call = match self.call.trim() {
            "" => None,
            t => match t.split_once(CALL_ARROW.trim()) {
                Some((a, b)) => Some((a.trim().to_string(), b.trim().to_string())),
                None => return Err(format!("`{t}` is not a call (caller → callee)")),
            },
        };
        let window = match self.window.trim() {
            "" => None,
            t => Some(
                parse_window(t)
                    .ok_or_else(|| format!("`{t}` is not a time window (from µs-to µs)"))?,
            ),
        };
        let path = Some(self.path.trim().to_string()).filter(|p| !p.is_empty());
        Ok(CompiledFilter {
            has,
            call,
            path,
            window,
            service_op,
            attribute: query(&self.attribute)?,
            text,
            min_nanos: duration_bound(&self.min_duration, "minimum")?,
            max_nanos: duration_bound(&self.max_duration, "maximum")?,
            errors_only: self.errors_only,
        })
    }
}

/// How the trace list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Latest start first.
    #[default]
    Recent,
    /// Longest duration first.
    Longest,
    /// Shortest duration first.
    Shortest,
    /// Most spans first.
    MostSpans,
    /// Most error spans first.
    MostErrors,
}

impl SortBy {
    /// Every order, as offered.
    pub const ALL: [SortBy; 5] = [
        SortBy::Recent,
        SortBy::Longest,
        SortBy::Shortest,
        SortBy::MostSpans,
        SortBy::MostErrors,
    ];

    /// Name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Recent => "recent",
            SortBy::Longest => "longest",
            SortBy::Shortest => "shortest",
            SortBy::MostSpans => "spans",
            SortBy::MostErrors => "errors",
        }
    }

    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Recent => "Most recent",
            SortBy::Longest => "Longest first",
            SortBy::Shortest => "Shortest first",
            SortBy::MostSpans => "Most spans",
            SortBy::MostErrors => "Most errors",
        }
    }

    /// The order named `name`.
    pub fn from_name(name: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Indices of the traces passing `filter`, in `sort` order (ties by trace id).
pub fn filter_and_sort(
    traces: &[Arc<Trace>],
    filter: &CompiledFilter,
    sort: SortBy,
) -> Vec<TraceIx> {
    let mut service_op = filter.service_op.as_ref().map(|q| q.matcher());
    let mut attribute = filter.attribute.as_ref().map(|q| q.matcher());
    let mut text = filter
        .text
        .as_ref()
        .map(|(q, raw)| (q.matcher(), raw.as_str()));
    let mut out: Vec<TraceIx> = Vec::new();
    for (i, t) in traces.iter().enumerate() {
        let d = t.duration_nanos();
        let keep = filter.min_nanos.is_none_or(|m| d >= m)
            && filter.max_nanos.is_none_or(|m| d <= m)
            && (!filter.errors_only || t.error_count > 0)
            && service_op.as_mut().is_none_or(|m| m.any(t))
            && attribute.as_mut().is_none_or(|m| m.any(t))
            && text
                .as_mut()
                .is_none_or(|(m, raw)| t.id.to_hex().starts_with(*raw) || m.any(t))
            && filter
                .window
                .is_none_or(|(from, to)| aggregate::red::trace_starts_span_in(t, from, to))
            && filter
                .call
                .as_ref()
                .is_none_or(|(a, b)| aggregate::services::trace_makes_call(t, a, b))
            && filter
                .has
                .as_ref()
                .is_none_or(|(k, v)| aggregate::trace_holds(t, k, v))
            && filter
                .path
                .as_ref()
                .is_none_or(|p| aggregate::structure::trace_has_path(t, p));
        if keep {
            out.push(TraceIx::at(i));
        }
    }
    let key = |i: &TraceIx| traces.get(i.get());
    out.sort_by(|a, b| {
        let (Some(x), Some(y)) = (key(a), key(b)) else {
            return std::cmp::Ordering::Equal;
        };
        let order = match sort {
            SortBy::Recent => y.start_unix_nanos.cmp(&x.start_unix_nanos),
            SortBy::Longest => y.duration_nanos().cmp(&x.duration_nanos()),
            SortBy::Shortest => x.duration_nanos().cmp(&y.duration_nanos()),
            SortBy::MostSpans => y.spans.len().cmp(&x.spans.len()),
            SortBy::MostErrors => y.error_count.cmp(&x.error_count),
        };
        order.then_with(|| x.id.cmp(&y.id))
    });
    out
}

/// Every service and, per service, every operation among `traces`, sorted.
pub fn services_and_operations(traces: &[Arc<Trace>]) -> Vec<(String, Vec<String>)> {
    let mut map: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for t in traces {
        let mut seen: FxHashMap<(super::strings::StrId, super::strings::StrId), ()> =
            FxHashMap::default();
        for s in &t.spans {
            if seen.insert((s.raw.service, s.raw.name), ()).is_none() {
                map.entry(t.str(s.raw.service).to_string())
                    .or_default()
                    .insert(t.str(s.raw.name).to_string());
            }
        }
    }
    map.into_iter()
        .map(|(s, ops)| (s, ops.into_iter().collect()))
        .collect()
}

/// Buckets of a histogram: `edges[i]..edges[i+1]` holds `counts[i]` values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    /// Bucket edges, ascending, one more than `counts`.
    pub edges: Vec<u64>,
    /// Values per bucket.
    pub counts: Vec<u32>,
}

/// A histogram of `values` over `buckets` equal-width buckets from the
/// smallest to the largest value (the last bucket includes the largest).
pub fn histogram(values: &[u64], buckets: usize) -> Histogram {
    let (Some(&lo), Some(&hi)) = (values.iter().min(), values.iter().max()) else {
        return Histogram::default();
    };
    let buckets = buckets.max(1);
    let width = (hi - lo).div_ceil(buckets as u64).max(1);
    let edges: Vec<u64> = (0..=buckets as u64)
        .map(|i| lo.saturating_add(i * width))
        .collect();
    let mut counts = vec![0u32; buckets];
    for &v in values {
        let b = (((v - lo) / width) as usize).min(buckets - 1);
        counts[b] += 1;
    }
    Histogram { edges, counts }
}

/// RED figures for one service or one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Red {
    /// Service name.
    pub service: String,
    /// Operation name; empty for the service row.
    pub operation: String,
    /// Requests: spans of the operation; for a service, the spans by which
    /// work enters it (roots, and spans whose parent is in another service).
    pub requests: u32,
    /// Of them, with error status.
    pub errors: u32,
    /// Duration percentiles of the requests, nanoseconds.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Request durations in 12 buckets (operations only).
    pub histogram: Histogram,
}

impl Red {
    /// Errors per request, 0–1.
    pub fn error_rate(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            f64::from(self.errors) / f64::from(self.requests)
        }
    }
}

#[derive(Default)]
struct Acc {
    durations: Vec<u64>,
    errors: u32,
}

/// RED per service and per operation over `traces` (services first, each
/// followed by its operations; by name).
pub fn red(traces: &[Arc<Trace>]) -> (Vec<Red>, Vec<Red>) {
    let mut services: std::collections::BTreeMap<String, Acc> = Default::default();
    let mut operations: std::collections::BTreeMap<(String, String), Acc> = Default::default();
    for t in traces {
        // Per trace, accumulate by interned ids, then by name once.
        let mut by_op: FxHashMap<(super::strings::StrId, super::strings::StrId), Acc> =
            FxHashMap::default();
        let mut by_service: FxHashMap<super::strings::StrId, Acc> = FxHashMap::default();
        for s in &t.spans {
            let d = s.raw.duration_nanos;
            let e = u32::from(s.is_error());
            let op = by_op.entry((s.raw.service, s.raw.name)).or_default();
            op.durations.push(d);
            op.errors += e;
            let entry = match s.parent.and_then(|p| t.span(p)) {
                None => true,
                Some(parent) => parent.raw.service != s.raw.service,
            };
            if entry {
                let svc = by_service.entry(s.raw.service).or_default();
                svc.durations.push(d);
                svc.errors += e;
            }
        }
        for ((svc, op), acc) in by_op {
            let into = operations
                .entry((t.str(svc).to_string(), t.str(op).to_string()))
                .or_default();
            into.durations.extend(acc.durations);
            into.errors += acc.errors;
        }
        for (svc, acc) in by_service {
            let into = services.entry(t.str(svc).to_string()).or_default();
            into.durations.extend(acc.durations);
            into.errors += acc.errors;
        }
    }
    let finish = |service: String, operation: String, mut acc: Acc, buckets: usize| {
        let [p50, p90, p99] = p50_p90_p99(&mut acc.durations);
        Red {
            service,
            operation,
            requests: acc.durations.len() as u32,
            errors: acc.errors,
            p50,
            p90,
            p99,
            histogram: if buckets > 0 {
                histogram(&acc.durations, buckets)
            } else {
                Histogram::default()
            },
        }
    };
    let services = services
        .into_iter()
        .map(|(s, acc)| finish(s, String::new(), acc, 0))
        .collect();
    let operations = operations
        .into_iter()
        .map(|((s, o), acc)| finish(s, o, acc, 12))
        .collect();
    (services, operations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets() {
        let h = histogram(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
        assert_eq!(h.edges, [0, 2, 4, 6, 8, 10]);
        assert_eq!(h.counts, [2, 2, 2, 2, 3]);
        assert_eq!(histogram(&[5, 5, 5], 4).counts, [3, 0, 0, 0]);
        assert_eq!(histogram(&[], 4), Histogram::default());
    }
}
