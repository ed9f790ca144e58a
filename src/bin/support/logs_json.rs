//! Log records for generated traces, written as OTLP logs JSON Lines the way
//! the Collector's file exporter writes them (one `{"resourceLogs":…}` export
//! request per line, a few thousand records each, grouped by service).
//!
//! The records name the generated traces' ids and the span ids `gen-trace`
//! writes ([`span_id`]), so nothing is parsed back from the trace file. Which
//! records belong where is fixed by the record's number, so the counts are
//! known from the parameters alone ([`Split`]): of every hundred records, the
//! 98th names a trace that is not in the trace file and the 99th no trace at
//! all; the rest are spread over every span of the generated traces (the
//! first pass gives each span one, the rest fall at random), each at a time
//! inside its span.

use std::fmt::Write as _;

use super::rng::Rng;
use super::shapes::{service_name, span_id, GenTrace};

/// Records per line (per export request).
pub const PER_LINE: usize = 2_000;

/// How many of `records` go where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Records on the generated traces' spans.
    pub attached: usize,
    /// Records naming a trace the trace file does not hold.
    pub other_traces: usize,
    /// Records naming no trace.
    pub without_trace: usize,
}

/// Where record `r` goes: 0 on a generated trace, 1 another trace, 2 none.
fn kind(r: usize) -> u8 {
    match r % 100 {
        98 => 1,
        99 => 2,
        _ => 0,
    }
}

impl Split {
    /// The split of `records` records (the same rule as [`kind`]).
    pub fn of(records: usize) -> Split {
        let tail = |k: usize| usize::from(records % 100 > k);
        let other_traces = records / 100 + tail(98);
        let without_trace = records / 100 + tail(99);
        Split {
            attached: records - other_traces - without_trace,
            other_traces,
            without_trace,
        }
    }
}

const SEVERITIES: [(u8, &str, u64); 6] = [
    (1, "TRACE", 3),
    (5, "DEBUG", 20),
    (9, "INFO", 60),
    (13, "WARN", 10),
    (17, "ERROR", 6),
    (21, "FATAL", 1),
];

const BODIES: [&str; 8] = [
    "request handled",
    "cache miss, loading from store",
    "retrying after timeout",
    "query returned rows",
    "payment authorised",
    "message published",
    "user session refreshed",
    "slow response from upstream",
];

/// One record to write: its time, service and ids.
struct Rec {
    time_ns: u64,
    service: usize,
    /// (trace id, span id), or none.
    ids: Option<(String, String)>,
}

/// The log file for `traces`: `records` records, and how they split.
pub fn generate(traces: &[GenTrace], records: usize, seed: u64) -> (String, Split) {
    let mut rng = Rng(seed | 1);
    let spans: Vec<(usize, usize)> = traces
        .iter()
        .enumerate()
        .flat_map(|(t, tr)| (0..tr.spans.len()).map(move |i| (t, i)))
        .collect();
    let first = traces.first().and_then(|t| t.spans.first());
    let (window_start, window) = first.map_or((0, 1), |s| (s.start_ns, s.duration_ns.max(1)));
    let mut recs = Vec::with_capacity(records);
    let mut attached = 0usize;
    for r in 0..records {
        let rec = match kind(r) {
            0 if !spans.is_empty() => {
                let pick = if attached < spans.len() {
                    attached
                } else {
                    rng.below(spans.len() as u64) as usize
                };
                attached += 1;
                let (t, i) = spans[pick];
                let s = &traces[t].spans[i];
                Rec {
                    time_ns: s.start_ns + rng.below(s.duration_ns.max(1)),
                    service: s.service,
                    ids: Some((traces[t].id.clone(), span_id(i))),
                }
            }
            1 => Rec {
                time_ns: window_start + rng.below(window),
                service: rng.below(10) as usize,
                ids: Some((
                    // A hundred other traces, a hundred records each per 1M.
                    format!(
                        "{:016x}{:016x}",
                        0xdead_0000_u64,
                        (r / 100 % 100) as u64 + 1
                    ),
                    format!("{:016x}", rng.next() | 1),
                )),
            },
            _ => Rec {
                time_ns: window_start + rng.below(window),
                service: rng.below(10) as usize,
                ids: None,
            },
        };
        recs.push(rec);
    }
    // A file exporter writes records as they arrive: roughly by time.
    recs.sort_by_key(|r| r.time_ns);
    let mut out = String::with_capacity(records * 420);
    for chunk in recs.chunks_mut(PER_LINE) {
        // Each export request groups its records by resource (service).
        chunk.sort_by_key(|r| r.service);
        out.push_str("{\"resourceLogs\":[");
        let mut current = None;
        for rec in chunk.iter() {
            if current != Some(rec.service) {
                if current.is_some() {
                    out.push_str("]}]},");
                }
                let name = service_name(rec.service);
                write!(out, "{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{name}\"}}}},{{\"key\":\"host.name\",\"value\":{{\"stringValue\":\"{name}-7d9f\"}}}}]}},\"scopeLogs\":[{{\"scope\":{{\"name\":\"gen-trace\",\"version\":\"1.0\"}},\"logRecords\":[").ok();
                current = Some(rec.service);
            } else {
                out.push(',');
            }
            record(&mut rng, rec, &mut out);
        }
        if current.is_some() {
            out.push_str("]}]}");
        }
        out.push_str("]}\n");
    }
    (out, Split::of(records))
}

/// One `logRecord` object.
fn record(rng: &mut Rng, rec: &Rec, out: &mut String) {
    let mut roll = rng.below(100);
    let &(number, text, _) = SEVERITIES
        .iter()
        .find(|&&(_, _, weight)| {
            let hit = roll < weight;
            roll = roll.saturating_sub(weight);
            hit
        })
        .unwrap_or(&SEVERITIES[2]);
    let body = BODIES[rng.below(BODIES.len() as u64) as usize];
    write!(
        out,
        "{{\"timeUnixNano\":\"{}\",\"observedTimeUnixNano\":\"{}\",\"severityNumber\":{number},\"severityText\":\"{text}\",\"body\":{{\"stringValue\":\"{body} ({})\"}},\"attributes\":[{{\"key\":\"code.function\",\"value\":{{\"stringValue\":\"handler_{}\"}}}},{{\"key\":\"user.id\",\"value\":{{\"stringValue\":\"user-{}\"}}}}",
        rec.time_ns,
        rec.time_ns + 1_000 + rng.below(1_000_000),
        rng.below(1000),
        rng.below(40),
        rng.below(1_000_000),
    )
    .ok();
    if rng.chance(50) {
        write!(
            out,
            ",{{\"key\":\"attempt\",\"value\":{{\"intValue\":\"{}\"}}}}",
            rng.below(4)
        )
        .ok();
    }
    out.push(']');
    if let Some((trace, span)) = &rec.ids {
        write!(
            out,
            ",\"traceId\":\"{trace}\",\"spanId\":\"{span}\",\"flags\":1"
        )
        .ok();
    }
    out.push('}');
}
