//! Application logs as JSON Lines: one object per line, written by a logging
//! library with the trace context added. The ids come from the field names
//! the common integrations use — `trace_id`/`span_id`, `traceId`/`spanId`,
//! `otelTraceID`/`otelSpanID` (OpenTelemetry's logging instrumentation),
//! `dd.trace_id`/`dd.span_id` (Datadog, decimal), and Google Cloud's
//! `logging.googleapis.com/trace` (`projects/<p>/traces/<id>`); the time from
//! `time`, `timestamp`, `@timestamp`, `ts`… as ISO 8601 or epoch seconds,
//! milliseconds, microseconds or nanoseconds; the severity from `level`,
//! `severity`… as a name or pino's numbers; the body from `message` or `msg`.
//! Every other field is an attribute.

use std::borrow::Cow;
use std::sync::Arc;

use super::lenient::{parse_rfc3339, Pairs, Scalar};
use super::sink::Sink;
use crate::model::hash::FxHashMap;
use crate::model::ids::{SpanId, TraceId};
use crate::model::logs::{LogRecord, Logs, Severity};
use crate::model::span::AttrValue;
use crate::model::warnings::{WarningKind, Warnings};

const TRACE_KEYS: [&str; 7] = [
    "trace_id",
    "traceId",
    "traceID",
    "otelTraceID",
    "dd.trace_id",
    "trace.id",
    "logging.googleapis.com/trace",
];
const SPAN_KEYS: [&str; 7] = [
    "span_id",
    "spanId",
    "spanID",
    "otelSpanID",
    "dd.span_id",
    "span.id",
    "logging.googleapis.com/spanId",
];
const TIME_KEYS: [&str; 6] = ["time", "timestamp", "@timestamp", "ts", "t", "date"];
/// [`TIME_KEYS`] as they appear in a line.
const TIME_KEYS_QUOTED: [&str; 6] = [
    "\"time\"",
    "\"timestamp\"",
    "\"@timestamp\"",
    "\"ts\"",
    "\"t\"",
    "\"date\"",
];
const LEVEL_KEYS: [&str; 6] = [
    "level",
    "severity",
    "lvl",
    "log.level",
    "levelname",
    "severity_text",
];
const BODY_KEYS: [&str; 4] = ["message", "msg", "body", "log"];
const SERVICE_KEYS: [&str; 3] = ["service.name", "service", "dd.service"];

/// What one line said, before it is pooled.
#[derive(Default)]
struct Line<'a> {
    time: Option<u64>,
    severity: Option<Severity>,
    level_text: Option<Cow<'a, str>>,
    body: Option<Scalar<'a>>,
    trace: Option<TraceId>,
    span: Option<SpanId>,
    service: Option<Cow<'a, str>>,
    named_ids: bool,
}

/// Reads every line that is a JSON object with a time and a message or
/// trace context; `None` when no line is. Lines that are not objects (or
/// are OTLP) are left alone; an object line with neither is warned.
pub fn read(text: &str, warnings: &mut Warnings) -> Option<Logs> {
    let mut sink = Sink::new(warnings);
    let mut records = Vec::new();
    let mut resources: FxHashMap<String, u32> = FxHashMap::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        // Only object lines naming a time field are looked at: a trace file
        // written one value per line has none.
        if !line.starts_with('{')
            || !TIME_KEYS_QUOTED.iter().any(|k| line.contains(k))
            || line.contains("\"resourceSpans\"")
            || line.contains("\"resourceLogs\"")
        {
            continue;
        }
        let Ok(pairs) = serde_json::from_str::<Pairs>(line) else {
            sink.warnings.add(WarningKind::SkippedBadLine, || {
                format!("line {}: not a JSON object", n + 1)
            });
            continue;
        };
        let facts = read_facts(&pairs);
        if facts.time.is_none() || (facts.body.is_none() && !facts.named_ids) {
            sink.warnings.add(WarningKind::SkippedBadLine, || {
                format!(
                    "line {}: no time, or neither a message nor a trace id",
                    n + 1
                )
            });
            continue;
        }
        let service = facts.service.as_deref().unwrap_or("");
        let resource = sink.cached_service(&mut resources, service);
        let start = sink.pools.attrs.len();
        for (k, v) in &pairs.0 {
            if !is_fact_key(k) {
                sink.push_scalar(k, v);
            }
        }
        let attrs = sink.pools.attrs_since(start);
        let body = match &facts.body {
            Some(Scalar::Str(s)) => AttrValue::Str(sink.text(s)),
            Some(other) => {
                // Pooled as an attribute would be, then taken back.
                let at = sink.pools.attrs.len();
                sink.push_scalar("", other);
                let v = sink
                    .pools
                    .attrs
                    .get(at)
                    .map_or(AttrValue::Empty, |a| a.value);
                sink.pools.attrs.truncate(at);
                v
            }
            None => AttrValue::Empty,
        };
        let severity_text = sink.some_text(facts.level_text.as_deref());
        records.push(LogRecord {
            time_unix_nanos: facts.time.unwrap_or(0),
            severity: facts.severity.unwrap_or_default(),
            severity_text,
            body,
            attrs,
            resource,
            scope: 0,
            trace_id: facts.trace,
            span_id: facts.span,
        });
    }
    if records.is_empty() {
        return None;
    }
    Some(Logs {
        pools: Arc::new(std::mem::take(&mut sink.pools)),
        records,
    })
}

fn is_fact_key(k: &str) -> bool {
    TRACE_KEYS.contains(&k)
        || SPAN_KEYS.contains(&k)
        || TIME_KEYS.contains(&k)
        || LEVEL_KEYS.contains(&k)
        || BODY_KEYS.contains(&k)
}

fn read_facts<'a>(pairs: &Pairs<'a>) -> Line<'a> {
    let mut line = Line::default();
    for (k, v) in &pairs.0 {
        let k = k.as_ref();
        if TRACE_KEYS.contains(&k) && line.trace.is_none() {
            line.named_ids = true;
            line.trace = trace_id(k, v);
        } else if SPAN_KEYS.contains(&k) && line.span.is_none() {
            line.named_ids = true;
            line.span = span_id(k, v);
        } else if TIME_KEYS.contains(&k) && line.time.is_none() {
            line.time = time(v);
        } else if LEVEL_KEYS.contains(&k) && line.severity.is_none() {
            match v {
                Scalar::Str(s) => {
                    line.severity = Severity::from_text(s);
                    line.level_text = Some(s.clone());
                }
                // pino and bunyan: 10 trace … 60 fatal.
                Scalar::I64(n) if (10..=60).contains(n) => {
                    line.severity = Some(Severity(((n / 10 - 1) * 4 + 1) as u8));
                }
                _ => {}
            }
        } else if BODY_KEYS.contains(&k) && line.body.is_none() {
            line.body = Some(v.clone());
        }
        if SERVICE_KEYS.contains(&k) && line.service.is_none() {
            if let Scalar::Str(s) = v {
                line.service = Some(s.clone());
            }
        }
    }
    line
}

/// A trace id in any of the spellings: hex, Datadog's decimal lower 64
/// bits, Google Cloud's `projects/<p>/traces/<hex>`.
fn trace_id(key: &str, v: &Scalar) -> Option<TraceId> {
    let text = scalar_digits(v)?;
    let text = text
        .rsplit_once("/traces/")
        .map_or(text.as_str(), |(_, id)| id);
    if key.starts_with("dd.") && text.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = text.parse().ok()?;
        let mut bytes = [0u8; 16];
        bytes[8..].copy_from_slice(&n.to_be_bytes());
        return (n != 0).then_some(TraceId(bytes));
    }
    TraceId::parse(text).ok().map(|(id, _)| id)
}

fn span_id(key: &str, v: &Scalar) -> Option<SpanId> {
    let text = scalar_digits(v)?;
    if key.starts_with("dd.") && text.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = text.parse().ok()?;
        return (n != 0).then(|| SpanId::from_u64(n));
    }
    SpanId::parse(&text).ok().map(|(id, _)| id)
}

/// A string or an integer, as text.
fn scalar_digits(v: &Scalar) -> Option<String> {
    match v {
        Scalar::Str(s) => Some(s.trim().to_string()),
        Scalar::I64(n) => Some(n.to_string()),
        Scalar::U64(n) => Some(n.to_string()),
        _ => None,
    }
}

/// ISO 8601 text, or a number of seconds, milliseconds, microseconds or
/// nanoseconds since the epoch, told apart by its size (as a number or in
/// a string). Whole numbers are scaled exactly.
fn time(v: &Scalar) -> Option<u64> {
    let whole = match v {
        Scalar::I64(n) => u64::try_from(*n).ok(),
        Scalar::U64(n) => Some(*n),
        Scalar::Str(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    if let Some(n) = whole {
        let scale: u64 = match n {
            0 => return None,
            1..=99_999_999_999 => 1_000_000_000,
            100_000_000_000..=99_999_999_999_999 => 1_000_000,
            100_000_000_000_000..=99_999_999_999_999_999 => 1_000,
            _ => 1,
        };
        return n.checked_mul(scale);
    }
    let number = match v {
        Scalar::Str(s) => match s.trim().parse::<f64>() {
            Ok(n) => n,
            Err(_) => return u64::try_from(parse_rfc3339(s)?).ok(),
        },
        Scalar::F64(f) => *f,
        _ => return None,
    };
    if !number.is_finite() || number <= 0.0 {
        return None;
    }
    let scale = if number < 1e11 {
        1e9
    } else if number < 1e14 {
        1e6
    } else if number < 1e17 {
        1e3
    } else {
        1.0
    };
    let nanos = number * scale;
    (nanos < u64::MAX as f64).then_some(nanos as u64)
}
