//! OTLP logs JSON (`LogsData`: `resourceLogs` → `scopeLogs` → `logRecords`),
//! one document or JSON Lines as the Collector's file exporter writes them
//! (where trace and metric lines sit between log lines), in the spellings
//! the trace reader accepts: hex ids of any case or base64, severity as a
//! number or a name, a body of any AnyValue.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;

use super::lenient::{IntOrName, LenientTime};
use super::otlp::{
    any_value, push_kv, push_resource, push_scope, AnyValue, KeyValue, OResource, OScope,
};
use super::sink::Sink;
use crate::model::logs::{LogRecord, Logs, Severity};
use crate::model::span::AttrValue;
use crate::model::warnings::{WarningKind, Warnings};

/// `{"resourceLogs":[…]}`.
#[derive(Deserialize)]
struct LogsData<'a> {
    #[serde(borrow, default, rename = "resourceLogs", alias = "resource_logs")]
    resource_logs: Vec<ResourceLogs<'a>>,
}

#[derive(Deserialize)]
struct ResourceLogs<'a> {
    #[serde(borrow, default)]
    resource: Option<OResource<'a>>,
    #[serde(
        borrow,
        default,
        rename = "scopeLogs",
        alias = "scope_logs",
        alias = "instrumentationLibraryLogs"
    )]
    scope_logs: Vec<ScopeLogs<'a>>,
}

#[derive(Deserialize)]
struct ScopeLogs<'a> {
    #[serde(borrow, default, alias = "instrumentationLibrary")]
    scope: Option<OScope<'a>>,
    #[serde(borrow, default, rename = "logRecords", alias = "log_records")]
    log_records: Vec<ORecord<'a>>,
}

#[derive(Deserialize)]
struct ORecord<'a> {
    #[serde(default, rename = "timeUnixNano", alias = "time_unix_nano")]
    time: Option<LenientTime>,
    #[serde(
        default,
        rename = "observedTimeUnixNano",
        alias = "observed_time_unix_nano"
    )]
    observed: Option<LenientTime>,
    #[serde(borrow, default, rename = "severityNumber", alias = "severity_number")]
    severity_number: Option<IntOrName<'a>>,
    #[serde(borrow, default, rename = "severityText", alias = "severity_text")]
    severity_text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    body: Option<AnyValue<'a>>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Option<Cow<'a, str>>,
}

/// True when `text` looks like it holds OTLP log records.
pub fn holds_logs(text: &str) -> bool {
    text.contains("\"resourceLogs\"") || text.contains("\"resource_logs\"")
}

/// Reads every log record of `text` (one document or JSON Lines); lines
/// that are not logs are left to the trace readers, log lines that cannot
/// be read are warned and skipped. `None` when there are no log records.
pub fn read(text: &str, warnings: &mut Warnings) -> Option<Logs> {
    if !holds_logs(text) {
        return None;
    }
    let mut sink = Sink::new(warnings);
    let mut records = Vec::new();
    match serde_json::from_str::<LogsData>(text) {
        Ok(doc) => read_doc(&mut sink, &doc, &mut records),
        Err(_) => {
            for (n, line) in text.lines().enumerate() {
                if !holds_logs(line) {
                    continue;
                }
                match serde_json::from_str::<LogsData>(line) {
                    Ok(doc) => read_doc(&mut sink, &doc, &mut records),
                    Err(e) => sink.warnings.add(WarningKind::SkippedBadLine, || {
                        format!("line {}: {e}", n + 1)
                    }),
                }
            }
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

fn read_doc(sink: &mut Sink, doc: &LogsData, out: &mut Vec<LogRecord>) {
    for rl in &doc.resource_logs {
        let (resource, _) = push_resource(sink, rl.resource.as_ref());
        for sl in &rl.scope_logs {
            let scope = push_scope(sink, sl.scope.as_ref());
            for r in &sl.log_records {
                out.push(record(sink, r, resource, scope));
            }
        }
    }
}

fn record(sink: &mut Sink, r: &ORecord, resource: u32, scope: u32) -> LogRecord {
    let start = sink.pools.attrs.len();
    for kv in &r.attributes {
        push_kv(sink, kv);
    }
    let attrs = sink.pools.attrs_since(start);
    let body = r
        .body
        .as_ref()
        .map_or(AttrValue::Empty, |b| any_value(sink, b));
    // The event's time, else when it was observed (the specification's rule).
    let time = [r.time, r.observed]
        .into_iter()
        .flatten()
        .map(|t| t.0)
        .find(|&t| t > 0)
        .map_or(0, |t| u64::try_from(t).unwrap_or(u64::MAX));
    let text = r.severity_text.as_deref().filter(|t| !t.is_empty());
    let severity = match &r.severity_number {
        Some(IntOrName::Int(n)) if *n > 0 => Severity::from_number(*n),
        Some(IntOrName::Name(n)) => Severity::from_text(n).unwrap_or_default(),
        _ => text.and_then(Severity::from_text).unwrap_or_default(),
    };
    let severity_text = sink.some_text(text);
    let trace_id = r.trace_id.as_deref().and_then(|t| sink.ref_trace_id(t));
    let span_id = r.span_id.as_deref().and_then(|s| sink.parent_id(s));
    LogRecord {
        time_unix_nanos: time,
        severity,
        severity_text,
        body,
        attrs,
        resource,
        scope,
        trace_id,
        span_id,
    }
}
