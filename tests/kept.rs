//! After a crash, or a tab that ended mid-load, the kept files are not
//! reopened on their own; stored files nothing refers to are found.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::view_model::kept::{ask_first, listed, orphans, LastVisit, FRESH_MS};

#[test]
fn after_a_crash_or_a_load_that_never_ended_the_page_asks_first() {
    let normal = LastVisit::default();
    assert!(!ask_first(normal, 3), "a normal visit reopens at once");
    let crashed = LastVisit {
        asked_to_ask: true,
        load_running: false,
    };
    let died_loading = LastVisit {
        asked_to_ask: false,
        load_running: true,
    };
    assert!(ask_first(crashed, 1));
    assert!(ask_first(died_loading, 2));
    assert!(!ask_first(crashed, 0), "nothing kept: nothing to ask");
}

#[test]
fn stored_files_nothing_lists_are_orphans_unless_just_written() {
    let now = 1_700_000_000_000u64;
    let old = format!("{:x}-3", now - FRESH_MS - 1);
    let fresh = format!("{:x}-4", now - 1000);
    let listed_one = format!("{:x}-1", now - 10 * FRESH_MS);
    let folder = vec![
        listed_one.clone(),
        "orphan.json".to_string(),
        fresh.clone(),
        old.clone(),
    ];
    let out = orphans(&[listed_one.as_str()], &folder, now);
    let mut want = vec![old, "orphan.json".to_string()];
    want.sort();
    assert_eq!(out, want);
    assert!(
        !out.contains(&fresh),
        "a file still being copied by another tab stays"
    );
    assert!(orphans(&[], &[], now).is_empty());
}

#[test]
fn the_prompt_lists_names_and_sizes() {
    let lines = listed(&[
        ("checkout.json".into(), 2_400),
        ("day.json.gz".into(), 12_000_000),
    ]);
    assert_eq!(lines, vec!["checkout.json (2 kB)", "day.json.gz (12 MB)"]);
}
