//! Conformance over the shared corpus of real trace files (../shared/corpus/public).
//! The corpus is not part of this repository: without it, this test says so and skips.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use trace_viewer::model::{load, Format, LoadError, WarningKind};

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: no corpus at {} (it lives beside the project on CI)",
            dir.display()
        );
        None
    }
}

/// (file, format, traces, spans per trace). Expected counts were taken
/// independently (Python's json module: spans in the file, minus exact copies).
const EXPECTED: &[(&str, Format, &[usize])] = &[
    ("jaeger-query-api-CroixANI.json", Format::Jaeger, &[1094]),
    (
        "jaeger-data-buildx-fixture-jaeger.json",
        Format::Jaeger,
        &[73],
    ),
    // Two identical copies of one span: the copy is dropped.
    (
        "jaeger-query-response-otlp2jaeger-out.json",
        Format::Jaeger,
        &[1],
    ),
    // Two different spans share id 2: both kept.
    ("jaeger-ui-model-fixture-ui_01.json", Format::Jaeger, &[5]),
    (
        "grafana-download-otlp-batches-CroixANI.json",
        Format::Otlp,
        &[578],
    ),
    ("jaeger-api_v3-GetTrace-snapshot.json", Format::Otlp, &[1]),
    (
        "otlp-bash-context_propagation_http_curl.json",
        Format::Otlp,
        &[1, 5],
    ),
    ("otlp-bash-injection_deep_node.json", Format::Otlp, &[3]),
    (
        "otlp-jaeger-fixture-otlp2jaeger-in.json",
        Format::Otlp,
        &[1],
    ),
    ("otlp-proto-examples-trace.json", Format::Otlp, &[1]),
    (
        "otlp-protojson-base64-enumnames-tempo-servicegraphs-testdata.json",
        Format::Otlp,
        &[19],
    ),
    (
        "tempo-v1-batches-pkg-tempopb-trace.json",
        Format::Otlp,
        &[1],
    ),
];

#[test]
fn jaeger_and_otlp_files_load_with_the_right_span_counts() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    for (file, format, spans) in EXPECTED {
        let bytes = match std::fs::read(dir.join(file)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        match load(&bytes) {
            Ok(loaded) => {
                let mut got: Vec<usize> = loaded.traces.iter().map(|t| t.spans.len()).collect();
                got.sort_unstable();
                if loaded.format != *format || got != *spans {
                    failures.push(format!(
                        "{file}: {:?} {got:?}, expected {format:?} {spans:?}",
                        loaded.format
                    ));
                }
            }
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// JSON Lines streams: (file, traces, spans in all). Counted independently with
/// Python, line by line, over the `resourceSpans` lines.
const STREAMS: &[(&str, usize, usize)] = &[
    (
        "otelcol-fileexporter-mixed-signals-otel-tui-test_data.jsonl",
        141,
        547,
    ),
    (
        "otlp-jsonl-jaeger-ui-fixture-otlp2jaeger-multi-in.jsonl",
        1,
        4,
    ),
];

#[test]
fn otlp_json_lines_streams_load_merged_by_trace() {
    let Some(dir) = corpus_dir() else { return };
    for (file, traces, spans) in STREAMS {
        let loaded =
            load(&std::fs::read(dir.join(file)).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let total: usize = loaded.traces.iter().map(|t| t.spans.len()).sum();
        assert_eq!(
            (loaded.format, loaded.traces.len(), total),
            (Format::Otlp, *traces, *spans),
            "{file}"
        );
    }
    let mixed = load(&std::fs::read(dir.join(STREAMS[0].0)).unwrap()).unwrap();
    // 40 metric lines and 16 log lines.
    assert_eq!(mixed.warnings.count(WarningKind::SkippedOtherSignal), 56);
}

#[test]
fn corpus_quirks_are_reported() {
    let Some(dir) = corpus_dir() else { return };
    let read = |f: &str| load(&std::fs::read(dir.join(f)).unwrap()).unwrap();
    let dup = read("otlp-jaeger-fixture-otlp2jaeger-in.json");
    assert_eq!(dup.warnings.count(WarningKind::ExactDuplicateSpan), 1);
    let b64 = read("otlp-protojson-base64-enumnames-tempo-servicegraphs-testdata.json");
    assert!(b64.warnings.count(WarningKind::Base64Ids) > 0);
    let ui = read("jaeger-ui-model-fixture-ui_01.json");
    assert_eq!(ui.warnings.count(WarningKind::DuplicateSpanId), 1);
    // The 1094-span production trace: 64-bit trace ids, many services.
    let croix = read("jaeger-query-api-CroixANI.json");
    assert_eq!(croix.warnings.count(WarningKind::ShortTraceIds), 1);
    assert!(croix.traces[0].services.len() > 1);
}

#[test]
fn zipkin_quirks_are_worked_around() {
    let Some(dir) = corpus_dir() else { return };
    let read = |f: &str| load(&std::fs::read(dir.join(f)).unwrap()).unwrap();
    // 45 server halves marked shared, each beside a client with its id in 41 groups;
    // 19 spans without a duration (Python count over the file).
    let st = read("zipkin2-lens-testdata-smartthings-oauth-authorization.json");
    assert_eq!(st.warnings.count(WarningKind::SharedSpanId), 45);
    assert_eq!(st.warnings.count(WarningKind::MissingDuration), 19);
    assert_eq!(st.traces[0].error_count, 2);
    // yelp: 4 shared halves, one of them without its client in the file.
    assert_eq!(
        read("zipkin2-lens-testdata-yelp.json")
            .warnings
            .count(WarningKind::SharedSpanId),
        3
    );
    // The v1 file and its v2 conversion (from Zipkin's own encoder test) build the same trace.
    let v1 = read("zipkin1-v1-fixture-SpanBytesEncoderTest.json");
    let v2 = read("zipkin2-v2-equivalent-SpanBytesEncoderTest.json");
    let shape = |l: &trace_viewer::model::Loaded| {
        let t = &l.traces[0];
        let spans: Vec<_> = t
            .spans
            .iter()
            .map(|s| {
                let attrs: Vec<(String, String)> = t
                    .pools
                    .attrs(s.raw.attrs)
                    .iter()
                    .map(|a| (t.str(a.key).to_string(), t.pools.value_text(&a.value)))
                    .collect();
                let events: Vec<(u64, String)> = t
                    .pools
                    .events(s.raw.events)
                    .iter()
                    .map(|e| (e.time_unix_nanos, t.str(e.name).to_string()))
                    .collect();
                (
                    s.raw.span_id,
                    s.raw.parent_id,
                    s.raw.kind,
                    t.str(s.raw.service).to_string(),
                    s.raw.start_unix_nanos,
                    s.raw.duration_nanos,
                    attrs,
                    events,
                )
            })
            .collect();
        (t.id, spans)
    };
    assert_eq!(shape(&v1), shape(&v2));
}

/// (spans, services, depth, duration, errors) of the first trace.
fn figures(l: &trace_viewer::model::Loaded) -> (usize, usize, u32, u64, u32) {
    let t = &l.traces[0];
    (
        t.spans.len(),
        t.services.len(),
        t.depth,
        // Microseconds: Jaeger keeps no finer precision.
        t.duration_nanos() / 1000,
        t.error_count,
    )
}

#[test]
fn buildx_exports_one_trace_three_ways() {
    let Some(dir) = corpus_dir() else { return };
    let read = |f: &str| load(&std::fs::read(dir.join(f)).unwrap()).unwrap();
    let jaeger = read("jaeger-data-buildx-fixture-jaeger.json");
    let array = read("go-spanstub-array-buildx-fixture-otlp.json");
    let stream = read("buildkit-bktraces-buildx-fixture.json");
    assert_eq!(figures(&array), figures(&jaeger));
    // The stream's integer status codes use Go's numbering (2 = Ok), not OTLP's.
    assert_eq!(figures(&stream), figures(&jaeger));
    assert_eq!(jaeger.traces[0].id, stream.traces[0].id);
    // Jaeger's null reference (all-zero ids) is not a problem worth a warning.
    assert!(jaeger.warnings.is_empty(), "{:?}", jaeger.warnings);
}

#[test]
fn python_console_quirks() {
    let Some(dir) = corpus_dir() else { return };
    let l = load(&std::fs::read(dir.join("python-console-span-exporter.txt")).unwrap()).unwrap();
    assert_eq!(l.warnings.count(WarningKind::NonFiniteNumbers), 1);
    let t = &l.traces[0];
    // Printed children first; the tree still has the parent on top.
    assert_eq!(t.spans[0].parent, None);
    assert_eq!(t.error_count, 1);
    let with_link = t
        .spans
        .iter()
        .find(|s| !s.raw.links.is_empty())
        .expect("a span with a link");
    assert_eq!(t.pools.links(with_link.raw.links).len(), 1);
}

#[test]
fn js_console_output_is_read_best_effort() {
    let Some(dir) = corpus_dir() else { return };
    let l = load(&std::fs::read(dir.join("js-console-span-exporter-util-inspect.txt")).unwrap())
        .unwrap();
    let t = &l.traces[0];
    assert_eq!(t.name(), "checkout-js: GET /cart");
    // JS kind 1 is SERVER (OTLP 2); the child's kind 2 is CLIENT.
    assert_eq!(t.spans[0].raw.kind, trace_viewer::model::SpanKind::Server);
    assert_eq!(t.spans[1].raw.kind, trace_viewer::model::SpanKind::Client);
    // Fractional microseconds: 11791.859 µs.
    assert_eq!(t.spans[0].raw.duration_nanos, 11_791_859);
    assert_eq!(t.error_count, 1);
    assert_eq!(l.warnings.count(WarningKind::NotJsonBestEffort), 1);
}

#[test]
fn chrome_events_nest_by_containment_and_name_processes() {
    let Some(dir) = corpus_dir() else { return };
    let read = |f: &str| load(&std::fs::read(dir.join(f)).unwrap()).unwrap();
    let x = read("chrome-trace-event-speedscope-matching-x.json");
    assert_eq!(x.traces[0].depth, 3);
    let threads = read("chrome-trace-event-speedscope-multi-thread-with-samples.json");
    let t = &threads.traces[0];
    assert_eq!(t.name(), "hermes: mqt_js");
    assert_eq!(t.root_count, 2);
}

#[test]
fn trace_summaries_are_refused_with_an_explanation() {
    let Some(dir) = corpus_dir() else { return };
    let bytes = std::fs::read(dir.join("jaeger-api_v3-FindTraceSummaries-snapshot.json")).unwrap();
    let err = load(&bytes).unwrap_err();
    assert!(matches!(err, LoadError::NotATrace { .. }));
    assert!(err.to_string().contains("not a trace"), "{err}");
}
