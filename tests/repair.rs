//! A span without a start (missing, zero, or the zero time of its language)
//! takes its parent's start with a warning, in every reader where a file can
//! say so, as Jaeger UI does; otherwise the trace seems to last 56 years.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, Loaded, WarningKind};

/// The parent: 2023-11-14T22:13:20.100Z to .180Z.
const PARENT_START_NS: u64 = 1_700_000_000_100_000_000;
const MS: u64 = 1_000_000;

fn check(dialect: &str, text: &str, child_duration_ms: u64) {
    let l: Loaded = load(text.as_bytes()).unwrap_or_else(|e| panic!("{dialect}: {e}\n{text}"));
    assert_eq!(l.traces.len(), 1, "{dialect}: traces");
    let t = &l.traces[0];
    assert_eq!(t.spans.len(), 2, "{dialect}: spans");
    let (parent, child) = (&t.spans[0], &t.spans[1]);
    assert_eq!(
        child.parent.map(|p| p.get()),
        Some(0),
        "{dialect}: child under parent"
    );
    assert_eq!(
        parent.raw.start_unix_nanos, PARENT_START_NS,
        "{dialect}: parent start"
    );
    assert_eq!(
        child.raw.start_unix_nanos, PARENT_START_NS,
        "{dialect}: the child starts with its parent"
    );
    // Within a microsecond: X-Ray's seconds are floating point.
    assert!(
        child.raw.duration_nanos.abs_diff(child_duration_ms * MS) < 1_000,
        "{dialect}: the child keeps its length, got {}",
        child.raw.duration_nanos
    );
    assert_eq!(
        t.duration_nanos(),
        80 * MS,
        "{dialect}: the trace lasts 80 ms"
    );
    assert!(
        l.warnings.count(WarningKind::MissingTimestamp) >= 1,
        "{dialect}: warned {:?}",
        l.warnings.list()
    );
}

#[test]
fn jaeger_start_time_zero_or_missing() {
    for start in [r#""startTime":0,"#, ""] {
        let text = format!(
            r#"{{"data":[{{"traceID":"d269b633813fc60c","spans":[
              {{"traceID":"d269b633813fc60c","spanID":"0000000000000001","operationName":"parent","startTime":1700000000100000,"duration":80000,"processID":"p1"}},
              {{"traceID":"d269b633813fc60c","spanID":"0000000000000002","operationName":"child","references":[{{"refType":"CHILD_OF","traceID":"d269b633813fc60c","spanID":"0000000000000001"}}],{start}"duration":50000,"processID":"p1"}}
            ],"processes":{{"p1":{{"serviceName":"s"}}}}}}]}}"#
        );
        check("jaeger", &text, 50);
    }
}

#[test]
fn otlp_start_zero_or_missing_with_an_end() {
    for start in [
        r#""startTimeUnixNano":"0","#,
        r#""startTimeUnixNano":0,"#,
        "",
    ] {
        let text = format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"s"}}}}]}},"scopeSpans":[{{"spans":[
              {{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000001","name":"parent","startTimeUnixNano":"1700000000100000000","endTimeUnixNano":"1700000000180000000"}},
              {{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"child",{start}"endTimeUnixNano":"1700000000150000000"}}
            ]}}]}}]}}"#
        );
        // The end is a time of day: the child runs from the parent's start to it.
        check("otlp", &text, 50);
    }
}

#[test]
fn zipkin_timestamp_missing() {
    let text = r#"[
      {"traceId":"d269b633813fc60c","id":"0000000000000001","name":"parent","timestamp":1700000000100000,"duration":80000,"localEndpoint":{"serviceName":"s"}},
      {"traceId":"d269b633813fc60c","parentId":"0000000000000001","id":"0000000000000002","name":"child","duration":50000,"localEndpoint":{"serviceName":"s"}}
    ]"#;
    check("zipkin", text, 50);
}

#[test]
fn go_zero_time() {
    let span = |id: &str, parent: &str, name: &str, start: &str, end: &str| {
        format!(
            r#"{{"Name":"{name}","SpanContext":{{"TraceID":"5b8efff798038103d269b633813fc60c","SpanID":"{id}","TraceFlags":"01"}},"Parent":{{"TraceID":"5b8efff798038103d269b633813fc60c","SpanID":"{parent}"}},"SpanKind":1,"StartTime":"{start}","EndTime":"{end}","Resource":[{{"Key":"service.name","Value":{{"Type":"STRING","Value":"s"}}}}]}}"#
        )
    };
    let text = format!(
        "[{},{}]",
        span(
            "0000000000000001",
            "0000000000000000",
            "parent",
            "2023-11-14T22:13:20.1Z",
            "2023-11-14T22:13:20.18Z"
        ),
        span(
            "0000000000000002",
            "0000000000000001",
            "child",
            "0001-01-01T00:00:00Z",
            "2023-11-14T22:13:20.15Z"
        )
    );
    check("go", &text, 50);
}

#[test]
fn python_start_time_missing() {
    let span = |id: &str, parent: &str, name: &str, start: &str| {
        format!(
            r#"{{"name":"{name}","context":{{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0x{id}","trace_state":"[]"}},"kind":"SpanKind.INTERNAL","parent_id":{parent},{start}"end_time":"2023-11-14T22:13:20.{end}Z","status":{{"status_code":"UNSET"}},"attributes":{{}},"events":[],"links":[],"resource":{{"attributes":{{"service.name":"s"}},"schema_url":""}}}}"#,
            end = if name == "parent" { "180000" } else { "150000" }
        )
    };
    let text = format!(
        "{}\n{}\n",
        span(
            "0000000000000001",
            "null",
            "parent",
            r#""start_time":"2023-11-14T22:13:20.100000Z","#
        ),
        span(
            "0000000000000002",
            r#""0x0000000000000001""#,
            "child",
            r#""start_time":null,"#
        )
    );
    check("python", &text, 50);
}

#[test]
fn xray_subsegment_start_zero() {
    let text = r#"{"name":"parent","id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1700000000.1,"end_time":1700000000.18,
      "subsegments":[{"id":"70de5b6f19ff9a0b","name":"child","start_time":0,"end_time":1700000000.15}]}"#;
    check("xray", text, 50);
}

#[test]
fn js_console_timestamp_zero() {
    let span = |id: &str, parent: &str, name: &str, ts: &str, dur: &str| {
        format!(
            "{{\n  resource: {{ attributes: {{ 'service.name': 's' }} }},\n  traceId: '5b8efff798038103d269b633813fc60c',\n  {parent}name: '{name}',\n  id: '{id}',\n  kind: 0,\n  timestamp: {ts},\n  duration: {dur},\n  attributes: {{}},\n  status: {{ code: 0 }},\n  events: [],\n  links: []\n}}\n"
        )
    };
    let text = format!(
        "{}{}",
        span(
            "0000000000000001",
            "",
            "parent",
            "1700000000100000",
            "80000"
        ),
        span(
            "0000000000000002",
            "parentId: '0000000000000001',\n  ",
            "child",
            "0",
            "50000"
        )
    );
    check("js", &text, 50);
}

#[test]
fn a_root_at_zero_stays_there() {
    // Chrome traces count from 0 on purpose; a root has no parent to ask.
    let text = r#"[{"name":"root","ph":"X","pid":1,"tid":1,"ts":0,"dur":100},{"name":"inner","ph":"X","pid":1,"tid":1,"ts":0,"dur":40}]"#;
    let l = load(text.as_bytes()).unwrap();
    let t = &l.traces[0];
    assert_eq!(t.spans[0].raw.start_unix_nanos, 0);
    assert_eq!(t.duration_nanos(), 100_000);
    assert_eq!(l.warnings.count(WarningKind::MissingTimestamp), 0);
}
