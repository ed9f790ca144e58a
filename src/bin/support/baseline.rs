//! The yardstick for the readers' speed: serde_json deserialising the same
//! Jaeger or OTLP file into typed structs that borrow from the text and keep
//! nothing (no interning, no tree, no model). The readers do all that and
//! more; the benchmark prints both speeds and their ratio.

use std::borrow::Cow;

use serde::Deserialize;
// Tag values and OTLP's quoted integers: the readers' own scalar, so that
// both sides decode values the same way.
use trace_viewer::model::formats::lenient::Scalar;

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JaegerFile<'a> {
    #[serde(borrow)]
    data: Vec<JaegerTrace<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct JaegerTrace<'a> {
    #[serde(borrow)]
    spans: Vec<JaegerSpan<'a>>,
    #[serde(borrow)]
    processes: std::collections::HashMap<Cow<'a, str>, JaegerProcess<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JaegerSpan<'a> {
    #[serde(rename = "traceID", borrow)]
    trace_id: Cow<'a, str>,
    #[serde(rename = "spanID", borrow)]
    span_id: Cow<'a, str>,
    #[serde(default)]
    flags: Option<u32>,
    #[serde(borrow)]
    operation_name: Cow<'a, str>,
    #[serde(borrow, default)]
    references: Vec<JaegerRef<'a>>,
    start_time: u64,
    duration: u64,
    #[serde(borrow, default)]
    tags: Vec<JaegerTag<'a>>,
    #[serde(borrow, default)]
    logs: Vec<JaegerLog<'a>>,
    #[serde(rename = "processID", borrow)]
    process_id: Cow<'a, str>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JaegerRef<'a> {
    #[serde(borrow)]
    ref_type: Cow<'a, str>,
    #[serde(rename = "traceID", borrow)]
    trace_id: Cow<'a, str>,
    #[serde(rename = "spanID", borrow)]
    span_id: Cow<'a, str>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct JaegerTag<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    value: Scalar<'a>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct JaegerLog<'a> {
    timestamp: u64,
    #[serde(borrow, default)]
    fields: Vec<JaegerTag<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JaegerProcess<'a> {
    #[serde(borrow)]
    service_name: Cow<'a, str>,
    #[serde(borrow, default)]
    tags: Vec<JaegerTag<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpFile<'a> {
    #[serde(borrow)]
    resource_spans: Vec<ResourceSpans<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    resource: Option<Attributes<'a>>,
    #[serde(borrow)]
    scope_spans: Vec<ScopeSpans<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Attributes<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Scope<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    version: Option<Cow<'a, str>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct ScopeSpans<'a> {
    #[serde(borrow, default)]
    scope: Option<Scope<'a>>,
    #[serde(borrow)]
    spans: Vec<OtlpSpan<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpSpan<'a> {
    #[serde(borrow)]
    trace_id: Cow<'a, str>,
    #[serde(borrow)]
    span_id: Cow<'a, str>,
    #[serde(borrow, default)]
    parent_span_id: Option<Cow<'a, str>>,
    #[serde(default)]
    flags: Option<u32>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default)]
    kind: Option<i64>,
    #[serde(borrow)]
    start_time_unix_nano: Scalar<'a>,
    #[serde(borrow)]
    end_time_unix_nano: Scalar<'a>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(borrow, default)]
    events: Vec<OtlpEvent<'a>>,
    #[serde(borrow, default)]
    links: Vec<OtlpLink<'a>>,
    #[serde(borrow, default)]
    status: Option<OtlpStatus<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpEvent<'a> {
    #[serde(borrow)]
    time_unix_nano: Scalar<'a>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpLink<'a> {
    #[serde(borrow)]
    trace_id: Cow<'a, str>,
    #[serde(borrow)]
    span_id: Cow<'a, str>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct OtlpStatus<'a> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    value: AnyValue<'a>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnyValue<'a> {
    #[serde(borrow, default)]
    string_value: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    int_value: Option<Scalar<'a>>,
    #[serde(default)]
    bool_value: Option<bool>,
    #[serde(default)]
    double_value: Option<f64>,
}

/// Deserialises `bytes` (a Jaeger or OTLP JSON file) into borrowed typed
/// structs and drops them; the number of spans, or `None` for other files.
pub fn deserialise(bytes: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.get(..text.len().min(64)).unwrap_or("");
    if start.contains("\"data\"") {
        let file: JaegerFile = serde_json::from_str(text).ok()?;
        Some(file.data.iter().map(|t| t.spans.len()).sum())
    } else if start.contains("\"resourceSpans\"") {
        let file: OtlpFile = serde_json::from_str(text).ok()?;
        Some(
            file.resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .map(|s| s.spans.len())
                .sum(),
        )
    } else {
        None
    }
}
