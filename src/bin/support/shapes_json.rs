//! The generated traces written out as Jaeger JSON, OTLP JSON or OTLP JSON
//! Lines (see `shapes.rs` for the shapes themselves).

use std::fmt::Write as _;

use super::rng::Rng;
use super::shapes::*;

/// (key, type, JSON value) attributes for span `i`.
fn attributes(
    rng: &mut Rng,
    spec: &Spec,
    s: &GenSpan,
    i: usize,
) -> Vec<(&'static str, &'static str, String)> {
    let mut out = vec![
        (
            "span.kind",
            "string",
            format!("\"{}\"", KINDS[i % KINDS.len()].0),
        ),
        ("component", "string", String::from("\"net/http\"")),
        (
            "http.status_code",
            "int64",
            String::from(if s.error { "500" } else { "200" }),
        ),
        ("request.size", "int64", rng.below(100_000).to_string()),
        ("region", "string", format!("\"eu-west-{}\"", rng.below(3))),
    ];
    let extra = rng.below(6);
    if extra > 0 {
        out.push((
            "user.id",
            "string",
            format!("\"user-{}\"", rng.below(1_000_000)),
        ));
    }
    if extra > 1 {
        let hit = if rng.chance(50) { "true" } else { "false" };
        out.push(("cache.hit", "bool", String::from(hit)));
    }
    if extra > 2 {
        out.push((
            "db.statement",
            "string",
            String::from("\"SELECT id, name, price FROM products WHERE id = $1\""),
        ));
    }
    if extra > 3 {
        out.push((
            "http.url",
            "string",
            format!(
                "\"https://shop.example.com/api/v1/items/{}\"",
                rng.below(10_000)
            ),
        ));
    }
    if extra > 4 {
        out.push(("retry.count", "int64", rng.below(3).to_string()));
    }
    if s.error {
        out.push(("error", "bool", String::from("true")));
    }
    if spec.shape == Shape::Long {
        let len = if i == 0 { spec.long_bytes } else { 200 };
        out.push(("payload", "string", long_value(len, i)));
    }
    out
}

/// A quoted JSON string of `len` characters: words, so that find has
/// something to match, ending with the span number.
fn long_value(len: usize, i: usize) -> String {
    const WORDS: &str = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do ";
    let tail = format!(" end-of-payload-{i}");
    let body = len.saturating_sub(tail.len());
    let mut out = String::with_capacity(len + 2);
    out.push('"');
    while out.len() - 1 + WORDS.len() <= body {
        out.push_str(WORDS);
    }
    out.extend(WORDS.chars().take(body + 1 - out.len()));
    out.push_str(&tail);
    out.push('"');
    out
}

fn jaeger(rng: &mut Rng, spec: &Spec, traces: &[GenTrace], out: &mut String) {
    out.push_str("{\"data\":[");
    for (t, trace) in traces.iter().enumerate() {
        if t > 0 {
            out.push(',');
        }
        let trace_id = &trace.id;
        write!(out, "{{\"traceID\":\"{trace_id}\",\"spans\":[").ok();
        let mut services: Vec<usize> = Vec::new();
        for (i, s) in trace.spans.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            services.push(s.service);
            write!(
                out,
                "{{\"traceID\":\"{trace_id}\",\"spanID\":\"{}\",\"flags\":1,\"operationName\":\"{}\",\"references\":[",
                span_id(i),
                op_name(s.op, i)
            )
            .ok();
            let mut first = true;
            if let Some(p) = s.parent {
                write!(
                    out,
                    "{{\"refType\":\"CHILD_OF\",\"traceID\":\"{trace_id}\",\"spanID\":\"{}\"}}",
                    span_id(p)
                )
                .ok();
                first = false;
            }
            for &(lt, ls) in &s.links {
                if !first {
                    out.push(',');
                }
                first = false;
                write!(
                    out,
                    "{{\"refType\":\"FOLLOWS_FROM\",\"traceID\":\"{}\",\"spanID\":\"{}\"}}",
                    traces[lt].id,
                    span_id(ls)
                )
                .ok();
            }
            // Jaeger counts microseconds; the extreme shape's times still fit.
            write!(
                out,
                "],\"startTime\":{},\"duration\":{},\"tags\":[",
                s.start_ns / 1000,
                s.duration_ns / 1000
            )
            .ok();
            for (k, (key, ty, value)) in attributes(rng, spec, s, i).into_iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                write!(
                    out,
                    "{{\"key\":\"{key}\",\"type\":\"{ty}\",\"value\":{value}}}"
                )
                .ok();
            }
            out.push_str("],\"logs\":[");
            if rng.chance(10) {
                write!(out, "{{\"timestamp\":{},\"fields\":[{{\"key\":\"event\",\"type\":\"string\",\"value\":\"cache miss\"}},{{\"key\":\"key\",\"type\":\"string\",\"value\":\"item:{}\"}}]}}", (s.start_ns / 1000).saturating_add(s.duration_ns / 2000), rng.below(1000)).ok();
            }
            write!(
                out,
                "],\"processID\":\"p{}\",\"warnings\":null}}",
                s.service + 1
            )
            .ok();
        }
        out.push_str("],\"processes\":{");
        services.sort_unstable();
        services.dedup();
        for (k, p) in services.into_iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let name = service_name(p);
            write!(out, "\"p{}\":{{\"serviceName\":\"{name}\",\"tags\":[{{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"{name}-7d9f\"}},{{\"key\":\"ip\",\"type\":\"string\",\"value\":\"10.0.{}.{}\"}}]}}", p + 1, p / 256 % 256, p % 256).ok();
        }
        out.push_str("},\"warnings\":null}");
    }
    out.push_str("],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
}

/// One OTLP span object.
fn otlp_span(
    rng: &mut Rng,
    spec: &Spec,
    traces: &[GenTrace],
    t: usize,
    i: usize,
    out: &mut String,
) {
    let trace = &traces[t];
    let s = &trace.spans[i];
    let parent = s.parent.map(span_id).unwrap_or_default();
    write!(
        out,
        "{{\"traceId\":\"{}\",\"spanId\":\"{}\",\"parentSpanId\":\"{parent}\",\"flags\":257,\"name\":\"{}\",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":[",
        trace.id,
        span_id(i),
        op_name(s.op, i),
        KINDS[i % KINDS.len()].1,
        s.start_ns,
        s.start_ns.saturating_add(s.duration_ns)
    )
    .ok();
    for (k, (key, ty, value)) in attributes(rng, spec, s, i).into_iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let any = match ty {
            "int64" => format!("{{\"intValue\":\"{value}\"}}"),
            "bool" => format!("{{\"boolValue\":{value}}}"),
            _ => format!("{{\"stringValue\":{value}}}"),
        };
        write!(out, "{{\"key\":\"{key}\",\"value\":{any}}}").ok();
    }
    out.push_str("],\"events\":[");
    if rng.chance(10) {
        write!(out, "{{\"timeUnixNano\":\"{}\",\"name\":\"cache miss\",\"attributes\":[{{\"key\":\"key\",\"value\":{{\"stringValue\":\"item:{}\"}}}}]}}", s.start_ns.saturating_add(s.duration_ns / 2), rng.below(1000)).ok();
    }
    out.push_str("],\"links\":[");
    for (k, &(lt, ls)) in s.links.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        write!(
            out,
            "{{\"traceId\":\"{}\",\"spanId\":\"{}\",\"attributes\":[]}}",
            traces[lt].id,
            span_id(ls)
        )
        .ok();
    }
    write!(
        out,
        "],\"status\":{{\"code\":{}}}}}",
        if s.error { 2 } else { 0 }
    )
    .ok();
}

fn resource_open(service: usize, out: &mut String) {
    let name = service_name(service);
    write!(out, "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{name}\"}}}},{{\"key\":\"host.name\",\"value\":{{\"stringValue\":\"{name}-7d9f\"}}}}]}},\"scopeSpans\":[{{\"scope\":{{\"name\":\"gen-trace\",\"version\":\"1.0\"}},\"spans\":[").ok();
}

fn otlp(rng: &mut Rng, spec: &Spec, traces: &[GenTrace], out: &mut String) {
    // Spans grouped by service, as an SDK's batches are: (service, trace, span).
    let mut order: Vec<(usize, usize, usize)> = traces
        .iter()
        .enumerate()
        .flat_map(|(t, tr)| {
            tr.spans
                .iter()
                .enumerate()
                .map(move |(i, s)| (s.service, t, i))
        })
        .collect();
    order.sort_unstable();
    out.push_str("{\"resourceSpans\":[");
    let mut current: Option<usize> = None;
    for (service, t, i) in order {
        if current != Some(service) {
            if current.is_some() {
                out.push_str("]}]},");
            }
            resource_open(service, out);
            current = Some(service);
        } else {
            out.push(',');
        }
        otlp_span(rng, spec, traces, t, i, out);
    }
    if current.is_some() {
        out.push_str("]}]}");
    }
    out.push_str("]}\n");
}

/// The Collector's file exporter: one export request per line, here one span each.
fn otlp_lines(rng: &mut Rng, spec: &Spec, traces: &[GenTrace], out: &mut String) {
    for (t, trace) in traces.iter().enumerate() {
        for (i, s) in trace.spans.iter().enumerate() {
            out.push_str("{\"resourceSpans\":[");
            resource_open(s.service, out);
            otlp_span(rng, spec, traces, t, i, out);
            out.push_str("]}]}]}\n");
        }
    }
}

/// The file text of `spec`, and the deepest span's depth.
pub fn generate(spec: &Spec, seed: u64) -> (String, Vec<GenTrace>) {
    let mut rng = Rng(seed | 1);
    let traces = traces(spec, &mut rng);
    let total: usize = traces.iter().map(|t| t.spans.len()).sum();
    let mut text = String::with_capacity(total * 700 + spec.long_bytes);
    let format = if spec.shape == Shape::Jsonl {
        Format::OtlpLines
    } else {
        spec.format
    };
    match format {
        Format::Jaeger => jaeger(&mut rng, spec, &traces, &mut text),
        Format::Otlp => otlp(&mut rng, spec, &traces, &mut text),
        Format::OtlpLines => otlp_lines(&mut rng, spec, &traces, &mut text),
    }
    (text, traces)
}
