//! A span that ends before it starts, in each reader's own syntax: the file
//! still opens, the span keeps its start and shows no length, and the
//! warnings say so (`NegativeDuration`) — the same rule in every dialect.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, Loaded, WarningKind};

/// 2018-12-13T14:51:00Z, where every span below starts.
const START_NANOS: u64 = 1_544_712_660_000_000_000;

/// Loads `text` and checks what the user sees: one span at its start, of
/// length 0, and one `NegativeDuration` warning.
fn opens_with_length_zero_and_a_warning(dialect: &str, text: &str) -> Loaded {
    let l = load(text.as_bytes()).unwrap_or_else(|e| panic!("{dialect}: {e}\n{text}"));
    assert_eq!(l.traces.len(), 1, "{dialect}: traces");
    let t = &l.traces[0];
    assert_eq!(t.spans.len(), 1, "{dialect}: spans");
    let s = &t.spans[0].raw;
    assert_eq!(s.start_unix_nanos, START_NANOS, "{dialect}: start kept");
    assert_eq!(s.duration_nanos, 0, "{dialect}: no length");
    assert_eq!(t.duration_nanos(), 0, "{dialect}: trace length");
    assert_eq!(
        l.warnings.count(WarningKind::NegativeDuration),
        1,
        "{dialect}: {:?}",
        l.warnings.list()
    );
    l
}

#[test]
fn jaeger_a_negative_duration_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "jaeger",
        r#"{"data":[{"traceID":"d269b633813fc60c","spans":[{"traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b174","operationName":"o","startTime":1544712660000000,"duration":-1000000,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}"#,
    );
}

#[test]
fn otlp_an_end_before_the_start_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "otlp",
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"backwards","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712659000000000"}]}]}]}"#,
    );
}

#[test]
fn zipkin_a_negative_duration_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "zipkin",
        r#"[{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b174","name":"get","timestamp":1544712660000000,"duration":-1000000,"localEndpoint":{"serviceName":"s"}}]"#,
    );
}

#[test]
fn python_an_end_time_before_the_start_time_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "python",
        r#"{"name":"GET /","context":{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0xeee19b7ec3c1b174","trace_state":"[]"},"kind":"SpanKind.SERVER","parent_id":null,"start_time":"2018-12-13T14:51:00.000000Z","end_time":"2018-12-13T14:50:59.000000Z","status":{"status_code":"UNSET"},"attributes":{},"events":[],"links":[],"resource":{"attributes":{"service.name":"s"},"schema_url":""}}"#,
    );
}

#[test]
fn go_an_end_time_before_the_start_time_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "go",
        r#"{"Name":"GET /","SpanContext":{"TraceID":"5b8efff798038103d269b633813fc60c","SpanID":"eee19b7ec3c1b174","TraceFlags":"01"},"SpanKind":2,"StartTime":"2018-12-13T14:51:00Z","EndTime":"2018-12-13T14:50:59Z","Resource":[{"Key":"service.name","Value":{"Type":"STRING","Value":"s"}}]}"#,
    );
}

#[test]
fn xray_an_end_time_before_the_start_time_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "x-ray",
        r#"{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1544712660.0,"end_time":1544712659.0}"#,
    );
}

#[test]
fn chrome_a_negative_dur_or_an_end_event_before_its_begin_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "chrome complete event",
        r#"[{"name":"x","ph":"X","pid":1,"tid":1,"ts":1544712660000000,"dur":-1000000}]"#,
    );
    opens_with_length_zero_and_a_warning(
        "chrome begin/end",
        r#"[{"name":"x","ph":"B","pid":1,"tid":1,"ts":1544712660000000},{"name":"x","ph":"E","pid":1,"tid":1,"ts":1544712659000000}]"#,
    );
}

#[test]
fn js_a_negative_duration_opens_as_length_zero_with_a_warning() {
    opens_with_length_zero_and_a_warning(
        "js",
        "{\n  resource: { attributes: { 'service.name': 's' } },\n  traceId: '5b8efff798038103d269b633813fc60c',\n  name: 'x',\n  id: 'eee19b7ec3c1b174',\n  kind: 1,\n  timestamp: 1544712660000000,\n  duration: -1000000,\n  attributes: {},\n  status: { code: 0 },\n  events: [],\n  links: []\n}\n",
    );
}
