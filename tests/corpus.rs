//! Conformance over the shared corpus of real trace files (../shared/corpus/public).
//! The corpus is not part of this repository: without it, this test says so
//! and skips, except where `TRACE_VIEWER_REQUIRE_CORPUS` is set (`.ci/run`
//! sets it), where a missing corpus fails. Not `CI`: GitHub sets that on
//! machines that have no corpus.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use trace_viewer::model::{load, Format, LoadError, WarningKind};

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public");
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("TRACE_VIEWER_REQUIRE_CORPUS").is_some() {
        panic!(
            "no corpus at {}: with TRACE_VIEWER_REQUIRE_CORPUS set the corpus tests must run, not skip",
            dir.display()
        );
    } else {
        eprintln!(
            "skipping: no corpus at {} (it lives beside the project on CI)",
            dir.display()
        );
        None
    }
}

/// What a corpus file must give: its dialect, trace count, span count over all
/// its traces and every warning kind with its count. Span counts were taken
/// independently (Python's json module: spans in the file, minus identical
/// copies); warning counts follow from the data (e.g. 45 spans marked
/// `shared`, 19 without `duration`, 56 non-span lines, counted the same way).
enum Expect {
    Loads(Format, usize, usize, &'static [(WarningKind, u64)]),
    Refused(&'static str),
}

use Expect::{Loads, Refused};
use WarningKind as W;

const CORPUS: &[(&str, Expect)] = &[
    (
        "buildkit-bktraces-buildx-fixture.json",
        Loads(Format::GoStdout, 1, 73, &[]),
    ),
    (
        "chrome-trace-event-speedscope-bex-interaction.json",
        Loads(Format::ChromeEvents, 1, 12, &[(W::GeneratedIds, 1)]),
    ),
    (
        "chrome-trace-event-speedscope-matching-x.json",
        Loads(Format::ChromeEvents, 1, 5, &[(W::GeneratedIds, 1)]),
    ),
    (
        "chrome-trace-event-speedscope-multi-thread-with-samples.json",
        Loads(Format::ChromeEvents, 1, 2, &[(W::GeneratedIds, 1)]),
    ),
    (
        "go-spanstub-array-buildx-fixture-otlp.json",
        Loads(Format::GoStdout, 1, 73, &[]),
    ),
    (
        "grafana-download-otlp-batches-CroixANI.json",
        Loads(Format::Otlp, 1, 578, &[]),
    ),
    (
        "jaeger-api_v3-FindTraceSummaries-snapshot.json",
        Refused("trace summaries"),
    ),
    (
        "jaeger-api_v3-GetTrace-snapshot.json",
        Loads(Format::Otlp, 1, 1, &[]),
    ),
    (
        "jaeger-data-buildx-fixture-jaeger.json",
        Loads(Format::Jaeger, 1, 73, &[]),
    ),
    (
        "jaeger-query-api-CroixANI.json",
        Loads(Format::Jaeger, 1, 1094, &[(W::ShortTraceIds, 1)]),
    ),
    (
        "jaeger-query-response-otlp2jaeger-out.json",
        Loads(
            Format::Jaeger,
            1,
            1,
            &[(W::ExactDuplicateSpan, 1), (W::MissingParent, 1)],
        ),
    ),
    (
        "jaeger-ui-model-fixture-ui_01.json",
        Loads(
            Format::Jaeger,
            1,
            5,
            &[(W::ShortTraceIds, 2), (W::DuplicateSpanId, 1)],
        ),
    ),
    (
        "otelcol-fileexporter-mixed-signals-otel-tui-test_data.jsonl",
        Loads(
            Format::Otlp,
            141,
            547,
            &[
                (W::SkippedOtherSignal, 56),
                (W::MissingParent, 1),
                (W::ClockSkew, 51),
            ],
        ),
    ),
    (
        "otlp-bash-context_propagation_http_curl.json",
        Loads(Format::Otlp, 2, 6, &[]),
    ),
    (
        "otlp-bash-injection_deep_node.json",
        Loads(Format::Otlp, 1, 3, &[]),
    ),
    (
        "otlp-file-exporter-spec-example-traces.jsonl",
        Loads(
            Format::Otlp,
            1,
            8,
            &[
                (W::InvalidTraceId, 8),
                (W::InvalidSpanId, 8),
                (W::DroppedByExporter, 21),
            ],
        ),
    ),
    (
        "otlp-jaeger-fixture-otlp2jaeger-in.json",
        Loads(
            Format::Otlp,
            1,
            1,
            &[(W::ExactDuplicateSpan, 1), (W::MissingParent, 1)],
        ),
    ),
    (
        "otlp-jsonl-jaeger-ui-fixture-otlp2jaeger-multi-in.jsonl",
        Loads(Format::Otlp, 1, 4, &[]),
    ),
    (
        "otlp-proto-examples-trace.json",
        Loads(Format::Otlp, 1, 1, &[(W::MissingParent, 1)]),
    ),
    (
        "otlp-protojson-base64-enumnames-tempo-servicegraphs-testdata.json",
        Loads(Format::Otlp, 1, 19, &[(W::Base64Ids, 56)]),
    ),
    (
        "tempo-v1-batches-pkg-tempopb-trace.json",
        Loads(Format::Otlp, 1, 1, &[(W::MissingParent, 1)]),
    ),
    (
        "zipkin1-v1-fixture-SpanBytesEncoderTest.json",
        Loads(
            Format::Zipkin,
            1,
            2,
            &[(W::SharedSpanId, 1), (W::MissingParent, 1)],
        ),
    ),
    (
        "zipkin2-lens-testdata-messaging-kafka.json",
        Loads(Format::Zipkin, 1, 28, &[(W::ShortTraceIds, 1)]),
    ),
    (
        "zipkin2-lens-testdata-skew.json",
        Loads(
            Format::Zipkin,
            1,
            4,
            &[
                (W::ShortTraceIds, 1),
                (W::SharedSpanId, 1),
                (W::ClockSkew, 1),
            ],
        ),
    ),
    (
        "zipkin2-lens-testdata-smartthings-oauth-authorization.json",
        Loads(
            Format::Zipkin,
            1,
            175,
            &[
                (W::ShortTraceIds, 1),
                (W::MissingDuration, 19),
                (W::SharedSpanId, 45),
                (W::ClockSkew, 16),
            ],
        ),
    ),
    (
        "zipkin2-lens-testdata-yelp.json",
        Loads(
            Format::Zipkin,
            1,
            16,
            &[(W::ShortTraceIds, 1), (W::SharedSpanId, 3)],
        ),
    ),
    (
        "zipkin2-v2-equivalent-SpanBytesEncoderTest.json",
        Loads(
            Format::Zipkin,
            1,
            2,
            &[(W::SharedSpanId, 1), (W::MissingParent, 1)],
        ),
    ),
    (
        "js-console-span-exporter-util-inspect.txt",
        Loads(Format::JsConsole, 1, 2, &[(W::NotJsonBestEffort, 1)]),
    ),
    (
        "python-console-format-opentelemetry-bash-demo.txt",
        Loads(Format::PythonConsole, 1, 2, &[]),
    ),
    (
        "python-console-span-exporter.txt",
        Loads(Format::PythonConsole, 1, 3, &[(W::NonFiniteNumbers, 1)]),
    ),
];

#[test]
fn every_corpus_file_loads_with_its_counts_and_warnings() {
    let Some(dir) = corpus_dir() else { return };
    let mut listed: Vec<&str> = CORPUS.iter().map(|(f, _)| *f).collect();
    listed.sort_unstable();
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|f| f != "ORIGINS.md")
        .collect();
    present.sort_unstable();
    assert_eq!(present, listed, "every corpus file has an expectation here");

    let mut failures = Vec::new();
    for (file, expect) in CORPUS {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        match (load(&bytes), expect) {
            (Ok(l), Loads(format, traces, spans, warnings)) => {
                let total: usize = l.traces.iter().map(|t| t.spans.len()).sum();
                let mut got: Vec<(WarningKind, u64)> = l
                    .warnings
                    .list()
                    .iter()
                    .map(|w| (w.kind, w.count))
                    .collect();
                got.sort_unstable();
                let mut want = warnings.to_vec();
                want.sort_unstable();
                if (l.format, l.traces.len(), total, &got) != (*format, *traces, *spans, &want) {
                    failures.push(format!(
                        "{file}: got {:?} {} traces {total} spans {got:?}; want {format:?} {traces} traces {spans} spans {want:?}",
                        l.format,
                        l.traces.len()
                    ));
                }
            }
            (Err(e), Refused(why)) if e.to_string().contains(why) => {}
            (Err(e), _) => failures.push(format!("{file}: {e}")),
            (Ok(_), Refused(_)) => failures.push(format!("{file}: loaded, but should be refused")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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

#[test]
fn every_corpus_trace_has_a_critical_path_from_each_root_end_to_its_start() {
    let Some(dir) = corpus_dir() else { return };
    let mut checked = 0;
    for (file, expect) in CORPUS {
        if matches!(expect, Refused(_)) {
            continue;
        }
        let l = load(&std::fs::read(dir.join(file)).unwrap()).unwrap();
        for t in &l.traces {
            let path = trace_viewer::model::analysis::critical_path(t);
            // Sections come root by root, latest first, each root's tiling it.
            let mut sections = path.iter().peekable();
            for (ix, root) in t.spans.iter().enumerate() {
                if root.parent.is_some() || root.raw.duration_nanos == 0 {
                    continue;
                }
                let mut at = root.end_unix_nanos();
                while let Some(s) = sections.peek() {
                    let mut top = s.span.get();
                    while let Some(p) = t.spans[top].parent {
                        top = p.get();
                    }
                    if top != ix {
                        break;
                    }
                    assert_eq!(s.end_unix_nanos, at, "{file}: gap in root {ix}'s path");
                    at = s.start_unix_nanos;
                    sections.next();
                }
                assert_eq!(
                    at, root.raw.start_unix_nanos,
                    "{file}: root {ix} not covered"
                );
                checked += 1;
            }
            assert!(
                sections.next().is_none(),
                "{file}: sections outside the roots"
            );
        }
    }
    assert!(checked > 40, "{checked} roots");
}

#[test]
fn the_grafana_download_has_a_critical_path_to_its_root_end() {
    // This file once showed "Critical path: 0 spans".
    let Some(dir) = corpus_dir() else { return };
    let l = load(&std::fs::read(dir.join("grafana-download-otlp-batches-CroixANI.json")).unwrap())
        .unwrap();
    let t = &l.traces[0];
    let path = trace_viewer::model::analysis::critical_path(t);
    let cp = trace_viewer::view_model::critical::CriticalPath::new(path.clone());
    // The root ("New Conversation") lasts 2.7 ms and every child starts after
    // it ended: clipped to the root, each is empty, so the root alone decides.
    let root = t.root().unwrap();
    assert_eq!(t.str(root.raw.name), "New Conversation");
    assert!(t
        .children(trace_viewer::model::SpanIx(0))
        .all(|c| t.spans[c.get()].raw.start_unix_nanos >= root.end_unix_nanos()));
    assert_eq!(cp.span_count(), 1);
    assert_eq!(path.len(), 1);
    assert_eq!(path[0].end_unix_nanos, root.end_unix_nanos());
    assert_eq!(
        path.last().unwrap().start_unix_nanos,
        root.raw.start_unix_nanos
    );
}
