//! The model on fixtures written for this project: counts, services, depth,
//! duration, errors, parent links, and the awkward cases (orphans, duplicate
//! ids, cycles, very deep chains).

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, Format, LoadError, SpanKind, StatusCode, Trace, WarningKind};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (span id, parent span id) in arena order.
fn edges(t: &Trace) -> Vec<(String, Option<String>)> {
    t.spans
        .iter()
        .map(|s| {
            let parent = s
                .parent
                .and_then(|p| t.span(p))
                .map(|p| p.raw.span_id.to_hex());
            (s.raw.span_id.to_hex(), parent)
        })
        .collect()
}

fn service_names(t: &Trace) -> Vec<&str> {
    t.services.iter().map(|(s, _)| t.str(*s)).collect()
}

#[test]
fn jaeger_checkout_figures() {
    let loaded = load(&fixture("jaeger-checkout.json")).unwrap();
    assert_eq!(loaded.format, Format::Jaeger);
    assert_eq!(loaded.traces.len(), 1);
    let t = &loaded.traces[0];
    assert_eq!(t.id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(t.spans.len(), 7);
    assert_eq!(service_names(t), ["auth", "cart", "frontend"]);
    assert_eq!(t.depth, 4);
    // send-analytics (FOLLOWS_FROM) ends 30ms after the root.
    assert_eq!(t.duration_nanos(), 150_000_000);
    assert_eq!(t.start_unix_nanos, 1_700_000_000_000_000_000);
    assert_eq!(t.error_count, 1);
    assert_eq!(t.name(), "frontend: GET /checkout");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn jaeger_parent_links_and_depth_first_order() {
    let loaded = load(&fixture("jaeger-checkout.json")).unwrap();
    let t = &loaded.traces[0];
    let root = Some(String::from("00f067aa0ba902b1"));
    let expected = vec![
        ("00f067aa0ba902b1".into(), None),
        ("00f067aa0ba902b2".into(), root.clone()),
        ("00f067aa0ba902b3".into(), Some("00f067aa0ba902b2".into())),
        ("00f067aa0ba902b4".into(), root.clone()),
        ("00f067aa0ba902b5".into(), Some("00f067aa0ba902b4".into())),
        ("00f067aa0ba902b6".into(), Some("00f067aa0ba902b5".into())),
        // FOLLOWS_FROM is the parent when there is no CHILD_OF.
        ("00f067aa0ba902b7".into(), root),
    ];
    assert_eq!(edges(t), expected);
    let depths: Vec<u32> = t.spans.iter().map(|s| s.depth).collect();
    assert_eq!(depths, [1, 2, 3, 2, 3, 4, 2]);
    let ends: Vec<u32> = t.spans.iter().map(|s| s.subtree_end).collect();
    assert_eq!(ends, [6, 2, 2, 5, 5, 5, 6]);
}

#[test]
fn jaeger_tags_become_kind_status_events_and_links() {
    let loaded = load(&fixture("jaeger-checkout.json")).unwrap();
    let t = &loaded.traces[0];
    let get_cart = &t.spans[4];
    assert_eq!(t.str(get_cart.raw.name), "GetCart");
    assert_eq!(get_cart.raw.kind, SpanKind::Server);
    assert_eq!(get_cart.raw.status, StatusCode::Error);
    let events = t.pools.events(get_cart.raw.events);
    assert_eq!(events.len(), 1);
    assert_eq!(t.str(events[0].name), "exception");
    let fields: Vec<(String, String)> = t
        .pools
        .attrs(events[0].attrs)
        .iter()
        .map(|a| (t.str(a.key).to_string(), t.pools.value_text(&a.value)))
        .collect();
    assert_eq!(
        fields,
        [("message".to_string(), "cart store timed out".to_string())]
    );
    let analytics = &t.spans[6];
    let links = t.pools.links(analytics.raw.links);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].kind.as_str(), "FOLLOWS_FROM");
    // Process tags are the resource.
    let res = &t.pools.resources[t.spans[0].raw.resource as usize];
    assert_eq!(t.str(res.service), "frontend");
    assert_eq!(t.pools.attrs(res.attrs).len(), 2);
}

#[test]
fn self_time_subtracts_children_clipped_to_the_parent() {
    let loaded = load(&fixture("jaeger-checkout.json")).unwrap();
    let t = &loaded.traces[0];
    // root |0 ............................ 120ms|
    // auth-client  |5..20|
    // cart-client          |25 ...... 90|
    // analytics                           |110 ..(150)  clipped at 120
    // self = 120 - 15 - 65 - 10 = 30ms
    assert_eq!(t.spans[0].self_nanos, 30_000_000);
    // GetCart 27..85 with SELECT 30..60: 58 - 30 = 28ms.
    assert_eq!(t.spans[4].self_nanos, 28_000_000);
    // A leaf's self time is its duration.
    assert_eq!(t.spans[5].self_nanos, 30_000_000);
}

#[test]
fn otlp_three_traces() {
    let loaded = load(&fixture("otlp-three-traces.json")).unwrap();
    assert_eq!(loaded.format, Format::Otlp);
    let got: Vec<(String, usize, usize, u32, u64, u32, u64)> = loaded
        .traces
        .iter()
        .map(|t| {
            (
                t.id.to_hex(),
                t.spans.len(),
                t.services.len(),
                t.depth,
                t.duration_nanos() / 1000,
                t.error_count,
                t.start_unix_nanos / 1000,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "0af7651916cd43dd8448eb211c80319c".into(),
                4,
                2,
                3,
                50_000,
                0,
                1_700_000_100_000_000
            ),
            (
                "0bf7651916cd43dd8448eb211c80319d".into(),
                4,
                3,
                4,
                200_000,
                3,
                1_700_000_101_000_000
            ),
            (
                "0cf7651916cd43dd8448eb211c80319e".into(),
                2,
                1,
                2,
                80_000,
                0,
                1_700_000_105_000_000
            ),
        ]
    );
    let names: Vec<String> = loaded.traces.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "api: GET /users",
            "api: POST /orders",
            "worker: process-job"
        ]
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn otlp_parents_across_resources() {
    let loaded = load(&fixture("otlp-three-traces.json")).unwrap();
    let b = &loaded.traces[1];
    let chain: Vec<(String, Option<String>)> = edges(b);
    assert_eq!(
        chain,
        [
            ("b000000000000001".into(), None),
            ("b000000000000002".into(), Some("b000000000000001".into())),
            ("b000000000000003".into(), Some("b000000000000002".into())),
            ("b000000000000004".into(), Some("b000000000000003".into())),
        ]
    );
    let services: Vec<&str> = b.spans.iter().map(|s| b.str(s.raw.service)).collect();
    assert_eq!(services, ["api", "api", "orders", "db"]);
    let worker = &loaded.traces[2];
    let links = worker.pools.links(worker.spans[0].raw.links);
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].trace_id.to_hex(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    assert_eq!(worker.spans[0].raw.kind, SpanKind::Consumer);
    let scope = worker.pools.scopes[worker.spans[0].raw.scope as usize];
    assert_eq!(worker.str(scope.name), "fixture-instrumentation");
}

/// A Jaeger trace whose spans form a chain `n` deep.
fn chain_json(n: usize) -> String {
    let mut out = String::from(r#"{"traceID":"1","spans":["#);
    for i in 1..=n {
        if i > 1 {
            out.push(',');
        }
        let refs = if i == 1 {
            String::new()
        } else {
            format!(
                r#"{{"refType":"CHILD_OF","traceID":"1","spanID":"{:x}"}}"#,
                i - 1
            )
        };
        out.push_str(&format!(
            r#"{{"traceID":"1","spanID":"{i:x}","operationName":"op{i}","references":[{refs}],"startTime":{},"duration":{},"processID":"p1"}}"#,
            1_000_000 + i,
            2 * n - 2 * i + 1
        ));
    }
    out.push_str(r#"],"processes":{"p1":{"serviceName":"deep"}}}"#);
    out
}

#[test]
fn a_chain_100k_deep_builds_without_recursion() {
    let n = 100_000;
    // Run on a small stack, as wasm has, to prove nothing recurses per level.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || load(chain_json(n).as_bytes()).unwrap())
        .unwrap();
    let loaded = handle.join().unwrap();
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), n);
    assert_eq!(t.depth, n as u32);
    assert_eq!(t.spans[n - 1].depth, n as u32);
    assert_eq!(t.spans[0].subtree_end, (n - 1) as u32);
    // Each span outlives its child by 1µs at each end.
    assert_eq!(t.spans[0].self_nanos, 2_000);
    assert_eq!(t.services.len(), 1);
}

#[test]
fn missing_parent_becomes_an_orphan_root_with_a_warning() {
    let json = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
      "scopeSpans":[{"spans":[
        {"traceId":"11111111111111111111111111111111","spanId":"0000000000000001","name":"root","startTimeUnixNano":"1000","endTimeUnixNano":"9000"},
        {"traceId":"11111111111111111111111111111111","spanId":"0000000000000002","parentSpanId":"00000000000000ff","name":"orphan","startTimeUnixNano":"2000","endTimeUnixNano":"3000"},
        {"traceId":"11111111111111111111111111111111","spanId":"0000000000000003","parentSpanId":"0000000000000002","name":"under-orphan","startTimeUnixNano":"2100","endTimeUnixNano":"2900"}
      ]}]}]}"#;
    let loaded = load(json.as_bytes()).unwrap();
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), 3);
    assert_eq!(t.root_count, 2);
    // Orphans start their own chain: depth 2 (orphan → under-orphan), not 3.
    assert_eq!(t.depth, 2);
    assert_eq!(loaded.warnings.count(WarningKind::MissingParent), 1);
    let w = &loaded.warnings.list()[0];
    assert!(w.example.contains("00000000000000ff"), "{}", w.example);
}

#[test]
fn duplicate_span_ids_are_kept_and_exact_copies_dropped() {
    let span = |id: &str, name: &str, start: u64| {
        format!(
            r#"{{"traceID":"abc","spanID":"{id}","operationName":"{name}","startTime":{start},"duration":10,"processID":"p1"}}"#
        )
    };
    let json = format!(
        r#"{{"data":[{{"traceID":"abc","spans":[{},{},{},{}],"processes":{{"p1":{{"serviceName":"s"}}}}}}]}}"#,
        span("01", "a", 100),
        span("02", "b", 101),
        span("02", "b", 101), // exact copy: dropped
        span("02", "c", 105), // same id, different span: kept
    );
    let loaded = load(json.as_bytes()).unwrap();
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), 3);
    assert_eq!(loaded.warnings.count(WarningKind::ExactDuplicateSpan), 1);
    assert_eq!(loaded.warnings.count(WarningKind::DuplicateSpanId), 1);
}

#[test]
fn parent_cycles_are_broken_and_every_span_shown() {
    let json = r#"{"traceID":"1","spans":[
        {"traceID":"1","spanID":"a","references":[{"refType":"CHILD_OF","spanID":"c"}],"startTime":1,"duration":5},
        {"traceID":"1","spanID":"b","references":[{"refType":"CHILD_OF","spanID":"a"}],"startTime":2,"duration":5},
        {"traceID":"1","spanID":"c","references":[{"refType":"CHILD_OF","spanID":"b"}],"startTime":3,"duration":5},
        {"traceID":"1","spanID":"d","startTime":0,"duration":9}
    ]}"#;
    let loaded = load(json.as_bytes()).unwrap();
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), 4);
    assert_eq!(loaded.warnings.count(WarningKind::ParentCycle), 1);
    assert_eq!(t.depth, 3);
    // A span without a process gets the unknown service.
    assert_eq!(service_names(t), ["unknown_service"]);
}

#[test]
fn bad_input_is_a_typed_error() {
    assert_eq!(load(b"").unwrap_err(), LoadError::Empty);
    assert_eq!(load(b"   \n").unwrap_err(), LoadError::Empty);
    assert!(matches!(
        load(b"\xff\xfe\x00garbage").unwrap_err(),
        LoadError::NotText { offset: 0 }
    ));
    assert!(matches!(
        load(b"hello world").unwrap_err(),
        LoadError::NotJson { line: 1, .. }
    ));
    assert!(matches!(
        load(br#"{"data":[{"traceID":"1","spans":[{"#).unwrap_err(),
        LoadError::Truncated { .. }
    ));
    let shape = load(br#"{"name":"x","version":2}"#).unwrap_err();
    assert!(
        shape.to_string().contains("\"name\", \"version\""),
        "{shape}"
    );
    let field = load(br#"{"data":[{"spans":[{"startTime":"soon"}]}]}"#).unwrap_err();
    assert!(
        matches!(field, LoadError::BadField { line: 1, .. }),
        "{field:?}"
    );
    assert!(
        field.to_string().contains("\"soon\" is not a number"),
        "{field}"
    );
    assert!(matches!(
        load(br#"{"data":[]}"#).unwrap_err(),
        LoadError::NoSpans { .. }
    ));
}

/// (trace id, spans, services, depth, duration µs, errors) of each trace.
fn figures(loaded: &trace_viewer::model::Loaded) -> Vec<(String, usize, usize, u32, u64, u32)> {
    loaded
        .traces
        .iter()
        .map(|t| {
            (
                t.id.to_hex(),
                t.spans.len(),
                t.services.len(),
                t.depth,
                t.duration_nanos() / 1000,
                t.error_count,
            )
        })
        .collect()
}

#[test]
fn file_exporter_stream_merges_lines_by_trace_and_skips_other_signals() {
    let whole = load(&fixture("otlp-three-traces.json")).unwrap();
    let stream = load(&fixture("otlp-file-exporter-mixed.jsonl")).unwrap();
    assert_eq!(stream.format, Format::Otlp);
    // Same traces as the single-document export, spans merged across lines.
    assert_eq!(figures(&stream), figures(&whole));
    // 1 log line + 4 metric lines.
    assert_eq!(stream.warnings.count(WarningKind::SkippedOtherSignal), 5);
}

#[test]
fn concatenated_pretty_documents_are_one_stream() {
    let text = String::from_utf8(fixture("jaeger-checkout.json")).unwrap();
    let other = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]},"scopeSpans":[{"spans":[
        {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902c1","parentSpanId":"00f067aa0ba902b7","name":"flush","startTimeUnixNano":"1700000000140000000","endTimeUnixNano":"1700000000145000000"}]}]}]}"#;
    let loaded = load(format!("{text}\n{other}").as_bytes()).unwrap();
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), 8);
    assert_eq!(t.services.len(), 4);
    let flush = t
        .spans
        .iter()
        .find(|s| t.str(s.raw.name) == "flush")
        .unwrap();
    assert_eq!(flush.depth, 3);
    assert_eq!(t.str(flush.raw.service), "late");
}

#[test]
fn a_stream_cut_short_keeps_the_records_before_the_cut() {
    let text = String::from_utf8(fixture("otlp-file-exporter-mixed.jsonl")).unwrap();
    let cut = &text[..text.len() - 40];
    let loaded = load(cut.as_bytes()).unwrap();
    assert_eq!(loaded.warnings.count(WarningKind::TruncatedTail), 1);
    assert!(loaded.traces.iter().map(|t| t.spans.len()).sum::<usize>() > 0);
}

#[test]
fn a_broken_line_in_a_stream_is_skipped_with_a_warning() {
    let text = String::from_utf8(fixture("otlp-file-exporter-mixed.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(3, "{not json at all");
    let loaded = load(lines.join("\n").as_bytes()).unwrap();
    assert_eq!(loaded.warnings.count(WarningKind::SkippedBadLine), 1);
    let example = &loaded
        .warnings
        .list()
        .iter()
        .find(|w| w.kind == WarningKind::SkippedBadLine)
        .unwrap()
        .example;
    assert!(example.starts_with("line 4"), "{example}");
    let whole = load(&fixture("otlp-three-traces.json")).unwrap();
    assert_eq!(figures(&loaded), figures(&whole));
}

#[test]
fn logs_only_files_say_there_are_no_spans() {
    let err = load(b"{\"resourceLogs\":[]}\n{\"resourceMetrics\":[]}\n").unwrap_err();
    assert!(err.to_string().contains("logs or metrics only"), "{err}");
}

#[test]
fn xray_batch_output_with_nested_subsegments() {
    let loaded = load(&fixture("xray-batch-get-traces.json")).unwrap();
    assert_eq!(loaded.format, Format::XRay);
    let t = &loaded.traces[0];
    assert_eq!(t.id.to_hex(), "5759e988bd862e3fe1be46a994272793");
    // scorekeep > DynamoDB > (retry, game-db), scorekeep > render.
    assert_eq!(t.spans.len(), 5);
    assert_eq!(t.depth, 3);
    assert_eq!(service_names(t), ["game-db", "scorekeep"]);
    assert_eq!(t.duration_nanos(), 220_000_000);
    // The fault on the segment and the error on the DynamoDB call.
    assert_eq!(t.error_count, 2);
    let root = &t.spans[0];
    assert_eq!(root.raw.kind, SpanKind::Server);
    assert_eq!(
        t.pools.text.get(root.raw.status_message.unwrap()),
        "DynamoDB throttled"
    );
    let keys: Vec<&str> = t
        .pools
        .attrs(root.raw.attrs)
        .iter()
        .map(|a| t.str(a.key))
        .collect();
    assert_eq!(keys, ["game", "players", "http", "cause", "fault"]);
    let dynamo = t
        .spans
        .iter()
        .find(|s| t.str(s.raw.name) == "DynamoDB")
        .unwrap();
    assert_eq!(dynamo.raw.kind, SpanKind::Client);
    assert_eq!(dynamo.child_count, 2);
    let kind_of = |name: &str| {
        t.spans
            .iter()
            .find(|s| t.str(s.raw.name) == name)
            .map(|s| s.raw.kind)
    };
    // A downstream service's own segment handles a request; a plain subsegment is local work.
    assert_eq!(kind_of("game-db"), Some(SpanKind::Server));
    assert_eq!(kind_of("retry"), Some(SpanKind::Internal));
}

#[test]
fn xray_raw_segment_documents_stream() {
    let json = r#"{"id":"194fcc8747581230","name":"a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1.5,"end_time":2.0}
{"id":"294fcc8747581230","name":"b","trace_id":"1-5759e988-bd862e3fe1be46a994272793","parent_id":"194fcc8747581230","start_time":1.6,"in_progress":true}"#;
    let loaded = load(json.as_bytes()).unwrap();
    assert_eq!(loaded.format, Format::XRay);
    assert_eq!(loaded.traces[0].spans.len(), 2);
    assert_eq!(loaded.traces[0].depth, 2);
    assert_eq!(loaded.warnings.count(WarningKind::MissingDuration), 1);
}

/// Everything a user sees of a trace's shape: figures, and per span (in tree
/// order) its id, parent, depth, service, operation, kind, start, duration,
/// self time and error.
fn shape(l: &trace_viewer::model::Loaded) -> Vec<String> {
    let t = &l.traces[0];
    let mut out = vec![format!(
        "{} spans={} services={} depth={} duration={} errors={}",
        t.id,
        t.spans.len(),
        t.services.len(),
        t.depth,
        t.duration_nanos(),
        t.error_count
    )];
    for s in &t.spans {
        out.push(format!(
            "{} parent={:?} depth={} {}:{} {:?} start={} dur={} self={} error={} events={}",
            s.raw.span_id,
            s.parent
                .and_then(|p| t.span(p))
                .map(|p| p.raw.span_id.to_hex()),
            s.depth,
            t.str(s.raw.service),
            t.str(s.raw.name),
            s.raw.kind,
            s.raw.start_unix_nanos,
            s.raw.duration_nanos,
            s.self_nanos,
            s.is_error(),
            s.raw.events.len()
        ));
    }
    out
}

#[test]
fn one_trace_in_six_dialects_builds_the_same_tree() {
    let canonical = shape(&load(&fixture("jaeger-checkout.json")).unwrap());
    for (file, format) in [
        ("same-trace/otlp-hex.json", Format::Otlp),
        ("same-trace/otlp-base64-enum-names.json", Format::Otlp),
        ("same-trace/zipkin-v2.json", Format::Zipkin),
        ("same-trace/python-console.txt", Format::PythonConsole),
        ("same-trace/go-stdouttrace.json", Format::GoStdout),
    ] {
        let loaded = load(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(loaded.format, format, "{file}");
        assert_eq!(shape(&loaded), canonical, "{file}");
    }
}

#[test]
fn a_trace_split_over_two_files_merges_into_one() {
    // The checkout trace, its frontend spans in one file and the rest in another.
    let text = String::from_utf8(fixture("jaeger-checkout.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let split = |keep_frontend: bool| {
        let mut d = doc.clone();
        let spans = d["data"][0]["spans"].as_array_mut().unwrap();
        spans.retain(|s| (s["processID"] == "p1") == keep_frontend);
        d.to_string()
    };
    let a = load(split(true).as_bytes()).unwrap();
    let b = load(split(false).as_bytes()).unwrap();
    // Alone, the second file's spans are orphans.
    assert!(b.warnings.count(WarningKind::MissingParent) > 0);
    let mut warnings = trace_viewer::model::Warnings::default();
    let merged =
        trace_viewer::model::merge::merge(&[&a.traces[0], &b.traces[0]], &mut warnings).unwrap();
    let whole = load(&fixture("jaeger-checkout.json")).unwrap();
    let edges_of = |t: &Trace| edges(t);
    assert_eq!(edges_of(&merged), edges_of(&whole.traces[0]));
    assert_eq!(
        (merged.depth, merged.error_count, merged.services.len()),
        (4, 1, 3)
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    // Loading the same file twice and merging changes nothing: copies drop out.
    let again =
        trace_viewer::model::merge::merge(&[&whole.traces[0], &whole.traces[0]], &mut warnings)
            .unwrap();
    assert_eq!(again.spans.len(), 7);
    assert_eq!(warnings.count(WarningKind::ExactDuplicateSpan), 7);
}

#[test]
fn clock_skew_is_detected_and_corrected() {
    // parent  A client  |100 ......... 200|
    // child   B server  |90 .. 130|                 starts before its parent: another clock
    // grand   B         |95 105|                    same clock as the child
    // async   C             |150 .......... 250|    outlives the parent: allowed
    // corrected child: 100 + (100 - 40) / 2 = 130 .. 170, grandchild 135 .. 145
    let json = r#"{"traceID":"1","processes":{"a":{"serviceName":"A"},"b":{"serviceName":"B"},"c":{"serviceName":"C"}},"spans":[
        {"traceID":"1","spanID":"1","operationName":"call","startTime":100,"duration":100,"processID":"a","tags":[{"key":"span.kind","value":"client"}]},
        {"traceID":"1","spanID":"2","operationName":"serve","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":90,"duration":40,"processID":"b","tags":[{"key":"span.kind","value":"server"}]},
        {"traceID":"1","spanID":"3","operationName":"work","references":[{"refType":"CHILD_OF","spanID":"2"}],"startTime":95,"duration":10,"processID":"b"},
        {"traceID":"1","spanID":"4","operationName":"later","references":[{"refType":"FOLLOWS_FROM","spanID":"1"}],"startTime":150,"duration":100,"processID":"c"}
    ]}"#;
    let loaded = load(json.as_bytes()).unwrap();
    assert_eq!(loaded.warnings.count(WarningKind::ClockSkew), 1);
    let t = &loaded.traces[0];
    assert_eq!(t.skewed_spans, 1);
    let fixed = t.skew_corrected();
    let times: Vec<(String, u64, i64)> = fixed
        .spans
        .iter()
        .map(|s| {
            (
                fixed.str(s.raw.name).to_string(),
                s.raw.start_unix_nanos / 1000,
                s.skew_nanos / 1000,
            )
        })
        .collect();
    assert_eq!(
        times,
        [
            ("call".to_string(), 100, 0),
            ("serve".to_string(), 130, 40),
            ("work".to_string(), 135, 40),
            ("later".to_string(), 150, 0),
        ]
    );
    // The trace now starts with its root instead of 10µs before it.
    assert_eq!(t.start_unix_nanos, 90_000);
    assert_eq!(fixed.start_unix_nanos, 100_000);
    assert_eq!(fixed.skewed_spans, 0);
}

/// A Jaeger trace from (span id, service, operation, start µs, references
/// as (type, span id)). Process "p1" is `first`, "p2" is `unknown-service`.
type RefRow<'a> = (&'a str, &'a str, u64, &'a [(&'a str, &'a str)]);

fn jaeger_refs(rows: &[RefRow]) -> Trace {
    let spans: Vec<String> = rows
        .iter()
        .map(|(id, op, start, refs)| {
            let refs: Vec<String> = refs
                .iter()
                .map(|(t, p)| format!(r#"{{"refType":"{t}","traceID":"00000000000000aa","spanID":"{p}"}}"#))
                .collect();
            let process = if op.starts_with("orphan") { "p2" } else { "p1" };
            format!(
                r#"{{"traceID":"00000000000000aa","spanID":"{id}","operationName":"{op}","references":[{}],"startTime":{start},"duration":10,"processID":"{process}"}}"#,
                refs.join(",")
            )
        })
        .collect();
    let json = format!(
        r#"{{"data":[{{"traceID":"00000000000000aa","processes":{{"p1":{{"serviceName":"shop"}},"p2":{{"serviceName":"unknown-service"}}}},"spans":[{}]}}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

#[test]
fn the_trace_is_named_after_its_true_root_not_an_earlier_orphan() {
    // The orphan starts first, but the span without references is the root.
    let t = jaeger_refs(&[
        (
            "0000000000000002",
            "orphan",
            100,
            &[("CHILD_OF", "00000000000000ff")],
        ),
        ("0000000000000001", "GET /", 200, &[]),
        (
            "0000000000000003",
            "child",
            210,
            &[("CHILD_OF", "0000000000000001")],
        ),
    ]);
    assert_eq!(t.name(), "shop: GET /");
    // The named root comes first in the arena, its tree under it.
    assert_eq!(t.str(t.spans[0].raw.name), "GET /");
    assert_eq!(t.str(t.spans[1].raw.name), "child");
    assert_eq!(t.root_count, 2);
}

#[test]
fn with_only_orphans_the_one_with_fewest_references_then_earliest_names_it() {
    let t = jaeger_refs(&[
        (
            "0000000000000001",
            "orphan-two-refs",
            100,
            &[
                ("CHILD_OF", "00000000000000fe"),
                ("FOLLOWS_FROM", "00000000000000fd"),
            ],
        ),
        (
            "0000000000000002",
            "orphan-late",
            300,
            &[("CHILD_OF", "00000000000000ff")],
        ),
        (
            "0000000000000003",
            "orphan-early",
            200,
            &[("CHILD_OF", "00000000000000ff")],
        ),
    ]);
    assert_eq!(t.name(), "unknown-service: orphan-early");
}

#[test]
fn a_parent_cycle_is_named_after_the_span_with_fewest_references() {
    // 1 → 2 → 3 → 1, and 2 also follows from 3: 2 has two references.
    let t = jaeger_refs(&[
        (
            "0000000000000001",
            "a",
            100,
            &[("CHILD_OF", "0000000000000003")],
        ),
        (
            "0000000000000002",
            "b",
            50,
            &[
                ("CHILD_OF", "0000000000000001"),
                ("FOLLOWS_FROM", "0000000000000003"),
            ],
        ),
        (
            "0000000000000003",
            "c",
            150,
            &[("CHILD_OF", "0000000000000002")],
        ),
    ]);
    // a and c have one reference each; a starts first.
    assert_eq!(t.name(), "shop: a");
    assert_eq!(t.root_count, 1);
    assert_eq!(edges(&t)[0], ("0000000000000001".to_string(), None));
    assert_eq!(t.depth, 3);
}
