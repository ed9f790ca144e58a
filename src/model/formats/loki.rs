//! Loki's `query_range` (and `query`) answer for log queries:
//! `{"status":"success","data":{"resultType":"streams","result":[{"stream":
//! {labels}, "values":[["<ns>", "<line>", {structured metadata}?], …]}]}}`.
//!
//! The ids come from the entry's structured metadata (Loki 3, either the
//! categorised form `{"structuredMetadata":{…},"parsed":{…}}` or a plain
//! map), else the stream's labels (`trace_id`, `traceID`, `traceId`, and the
//! span's), else `traceID=<hex>` / `trace_id=<hex>` written in the line
//! itself; the severity from `level` or `detected_level`; the service from
//! `service_name`, `service` or `job`. Labels and metadata are attributes.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;

use super::lenient::{Pairs, Scalar};
use super::sink::Sink;
use crate::model::hash::FxHashMap;
use crate::model::ids::{SpanId, TraceId};
use crate::model::logs::{LogRecord, Logs, Severity};
use crate::model::span::AttrValue;
use crate::model::warnings::{WarningKind, Warnings};

#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow)]
    data: Data<'a>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow, rename = "resultType")]
    result_type: Cow<'a, str>,
    #[serde(borrow, default)]
    result: Vec<Stream<'a>>,
}

#[derive(Deserialize)]
struct Stream<'a> {
    #[serde(borrow, default)]
    stream: Pairs<'a>,
    #[serde(borrow, default)]
    values: Vec<Entry<'a>>,
}

/// `[time, line]` or `[time, line, metadata]`: Loki 3 writes the metadata
/// categorised (`{"structuredMetadata":{…},"parsed":{…}}`) or as one map.
#[derive(Deserialize)]
struct Entry<'a>(
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow, default)] Option<Pairs<'a>>,
);

/// The maps of an entry's metadata, categorised or plain.
fn metadata<'e>(meta: Option<&'e Pairs<'e>>) -> Vec<Pairs<'e>> {
    let Some(m) = meta else {
        return Vec::new();
    };
    let categorised = !m.0.is_empty()
        && m.0
            .iter()
            .all(|(k, _)| k == "structuredMetadata" || k == "parsed");
    if !categorised {
        return vec![m.clone()];
    }
    m.0.iter()
        .filter_map(|(_, v)| match v {
            Scalar::Compound(text) => serde_json::from_str::<Pairs>(text).ok(),
            _ => None,
        })
        .collect()
}

const TRACE_KEYS: [&str; 4] = ["trace_id", "traceID", "traceId", "traceid"];
const SPAN_KEYS: [&str; 4] = ["span_id", "spanID", "spanId", "spanid"];
const LEVEL_KEYS: [&str; 3] = ["level", "detected_level", "severity"];
const SERVICE_KEYS: [&str; 3] = ["service_name", "service", "job"];

/// True when `text` looks like a Loki answer.
pub fn holds_streams(text: &str) -> bool {
    text.contains("\"resultType\"") && text.contains("\"streams\"")
}

/// Reads every entry of a Loki streams answer; `None` when `text` is not one
/// or holds no entries.
pub fn read(text: &str, warnings: &mut Warnings) -> Option<Logs> {
    if !holds_streams(text) {
        return None;
    }
    let answer: Answer = serde_json::from_str(text).ok()?;
    if answer.data.result_type != "streams" {
        return None;
    }
    let mut sink = Sink::new(warnings);
    let mut records = Vec::new();
    let mut resources: FxHashMap<String, u32> = FxHashMap::default();
    for stream in &answer.data.result {
        let labels = &stream.stream.0;
        let service = first_text(labels, &SERVICE_KEYS).unwrap_or_default();
        let resource = sink.cached_service(&mut resources, &service);
        for entry in &stream.values {
            let Ok(time) = entry.0.trim().parse::<u64>() else {
                sink.warnings.add(WarningKind::UnreadableTime, || {
                    format!("Loki entry time \"{}\"", entry.0)
                });
                continue;
            };
            let maps = metadata(entry.2.as_ref());
            // Metadata first, then the stream's labels.
            let mut places: Vec<&[(Cow<str>, Scalar)]> =
                maps.iter().map(|m| m.0.as_slice()).collect();
            places.push(labels.as_slice());
            let find = |keys: &[&str]| places.iter().find_map(|p| first_text(p, keys));
            let trace_id = find(&TRACE_KEYS)
                .or_else(|| in_line(&entry.1, &TRACE_KEYS))
                .and_then(|t| TraceId::parse(&t).ok().map(|(id, _)| id));
            let span_id = find(&SPAN_KEYS)
                .or_else(|| in_line(&entry.1, &SPAN_KEYS))
                .and_then(|s| SpanId::parse(&s).ok().map(|(id, _)| id));
            let level = find(&LEVEL_KEYS);
            let start = sink.pools.attrs.len();
            for (k, v) in places.iter().flat_map(|p| p.iter()) {
                sink.push_scalar(k, v);
            }
            let attrs = sink.pools.attrs_since(start);
            let body = AttrValue::Str(sink.text(&entry.1));
            let severity_text = sink.some_text(level.as_deref());
            records.push(LogRecord {
                time_unix_nanos: time,
                severity: level
                    .as_deref()
                    .and_then(Severity::from_text)
                    .unwrap_or_default(),
                severity_text,
                body,
                attrs,
                resource,
                scope: 0,
                trace_id,
                span_id,
            });
        }
    }
    if records.is_empty() {
        return None;
    }
    Some(Logs {
        pools: Arc::new(std::mem::take(&mut sink.pools)),
        records,
    })
}

/// The text of the first of `keys` among `pairs`.
fn first_text(pairs: &[(Cow<str>, Scalar)], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        pairs.iter().find_map(|(pk, v)| match v {
            Scalar::Str(s) if pk == k && !s.is_empty() => Some(s.to_string()),
            _ => None,
        })
    })
}

/// A `key=<hex>` written in a log line (logfmt and plain text), for the
/// first of `keys` present: `traceID=4bf9…`, `trace_id="4bf9…"`.
fn in_line(line: &str, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        let mut rest = line;
        while let Some(at) = rest.find(k) {
            let before = rest[..at].chars().next_back();
            let after = &rest[at + k.len()..];
            rest = after;
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let Some(value) = after.strip_prefix('=').or_else(|| after.strip_prefix(": ")) else {
                continue;
            };
            let value = value.trim_start_matches('"');
            let hex: String = value.chars().take_while(char::is_ascii_hexdigit).collect();
            if !hex.is_empty() {
                return Some(hex);
            }
        }
        None
    })
}
