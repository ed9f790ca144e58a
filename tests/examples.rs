//! The example files the page ships (`examples/`): each one is there and
//! reads as its line says, and the README links to each.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use trace_viewer::model::logs::{LogFile, TraceLogs};
use trace_viewer::model::{load, Loaded};
use trace_viewer::view_model::examples::{markdown, EXAMPLES};

fn read(file: &str) -> Loaded {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let bytes = if file.ends_with(".gz") {
        // The page inflates with the browser's DecompressionStream; here gzip does.
        let out = std::process::Command::new("gzip")
            .arg("-dc")
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{file}: gzip -dc failed");
        out.stdout
    } else {
        bytes
    };
    load(&bytes).unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

#[test]
fn the_jaeger_checkout_is_one_trace_with_a_failed_call() {
    let loaded = read("examples/checkout-jaeger.json");
    assert_eq!(loaded.traces.len(), 1);
    let trace = &loaded.traces[0];
    assert_eq!(trace.spans.len(), 7);
    assert_eq!(trace.services.len(), 3);
    assert!(trace.error_count > 0);
}

#[test]
fn the_otlp_trace_takes_every_record_of_its_log_file() {
    let traces = read("examples/shop-otlp.json");
    assert_eq!(traces.traces.len(), 1);
    let trace = &traces.traces[0];
    assert_eq!(trace.spans.len(), 80);
    let logs = read("examples/shop-otlp-logs.json");
    assert!(logs.format.is_logs());
    let file = LogFile::new("shop-otlp-logs.json", logs.logs.unwrap());
    let attached = TraceLogs::new(trace, &[&file]);
    assert_eq!(attached.len(), 60);
    assert_eq!(
        attached.entries.iter().filter(|e| e.span.is_some()).count(),
        60,
        "every record on its span"
    );
}

#[test]
fn the_set_of_checkouts_holds_200_traces_and_every_tenth_is_slow() {
    let loaded = read("examples/checkouts-200.json.gz");
    assert_eq!(loaded.traces.len(), 200);
    let mut durations: Vec<u64> = loaded.traces.iter().map(|t| t.duration_nanos()).collect();
    durations.sort_unstable();
    // The slow tenth: far past the median.
    let (median, p90) = (durations[100], durations[185]);
    assert!(p90 > 3 * median, "median {median} ns, p90 {p90} ns");
}

#[test]
fn every_example_file_is_in_the_repository() {
    for example in EXAMPLES {
        for file in example.files {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
            assert!(path.is_file(), "{}: {file} is missing", example.label);
        }
    }
}

#[test]
fn the_readme_links_to_every_example() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let table = markdown();
    assert!(
        readme.contains(&table),
        "README.md should hold the examples' table as view_model::examples::markdown() writes it:\n{table}"
    );
}
