//! The yardstick for the readers' speed: serde_json deserialising the same
//! Jaeger or OTLP file into typed structs that borrow from the text and keep
//! nothing (no interning, no tree, no model). The readers do all that and
//! more; the benchmark prints both speeds and their ratio.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, Visitor};
use serde::Deserialize;

/// A scalar as the files write it (tag values, OTLP's quoted integers).
#[allow(dead_code)]
enum Scalar<'a> {
    Str(Cow<'a, str>),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Null,
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(s.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::U64(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

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
