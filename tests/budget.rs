//! The memory budget counts everything the page holds or is about to hold:
//! open traces, loaded log files and every load still in flight (held from
//! admission until it ends); a file that does not fit is refused with the
//! figures, and a compressed file may decompress only into what is left.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use trace_viewer::model::compression::inflated_past;
use trace_viewer::model::logs::LogFile;
use trace_viewer::model::{load, Trace};
use trace_viewer::view_model::budget::{model_bytes_for, open_bytes, Ledger, BUDGET_BYTES};

const GB: u64 = 1_000_000_000;
const MB: u64 = 1_000_000;

#[test]
fn files_past_the_budget_are_refused_with_figures() {
    let mut ledger = Ledger::default();
    let out = ledger.admit(0, &[("a.json", GB), ("b.json", GB), ("c.json", GB)]);
    assert!(out[0].is_ok() && out[1].is_ok());
    let e = out[2].clone().unwrap_err();
    assert!(e.contains("c.json (1.0 GB) needs about 850 MB"), "{e}");
    assert!(
        e.contains("open already hold 0 kB and the files still loading 1.7 GB of the 2.5 GB"),
        "{e}"
    );
    // A small file still fits where a large one did not.
    let mut ledger = Ledger::default();
    let out = ledger.admit(2 * GB, &[("big.json", GB), ("small.json", 10 * MB)]);
    assert!(out[0].is_err() && out[1].is_ok());
    let e = out[0].clone().unwrap_err();
    assert!(e.contains("open already hold 2.0 GB of the 2.5 GB"), "{e}");
    assert!(!e.contains("still loading"), "nothing was in flight: {e}");
}

#[test]
fn a_load_in_flight_holds_its_share_until_it_is_released() {
    let mut ledger = Ledger::new(3 * GB / 2);
    // Two separate drops: the first is still loading when the second comes.
    let first = ledger.admit(0, &[("one.json", GB)]);
    let first = first[0].clone().expect("the first fits");
    assert_eq!(ledger.in_flight(), 1);
    assert_eq!(ledger.in_flight_bytes(), model_bytes_for(GB));
    let second = ledger.admit(0, &[("two.json", GB)]);
    let e = second[0].clone().unwrap_err();
    assert!(e.contains("two.json"), "{e}");
    assert!(e.contains("files still loading 850 MB"), "{e}");
    // Refused files hold nothing.
    assert_eq!(ledger.in_flight(), 1);
    // Once the first has ended (its model now counted as open), the second
    // is measured against what it really holds.
    ledger.release(first);
    ledger.release(first);
    assert_eq!(ledger.in_flight(), 0);
    assert_eq!(ledger.in_flight_bytes(), 0);
    let held_by_first = 600 * MB;
    let again = ledger.admit(held_by_first, &[("two.json", GB)]);
    assert!(again[0].is_ok(), "{again:?}");
}

#[test]
fn a_download_grows_its_share_while_it_runs_and_is_stopped_at_the_budget() {
    let mut ledger = Ledger::new(GB);
    // Content-Length said 100 MB.
    let t = ledger.admit(0, &[("link.json", 100 * MB)])[0]
        .clone()
        .unwrap();
    assert!(ledger.grow(t, "link.json", 0, 500 * MB).is_ok());
    assert_eq!(ledger.in_flight_bytes(), model_bytes_for(500 * MB));
    // Less than it holds: no change.
    assert!(ledger.grow(t, "link.json", 0, 10 * MB).is_ok());
    assert_eq!(ledger.in_flight_bytes(), model_bytes_for(500 * MB));
    let e = ledger.grow(t, "link.json", 300 * MB, 900 * MB).unwrap_err();
    assert!(e.contains("link.json (900 MB) needs about 765 MB"), "{e}");
    assert_eq!(
        ledger.in_flight_bytes(),
        model_bytes_for(500 * MB),
        "a refused growth leaves the share as it was"
    );
}

#[test]
fn a_compressed_file_may_decompress_only_into_what_is_left() {
    let mut ledger = Ledger::new(100 * MB);
    let other = ledger.admit(0, &[("other.json", 20 * MB)])[0]
        .clone()
        .unwrap();
    let gz = ledger.admit(0, &[("small.json.gz", MB)])[0]
        .clone()
        .unwrap();
    // 100 MB budget − 30 MB open − 17 MB for other.json = 53 MB of model,
    // that is 62 MB of decompressed file.
    let limit = ledger.inflate_limit_bytes(gz, 30 * MB);
    assert_eq!(limit, (53.0 * MB as f64 / 0.85) as u64);
    ledger.release(other);
    assert!(ledger.inflate_limit_bytes(gz, 30 * MB) > limit);
    // Nothing left: nothing may come out.
    assert_eq!(ledger.inflate_limit_bytes(gz, 200 * MB), 0);
    let e = inflated_past("small.json.gz", "gzip", limit);
    assert!(e.contains("small.json.gz is gzip-compressed"), "{e}");
    assert!(
        e.contains("decompresses past what this tab can hold"),
        "{e}"
    );
    assert!(e.contains("stopped after 62 MB"), "{e}");
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/fixtures/{name}")).unwrap()
}

#[test]
fn log_files_count_beside_the_traces() {
    let traces: Vec<Arc<Trace>> = load(&fixture("jaeger-checkout.json"))
        .unwrap()
        .traces
        .into_iter()
        .map(Arc::new)
        .collect();
    let logs = load(&fixture("otlp-logs-checkout.json"))
        .unwrap()
        .logs
        .expect("a log file");
    let file = LogFile::new("logs.json", logs);
    let traces_only = open_bytes(traces.iter().map(Arc::as_ref), []);
    let with_logs = open_bytes(traces.iter().map(Arc::as_ref), [&file]);
    assert!(traces_only > 0);
    assert!(
        with_logs >= traces_only + file.logs.records.len() as u64 * 8,
        "{with_logs} vs {traces_only}"
    );
    // The log file's bytes are what tips a file over a budget that the
    // traces alone would leave room for.
    let budget = with_logs + model_bytes_for(1000) - 1;
    let mut ledger = Ledger::new(budget);
    assert!(ledger.admit(traces_only, &[("next.json", 1000)])[0].is_ok());
    let mut ledger = Ledger::new(budget);
    let refused = ledger.admit(with_logs, &[("next.json", 1000)]);
    assert!(refused[0].is_err(), "{refused:?}");
    assert_eq!(Ledger::default().budget_bytes(), BUDGET_BYTES);
}
