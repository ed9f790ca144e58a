//! The postMessage API's open message (`view_model::post_message`): which
//! messages open files and under which names, what a wrong field says, and
//! which trace and span open once the files are loaded.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use trace_viewer::model::{load, SpanId, Trace, TraceId};
use trace_viewer::view_model::files::FileProblem;
use trace_viewer::view_model::post_message::{
    message_name, problems_of, read_open, read_perfetto, target, trace_count, DataKind, Found,
    FoundFile, FoundOpen, FoundPerfetto, Selection, Target, MAX_FILES,
};

const CHECKOUT: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn file(name: &str, data: DataKind) -> Found<FoundFile> {
    Found::Is(FoundFile {
        name: Found::Is(name.to_string()),
        data: Found::Is(data),
    })
}

/// A version 1 message with `files` and nothing else.
fn message(files: Vec<Found<FoundFile>>) -> FoundOpen {
    FoundOpen {
        version: Found::Is(1.0),
        files: Found::Is(files),
        single: FoundFile {
            name: Found::Absent,
            data: Found::Absent,
        },
        select: (Found::Absent, Found::Absent),
        keep: Found::Absent,
    }
}

fn checkout() -> Vec<Arc<Trace>> {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/jaeger-checkout.json"
    ))
    .expect("fixture");
    let loaded = load(&text).expect("the fixture reads");
    loaded.traces.into_iter().map(Arc::new).collect()
}

fn trace_id(hex: &str) -> TraceId {
    TraceId::parse(hex).expect("a trace id").0
}

fn span_id(hex: &str) -> SpanId {
    SpanId::parse(hex).expect("a span id").0
}

#[test]
fn text_bytes_and_blobs_open_under_their_names_and_are_kept_like_dropped_files() {
    let open = read_open(&message(vec![
        file("a.json", DataKind::Text),
        file("b.json.gz", DataKind::Bytes),
        file("c.json", DataKind::Blob),
    ]))
    .expect("a good message");
    let names: Vec<&str> = open.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a.json", "b.json.gz", "c.json"]);
    assert!(open.files.iter().all(|(_, v)| v.is_ok()));
    assert!(open.keep, "kept unless the message says keep: false");
    assert_eq!(open.select, Selection::default());
    assert!(open.problems.is_empty());
}

#[test]
fn keep_false_is_not_kept_and_the_version_may_be_left_out() {
    let mut m = message(vec![file("a.json", DataKind::Text)]);
    m.keep = Found::Is(false);
    m.version = Found::Absent;
    let open = read_open(&m).expect("a good message");
    assert!(!open.keep);
}

#[test]
fn the_one_file_form_is_read_like_a_files_array_of_one() {
    let mut m = message(Vec::new());
    m.files = Found::Absent;
    m.single = FoundFile {
        name: Found::Is("one.json".into()),
        data: Found::Is(DataKind::Text),
    };
    let open = read_open(&m).expect("a good message");
    assert_eq!(open.files, [("one.json".to_string(), Ok(()))]);
}

#[test]
fn a_message_with_nothing_to_open_says_why() {
    let mut none = message(Vec::new());
    assert_eq!(
        read_open(&none).map(|_| ()),
        Err("its files array is empty".into())
    );
    none.files = Found::Absent;
    let said = read_open(&none).map(|_| ()).unwrap_err();
    assert!(said.contains("no files"), "{said}");
    none.files = Found::Wrong("a string".into());
    let said = read_open(&none).map(|_| ()).unwrap_err();
    assert!(said.contains("files is a string, not an array"), "{said}");
}

#[test]
fn another_version_is_refused_naming_the_one_read() {
    let mut m = message(vec![file("a.json", DataKind::Text)]);
    m.version = Found::Is(2.0);
    let said = read_open(&m).map(|_| ()).unwrap_err();
    assert!(
        said.contains("version 2") && said.contains("version 1"),
        "{said}"
    );
    m.version = Found::Wrong("a string".into());
    assert!(read_open(&m).is_err());
}

#[test]
fn a_bad_entry_is_named_and_the_others_still_open() {
    let open = read_open(&message(vec![
        file("good.json", DataKind::Text),
        Found::Is(FoundFile {
            name: Found::Is("numbers.json".into()),
            data: Found::Wrong("a number".into()),
        }),
        Found::Is(FoundFile {
            name: Found::Is("empty.json".into()),
            data: Found::Absent,
        }),
        Found::Wrong("a string".into()),
    ]))
    .expect("the message itself is fine");
    let (names, verdicts): (Vec<_>, Vec<_>) = open.files.into_iter().unzip();
    assert_eq!(names, ["good.json", "numbers.json", "empty.json", "file 4"]);
    assert_eq!(verdicts[0], Ok(()));
    let said = |i: usize| verdicts[i].clone().unwrap_err();
    assert!(said(1).contains("its data is a number"), "{}", said(1));
    assert!(said(1).contains("ArrayBuffer"), "says what it takes");
    assert_eq!(said(2), "it has no data");
    assert!(
        said(3).contains("not an object {name, data}"),
        "{}",
        said(3)
    );
}

#[test]
fn names_are_unique_cleaned_and_given_when_missing() {
    let long = "x".repeat(500);
    let open = read_open(&message(vec![
        file("a.json", DataKind::Text),
        file("a.json", DataKind::Text),
        file(" a.json\n", DataKind::Text),
        file("", DataKind::Text),
        Found::Is(FoundFile {
            name: Found::Wrong("a number".into()),
            data: Found::Is(DataKind::Text),
        }),
        file(&long, DataKind::Text),
    ]))
    .expect("a good message");
    let names: Vec<String> = open.files.into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names[..5],
        ["a.json", "a.json (2)", "a.json (3)", "file 4", "file 5"]
    );
    assert_eq!(names[5].chars().count(), 200);
}

#[test]
fn a_message_problem_is_named_by_the_page_that_sent_it() {
    assert_eq!(
        message_name("https://ci.example.com"),
        "message from https://ci.example.com"
    );
    // file:// pages and sandboxed frames have an opaque origin.
    assert_eq!(message_name("null"), "message from another page");
}

#[test]
fn select_takes_ids_in_any_spelling_and_names_what_is_not_one() {
    let mut m = message(vec![file("a.json", DataKind::Text)]);
    m.select = (
        Found::Is(CHECKOUT.to_uppercase()),
        Found::Is("00f067aa0ba902b5".into()),
    );
    let open = read_open(&m).expect("a good message");
    assert_eq!(open.select.trace, Some(trace_id(CHECKOUT)));
    assert_eq!(open.select.span, Some(span_id("00f067aa0ba902b5")));
    m.select = (Found::Is("nope".into()), Found::Wrong("a number".into()));
    let open = read_open(&m).expect("the files still open");
    assert_eq!(open.select, Selection::default());
    assert_eq!(
        open.problems,
        [
            "select.traceId is not a trace id",
            "select.spanId is a number, not a string"
        ]
    );
}

#[test]
fn a_selected_span_opens_its_trace_with_the_span() {
    let loaded = checkout();
    let added = [trace_id(CHECKOUT)];
    let span = Selection {
        trace: None,
        span: Some(span_id("00f067aa0ba902b5")),
    };
    let (to, problem) = target(&span, &added, &loaded);
    let to = to.expect("the span's trace");
    assert_eq!(problem, None);
    assert_eq!(
        to.hash(),
        format!("#/trace/{CHECKOUT}?span=00f067aa0ba902b5")
    );
    let both = Selection {
        trace: Some(trace_id(CHECKOUT)),
        ..span
    };
    assert_eq!(target(&both, &added, &loaded).0, Some(to));
}

#[test]
fn a_selection_that_is_not_loaded_says_so_and_a_stray_span_still_opens_the_trace() {
    let loaded = checkout();
    let added = [trace_id(CHECKOUT)];
    let (to, problem) = target(&Selection::default(), &added, &loaded);
    assert_eq!(
        (to, problem),
        (None, None),
        "nothing selected: nothing to do"
    );
    let other = Selection {
        trace: Some(trace_id("0123456789abcdef0123456789abcdef")),
        span: None,
    };
    let (to, problem) = target(&other, &added, &loaded);
    assert_eq!(to, None);
    assert!(problem
        .expect("said")
        .contains("not among the traces its files held"));
    // A trace loaded before, by someone else, is not the sender's to open
    // or to learn about: the same answer as for a trace not loaded at all.
    let (to, problem) = target(
        &Selection {
            trace: Some(trace_id(CHECKOUT)),
            span: None,
        },
        &[],
        &loaded,
    );
    assert_eq!(to, None);
    assert!(problem
        .expect("said")
        .contains("not among the traces its files held"));
    let span_elsewhere = Selection {
        trace: None,
        span: Some(span_id("00f067aa0ba902b5")),
    };
    assert_eq!(target(&span_elsewhere, &[], &loaded).0, None);
    let stray = Selection {
        trace: Some(trace_id(CHECKOUT)),
        span: Some(span_id("0123456789abcdef")),
    };
    let (to, problem) = target(&stray, &added, &loaded);
    assert_eq!(
        to,
        Some(Target {
            trace: CHECKOUT.into(),
            span: None
        })
    );
    assert!(problem.expect("said").contains("is not in trace"));
}

#[test]
fn the_answer_counts_distinct_traces_and_names_only_the_messages_files() {
    let a = trace_id(CHECKOUT);
    let b = trace_id("0123456789abcdef0123456789abcdef");
    assert_eq!(
        trace_count(&[a, b, a]),
        2,
        "a trace over two files counts once"
    );
    assert_eq!(trace_count(&[]), 0);
    let all = [
        FileProblem {
            file: "dropped.json".into(),
            message: "not a trace".into(),
        },
        FileProblem {
            file: "bad.json".into(),
            message: "not JSON".into(),
        },
    ];
    let names = ["good.json".to_string(), "bad.json".to_string()];
    assert_eq!(problems_of(&names, &all), all[1..]);
}

#[test]
fn a_message_of_too_many_files_is_refused_whole() {
    let entry = Found::Is(FoundFile {
        name: Found::Is("same.json".into()),
        data: Found::Is(DataKind::Text),
    });
    let mut m = message(vec![entry.clone(); MAX_FILES]);
    let open = read_open(&m).expect("at the limit");
    assert_eq!(open.files.len(), MAX_FILES);
    assert_eq!(
        open.files[MAX_FILES - 1].0,
        format!("same.json ({MAX_FILES})")
    );
    m.files = Found::Is(vec![entry; MAX_FILES + 1]);
    let e = read_open(&m).expect_err("past the limit");
    assert!(e.contains(&format!("at most {MAX_FILES}")), "{e}");
}

#[test]
fn perfettos_open_message_is_one_file_named_by_its_file_name_or_title() {
    let found = |file_name: Found<String>, title: Found<String>, buffer| FoundPerfetto {
        buffer,
        title,
        file_name,
    };
    let open = read_perfetto(&found(
        Found::Is("trace.json".into()),
        Found::Is("My trace".into()),
        Found::Is(DataKind::Bytes),
    ))
    .expect("opens");
    assert_eq!(open.files, vec![("trace.json".to_string(), Ok(()))]);
    let open = read_perfetto(&found(
        Found::Absent,
        Found::Is("My trace".into()),
        Found::Is(DataKind::Bytes),
    ))
    .expect("opens");
    assert_eq!(open.files[0].0, "My trace");
    let open = read_perfetto(&found(
        Found::Absent,
        Found::Absent,
        Found::Is(DataKind::Blob),
    ))
    .expect("opens");
    assert_eq!(open.files[0].0, "trace from a Perfetto message");
    let e = read_perfetto(&found(
        Found::Absent,
        Found::Absent,
        Found::Wrong("a number".into()),
    ))
    .expect_err("no buffer");
    assert!(e.contains("perfetto.buffer is a number"), "{e}");
    assert!(read_perfetto(&found(Found::Absent, Found::Absent, Found::Absent)).is_err());
}
