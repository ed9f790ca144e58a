//! A file cut into parts, each read apart (as the loading workers do), and
//! joined, gives exactly the model one pass gives: compared byte for byte
//! as the worker sends it, for the fixtures, every generated shape in each
//! format, the public corpus, and files made to trip the cutting (brackets
//! and quotes in strings, one element, a byte-order mark). A file the join
//! could not make equal is refused, never joined differently.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::formats::parallel::{self, Part, PartKind};
use trace_viewer::model::wire::{Reply, Request};
use trace_viewer::model::{load, Loaded};

#[path = "../src/bin/support/rng.rs"]
#[allow(dead_code)]
mod rng;
#[path = "../src/bin/support/shapes.rs"]
#[allow(dead_code)]
mod shapes;
#[path = "../src/bin/support/shapes_json.rs"]
mod shapes_json;

use shapes::{Format, Shape, Spec};

fn wire(loaded: Loaded) -> Vec<u8> {
    Reply::Loaded { job: 1, loaded }.encode()
}

/// Each run read apart and sent back as a helper worker sends it.
fn read_each(kind: PartKind, texts: Vec<Vec<u8>>) -> Vec<Option<Part>> {
    texts
        .iter()
        .map(|t| {
            let sent = Reply::Part {
                job: 2,
                part: parallel::read_part(kind, t).map(Box::new),
            }
            .encode();
            match Reply::decode(&sent) {
                Ok(Reply::Part { job: 2, part }) => part.map(|p| *p),
                other => panic!("expected the part back, got {other:?}"),
            }
        })
        .collect()
}

/// How a file was cut.
#[derive(Debug, PartialEq)]
struct Cutting {
    kind: PartKind,
    /// The array was read through to find the cuts.
    read_through: bool,
    /// Cuts that were refused (a part not joinable), of those tried.
    refused: usize,
}

/// Cuts `bytes` into 2 to 5 parts; asserts each cut reads as one pass does.
/// Returns how it was cut, or `None` when it is not cut.
fn assert_cut_reads_as_one_pass(name: &str, bytes: &[u8]) -> Option<Cutting> {
    let one_pass = load(bytes).map(wire).map_err(|e| e.to_string());
    let mut cutting = None;
    for parts in 2..=5 {
        let Some(plan) = parallel::plan(bytes, parts) else {
            continue;
        };
        assert!(
            plan.runs.len() >= 2 && plan.runs.len() <= parts,
            "{name}: {plan:?}"
        );
        let c = cutting.get_or_insert(Cutting {
            kind: plan.kind,
            read_through: plan.read_through,
            refused: 0,
        });
        let Some(cut) = parallel::load_cut(bytes, parts, read_each) else {
            c.refused += 1;
            continue;
        };
        let cut = cut.map(wire).map_err(|e| e.to_string());
        assert!(
            cut == one_pass,
            "{name}: cut into {parts} reads differently"
        );
    }
    cutting
}

#[test]
fn every_generated_shape_reads_the_same_cut_or_whole() {
    for format in [Format::Jaeger, Format::Otlp, Format::OtlpLines] {
        for shape in Shape::ALL {
            let mut spec = Spec::new(shape, 2_000, format);
            spec.long_bytes = 4096;
            let bytes = shapes_json::generate(&spec, 7).0.into_bytes();
            let name = format!("{} {format:?}", shape.name());
            let cutting = assert_cut_reads_as_one_pass(&name, &bytes);
            // Documents are cut, their cuts found near their places (but
            // between traces, found by reading through); JSON Lines are read
            // in one pass. No cut is refused.
            let expected = match (shape, format) {
                (Shape::Jsonl, _) | (_, Format::OtlpLines) => None,
                (Shape::Traces, Format::Jaeger) => Some((PartKind::JaegerTraces, true)),
                (_, Format::Jaeger) => Some((PartKind::JaegerSpans, false)),
                (_, Format::Otlp) => Some((PartKind::OtlpResourceSpans, false)),
            };
            let got = cutting.map(|c| {
                assert_eq!(c.refused, 0, "{name}");
                (c.kind, c.read_through)
            });
            assert_eq!(got, expected, "{name}");
        }
    }
}

#[test]
fn every_fixture_reads_the_same_cut_or_whole() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut cut = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            cut += usize::from(
                assert_cut_reads_as_one_pass(&path.display().to_string(), &bytes).is_some(),
            );
        }
    }
    assert!(cut >= 4, "only {cut} fixtures were cut");
}

#[test]
fn every_corpus_file_reads_the_same_cut_or_whole() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/public");
    let Ok(entries) = std::fs::read_dir(dir) else {
        assert!(
            std::env::var_os("TRACE_VIEWER_REQUIRE_CORPUS").is_none(),
            "the corpus is required here but {dir} is missing"
        );
        println!("skipping: no corpus at {dir}");
        return;
    };
    let mut files = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|e| e != "md") {
            let bytes = std::fs::read(&path).unwrap();
            assert_cut_reads_as_one_pass(&path.display().to_string(), &bytes);
            files += 1;
        }
    }
    assert!(files >= 20, "{files} corpus files");
}

/// A Jaeger trace of `n` spans whose strings hold brackets, braces, commas
/// and escaped quotes, with scopes and processes shared across any cut.
fn tricky_jaeger(n: usize) -> String {
    let spans: Vec<String> = (0..n)
        .map(|i| {
            let parent = if i == 0 {
                String::new()
            } else {
                format!(r#","references":[{{"refType":"CHILD_OF","traceID":"00000000000000000000000000000abc","spanID":"{:016x}"}}]"#, (i - 1) / 3 + 1)
            };
            format!(
                r#"{{"traceID":"00000000000000000000000000000abc","spanID":"{:016x}","operationName":"op {} ]}},[{{\"x\"","startTime":{},"duration":{},"processID":"p{}","tags":[{{"key":"otel.scope.name","type":"string","value":"lib{}"}},{{"key":"note","type":"string","value":"a \\\"quoted\\\" ], {{ value"}}]{parent}}}"#,
                i + 1,
                i % 7,
                1_700_000_000_000_000u64 + i as u64 * 10,
                1000 + i,
                i % 4,
                i % 3
            )
        })
        .collect();
    format!(
        "\u{feff}{{\"data\":[{{\"traceID\":\"00000000000000000000000000000abc\",\"spans\":[\n{}\n],\"processes\":{{\"p0\":{{\"serviceName\":\"a\",\"tags\":[{{\"key\":\"host\",\"type\":\"string\",\"value\":\"h]\"}}]}},\"p1\":{{\"serviceName\":\"b\"}},\"p2\":{{\"serviceName\":\"c\"}}}}}}],\"total\":0,\"errors\":null}}\n",
        spans.join(",\n")
    )
}

#[test]
fn strings_holding_brackets_and_quotes_do_not_move_the_cuts() {
    let text = tricky_jaeger(400);
    assert!(load(text.as_bytes()).is_ok());
    let cutting = assert_cut_reads_as_one_pass("tricky", text.as_bytes());
    assert_eq!(
        cutting,
        Some(Cutting {
            kind: PartKind::JaegerSpans,
            read_through: false,
            refused: 0
        })
    );
    // The process "p3" is not in `processes`: its spans are unknown_service,
    // cut or not (asserted equal above); and a scope first used in a later
    // part is made once.
    let loaded = load(text.as_bytes()).unwrap();
    let pools = &loaded.traces[0].pools;
    assert_eq!(pools.scopes.len(), 4, "the empty scope and lib0..lib2");
}

#[test]
fn a_cut_on_a_nested_object_alike_an_element_is_refused_or_right() {
    // References that start with the trace id, three to a span: objects
    // after commas whose first key is a span's first key.
    let text = tricky_jaeger(600).replace(
        r#""references":[{"refType":"CHILD_OF","traceID":"00000000000000000000000000000abc","spanID":"#,
        r#""references":[{"traceID":"00000000000000000000000000000abc","spanID":"0000000000000999","refType":"FOLLOWS_FROM"},{"traceID":"00000000000000000000000000000abc","spanID":"0000000000000998","refType":"FOLLOWS_FROM"},{"traceID":"00000000000000000000000000000abc","refType":"CHILD_OF","spanID":"#,
    );
    assert!(load(text.as_bytes()).is_ok());
    let cutting = assert_cut_reads_as_one_pass("nested alike", text.as_bytes());
    assert!(cutting.is_some_and(|c| c.kind == PartKind::JaegerSpans));
}

#[test]
fn what_cannot_be_joined_equal_is_read_in_one_pass() {
    // An invalid span id: one pass numbers the made-up ids across the file.
    let text = tricky_jaeger(50).replace(r#""spanID":"0000000000000020""#, r#""spanID":"zz""#);
    let plan = parallel::plan(text.as_bytes(), 2).expect("cut");
    let texts: Vec<Vec<u8>> = plan
        .runs
        .iter()
        .map(|r| parallel::run_text(text.as_bytes(), r))
        .collect();
    let refused = texts
        .iter()
        .filter(|t| parallel::read_part(plan.kind, t).is_none())
        .count();
    assert_eq!(refused, 1, "the part with the bad id is refused");
    assert!(parallel::load_cut(text.as_bytes(), 2, read_each).is_none());
    // Not cut: streams of documents, logs among spans, one element, small arrays.
    for text in [
        "{\"resourceSpans\":[{},{}]}\n{\"resourceSpans\":[{},{}]}",
        "{\"resourceSpans\":[{},{}],\"resourceLogs\":[]}",
        "{\"data\":[{\"spans\":[{}]}]}",
        "{\"data\":[],\"data\":[{},{}]}",
        "[{\"traceId\":\"1\"},{\"traceId\":\"2\"}]",
    ] {
        assert!(parallel::plan(text.as_bytes(), 4).is_none(), "{text}");
    }
}

#[test]
fn a_cut_part_message_is_an_error_not_a_panic() {
    let text = tricky_jaeger(20);
    let plan = parallel::plan(text.as_bytes(), 2).expect("cut");
    let run = parallel::run_text(text.as_bytes(), &plan.runs[1]);
    let part = parallel::read_part(plan.kind, &run).map(Box::new);
    assert!(part
        .as_ref()
        .is_some_and(|p| !p.spans.is_empty() && !p.process_keys.is_empty()));
    let bytes = Reply::Part { job: 9, part }.encode();
    for cut in 0..bytes.len() {
        assert!(Reply::decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let request = Request::ReadPart {
        job: 9,
        kind: PartKind::JaegerSpans,
    };
    assert_eq!(Request::decode(&request.encode()), Ok(request));
}
