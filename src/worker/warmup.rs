//! Warms the readers up while the page is idle.
//!
//! The first parse in a fresh page runs in V8's baseline wasm tier and grows
//! memory as it goes: measured here, a 10k-span file took ~320 ms on a first
//! drop and ~120 ms on later ones. Reading a small synthetic trace of each
//! dialect right after start-up moves that cost out of the user's first drop.
//! Each loading worker does the same when it starts, before its first file,
//! and so does the readers' module on the page's thread.

use std::fmt::Write as _;

use crate::model;
use crate::model::wire::Reply;

/// A synthetic Jaeger and OTLP document of `n` spans each.
pub fn samples(n: usize) -> (String, String) {
    let mut jaeger =
        String::from(r#"{"data":[{"traceID":"00000000000000000000000000000001","spans":["#);
    let mut otlp = String::from(
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"warm"}}]},"scopeSpans":[{"spans":["#,
    );
    for i in 1..=n {
        let sep = if i > 1 { "," } else { "" };
        let parent = i / 2;
        let refs = if parent > 0 {
            format!(
                r#"{{"refType":"CHILD_OF","traceID":"00000000000000000000000000000001","spanID":"{parent:016x}"}}"#
            )
        } else {
            String::new()
        };
        let _ = write!(
            jaeger,
            r#"{sep}{{"traceID":"00000000000000000000000000000001","spanID":"{i:016x}","operationName":"op {}","references":[{refs}],"startTime":{},"duration":{},"tags":[{{"key":"span.kind","type":"string","value":"server"}},{{"key":"n","type":"int64","value":{i}}},{{"key":"ok","type":"bool","value":true}}],"logs":[{{"timestamp":{},"fields":[{{"key":"event","type":"string","value":"e"}}]}}],"processID":"p{}"}}"#,
            i % 7,
            1_000_000 + i,
            10 * n - i,
            1_000_000 + i,
            i % 3
        );
        let parent_hex = if parent > 0 {
            format!("{parent:016x}")
        } else {
            String::new()
        };
        let _ = write!(
            otlp,
            r#"{sep}{{"traceId":"00000000000000000000000000000002","spanId":"{i:016x}","parentSpanId":"{parent_hex}","name":"op {}","kind":2,"startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{{"key":"n","value":{{"intValue":"{i}"}}}},{{"key":"s","value":{{"stringValue":"v"}}}}],"events":[{{"timeUnixNano":"{}","name":"e"}}],"status":{{"code":0}}}}"#,
            i % 7,
            1_000_000_000 + i * 1000,
            1_000_000_000 + (10 * n) * 1000,
            1_000_000_000 + i * 1000,
        );
    }
    jaeger.push_str(r#"],"processes":{"p0":{"serviceName":"a"},"p1":{"serviceName":"b"},"p2":{"serviceName":"c"}}}]}"#);
    otlp.push_str("]}]}]}");
    (jaeger, otlp)
}

/// Reads the samples a few times and encodes each model as a worker
/// would send it; the results are dropped.
pub fn warm_up() {
    let (jaeger, otlp) = samples(1500);
    for _ in 0..3 {
        read_and_encode(&jaeger, &otlp);
    }
}

/// One round of [`warm_up`]: each sample read and encoded once.
pub fn warm_up_once() {
    let (jaeger, otlp) = samples(1500);
    read_and_encode(&jaeger, &otlp);
}

fn read_and_encode(jaeger: &str, otlp: &str) {
    for doc in [jaeger, otlp] {
        if let Ok(loaded) = model::load(doc.as_bytes()) {
            drop(Reply::Loaded { job: 0, loaded }.encode());
        }
    }
}

/// A worker's answer for a synthetic trace of 1,500 spans, for the page to
/// warm up what it does with an answer (decode it, lay out its rows).
pub fn sample_reply() -> Vec<u8> {
    crate::worker::on_page::read_here(samples(1500).0.as_bytes())
}
