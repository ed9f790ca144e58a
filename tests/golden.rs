//! Golden files: for every file in `tests/fixtures/` and in the shared
//! corpus (`../shared/corpus/public/`), a readable dump of what the model
//! built, kept in `tests/golden/`. A change to any reader or to the tree
//! building shows up here as a failure naming the file and the first span
//! that differs.
//!
//! When a change is intended, rewrite them and review the diff in the commit:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --test golden
//! ```

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use trace_viewer::model::logs::Logs;
use trace_viewer::model::{load, Loaded, Trace};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` (recursively), sorted, as paths relative to `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "ORIGINS.md") {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn hex_or_dash(id: Option<String>) -> String {
    id.unwrap_or_else(|| String::from("-"))
}

/// One line per log record: time, severity, ids, service, body, attributes.
fn dump_logs(out: &mut String, logs: &Logs) {
    let _ = writeln!(out, "logs {}", logs.records.len());
    let p = &logs.pools;
    for r in &logs.records {
        let service = p
            .resources
            .get(r.resource as usize)
            .map_or("", |res| p.strings.get(res.service));
        let attrs: Vec<String> = p
            .attrs(r.attrs)
            .iter()
            .map(|a| format!("{}={}", p.strings.get(a.key), p.value_text(&a.value)))
            .collect();
        let _ = writeln!(
            out,
            "  log {} severity {} {:?} trace {} span {} service {service:?} body {:?} attrs {attrs:?}",
            r.time_unix_nanos,
            r.severity.0,
            r.severity_text.map_or("", |t| p.text.get(t)),
            hex_or_dash(r.trace_id.map(|t| t.to_hex())),
            hex_or_dash(r.span_id.map(|s| s.to_hex())),
            p.value_text(&r.body),
        );
    }
}

fn dump_trace(out: &mut String, t: &Trace) {
    let _ = writeln!(
        out,
        "trace {} name {:?} spans {} services {} depth {} roots {} errors {} start {} duration {}",
        t.id.to_hex(),
        t.name(),
        t.spans.len(),
        t.services.len(),
        t.depth,
        t.root_count,
        t.error_count,
        t.start_unix_nanos,
        t.duration_nanos()
    );
    for s in &t.spans {
        let raw = &s.raw;
        let parent = s
            .parent
            .and_then(|p| t.span(p))
            .map(|p| p.raw.span_id.to_hex());
        // The parent id the file named, when it is not in the trace.
        let named = match (s.parent, raw.parent_id) {
            (None, Some(pid)) => format!(" names {}", pid.to_hex()),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  span {} parent {}{named} depth {} start +{} duration {} kind {} status {} attrs {} events {} links {} {:?}: {:?}",
            raw.span_id.to_hex(),
            hex_or_dash(parent),
            s.depth,
            raw.start_unix_nanos.wrapping_sub(t.start_unix_nanos),
            raw.duration_nanos,
            if raw.kind.as_str().is_empty() { "-" } else { raw.kind.as_str() },
            raw.status.as_str(),
            raw.attrs.len(),
            raw.events.len(),
            raw.links.len(),
            t.str(raw.service),
            t.str(raw.name),
        );
    }
}

/// What the model built from `bytes`, as text.
fn dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    match load(bytes) {
        Err(e) => {
            let _ = writeln!(out, "refused: {e}");
        }
        Ok(Loaded {
            format,
            traces,
            warnings,
            logs,
        }) => {
            let _ = writeln!(out, "format {format:?} traces {}", traces.len());
            for w in warnings.list() {
                let _ = writeln!(out, "warning {:?} x{}: {}", w.kind, w.count, w.example);
            }
            for t in &traces {
                dump_trace(&mut out, t);
            }
            if let Some(logs) = &logs {
                dump_logs(&mut out, logs);
            }
        }
    }
    out
}

/// The first line that differs, with the trace or span it belongs to.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let at = w
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(g.len()));
    let what = |lines: &[&str]| {
        lines
            .get(at)
            .map_or(String::from("(nothing)"), |l| l.trim().to_string())
    };
    let span = |l: &str| {
        l.split_whitespace()
            .nth(1)
            .filter(|_| l.trim_start().starts_with("span") || l.starts_with("trace"))
            .map(|id| format!(" ({} {id})", l.split_whitespace().next().unwrap_or("")))
            .unwrap_or_default()
    };
    format!(
        "line {}{}:\n  golden: {}\n  now:    {}",
        at + 1,
        span(w.get(at).or(g.get(at)).copied().unwrap_or("")),
        what(&w),
        what(&g)
    )
}

/// Compares (or, with UPDATE_GOLDEN set, writes) one golden file per source.
fn check_all(source_dir: &Path, golden_dir: &Path) -> Vec<String> {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let sources = files_under(source_dir);
    assert!(!sources.is_empty(), "no files in {}", source_dir.display());
    let mut failures = Vec::new();
    let mut expected_goldens = Vec::new();
    for rel in &sources {
        let name = format!("{}.txt", rel.to_string_lossy().replace(['/', '\\'], "__"));
        expected_goldens.push(PathBuf::from(&name));
        let golden = golden_dir.join(&name);
        let got = dump(&std::fs::read(source_dir.join(rel)).unwrap());
        if update {
            std::fs::create_dir_all(golden_dir).unwrap();
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Err(_) => failures.push(format!(
                "{}: no golden file {} (UPDATE_GOLDEN=1 cargo test --test golden writes it)",
                rel.display(),
                golden.display()
            )),
            Ok(want) if want != got => failures.push(format!(
                "{}: the model differs from {}, first at {}",
                rel.display(),
                golden.display(),
                first_difference(&want, &got)
            )),
            Ok(_) => {}
        }
    }
    // A golden file whose source is gone is stale.
    if golden_dir.is_dir() {
        for g in files_under(golden_dir) {
            if !expected_goldens.contains(&g) {
                if update {
                    std::fs::remove_file(golden_dir.join(&g)).unwrap();
                } else {
                    failures.push(format!(
                        "{}: no source file for it",
                        golden_dir.join(&g).display()
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn every_fixture_builds_what_its_golden_file_says() {
    let failures = check_all(
        &root().join("tests/fixtures"),
        &root().join("tests/golden/fixtures"),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_corpus_file_builds_what_its_golden_file_says() {
    let corpus = root().join("../shared/corpus/public");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("TRACE_VIEWER_REQUIRE_CORPUS").is_none(),
            "no corpus at {}: with TRACE_VIEWER_REQUIRE_CORPUS set the corpus tests must run",
            corpus.display()
        );
        eprintln!("skipping: no corpus at {}", corpus.display());
        return;
    }
    let failures = check_all(&corpus, &root().join("tests/golden/corpus"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_difference_names_the_span() {
    let want = "format Jaeger traces 1\ntrace 01 name \"a: b\"\n  span 00000000000000aa parent - depth 1\n";
    let got = "format Jaeger traces 1\ntrace 01 name \"a: b\"\n  span 00000000000000aa parent - depth 2\n";
    let d = first_difference(want, got);
    assert!(d.starts_with("line 3 (span 00000000000000aa)"), "{d}");
    assert!(d.contains("depth 1") && d.contains("depth 2"), "{d}");
}
