//! Generates a large, realistic trace file for benchmarks:
//! ~10 services, depth up to ~20, 5–10 attributes per span, some logs/events.
//!
//! `gen-trace --spans 100000 [--format jaeger|otlp] [--traces 1] --out FILE`

use std::fmt::Write as _;
use std::io::Write as _;

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

const SERVICES: [&str; 10] = [
    "frontend",
    "checkout",
    "cart",
    "payment",
    "shipping",
    "email",
    "currency",
    "recommendation",
    "ad",
    "inventory",
];
const OPS: [&str; 8] = [
    "GET /api",
    "POST /api",
    "grpc.Call",
    "db.query",
    "cache.get",
    "render",
    "publish",
    "consume",
];
const KINDS: [&str; 5] = ["server", "client", "internal", "producer", "consumer"];
const MAX_DEPTH: u32 = 20;

struct GenSpan {
    parent: Option<usize>,
    depth: u32,
    service: usize,
    op: usize,
    start_us: u64,
    duration_us: u64,
    error: bool,
}

fn shape(rng: &mut Rng, n: usize, start_us: u64) -> Vec<GenSpan> {
    let mut spans: Vec<GenSpan> = Vec::with_capacity(n);
    spans.push(GenSpan {
        parent: None,
        depth: 1,
        service: 0,
        op: 0,
        start_us,
        duration_us: 10_000_000,
        error: false,
    });
    for i in 1..n {
        // A recent span as parent (gives depth), never deeper than MAX_DEPTH.
        let mut p = i - 1 - rng.below(i.min(40) as u64) as usize;
        while spans[p].depth >= MAX_DEPTH {
            p = spans[p].parent.unwrap_or(0);
        }
        let parent = &spans[p];
        let offset = rng.below(parent.duration_us / 2 + 1);
        let duration = (parent.duration_us / 4 + rng.below(parent.duration_us / 3 + 1)).max(1);
        let service = if rng.chance(60) {
            parent.service
        } else {
            rng.below(SERVICES.len() as u64) as usize
        };
        spans.push(GenSpan {
            parent: Some(p),
            depth: parent.depth + 1,
            service,
            op: rng.below(OPS.len() as u64) as usize,
            start_us: parent.start_us + offset,
            duration_us: duration,
            error: rng.chance(1),
        });
    }
    spans
}

/// (key, type, JSON value) attributes for one span.
fn attributes(rng: &mut Rng, s: &GenSpan, i: usize) -> Vec<(&'static str, &'static str, String)> {
    let mut out = vec![
        (
            "span.kind",
            "string",
            format!("\"{}\"", KINDS[i % KINDS.len()]),
        ),
        ("component", "string", String::from("\"net/http\"")),
        (
            "http.status_code",
            "int64",
            if s.error {
                String::from("500")
            } else {
                String::from("200")
            },
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
        out.push((
            "cache.hit",
            "bool",
            String::from(if rng.chance(50) { "true" } else { "false" }),
        ));
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
    out
}

fn jaeger(rng: &mut Rng, traces: &[(String, Vec<GenSpan>)], out: &mut String) {
    out.push_str("{\"data\":[");
    for (t, (trace_id, spans)) in traces.iter().enumerate() {
        if t > 0 {
            out.push(',');
        }
        write!(out, "{{\"traceID\":\"{trace_id}\",\"spans\":[").ok();
        for (i, s) in spans.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write!(out, "{{\"traceID\":\"{trace_id}\",\"spanID\":\"{:016x}\",\"flags\":1,\"operationName\":\"{} {}\",\"references\":[", i + 1, OPS[s.op], i % 97).ok();
            if let Some(p) = s.parent {
                write!(out, "{{\"refType\":\"CHILD_OF\",\"traceID\":\"{trace_id}\",\"spanID\":\"{:016x}\"}}", p + 1).ok();
            }
            write!(
                out,
                "],\"startTime\":{},\"duration\":{},\"tags\":[",
                s.start_us, s.duration_us
            )
            .ok();
            for (k, (key, ty, value)) in attributes(rng, s, i).into_iter().enumerate() {
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
                write!(out, "{{\"timestamp\":{},\"fields\":[{{\"key\":\"event\",\"type\":\"string\",\"value\":\"cache miss\"}},{{\"key\":\"key\",\"type\":\"string\",\"value\":\"item:{}\"}}]}}", s.start_us + s.duration_us / 2, rng.below(1000)).ok();
            }
            write!(
                out,
                "],\"processID\":\"p{}\",\"warnings\":null}}",
                s.service + 1
            )
            .ok();
        }
        out.push_str("],\"processes\":{");
        for (p, name) in SERVICES.iter().enumerate() {
            if p > 0 {
                out.push(',');
            }
            write!(out, "\"p{}\":{{\"serviceName\":\"{name}\",\"tags\":[{{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"{name}-7d9f\"}},{{\"key\":\"ip\",\"type\":\"string\",\"value\":\"10.0.0.{p}\"}}]}}", p + 1).ok();
        }
        out.push_str("},\"warnings\":null}");
    }
    out.push_str("],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
}

fn otlp(rng: &mut Rng, traces: &[(String, Vec<GenSpan>)], out: &mut String) {
    out.push_str("{\"resourceSpans\":[");
    let mut first_resource = true;
    for (service, name) in SERVICES.iter().enumerate() {
        if !first_resource {
            out.push(',');
        }
        first_resource = false;
        write!(out, "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{name}\"}}}},{{\"key\":\"host.name\",\"value\":{{\"stringValue\":\"{name}-7d9f\"}}}}]}},\"scopeSpans\":[{{\"scope\":{{\"name\":\"gen-trace\",\"version\":\"1.0\"}},\"spans\":[").ok();
        let mut first = true;
        for (trace_id, spans) in traces {
            for (i, s) in spans
                .iter()
                .enumerate()
                .filter(|(_, s)| s.service == service)
            {
                if !first {
                    out.push(',');
                }
                first = false;
                let parent = s
                    .parent
                    .map(|p| format!("{:016x}", p + 1))
                    .unwrap_or_default();
                write!(out, "{{\"traceId\":\"{trace_id}\",\"spanId\":\"{:016x}\",\"parentSpanId\":\"{parent}\",\"flags\":257,\"name\":\"{} {}\",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":[",
                    i + 1, OPS[s.op], i % 97, 1 + i % 5, s.start_us * 1000, (s.start_us + s.duration_us) * 1000).ok();
                for (k, (key, ty, value)) in attributes(rng, s, i).into_iter().enumerate() {
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
                    write!(out, "{{\"timeUnixNano\":\"{}\",\"name\":\"cache miss\",\"attributes\":[{{\"key\":\"key\",\"value\":{{\"stringValue\":\"item:{}\"}}}}]}}", (s.start_us + s.duration_us / 2) * 1000, rng.below(1000)).ok();
                }
                write!(
                    out,
                    "],\"status\":{{\"code\":{}}}}}",
                    if s.error { 2 } else { 0 }
                )
                .ok();
            }
        }
        out.push_str("]}]}");
    }
    out.push_str("]}");
}

fn main() {
    let mut spans = 100_000usize;
    let mut traces = 1usize;
    let mut format = String::from("jaeger");
    let mut out_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spans" => spans = args.next().and_then(|v| v.parse().ok()).unwrap_or(spans),
            "--traces" => traces = args.next().and_then(|v| v.parse().ok()).unwrap_or(traces),
            "--format" => format = args.next().unwrap_or(format),
            "--out" => out_path = args.next(),
            other => {
                eprintln!("unknown argument {other}\nusage: gen-trace --spans N [--traces T] [--format jaeger|otlp] --out FILE");
                std::process::exit(2);
            }
        }
    }
    let Some(out_path) = out_path else {
        eprintln!("usage: gen-trace --spans N [--traces T] [--format jaeger|otlp] --out FILE");
        std::process::exit(2);
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let per_trace = (spans / traces.max(1)).max(1);
    let generated: Vec<(String, Vec<GenSpan>)> = (0..traces.max(1))
        .map(|t| {
            let id = format!("{:016x}{:016x}", 0xfeed_0000_u64 + t as u64, rng.next());
            (
                id,
                shape(
                    &mut rng,
                    per_trace,
                    1_700_000_000_000_000 + t as u64 * 60_000_000,
                ),
            )
        })
        .collect();
    let mut text = String::with_capacity(per_trace * traces * 700);
    match format.as_str() {
        "otlp" => otlp(&mut rng, &generated, &mut text),
        _ => jaeger(&mut rng, &generated, &mut text),
    }
    let written = std::fs::File::create(&out_path).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        eprintln!("{out_path}: {e}");
        std::process::exit(1);
    }
    let depth = generated
        .iter()
        .flat_map(|(_, s)| s.iter().map(|x| x.depth))
        .max()
        .unwrap_or(0);
    println!(
        "wrote {out_path}: {format}, {} spans in {traces} trace(s), depth {depth}, {:.1} MB",
        per_trace * traces,
        text.len() as f64 / 1e6
    );
}
