//! Log records: the OTLP logs reader (fixtures written here: base64 ids,
//! every severity spelling, a map body, JSON Lines among trace lines), and
//! attachment to traces by id, whichever arrived first.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::formats::otlp_logs;
use trace_viewer::model::logs::{attach, Level, LogRecord, Logs, Severity};
use trace_viewer::model::{load, AttrValue, SpanIx, Trace, Warnings};

/// Trace and span ids of tests/fixtures/jaeger-checkout.json.
const CHECKOUT: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const GET_CART: &str = "00f067aa0ba902b5";

fn record(fields: &str) -> String {
    format!(r#"{{"timeUnixNano":"1700000000050000000",{fields}}}"#)
}

fn doc(records: &[String]) -> String {
    format!(
        r#"{{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"cart"}}}}]}},"scopeLogs":[{{"scope":{{"name":"app"}},"logRecords":[{}]}}]}}]}}"#,
        records.join(",")
    )
}

fn read(text: &str) -> (Logs, Warnings) {
    let mut warnings = Warnings::default();
    let logs = otlp_logs::read(text, &mut warnings).expect("log records");
    (logs, warnings)
}

fn body(logs: &Logs, r: &LogRecord) -> String {
    logs.pools.value_text(&r.body)
}

#[test]
fn every_severity_spelling_reads_as_its_number() {
    let cases: [(&str, u8, Level); 9] = [
        (r#""severityNumber":9"#, 9, Level::Info),
        (
            r#""severityNumber":"SEVERITY_NUMBER_WARN""#,
            13,
            Level::Warn,
        ),
        (r#""severityNumber":"17""#, 17, Level::Error),
        (r#""severityText":"warning""#, 13, Level::Warn),
        (r#""severityText":"ERR""#, 17, Level::Error),
        (r#""severityText":"INFO3""#, 11, Level::Info),
        (r#""severityText":"Critical""#, 21, Level::Fatal),
        (
            r#""severityNumber":0,"severityText":"debug""#,
            5,
            Level::Debug,
        ),
        (r#""severityText":"chatty""#, 0, Level::Unspecified),
    ];
    let records: Vec<String> = cases.iter().map(|(f, _, _)| record(f)).collect();
    let (logs, _) = read(&doc(&records));
    assert_eq!(logs.records.len(), cases.len());
    for ((field, number, level), r) in cases.iter().zip(&logs.records) {
        assert_eq!(r.severity, Severity(*number), "{field}");
        assert_eq!(r.severity.level(), *level, "{field}");
    }
    // The text as written is kept for display.
    let kept = logs.records[3]
        .severity_text
        .map(|t| logs.pools.text.get(t));
    assert_eq!(kept, Some("warning"));
}

#[test]
fn ids_in_hex_of_any_case_or_base64_and_bodies_of_any_kind() {
    let (logs, warnings) = read(&doc(&[
        record(&format!(
            r#""traceId":"{}","spanId":"{}","body":{{"stringValue":"cart loaded"}}"#,
            CHECKOUT.to_uppercase(),
            GET_CART.to_uppercase()
        )),
        // The same ids in base64, as protobuf's JSON mapping writes bytes.
        record(
            r#""traceId":"S/kvNXezTaajzpKdDg5HNg==","spanId":"APBnqgupArU=","body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"retry"}},{"key":"attempt","value":{"intValue":"2"}}]}}"#,
        ),
        record(
            r#""body":{"intValue":"42"},"attributes":[{"key":"http.status_code","value":{"intValue":"503"}}]"#,
        ),
    ]));
    let [a, b, c] = &logs.records[..] else {
        panic!("three records")
    };
    assert_eq!(a.trace_id.map(|t| t.to_hex()).as_deref(), Some(CHECKOUT));
    assert_eq!(a.span_id.map(|s| s.to_hex()).as_deref(), Some(GET_CART));
    assert_eq!((b.trace_id, b.span_id), (a.trace_id, a.span_id));
    assert!(warnings
        .list()
        .iter()
        .any(|w| format!("{:?}", w.kind) == "Base64Ids"));
    assert_eq!(body(&logs, a), "cart loaded");
    assert!(matches!(b.body, AttrValue::Map(_)));
    assert_eq!(body(&logs, b), r#"{"event":"retry","attempt":2}"#);
    assert_eq!(body(&logs, c), "42");
    assert_eq!(logs.pools.attrs(c.attrs).len(), 1);
    assert_eq!(c.trace_id, None);
    assert_eq!(a.time_unix_nanos, 1_700_000_000_050_000_000);
}

#[test]
fn json_lines_skip_trace_lines_and_warn_about_bad_log_lines() {
    let trace_line = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[]}]}]}"#;
    let text = [
        doc(&[record(
            r#""severityText":"INFO","body":{"stringValue":"one"}"#,
        )]),
        trace_line.to_string(),
        r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"#.to_string(),
        doc(&[record(
            r#""observedTimeUnixNano":"5","body":{"stringValue":"two"}"#,
        )]),
    ]
    .join("\n");
    let (logs, warnings) = read(&text);
    let bodies: Vec<String> = logs.records.iter().map(|r| body(&logs, r)).collect();
    assert_eq!(bodies, ["one", "two"]);
    let bad = warnings
        .list()
        .iter()
        .find(|w| format!("{:?}", w.kind) == "SkippedBadLine")
        .expect("the cut line is warned");
    assert_eq!(bad.count, 1);
    assert!(bad.example.starts_with("line 3"), "{}", bad.example);
    // Not a log file at all.
    assert!(otlp_logs::read(trace_line, &mut Warnings::default()).is_none());
}

fn checkout() -> Trace {
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").unwrap();
    load(&bytes).unwrap().traces.remove(0)
}

fn three() -> Vec<Trace> {
    let bytes = std::fs::read("tests/fixtures/otlp-three-traces.json").unwrap();
    load(&bytes).unwrap().traces
}

fn sample_logs() -> Logs {
    read(&doc(&[
        record(&format!(r#""traceId":"{CHECKOUT}","spanId":"{GET_CART}","body":{{"stringValue":"in GetCart"}}"#)),
        record(&format!(r#""traceId":"{CHECKOUT}","body":{{"stringValue":"trace only"}}"#)),
        record(&format!(r#""traceId":"{CHECKOUT}","spanId":"ffffffffffffffff","body":{{"stringValue":"unknown span"}}"#)),
        record(r#""traceId":"11111111111111111111111111111111","body":{"stringValue":"other trace"}"#),
        record(r#""body":{"stringValue":"no trace"}"#),
    ]))
    .0
}

/// Attachment by brute force: each record against every span of every trace.
fn brute(records: &[LogRecord], traces: &[&Trace]) -> Vec<Vec<(u32, Option<SpanIx>)>> {
    traces
        .iter()
        .map(|t| {
            records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.trace_id == Some(t.id))
                .map(|(i, r)| {
                    let span = (0..t.spans.len())
                        .find(|&s| Some(t.spans[s].raw.span_id) == r.span_id)
                        .map(SpanIx::at);
                    (i as u32, span)
                })
                .collect()
        })
        .collect()
}

#[test]
fn records_attach_by_trace_and_span_id_and_the_rest_are_counted() {
    let logs = sample_logs();
    let t = checkout();
    let get_cart = t
        .spans
        .iter()
        .position(|s| s.raw.span_id.to_hex() == GET_CART)
        .map(SpanIx::at);
    let a = attach(&logs.records, &[&t]);
    assert_eq!(a.by_trace, vec![vec![(0, get_cart), (1, None), (2, None)]]);
    assert_eq!(a.by_trace, brute(&logs.records, &[&t]));
    assert_eq!(a.unmatched, vec![3]);
    assert_eq!(a.without_trace, 1);
}

#[test]
fn logs_loaded_before_their_traces_attach_once_the_traces_arrive() {
    let logs = sample_logs();
    // Nothing loaded yet: every record with a trace id waits, counted.
    let before = attach(&logs.records, &[]);
    assert_eq!(before.unmatched, vec![0, 1, 2, 3]);
    // The trace arrives among others, in any order.
    let others = three();
    let t = checkout();
    let mut traces: Vec<&Trace> = others.iter().collect();
    traces.push(&t);
    let after = attach(&logs.records, &traces);
    assert_eq!(after.by_trace, brute(&logs.records, &traces));
    assert_eq!(after.by_trace.last().map(Vec::len), Some(3));
    traces.reverse();
    let reversed = attach(&logs.records, &traces);
    assert_eq!(reversed.by_trace.first(), after.by_trace.last());
    assert_eq!(reversed.unmatched, vec![3]);
}

#[test]
fn the_real_log_files_read() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(example) = std::fs::read_to_string(dir.join("logs/otlp-proto-examples-logs.json"))
    else {
        println!(
            "skipping: no corpus at {} (it lives beside the project on CI)",
            dir.display()
        );
        return;
    };
    let (logs, _) = read(&example);
    let r = logs.records.first().expect("a record");
    assert_eq!(r.severity, Severity(10));
    assert_eq!(
        r.trace_id.map(|t| t.to_hex()).as_deref(),
        Some("5b8efff798038103d269b633813fc60c")
    );
    assert_eq!(body(&logs, r), "Example log record");

    // The Collector file: its 16 log lines among trace and metric lines,
    // attached to the traces read from the same file.
    let mixed = std::fs::read_to_string(
        dir.join("public/otelcol-fileexporter-mixed-signals-otel-tui-test_data.jsonl"),
    )
    .unwrap();
    let (logs, warnings) = read(&mixed);
    let log_lines = mixed
        .lines()
        .filter(|l| l.contains("\"resourceLogs\""))
        .count();
    assert_eq!(log_lines, 16);
    assert!(logs.records.len() >= 16, "{} records", logs.records.len());
    assert!(warnings.list().is_empty(), "{:?}", warnings.list());
    let traces = load(mixed.as_bytes()).unwrap().traces;
    let refs: Vec<&Trace> = traces.iter().collect();
    let a = attach(&logs.records, &refs);
    assert_eq!(a.by_trace, brute(&logs.records, &refs));
    let attached: usize = a.by_trace.iter().map(Vec::len).sum();
    println!(
        "{} records: {attached} attached, {} to traces not in the file, {} without a trace",
        logs.records.len(),
        a.unmatched.len(),
        a.without_trace
    );
}

#[test]
fn application_json_lines_in_every_common_spelling() {
    use trace_viewer::model::formats::app_logs;
    let lines = [
        format!(r#"{{"time":"2023-11-14T22:13:20.050Z","level":"error","msg":"cart timeout","trace_id":"{CHECKOUT}","span_id":"{GET_CART}","service":"cart","attempt":2}}"#),
        format!(r#"{{"timestamp":1700000000050,"severity":"WARN","message":"slow","traceId":"{CHECKOUT}","spanId":"{GET_CART}"}}"#),
        format!(r#"{{"ts":1700000000.05,"level":30,"msg":"pino","otelTraceID":"{CHECKOUT}","otelSpanID":"{GET_CART}"}}"#),
        // Datadog: the lower 64 bits of the ids, in decimal.
        r#"{"@timestamp":"1700000000050000000","log.level":"debug","message":"dd","dd.trace_id":"11803532876627986230","dd.span_id":67667974448284341}"#.to_string(),
        format!(r#"{{"time":1700000000050000,"severity":"NOTICE","message":"gcp","logging.googleapis.com/trace":"projects/shop/traces/{CHECKOUT}","logging.googleapis.com/spanId":"{GET_CART}"}}"#),
        String::from("plain text, not a log object"),
        String::from(r#"{"time":"2023-11-14T22:13:20Z","msg":"cut"#),
        String::from(r#"{"no":"time"}"#),
    ];
    let mut warnings = Warnings::default();
    let logs = app_logs::read(&lines.join("\n"), &mut warnings).expect("records");
    assert_eq!(logs.records.len(), 5);
    let want_time = 1_700_000_000_050_000_000u64;
    for (i, r) in logs.records.iter().enumerate() {
        assert!(
            r.time_unix_nanos.abs_diff(want_time) < 1_000,
            "line {i}: {}",
            r.time_unix_nanos
        );
        if i != 3 {
            assert_eq!(
                r.trace_id.map(|t| t.to_hex()).as_deref(),
                Some(CHECKOUT),
                "line {i}"
            );
        }
        assert_eq!(
            r.span_id.map(|s| s.to_hex()).as_deref(),
            Some(GET_CART),
            "line {i}"
        );
    }
    assert_eq!(
        logs.records[0].time_unix_nanos, want_time,
        "ISO 8601 is exact"
    );
    assert_eq!(
        logs.records[3].time_unix_nanos, want_time,
        "nanoseconds are exact"
    );
    assert_eq!(
        logs.records[3].trace_id.map(|t| t.to_hex()).as_deref(),
        Some("0000000000000000a3ce929d0e0e4736")
    );
    let levels: Vec<Level> = logs.records.iter().map(|r| r.severity.level()).collect();
    assert_eq!(
        levels,
        [
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Info
        ]
    );
    let bodies: Vec<String> = logs.records.iter().map(|r| body(&logs, r)).collect();
    assert_eq!(bodies, ["cart timeout", "slow", "pino", "dd", "gcp"]);
    // What is not a fact is an attribute; the service makes the resource.
    let first = &logs.records[0];
    let attrs: Vec<(String, String)> = logs
        .pools
        .attrs(first.attrs)
        .iter()
        .map(|a| {
            (
                logs.pools.strings.get(a.key).to_string(),
                logs.pools.value_text(&a.value),
            )
        })
        .collect();
    assert_eq!(
        attrs,
        [
            ("service".to_string(), "cart".to_string()),
            ("attempt".to_string(), "2".to_string())
        ]
    );
    let service = logs.pools.resources[first.resource as usize].service;
    assert_eq!(logs.pools.strings.get(service), "cart");
    let bad = warnings
        .list()
        .iter()
        .find(|w| format!("{:?}", w.kind) == "SkippedBadLine")
        .expect("bad lines warned");
    assert_eq!(bad.count, 2);
    // They attach like any other records.
    let t = checkout();
    let a = attach(&logs.records, &[&t]);
    assert_eq!(a.by_trace[0].len(), 4);
    assert_eq!(a.unmatched, vec![3]);
    // A trace file is not an application log.
    let jaeger = std::fs::read_to_string("tests/fixtures/jaeger-checkout.json").unwrap();
    assert!(app_logs::read(&jaeger, &mut Warnings::default()).is_none());
}

#[test]
fn loki_streams_take_ids_from_metadata_labels_or_the_line() {
    use trace_viewer::model::formats::loki;
    let answer = format!(
        r#"{{"status":"success","data":{{"resultType":"streams","result":[
  {{"stream":{{"service_name":"cart","level":"error"}},"values":[
    ["1700000000050000000","cart timeout",{{"structuredMetadata":{{"trace_id":"{CHECKOUT}","span_id":"{GET_CART}"}},"parsed":{{}}}}],
    ["1700000000060000000","level=warn traceID={CHECKOUT} spanID={GET_CART} msg=slow"],
    ["1700000000070000000","plain",{{"traceID":"{CHECKOUT}"}}]
  ]}},
  {{"stream":{{"job":"frontend","detected_level":"info","traceId":"{CHECKOUT}"}},"values":[
    ["1700000000080000000","from the labels"],
    ["not a time","dropped"]
  ]}},
  {{"stream":{{"service_name":"cart"}},"values":[["1700000000090000000","subtraceID=ffff no id here"]]}}
]}}}}"#
    );
    let mut warnings = Warnings::default();
    let logs = loki::read(&answer, &mut warnings).expect("records");
    let bodies: Vec<String> = logs.records.iter().map(|r| body(&logs, r)).collect();
    assert_eq!(
        bodies,
        [
            "cart timeout",
            &format!("level=warn traceID={CHECKOUT} spanID={GET_CART} msg=slow"),
            "plain",
            "from the labels",
            "subtraceID=ffff no id here"
        ]
    );
    let ids: Vec<(Option<String>, Option<String>)> = logs
        .records
        .iter()
        .map(|r| {
            (
                r.trace_id.map(|t| t.to_hex()),
                r.span_id.map(|s| s.to_hex()),
            )
        })
        .collect();
    let both = (Some(CHECKOUT.to_string()), Some(GET_CART.to_string()));
    let trace_only = (Some(CHECKOUT.to_string()), None);
    assert_eq!(
        ids,
        [
            both.clone(),
            both,
            trace_only.clone(),
            trace_only,
            (None, None)
        ]
    );
    let levels: Vec<Level> = logs.records.iter().map(|r| r.severity.level()).collect();
    assert_eq!(
        levels,
        [
            Level::Error,
            Level::Error,
            Level::Error,
            Level::Info,
            Level::Unspecified
        ]
    );
    let services: Vec<&str> = logs
        .records
        .iter()
        .map(|r| {
            logs.pools
                .strings
                .get(logs.pools.resources[r.resource as usize].service)
        })
        .collect();
    assert_eq!(services, ["cart", "cart", "cart", "frontend", "cart"]);
    assert_eq!(logs.records[0].time_unix_nanos, 1_700_000_000_050_000_000);
    assert!(warnings
        .list()
        .iter()
        .any(|w| format!("{:?}", w.kind) == "UnreadableTime"));
    let t = checkout();
    assert_eq!(attach(&logs.records, &[&t]).by_trace[0].len(), 4);
    // A metrics answer (matrix) is not logs.
    let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
    assert!(loki::read(matrix, &mut Warnings::default()).is_none());
}
