//! Bad input: every malformed file gives a specific message (or warnings and
//! a trace), never a panic or a hang.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, LoadError, WarningKind};

fn message(bytes: &[u8]) -> String {
    match load(bytes) {
        Ok(l) => panic!(
            "loaded {} traces from {:?}",
            l.traces.len(),
            String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
        ),
        Err(e) => e.to_string(),
    }
}

fn assert_message(bytes: &[u8], expected: &str) {
    let got = message(bytes);
    assert!(got.contains(expected), "expected {expected:?} in {got:?}");
}

const JAEGER: &str = include_str!("fixtures/jaeger-checkout.json");
const OTLP: &str = include_str!("fixtures/otlp-three-traces.json");
const ZIPKIN: &str = include_str!("fixtures/same-trace/zipkin-v2.json");
const GO: &str = include_str!("fixtures/same-trace/go-stdouttrace.json");

#[test]
fn empty_and_blank_files() {
    assert_message(b"", "the file is empty");
    assert_message(b" \n\t\r\n", "the file is empty");
    assert_message(b"\xEF\xBB\xBF", "the file is empty");
}

#[test]
fn binary_and_compressed_files() {
    assert_message(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "not a text file (byte 0 is not UTF-8)",
    );
    assert_message(
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        "gzip-compressed; decompress it first",
    );
    // Each says what to run.
    assert_message(
        b"\x28\xb5\x2f\xfd\x00",
        "zstd-compressed; decompress it first (zstd -d FILE)",
    );
    assert_message(b"PK\x03\x04rest", "zip-compressed");
    // Latin-1, not UTF-8: the offset of the first bad byte.
    assert_message(b"{\"name\":\"caf\xe9\"}", "byte 12 is not UTF-8");
}

#[test]
fn not_json() {
    assert_message(
        b"hello world",
        "not valid JSON at line 1, column 1: it starts with \"hello world\"",
    );
    assert_message(
        b"<html><body>502 Bad Gateway</body></html>",
        "it starts with \"<html><body>502 Bad Gateway",
    );
    assert_message(
        b"{\"resourceSpans\": [],, \"x\": 1}",
        "not valid JSON at line 1, column 22",
    );
}

#[test]
fn truncated_files_of_each_dialect() {
    for (name, text) in [
        ("jaeger", JAEGER),
        ("otlp", OTLP),
        ("zipkin", ZIPKIN),
        ("go", GO),
    ] {
        let cut = &text[..text.len() / 2];
        let got = message(cut.as_bytes());
        assert!(got.contains("the file looks truncated"), "{name}: {got}");
    }
}

#[test]
fn json_of_another_shape() {
    assert_message(
        br#"{"name":"x","version":2}"#,
        "found a JSON object with keys \"name\", \"version\"",
    );
    assert_message(b"{}", "found an empty JSON object");
    assert_message(b"[1, 2, 3]", "a JSON array of something other than spans");
    assert_message(
        b"\"just a string\"",
        "a single JSON value that is not an object",
    );
    assert_message(b"42", "a single JSON value that is not an object");
    assert_message(b"[]", "JSON array file with no spans");
    assert_message(br#"{"data":[]}"#, "Jaeger JSON file with no spans");
    assert_message(
        br#"{"resourceSpans":"x"}"#,
        "unexpected value at line 1, column 20: invalid type: string \"x\", expected a sequence",
    );
    assert_message(
        br#"{"data":[{"spans":[{"startTime":"soon"}]}]}"#,
        "\"soon\" is not a number",
    );
    assert_message(b"{\"resourceLogs\":[]}\n", "logs or metrics only");
}

#[test]
fn deeply_nested_json() {
    let deep = format!(
        r#"{{"data":[{{"spans":[{{"tags":[{{"key":"k","value":{}{}}}]}}]}}]}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_message(deep.as_bytes(), "nested more than 128 levels deep");
    // Deep nesting under a key no format has is skipped without recursion.
    let deep_objects = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    assert_message(
        deep_objects.as_bytes(),
        "found a JSON object with keys \"a\"",
    );
}

#[test]
fn negative_durations_are_zero_with_a_warning() {
    let jaeger = JAEGER.replacen("\"duration\": 15000", "\"duration\": -15000", 1);
    let loaded = load(jaeger.as_bytes()).unwrap();
    assert_eq!(loaded.warnings.count(WarningKind::NegativeDuration), 1);
    assert_eq!(loaded.traces[0].spans.len(), 7);
    let otlp = OTLP.replacen(
        "\"endTimeUnixNano\": \"1700000100050000000\"",
        "\"endTimeUnixNano\": \"1700000099000000000\"",
        1,
    );
    let loaded = load(otlp.as_bytes()).unwrap();
    assert_eq!(loaded.warnings.count(WarningKind::NegativeDuration), 1);
}

#[test]
fn parent_cycles_and_self_parents_still_show_every_span() {
    let json = r#"{"traceID":"1","spans":[
        {"traceID":"1","spanID":"a","references":[{"refType":"CHILD_OF","spanID":"b"}],"startTime":1,"duration":5},
        {"traceID":"1","spanID":"b","references":[{"refType":"CHILD_OF","spanID":"a"}],"startTime":2,"duration":5},
        {"traceID":"1","spanID":"c","references":[{"refType":"CHILD_OF","spanID":"c"}],"startTime":3,"duration":5}
    ]}"#;
    let loaded = load(json.as_bytes()).unwrap();
    assert_eq!(loaded.traces[0].spans.len(), 3);
    assert_eq!(loaded.warnings.count(WarningKind::ParentCycle), 1);
    assert_eq!(loaded.warnings.count(WarningKind::MissingParent), 1);
}

#[test]
fn a_million_spans_load() {
    let n = 1_000_000usize;
    let mut text = String::with_capacity(n * 120);
    text.push_str(r#"{"traceID":"1","processes":{"p":{"serviceName":"s"}},"spans":["#);
    for i in 1..=n {
        if i > 1 {
            text.push(',');
        }
        let parent = if i == 1 {
            String::new()
        } else {
            format!(r#"{{"refType":"CHILD_OF","spanID":"{:x}"}}"#, i / 2)
        };
        text.push_str(&format!(r#"{{"traceID":"1","spanID":"{i:x}","operationName":"o","references":[{parent}],"startTime":{i},"duration":10,"processID":"p"}}"#));
    }
    text.push_str("]}");
    let loaded = load(text.as_bytes()).unwrap();
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), n);
    assert_eq!(t.depth, 20); // a binary heap of a million nodes
                             // Only the short trace id "1" was worked around.
    assert_eq!(loaded.warnings.list().len(), 1);
    assert_eq!(loaded.warnings.count(WarningKind::ShortTraceIds), 1);
}

#[test]
fn the_load_error_type_names_each_case() {
    // Every variant renders as a sentence a user can act on.
    for e in [
        LoadError::Empty,
        LoadError::NotText { offset: 3 },
        LoadError::Compressed {
            format: "gzip",
            command: "gunzip FILE",
        },
        LoadError::TooDeep {
            line: 1,
            column: 129,
        },
        LoadError::Truncated { line: 9, column: 1 },
    ] {
        let text = e.to_string();
        assert!(text.len() > 15 && !text.contains("Error"), "{text}");
    }
}

/// Inputs the readers' fuzzer (`fuzz-readers`, overflow checks on) found
/// panicking, cut down to the field that did it. Each must load.
mod fuzz_findings {
    use trace_viewer::model::{load, SpanKind, WarningKind};

    const JS_SPAN: &str = "{\n  resource: { attributes: { 'service.name': 's' } },\n  traceId: '5b8efff798038103d269b633813fc60c',\n  name: 'x',\n  id: 'eee19b7ec3c1b174',\n  kind: KIND,\n  timestamp: 1795329695311000,\n  duration: 1.5,\n  attributes: {},\n  status: { code: 0 },\n  events: [],\n  links: []\n}\n";

    #[test]
    fn a_js_span_kind_past_64_bits_is_unspecified() {
        // JS numbers kinds one below OTLP; adding one overflowed.
        let text = JS_SPAN.replace("KIND", "99999999999999999999999");
        let loaded = load(text.as_bytes()).unwrap();
        assert_eq!(loaded.traces[0].spans[0].raw.kind, SpanKind::Unspecified);
        let text = JS_SPAN.replace("KIND", "1");
        let loaded = load(text.as_bytes()).unwrap();
        assert_eq!(loaded.traces[0].spans[0].raw.kind, SpanKind::Server);
    }

    fn jaeger_two_services(parent_start_micros: u64, child_start_micros: u64) -> String {
        format!(
            r#"{{"traceID":"1","spans":[
            {{"traceID":"1","spanID":"a","operationName":"p","startTime":{parent_start_micros},"duration":5,"processID":"p1"}},
            {{"traceID":"1","spanID":"b","operationName":"c","references":[{{"refType":"CHILD_OF","spanID":"a"}}],"startTime":{child_start_micros},"duration":4,"processID":"p2"}}
            ],"processes":{{"p1":{{"serviceName":"one"}},"p2":{{"serviceName":"two"}}}}}}"#
        )
    }

    #[test]
    fn a_child_on_another_service_past_2262_is_no_clock_skew() {
        // Its start in nanoseconds is past i64::MAX: the skew check wrapped it
        // to a negative time and then overflowed computing the shift.
        let text = jaeger_two_services(1_485_467_191_639_875, 9_485_467_191_639_875);
        let loaded = load(text.as_bytes()).unwrap();
        let t = &loaded.traces[0];
        assert_eq!(t.spans.len(), 2);
        assert_eq!(t.spans[1].raw.start_unix_nanos, 9_485_467_191_639_875_000);
        assert_eq!(loaded.warnings.count(WarningKind::ClockSkew), 0);
        let corrected = t.skew_corrected();
        assert_eq!(
            corrected.spans[1].raw.start_unix_nanos,
            9_485_467_191_639_875_000
        );
    }

    #[test]
    fn a_child_centuries_before_its_parent_is_moved_as_far_as_a_shift_goes() {
        let text = jaeger_two_services(9_485_467_191_639_875, 1);
        let loaded = load(text.as_bytes()).unwrap();
        let t = &loaded.traces[0];
        assert_eq!(loaded.warnings.count(WarningKind::ClockSkew), 1);
        let corrected = t.skew_corrected();
        let child = corrected.spans.iter().find(|s| s.parent.is_some()).unwrap();
        // The shift is the largest there is (i64::MAX ns, 292 years).
        assert_eq!(child.skew_nanos, i64::MAX);
        assert_eq!(child.raw.start_unix_nanos, 1000 + i64::MAX as u64);
    }
}

#[test]
fn messages_quote_at_most_a_little_of_the_file() {
    // A megabyte string where a number belongs: serde's message quotes the
    // string; the viewer's quotes its start and end only.
    let value = "y".repeat(1 << 20);
    let text = format!(r#"{{"data":[{{"traceID":"1","spans":"{value}"}}]}}"#);
    let message = match trace_viewer::model::load(text.as_bytes()) {
        Err(e) => e.to_string(),
        Ok(loaded) => loaded
            .warnings
            .list()
            .iter()
            .map(|w| w.example.clone())
            .collect::<Vec<_>>()
            .join("; "),
    };
    assert!(message.len() < 600, "{} characters", message.len());
    assert!(message.contains("yyyy"), "{message}");
}

/// An OTLP span whose `name` is a number, and a good one.
const BAD_SPAN: &str =
    r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000b1","name":5}"#;
const GOOD_SPAN: &str =
    r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000a1","name":"ok"}"#;

#[test]
fn a_wrong_type_deep_in_an_otlp_document_is_placed_in_the_file() {
    // The spans are read as they stream by, from their own stretch of the
    // file: the message still counts lines and columns from the file's start.
    let text = format!(
        "{{\n  \"resourceSpans\": [{{\n    \"scopeSpans\": [{{\"spans\": [\n      {GOOD_SPAN},\n      {BAD_SPAN}\n    ]}}]\n  }}]\n}}\n"
    );
    // The typed reader (inside Jaeger api_v3's `{"result": …}`, one line
    // down) reads the same document whole: the same place, one line later.
    let typed = message(format!("{{\"result\":\n{text}}}").as_bytes());
    let column = 7 + BAD_SPAN.find("5}").unwrap();
    let expected = format!("at line 6, column {column}: invalid type: integer `5`");
    assert!(typed.contains(&expected), "{typed}");
    assert_message(text.as_bytes(), &expected.replace("line 6", "line 5"));
}

#[test]
fn a_wrong_type_in_one_otlp_line_skips_that_line_only() {
    // Lines under a megabyte are read whole; with a first line past it,
    // every line is read span by span. Either way the bad line goes whole.
    for first_line_attr in ["", &"x".repeat(1 << 20)] {
        let line = |spans: &str| {
            format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#)
        };
        let first = GOOD_SPAN.replace(
            r#""name":"ok""#,
            &format!(r#""name":"ok","attributes":[{{"key":"pad","value":{{"stringValue":"{first_line_attr}"}}}}]"#),
        );
        let other = GOOD_SPAN.replace("a1", "a2");
        let third = GOOD_SPAN.replace("a1", "a3");
        let text = [
            line(&first),
            line(&format!("{other},{BAD_SPAN}")),
            line(&third),
        ]
        .join("\n");
        let loaded = load(text.as_bytes()).expect("the other lines load");
        let example = &loaded
            .warnings
            .list()
            .iter()
            .find(|w| w.kind == WarningKind::SkippedBadLine)
            .expect("the bad line is warned about")
            .example
            .clone();
        assert!(
            example.starts_with("line 2:") && example.contains("invalid type: integer `5`"),
            "{example}"
        );
        // The line's good span went with it: a line is kept whole or not at all.
        let ids: Vec<String> = loaded.traces[0]
            .spans
            .iter()
            .map(|s| s.raw.span_id.to_hex())
            .collect();
        assert_eq!(ids, ["00000000000000a1", "00000000000000a3"]);
    }
}

#[test]
fn a_wrong_type_in_a_jaeger_span_is_placed_in_the_file() {
    // The same line read span by span (no newline: one document) and whole
    // (a newline: JSON Lines): the same message at the same place.
    let bad = r#"{"traceID":"00000000000000a1","spanID":"0000000000000002","operationName":7}"#;
    let good = r#"{"traceID":"00000000000000a1","spanID":"0000000000000001","operationName":"ok"}"#;
    let line = format!(
        r#"{{"data":[{{"traceID":"00000000000000a1","spans":[{good},{bad}],"processes":{{}}}}]}}"#
    );
    let streamed = message(line.as_bytes());
    let typed = message(format!("{line}\n").as_bytes());
    assert_eq!(streamed, typed);
    let column = line.find("7}").unwrap() + 1;
    assert!(
        streamed.contains(&format!(
            "line 1, column {column}: invalid type: integer `7`"
        )),
        "{streamed}"
    );
}
