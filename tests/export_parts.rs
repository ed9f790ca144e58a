//! The export written in parts: the parts, joined, are the one-shot text
//! byte for byte, whatever the part size; no part is larger than its size,
//! even where one attribute is longer than a part; progress counts every
//! span once.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use trace_viewer::model::export::{export, Target, Writer, PART_BYTES};
use trace_viewer::model::{load, Trace};

#[path = "../src/bin/support/rng.rs"]
#[allow(dead_code)]
mod rng;
#[path = "../src/bin/support/shapes.rs"]
#[allow(dead_code)]
mod shapes;
#[path = "../src/bin/support/shapes_json.rs"]
#[allow(dead_code)]
mod shapes_json;

/// Every fixture that holds traces, by name.
fn fixtures() -> Vec<(String, Vec<Trace>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut stack = vec![dir];
    let mut paths = Vec::new();
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let loaded = load(&std::fs::read(&p).unwrap()).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            (!loaded.traces.is_empty()).then_some((name, loaded.traces))
        })
        .collect()
}

/// Writes `traces` in parts of `part_bytes`, checking each part's size and
/// that progress only grows; the parts.
fn parts(target: Target, traces: &[&Trace], part_bytes: usize) -> Vec<String> {
    let mut writer = Writer::with_part_bytes(target, traces, part_bytes);
    let total: u64 = traces.iter().map(|t| t.spans.len() as u64).sum();
    assert_eq!(writer.spans_total(), total);
    let mut parts = Vec::new();
    let mut written = 0;
    while let Some(part) = writer.next_part() {
        assert!(
            !part.is_empty() && part.len() <= part_bytes,
            "{target:?}: a part of {} bytes, at most {part_bytes} asked",
            part.len()
        );
        assert!(writer.spans_written() >= written, "progress went back");
        written = writer.spans_written();
        parts.push(part);
    }
    assert_eq!(
        writer.spans_written(),
        total,
        "{target:?}: every span counted"
    );
    assert_eq!(
        writer.losses(),
        &export(target, traces).losses,
        "{target:?}: the same losses"
    );
    parts
}

#[test]
fn parts_joined_are_the_one_shot_text_for_every_fixture_and_format() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 8,
        "{} fixtures with traces",
        fixtures.len()
    );
    for (name, traces) in &fixtures {
        let refs: Vec<&Trace> = traces.iter().collect();
        for target in Target::ALL {
            let whole = export(target, &refs).text;
            // Tiny parts cut inside keys, numbers, escapes and characters.
            for part_bytes in [4, 7, 61, 4096, PART_BYTES] {
                let got = parts(target, &refs, part_bytes);
                let expected_parts = whole.len().div_ceil(part_bytes);
                assert!(
                    got.len() >= expected_parts,
                    "{name} {target:?}: {} parts of {part_bytes} for {} bytes",
                    got.len(),
                    whole.len()
                );
                if got.concat() != whole {
                    let at = got
                        .concat()
                        .bytes()
                        .zip(whole.bytes())
                        .position(|(a, b)| a != b)
                        .unwrap_or(whole.len().min(got.concat().len()));
                    panic!("{name} {target:?} in parts of {part_bytes}: differs at byte {at}");
                }
            }
        }
    }
}

#[test]
fn an_attribute_longer_than_a_part_is_spread_over_parts() {
    use shapes::{Format, Shape, Spec};
    let spec = Spec {
        long_bytes: 300_000,
        ..Spec::new(Shape::Long, 500, Format::Otlp)
    };
    let text = shapes_json::generate(&spec, 7).0;
    let loaded = load(text.as_bytes()).expect("the long shape loads");
    let refs: Vec<&Trace> = loaded.traces.iter().collect();
    let part_bytes = 64 << 10;
    for target in Target::ALL {
        let whole = export(target, &refs).text;
        assert!(
            whole.len() > 300_000,
            "{target:?}: the long value is written"
        );
        let got = parts(target, &refs, part_bytes);
        assert!(
            got.len() > whole.len() / part_bytes,
            "{target:?}: {} parts",
            got.len()
        );
        assert!(got.concat() == whole, "{target:?}: the parts joined differ");
        // What the writer hands out is JSON a reader takes back.
        let back = load(got.concat().as_bytes()).expect("the export loads");
        assert_eq!(back.traces[0].spans.len(), 500, "{target:?}");
    }
}

#[test]
fn a_writer_over_no_traces_writes_an_empty_document() {
    for (target, text) in [
        (Target::Otlp, r#"{"resourceSpans":[]}"#),
        (Target::Zipkin, "[]"),
        (
            Target::Jaeger,
            r#"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#,
        ),
    ] {
        let parts: Vec<String> = Writer::new(target, &[]).collect();
        assert_eq!(parts, vec![text.to_string()], "{target:?}");
    }
}
