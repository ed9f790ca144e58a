//! Traces just read, added to those loaded (`view_model::adding`): a trace
//! already loaded is merged in place and named in a warning, others are
//! appended in order, and one trace across the files is opened.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use trace_viewer::model::{load, Trace, WarningKind};
use trace_viewer::view_model::adding::add_traces;

const A: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const B: &str = "5b8efff798038103d269b633813fc60c";
const C: &str = "0af7651916cd43dd8448eb211c80319c";

/// An OTLP file: spans of (trace id, span id, parent span id, name), one
/// millisecond apart, in service "shop".
fn otlp(spans: &[(&str, &str, &str, &str)]) -> String {
    let spans: Vec<String> = spans
        .iter()
        .enumerate()
        .map(|(i, (trace, span, parent, name))| {
            let start = 1_700_000_000_000_000_000u64 + i as u64 * 1_000_000;
            format!(
                r#"{{"traceId":"{trace}","spanId":"{span}","parentSpanId":"{parent}","name":"{name}","startTimeUnixNano":"{start}","endTimeUnixNano":"{}"}}"#,
                start + 10_000_000
            )
        })
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"shop"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

/// The traces of `text`, each named by the file `file`.
fn read(file: &str, text: &str) -> Vec<(String, Arc<Trace>)> {
    let loaded = load(text.as_bytes()).expect("the test file reads");
    loaded
        .traces
        .into_iter()
        .map(|t| (file.to_string(), Arc::new(t)))
        .collect()
}

fn ids(traces: &[Arc<Trace>]) -> Vec<String> {
    traces.iter().map(|t| t.id.to_hex()).collect()
}

#[test]
fn one_new_trace_is_appended_and_opened() {
    let mut loaded = Vec::new();
    let added = add_traces(
        &mut loaded,
        read("a.json", &otlp(&[(A, "00f067aa0ba902b1", "", "GET /")])),
    );
    assert_eq!(ids(&loaded), [A]);
    assert_eq!(added.single.map(|id| id.to_hex()).as_deref(), Some(A));
    assert!(added.merged.is_empty());
}

#[test]
fn several_traces_are_appended_in_order_and_the_list_is_shown() {
    let mut loaded = Vec::new();
    add_traces(
        &mut loaded,
        read("c.json", &otlp(&[(C, "00f067aa0ba902b1", "", "first")])),
    );
    let text = otlp(&[
        (A, "00f067aa0ba902b2", "", "GET /"),
        (B, "00f067aa0ba902b3", "", "POST /"),
    ]);
    let added = add_traces(&mut loaded, read("ab.json", &text));
    assert_eq!(loaded.len(), 3);
    assert_eq!(ids(&loaded)[0], C, "what was loaded stays first");
    assert_eq!(added.single, None, "two traces: the list is shown");
}

#[test]
fn a_trace_split_across_two_files_is_one_trace_and_is_opened() {
    let mut loaded = Vec::new();
    let mut both = read("front.json", &otlp(&[(A, "00f067aa0ba902b1", "", "GET /")]));
    both.extend(read(
        "back.json",
        &otlp(&[(A, "00f067aa0ba902b2", "00f067aa0ba902b1", "SELECT")]),
    ));
    let added = add_traces(&mut loaded, both);
    assert_eq!(ids(&loaded), [A]);
    let trace = &loaded[0];
    assert_eq!(trace.spans.len(), 2);
    assert_eq!(
        trace.depth, 2,
        "the second file's span hangs under the first's"
    );
    assert_eq!(added.single.map(|id| id.to_hex()).as_deref(), Some(A));
    assert_eq!(added.merged.len(), 1);
    let (file, warnings) = &added.merged[0];
    assert_eq!(file, "back.json");
    assert!(warnings
        .list()
        .iter()
        .any(|w| w.kind == WarningKind::MergedAcrossFiles));
}

#[test]
fn a_loaded_trace_is_merged_in_place_not_appended() {
    let mut loaded = Vec::new();
    add_traces(
        &mut loaded,
        read(
            "two.json",
            &otlp(&[
                (A, "00f067aa0ba902b1", "", "GET /"),
                (B, "00f067aa0ba902b3", "", "POST /"),
            ]),
        ),
    );
    let before = ids(&loaded);
    let text = otlp(&[
        (A, "00f067aa0ba902b2", "00f067aa0ba902b1", "SELECT"),
        (C, "00f067aa0ba902b4", "", "new"),
    ]);
    let added = add_traces(&mut loaded, read("more.json", &text));
    assert_eq!(ids(&loaded)[..2], before[..], "positions kept");
    assert_eq!(ids(&loaded)[2], C);
    let a = loaded.iter().find(|t| t.id.to_hex() == A).unwrap();
    assert_eq!(a.spans.len(), 2);
    assert_eq!(added.single, None);
    assert_eq!(added.merged.len(), 1);
}

#[test]
fn the_same_file_twice_keeps_one_copy_of_each_span() {
    let text = otlp(&[
        (A, "00f067aa0ba902b1", "", "GET /"),
        (A, "00f067aa0ba902b2", "00f067aa0ba902b1", "SELECT"),
    ]);
    let mut loaded = Vec::new();
    add_traces(&mut loaded, read("a.json", &text));
    let added = add_traces(&mut loaded, read("a copy.json", &text));
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].spans.len(), 2, "identical copies are dropped");
    assert_eq!(added.merged.len(), 1);
}

#[test]
fn adding_nothing_changes_nothing() {
    let mut loaded = Vec::new();
    add_traces(
        &mut loaded,
        read("a.json", &otlp(&[(A, "00f067aa0ba902b1", "", "GET /")])),
    );
    let added = add_traces(&mut loaded, Vec::new());
    assert_eq!(ids(&loaded), [A]);
    assert_eq!(added.single, None);
    assert!(added.merged.is_empty());
}
