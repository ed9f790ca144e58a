//! Times a span cannot hold as they are: a start before 1970 (negative in
//! the file) moves to 1970, a span over 100 years is clamped to 100 years,
//! each with a warning, in every dialect that can spell them. The file
//! still opens, and the trace's extent is the clamped one.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::formats::times::MAX_DURATION_NANOS;
use trace_viewer::model::{load, Loaded, WarningKind};

const YEAR_NANOS: u64 = 365 * 86_400 * 1_000_000_000;
const SECOND_NANOS: u64 = 1_000_000_000;

fn loaded(dialect: &str, text: &str) -> Loaded {
    load(text.as_bytes()).unwrap_or_else(|e| panic!("{dialect}: {e}\n{text}"))
}

/// (start, duration) of the only span, and the trace's duration.
fn only_span(dialect: &str, l: &Loaded) -> (u64, u64, u64) {
    assert_eq!(l.traces.len(), 1, "{dialect}: traces");
    let t = &l.traces[0];
    assert_eq!(t.spans.len(), 1, "{dialect}: spans");
    let s = &t.spans[0].raw;
    (s.start_unix_nanos, s.duration_nanos, t.duration_nanos())
}

fn otlp(start: &str, end: &str) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"s"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"forever","startTimeUnixNano":{start},"endTimeUnixNano":{end}}}]}}]}}]}}"#
    )
}

fn jaeger(start_micros: &str, duration_micros: &str) -> String {
    format!(
        r#"{{"data":[{{"traceID":"d269b633813fc60c","spans":[{{"traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b174","operationName":"o","startTime":{start_micros},"duration":{duration_micros},"processID":"p1"}}],"processes":{{"p1":{{"serviceName":"s"}}}}}}]}}"#
    )
}

fn zipkin(timestamp_micros: &str, duration_micros: &str) -> String {
    format!(
        r#"[{{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b174","name":"get","timestamp":{timestamp_micros},"duration":{duration_micros},"localEndpoint":{{"serviceName":"s"}}}}]"#
    )
}

fn python(start: &str, end: &str) -> String {
    format!(
        r#"{{"name":"GET /","context":{{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0xeee19b7ec3c1b174","trace_state":"[]"}},"kind":"SpanKind.SERVER","parent_id":null,"start_time":"{start}","end_time":"{end}","status":{{"status_code":"UNSET"}},"attributes":{{}},"events":[],"links":[],"resource":{{"attributes":{{"service.name":"s"}},"schema_url":""}}}}"#
    )
}

fn go(start: &str, end: &str) -> String {
    format!(
        r#"{{"Name":"GET /","SpanContext":{{"TraceID":"5b8efff798038103d269b633813fc60c","SpanID":"eee19b7ec3c1b174","TraceFlags":"01"}},"SpanKind":2,"StartTime":"{start}","EndTime":"{end}","Resource":[{{"Key":"service.name","Value":{{"Type":"STRING","Value":"s"}}}}]}}"#
    )
}

fn js(timestamp_micros: &str, duration_micros: &str) -> String {
    format!(
        "{{\n  resource: {{ attributes: {{ 'service.name': 's' }} }},\n  traceId: '5b8efff798038103d269b633813fc60c',\n  name: 'x',\n  id: 'eee19b7ec3c1b174',\n  kind: 1,\n  timestamp: {timestamp_micros},\n  duration: {duration_micros},\n  attributes: {{}},\n  status: {{ code: 0 }},\n  events: [],\n  links: []\n}}\n"
    )
}

fn xray(start_seconds: &str, end_seconds: &str) -> String {
    format!(
        r#"{{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":{start_seconds},"end_time":{end_seconds}}}"#
    )
}

fn chrome(ts_micros: &str, dur_micros: &str) -> String {
    format!(r#"[{{"name":"x","ph":"X","pid":1,"tid":1,"ts":{ts_micros},"dur":{dur_micros}}}]"#)
}

#[test]
fn a_span_from_the_epoch_to_the_end_of_64_bit_time_opens_clamped_to_100_years() {
    for (dialect, text) in [
        ("otlp strings", otlp("\"0\"", "\"18446744073709551615\"")),
        ("otlp numbers", otlp("0", "18446744073709551615")),
        (
            "otlp past 64 bits",
            otlp("\"0\"", "\"99999999999999999999999\""),
        ),
    ] {
        let l = loaded(dialect, &text);
        let (start, duration, trace_duration) = only_span(dialect, &l);
        assert_eq!((start, duration), (0, MAX_DURATION_NANOS), "{dialect}");
        assert_eq!(trace_duration, MAX_DURATION_NANOS, "{dialect}");
        // 100 years of 365.25 days: 100 whole plain years and a bit.
        assert_eq!(trace_duration / YEAR_NANOS, 100, "{dialect}");
        assert_eq!(
            l.warnings.count(WarningKind::OverlongDuration),
            1,
            "{dialect}"
        );
    }
}

#[test]
fn a_span_over_100_years_is_clamped_with_a_warning_in_every_dialect() {
    // Each starts in 2018 and lasts 200 years (or ends in 2218).
    for (dialect, text) in [
        (
            "otlp",
            otlp("\"1544712660000000000\"", "\"7856112660000000000\""),
        ),
        ("jaeger", jaeger("1544712660000000", "6311400000000000")),
        ("zipkin", zipkin("1544712660000000", "6311400000000000")),
        (
            "python",
            python("2018-12-13T14:51:00Z", "2218-12-13T14:51:00Z"),
        ),
        ("go", go("2018-12-13T14:51:00Z", "2218-12-13T14:51:00Z")),
        ("js", js("1544712660000000", "6311400000000000")),
        ("x-ray", xray("1544712660.0", "7856112660.0")),
        ("chrome", chrome("1544712660000000", "6311400000000000")),
    ] {
        let l = loaded(dialect, &text);
        let (start, duration, trace_duration) = only_span(dialect, &l);
        assert_eq!(start, 1_544_712_660 * SECOND_NANOS, "{dialect}: start kept");
        assert_eq!(duration, MAX_DURATION_NANOS, "{dialect}");
        assert_eq!(trace_duration, MAX_DURATION_NANOS, "{dialect}");
        assert_eq!(
            l.warnings.count(WarningKind::OverlongDuration),
            1,
            "{dialect}"
        );
        assert_eq!(
            l.warnings.count(WarningKind::StartBeforeEpoch),
            0,
            "{dialect}"
        );
    }
}

#[test]
fn a_start_before_1970_moves_to_1970_with_a_warning_in_every_dialect() {
    // Each starts 5 s before 1970 and ends 5 s after: it opens at 1970 and
    // keeps its end.
    for (dialect, text) in [
        ("otlp", otlp("\"-5000000000\"", "\"5000000000\"")),
        ("otlp number", otlp("-5000000000", "5000000000")),
        ("jaeger", jaeger("-5000000", "10000000")),
        ("zipkin", zipkin("-5000000", "10000000")),
        (
            "python",
            python("1969-12-31T23:59:55Z", "1970-01-01T00:00:05Z"),
        ),
        ("go", go("1969-12-31T23:59:55Z", "1970-01-01T00:00:05Z")),
        ("js", js("-5000000", "10000000")),
        ("x-ray", xray("-5.0", "5.0")),
        ("chrome", chrome("-5000000", "10000000")),
    ] {
        let l = loaded(dialect, &text);
        let (start, duration, trace_duration) = only_span(dialect, &l);
        assert_eq!((start, duration), (0, 5 * SECOND_NANOS), "{dialect}");
        assert_eq!(trace_duration, 5 * SECOND_NANOS, "{dialect}");
        assert_eq!(
            l.warnings.count(WarningKind::StartBeforeEpoch),
            1,
            "{dialect}"
        );
        assert_eq!(
            l.warnings.count(WarningKind::NegativeDuration),
            0,
            "{dialect}"
        );
    }
}

#[test]
fn go_zero_time_for_an_unended_span_opens_at_1970_with_warnings() {
    // Go's zero `time.Time` (year 1) is what stdouttrace prints for a span
    // that never ended.
    let text = go("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z");
    let l = loaded("go", &text);
    let (start, duration, _) = only_span("go", &l);
    assert_eq!((start, duration), (0, 0));
    assert_eq!(l.warnings.count(WarningKind::StartBeforeEpoch), 1);
}

#[test]
fn the_warnings_read_as_sentences() {
    assert_eq!(
        WarningKind::OverlongDuration.describe(),
        "span lasts over 100 years; clamped to 100 years"
    );
    assert!(WarningKind::StartBeforeEpoch
        .describe()
        .contains("starts before 1970"));
}

#[test]
fn a_start_past_the_year_2554_opens_at_the_epoch_as_an_unreadable_time() {
    // Past 2^64 ns there is no time to show it at.
    let text = otlp("\"99999999999999999999999\"", "\"99999999999999999999999\"");
    let l = loaded("otlp", &text);
    let (start, duration, _) = only_span("otlp", &l);
    assert_eq!((start, duration), (0, 0));
    assert_eq!(l.warnings.count(WarningKind::UnreadableTime), 1);
    let warning = l
        .warnings
        .list()
        .iter()
        .find(|w| w.kind == WarningKind::UnreadableTime);
    assert!(
        warning.is_some_and(|w| w.example.contains("starts after the year 2554")),
        "{warning:?}"
    );
}

#[test]
fn figures_over_many_century_long_spans_saturate_instead_of_wrapping() {
    // Seven spans of one operation, each clamped to 100 years: their sum
    // passes u64::MAX. The operation's total must not wrap to a small number.
    let spans: Vec<String> = (1..=7)
        .map(|i| {
            let parent = if i == 1 {
                String::new()
            } else {
                String::from(r#""parentSpanId":"0000000000000001","#)
            };
            format!(
                r#"{{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"000000000000000{i}",{parent}"name":"c","startTimeUnixNano":"0","endTimeUnixNano":"18446744073709551615"}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    let l = loaded("otlp", &text);
    assert_eq!(l.warnings.count(WarningKind::OverlongDuration), 7);
    let t = &l.traces[0];
    let stats = trace_viewer::model::analysis::stats(t);
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0].total_nanos, u64::MAX);
    assert!(stats[0].avg_nanos() >= MAX_DURATION_NANOS / 2);
    let same = trace_viewer::model::compare::Comparison::new(t, t);
    assert!(same.nodes.iter().all(|n| n.total_delta() == 0));
}
