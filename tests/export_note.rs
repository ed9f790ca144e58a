//! The export buttons' file names and notes.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::export::{Losses, Target};
use trace_viewer::model::TraceId;
use trace_viewer::view_model::export::{file_stem, note};

fn id(hex: &str) -> TraceId {
    TraceId::parse(hex).unwrap().0
}

#[test]
fn one_trace_is_named_by_its_id_and_several_by_their_count() {
    let a = id("5b8efff798038103d269b633813fc60c");
    let short = id("00000000000000000000000000abcdef");
    assert_eq!(file_stem(&[a]), "trace-5b8efff798038103d269b633813fc60c");
    // A 64-bit id at its own width, as the page shows it.
    assert_eq!(file_stem(&[short]), "trace-0000000000abcdef");
    assert_eq!(file_stem(&[a, short]), "traces-2");
    assert_eq!(Target::Zipkin.file_name("traces-2"), "traces-2.zipkin.json");
}

#[test]
fn the_note_says_what_was_saved_and_what_was_left_out() {
    let clean = note(Target::Otlp, "trace-ab.otlp.json", 1, &Losses::default());
    assert_eq!(
        clean,
        vec!["Saved trace-ab.otlp.json: 1 trace as OTLP JSON. Nothing was left out."]
    );
    let losses = Losses {
        links: 2,
        sub_micro_times: 5,
        ..Losses::default()
    };
    let lossy = note(Target::Zipkin, "traces-3.zipkin.json", 3, &losses);
    assert_eq!(
        lossy[0],
        "Saved traces-3.zipkin.json: 3 traces as Zipkin v2 JSON. It cannot hold everything:"
    );
    assert_eq!(lossy.len(), 3);
    assert!(
        lossy.contains(&"Span links left out: 2".to_string()),
        "{lossy:?}"
    );
    assert!(
        lossy.contains(&"Times rounded down to whole microseconds: 5".to_string()),
        "{lossy:?}"
    );
}

#[test]
fn a_running_export_says_how_far_it_is() {
    use trace_viewer::view_model::export::{cancelled_note, Progress};
    let p = Progress {
        target: Target::Zipkin,
        written: 90_000,
        total: 200_000,
    };
    assert_eq!(p.fraction(), 0.45);
    assert_eq!(p.text(), "Writing Zipkin v2 JSON: 45% of 200000 spans");
    // Just short of the end is not yet 100%.
    let nearly = Progress {
        written: 199_999,
        ..p.clone()
    };
    assert_eq!(nearly.text(), "Writing Zipkin v2 JSON: 99% of 200000 spans");
    let empty = Progress {
        target: Target::Otlp,
        written: 0,
        total: 0,
    };
    assert_eq!(empty.fraction(), 1.0);
    assert_eq!(
        cancelled_note(Target::Jaeger),
        vec!["The Jaeger JSON export was cancelled; nothing was saved."]
    );
}
