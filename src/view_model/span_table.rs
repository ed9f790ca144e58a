//! The span table: one row per span (service, operation, start offset,
//! duration, self time, status, kind, and attribute columns the user picks),
//! sortable by every column and limited to the find query's matches.
//!
//! The order is an index vector sorted once per change of sort or filter;
//! the text of a cell is made only for the rows in view.

use std::cmp::Ordering;

use crate::model::hash::FxHashMap;
use crate::model::strings::StrId;
use crate::model::{text, AttrValue, Pools, Span, SpanIx, SpanKind, StatusCode, Trace};
use crate::view_model::sorting::Sorting;

/// A column of the span table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// The span's service.
    Service,
    /// The operation name.
    Operation,
    /// Start, as an offset from the trace's start.
    Start,
    /// Duration.
    Duration,
    /// Time not covered by any child ([`Span::self_nanos`]).
    SelfTime,
    /// Status code.
    Status,
    /// Span kind.
    Kind,
    /// The value of an attribute (of the span, else of its resource).
    Attr(StrId),
}

/// The columns every table has: column, label, and whether it holds names
/// (sorted A to Z on the first click) rather than numbers (largest first).
pub const FIXED_COLUMNS: [(Column, &str, bool); 7] = [
    (Column::Service, "Service", true),
    (Column::Operation, "Operation", true),
    (Column::Start, "Start", false),
    (Column::Duration, "Duration", false),
    (Column::SelfTime, "Self time", false),
    (Column::Status, "Status", true),
    (Column::Kind, "Kind", true),
];

/// The order a table opens in: by start, earliest first.
pub fn default_sorting() -> Sorting<Column> {
    Sorting::by(Column::Start, false)
}

/// An attribute key the picker offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrChoice {
    /// The key.
    pub key: StrId,
    /// Spans that have it (on the span or on its resource).
    pub spans: u32,
    /// True when every value of it reads as a number (sorted largest first
    /// on the first click).
    pub numeric: bool,
}

/// A value as the table sorts it: numbers (also text that reads as one)
/// before text; a span without the attribute has none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttrKey<'a> {
    /// A number.
    Num(f64),
    /// Anything else, as shown.
    Text(&'a str),
}

impl AttrKey<'_> {
    fn cmp(&self, other: &AttrKey<'_>) -> Ordering {
        match (self, other) {
            (AttrKey::Num(a), AttrKey::Num(b)) => a.total_cmp(b),
            (AttrKey::Num(_), AttrKey::Text(_)) => Ordering::Less,
            (AttrKey::Text(_), AttrKey::Num(_)) => Ordering::Greater,
            (AttrKey::Text(a), AttrKey::Text(b)) => a.cmp(b),
        }
    }
}

/// The sort key of an attribute value; none for an empty value.
pub fn attr_key<'a>(pools: &'a Pools, value: &AttrValue) -> Option<AttrKey<'a>> {
    match *value {
        AttrValue::Int(i) => Some(AttrKey::Num(i as f64)),
        AttrValue::Float(f) if f.is_nan() => Some(AttrKey::Text("NaN")),
        AttrValue::Float(f) => Some(AttrKey::Num(f)),
        AttrValue::Bool(b) => Some(AttrKey::Text(if b { "true" } else { "false" })),
        AttrValue::Str(t) | AttrValue::Bytes(t) | AttrValue::Array(t) | AttrValue::Map(t) => {
            let s = pools.text.get(t);
            // Jaeger and Zipkin often carry numbers as strings ("200").
            match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() && !s.trim().is_empty() => Some(AttrKey::Num(n)),
                _ => Some(AttrKey::Text(s)),
            }
        }
        AttrValue::Empty => None,
    }
}

/// The value of attribute `key` of `span`: its own, else its resource's.
pub fn attr_value<'a>(trace: &'a Trace, span: &Span, key: StrId) -> Option<&'a AttrValue> {
    let pools = &*trace.pools;
    if let Some(a) = pools.attrs(span.raw.attrs).iter().find(|a| a.key == key) {
        return Some(&a.value);
    }
    let resource = pools.resources.get(span.raw.resource as usize)?;
    pools
        .attrs(resource.attrs)
        .iter()
        .find(|a| a.key == key)
        .map(|a| &a.value)
}

/// The attribute keys of the trace's spans and their resources, each with
/// how many spans have it; most common first, then by name. Linear in the
/// attributes of the spans plus those of the resources.
pub fn attr_choices(trace: &Trace) -> Vec<AttrChoice> {
    let pools = &*trace.pools;
    let keys = pools.strings.len();
    let mut count = vec![0u32; keys];
    // Per key: the last span counted (a key repeated on one span counts once).
    let mut last_span = vec![u32::MAX; keys];
    // Per key: a value that does not read as a number was seen.
    let mut textual = vec![false; keys];
    // Keys of each resource, sorted, to tell which span keys it also has.
    let resource_keys: Vec<Vec<StrId>> = pools
        .resources
        .iter()
        .map(|r| {
            let mut k: Vec<StrId> = pools.attrs(r.attrs).iter().map(|a| a.key).collect();
            k.sort_unstable();
            k.dedup();
            k
        })
        .collect();
    let mut spans_of_resource = vec![0u32; pools.resources.len()];
    // (resource, key): spans of that resource that have the key themselves.
    let mut on_both: FxHashMap<(u32, StrId), u32> = FxHashMap::default();

    for (i, span) in trace.spans.iter().enumerate() {
        let resource = span.raw.resource;
        if let Some(n) = spans_of_resource.get_mut(resource as usize) {
            *n += 1;
        }
        let own = resource_keys.get(resource as usize);
        for a in pools.attrs(span.raw.attrs) {
            let k = a.key.0 as usize;
            if let Some(t) = textual.get_mut(k) {
                *t |= !matches!(attr_key(pools, &a.value), Some(AttrKey::Num(_)) | None);
            }
            match last_span.get_mut(k) {
                Some(last) if *last != i as u32 => *last = i as u32,
                _ => continue,
            }
            if let Some(c) = count.get_mut(k) {
                *c += 1;
            }
            if own.is_some_and(|keys| keys.binary_search(&a.key).is_ok()) {
                *on_both.entry((resource, a.key)).or_insert(0) += 1;
            }
        }
    }
    for (r, resource) in pools.resources.iter().enumerate() {
        let spans = spans_of_resource.get(r).copied().unwrap_or(0);
        if spans == 0 {
            continue;
        }
        for a in pools.attrs(resource.attrs) {
            let k = a.key.0 as usize;
            if let Some(t) = textual.get_mut(k) {
                *t |= !matches!(attr_key(pools, &a.value), Some(AttrKey::Num(_)) | None);
            }
        }
        for &key in resource_keys.get(r).map_or(&[][..], |k| k) {
            let already = on_both.get(&(r as u32, key)).copied().unwrap_or(0);
            if let Some(c) = count.get_mut(key.0 as usize) {
                *c += spans.saturating_sub(already);
            }
        }
    }
    let mut out: Vec<AttrChoice> = count
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(k, &n)| AttrChoice {
            key: StrId(k as u32),
            spans: n,
            numeric: !textual.get(k).copied().unwrap_or(true),
        })
        .collect();
    out.sort_by(|a, b| {
        b.spans
            .cmp(&a.spans)
            .then_with(|| trace.str(a.key).cmp(trace.str(b.key)))
    });
    out
}

/// True when `column` sorts A to Z on its first click (`choices` tell
/// whether an attribute is numeric).
pub fn is_text(column: Column, choices: &[AttrChoice]) -> bool {
    match column {
        Column::Attr(key) => !choices.iter().any(|c| c.key == key && c.numeric),
        other => FIXED_COLUMNS
            .iter()
            .find(|(c, _, _)| *c == other)
            .is_some_and(|(_, _, text)| *text),
    }
}

/// Rank of each status, alphabetical by the name shown.
fn status_rank(status: StatusCode) -> u64 {
    match status {
        StatusCode::Error => 0,
        StatusCode::Ok => 1,
        StatusCode::Unset => 2,
    }
}

/// Rank of each kind, alphabetical by the name shown (unspecified is blank).
fn kind_rank(kind: SpanKind) -> u64 {
    match kind {
        SpanKind::Unspecified => 0,
        SpanKind::Client => 1,
        SpanKind::Consumer => 2,
        SpanKind::Internal => 3,
        SpanKind::Producer => 4,
        SpanKind::Server => 5,
    }
}

/// Alphabetical rank of each of the `ids` (indexed by id; 0 for others).
fn name_ranks(trace: &Trace, ids: impl Iterator<Item = StrId>) -> Vec<u32> {
    let mut distinct: Vec<StrId> = ids.collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.sort_by(|a, b| trace.str(*a).cmp(trace.str(*b)));
    let mut rank = vec![0u32; trace.pools.strings.len()];
    for (r, id) in distinct.iter().enumerate() {
        if let Some(slot) = rank.get_mut(id.0 as usize) {
            *slot = r as u32;
        }
    }
    rank
}

/// Start of `span` as an offset from the trace's start.
pub fn start_offset_nanos(trace: &Trace, span: &Span) -> u64 {
    span.raw
        .start_unix_nanos
        .saturating_sub(trace.start_unix_nanos)
}

/// The rows of the table in order: the spans of `only` (the find query's
/// matches, when it is active) or all of them, sorted by `sorting`. Ties
/// keep the trace's depth-first order, in either direction; spans without
/// the attribute of an attribute column come last, in either direction.
/// `O(n log n)` over an index vector; no text is made.
pub fn row_order(trace: &Trace, sorting: Sorting<Column>, only: Option<&[SpanIx]>) -> Vec<SpanIx> {
    let rows: Vec<SpanIx> = match only {
        Some(ixs) => ixs
            .iter()
            .copied()
            .filter(|ix| ix.get() < trace.spans.len())
            .collect(),
        None => (0..trace.spans.len()).map(SpanIx::at).collect(),
    };
    let span = |ix: SpanIx| trace.span(ix);
    let descending = sorting.descending;
    if let Column::Attr(key) = sorting.column {
        let pools = &*trace.pools;
        let mut keyed: Vec<(Option<AttrKey<'_>>, SpanIx)> = rows
            .into_iter()
            .map(|ix| {
                let value = span(ix).and_then(|s| attr_value(trace, s, key));
                (value.and_then(|v| attr_key(pools, v)), ix)
            })
            .collect();
        keyed.sort_unstable_by(|(a, ia), (b, ib)| {
            let order = match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) if descending => y.cmp(x),
                (Some(x), Some(y)) => x.cmp(y),
            };
            order.then(ia.cmp(ib))
        });
        return keyed.into_iter().map(|(_, ix)| ix).collect();
    }
    let ranks = match sorting.column {
        Column::Service => name_ranks(
            trace,
            rows.iter().filter_map(|&i| span(i)).map(|s| s.raw.service),
        ),
        Column::Operation => name_ranks(
            trace,
            rows.iter().filter_map(|&i| span(i)).map(|s| s.raw.name),
        ),
        _ => Vec::new(),
    };
    let rank = |id: StrId| u64::from(ranks.get(id.0 as usize).copied().unwrap_or(0));
    let key = |s: &Span| -> u64 {
        match sorting.column {
            Column::Service => rank(s.raw.service),
            Column::Operation => rank(s.raw.name),
            Column::Start => start_offset_nanos(trace, s),
            Column::Duration => s.raw.duration_nanos,
            Column::SelfTime => s.self_nanos,
            Column::Status => status_rank(s.raw.status),
            Column::Kind => kind_rank(s.raw.kind),
            Column::Attr(_) => 0,
        }
    };
    let mut keyed: Vec<(u64, SpanIx)> = rows
        .into_iter()
        .map(|ix| (span(ix).map_or(0, key), ix))
        .collect();
    keyed.sort_unstable_by(|(a, ia), (b, ib)| {
        let order = if descending { b.cmp(a) } else { a.cmp(b) };
        order.then(ia.cmp(ib))
    });
    keyed.into_iter().map(|(_, ix)| ix).collect()
}

/// The text of one cell.
pub fn cell_text(trace: &Trace, span: &Span, column: Column) -> String {
    match column {
        Column::Service => trace.str(span.raw.service).to_string(),
        Column::Operation => trace.str(span.raw.name).to_string(),
        Column::Start => text::duration(start_offset_nanos(trace, span)),
        Column::Duration => text::duration(span.raw.duration_nanos),
        Column::SelfTime => text::duration(span.self_nanos),
        Column::Status => match span.raw.status {
            StatusCode::Unset => String::new(),
            status => status.as_str().to_string(),
        },
        Column::Kind => span.raw.kind.as_str().to_string(),
        Column::Attr(key) => attr_value(trace, span, key)
            .map(|v| trace.pools.value_text(v))
            .unwrap_or_default(),
    }
}

/// What one row of the table shows, made only for the rows in view.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The span.
    pub ix: SpanIx,
    /// Its id, 16 hex digits.
    pub span_id: String,
    /// Duration in µs (machine-readable).
    pub duration_us: String,
    /// Self time in µs.
    pub self_us: String,
    /// Start offset from the trace's start, in µs.
    pub start_us: String,
    /// True when the span's status is error.
    pub error: bool,
    /// The text of the fixed columns, in [`FIXED_COLUMNS`] order.
    pub fixed: Vec<String>,
    /// The text of the attribute columns, in the order given.
    pub attrs: Vec<String>,
}

/// Row `ix` with the attribute columns `keys`; none for an index outside
/// the trace.
pub fn row(trace: &Trace, ix: SpanIx, keys: &[StrId]) -> Option<Row> {
    let span = trace.span(ix)?;
    Some(Row {
        ix,
        span_id: span.raw.span_id.to_hex(),
        duration_us: text::micros_attr(span.raw.duration_nanos),
        self_us: text::micros_attr(span.self_nanos),
        start_us: text::micros_attr(start_offset_nanos(trace, span)),
        error: span.is_error(),
        fixed: FIXED_COLUMNS
            .iter()
            .map(|(c, _, _)| cell_text(trace, span, *c))
            .collect(),
        attrs: keys
            .iter()
            .map(|&k| cell_text(trace, span, Column::Attr(k)))
            .collect(),
    })
}

/// "12 spans", or "3 of 12 spans" when find limits the rows.
pub fn count_text(rows: usize, total: usize, filtered: bool) -> String {
    let noun = if total == 1 { "span" } else { "spans" };
    if filtered {
        format!("{rows} of {total} {noun}")
    } else {
        format!("{total} {noun}")
    }
}
