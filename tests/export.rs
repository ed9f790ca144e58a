//! Export round trips over every fixture and every corpus file: what the
//! viewer writes, read back, is the model it was written from.
//!
//! The comparison is a full description of each trace written here, apart
//! from the exporters: every span's ids, parent, names, kind, status, times
//! to the nanosecond, typed attributes, events, links with their kinds,
//! trace state, flags, scope and resource, and the trace's own figures.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use trace_viewer::model::export::{export, span_json, Target};
use trace_viewer::model::span::Range32;
use trace_viewer::model::{load, Format, Pools, SpanIx, Trace};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping the corpus: none at {} (it lives beside the project on CI)",
            dir.display()
        );
        None
    }
}

/// Every trace file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e != "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn attrs(out: &mut String, pools: &Pools, r: Range32, skip_key: Option<(&str, &str)>) {
    for a in pools.attrs(r) {
        let key = pools.strings.get(a.key);
        let value = pools.value_text(&a.value);
        if skip_key.is_some_and(|(k, v)| k == key && v == value) {
            continue;
        }
        let _ = write!(out, " {key}={}:{value:?}", a.value.type_name());
    }
}

/// Everything the model knows about a trace, spans in id order.
fn describe(t: &Trace) -> String {
    let pools = &*t.pools;
    let mut out = String::new();
    let services: Vec<String> = t
        .services
        .iter()
        .map(|(s, n)| format!("{}x{n}", t.str(*s)))
        .collect();
    let _ = writeln!(
        out,
        "trace {} spans {} depth {} roots {} errors {} {}..{} services {services:?}",
        t.id.to_hex(),
        t.spans.len(),
        t.depth,
        t.root_count,
        t.error_count,
        t.start_unix_nanos,
        t.end_unix_nanos,
    );
    let mut lines: Vec<String> = Vec::new();
    for s in &t.spans {
        let raw = &s.raw;
        let mut l = String::new();
        let _ = write!(
            l,
            "span {} trace {} parent {:?} placed-under {:?} depth {} {:?} kind {:?} status {:?} {:?} start {} dur {} flags {:?} state {:?} follows {}",
            raw.span_id.to_hex(),
            raw.trace_id.to_hex(),
            raw.parent_id.map(|p| p.to_hex()),
            s.parent.and_then(|p| t.span(p)).map(|p| p.raw.span_id.to_hex()),
            s.depth,
            t.str(raw.name),
            raw.kind,
            raw.status,
            raw.status_message.map(|m| pools.text.get(m)),
            raw.start_unix_nanos,
            raw.duration_nanos,
            raw.flags,
            raw.trace_state.map(|m| pools.text.get(m)),
            raw.follows_from,
        );
        let scope = pools.scopes.get(raw.scope as usize);
        let _ = write!(
            l,
            "\n  scope {:?} {:?}",
            scope.map(|s| pools.strings.get(s.name)),
            scope.map(|s| pools.strings.get(s.version))
        );
        let service = t.str(raw.service);
        let _ = write!(l, "\n  service {service:?} resource");
        if let Some(r) = pools.resources.get(raw.resource as usize) {
            // `service.name` is the service itself, however a dialect says it.
            attrs(&mut l, pools, r.attrs, Some(("service.name", service)));
        }
        l.push_str("\n  attrs");
        attrs(&mut l, pools, raw.attrs, None);
        for e in pools.events(raw.events) {
            let _ = write!(
                l,
                "\n  event {} {:?}",
                e.time_unix_nanos,
                pools.strings.get(e.name)
            );
            attrs(&mut l, pools, e.attrs, None);
        }
        for k in pools.links(raw.links) {
            let _ = write!(
                l,
                "\n  link {:?} {} {} {:?}",
                k.kind,
                k.trace_id.to_hex(),
                k.span_id.to_hex(),
                k.trace_state.map(|m| pools.text.get(m))
            );
            attrs(&mut l, pools, k.attrs, None);
        }
        lines.push(l);
    }
    lines.sort();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn describe_all(traces: &[Trace]) -> String {
    let mut all: Vec<String> = traces.iter().map(describe).collect();
    all.sort();
    all.concat()
}

/// The first differing line of two descriptions, with its neighbours.
fn difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        if w.get(i) != g.get(i) {
            return format!(
                "line {i}:\n  want {:?}\n  got  {:?}",
                w.get(i).unwrap_or(&"<end>"),
                g.get(i).unwrap_or(&"<end>")
            );
        }
    }
    String::from("(no line differs)")
}

/// Writes `traces` in `target`'s format and reads the text back.
fn round_trip(target: Target, traces: &[Trace]) -> (Vec<Trace>, Format, String) {
    let refs: Vec<&Trace> = traces.iter().collect();
    let out = export(target, &refs);
    let back = load(out.text.as_bytes())
        .unwrap_or_else(|e| panic!("{target:?} export does not load: {e}\n{}", out.text));
    (back.traces, back.format, out.text)
}

/// Every readable file under the fixtures and the corpus, with its model.
fn models() -> Vec<(PathBuf, Format, Vec<Trace>)> {
    let mut paths = files(&fixtures());
    if let Some(c) = corpus() {
        paths.extend(files(&c));
    }
    paths
        .into_iter()
        .filter_map(|p| {
            // Log files (no traces) have nothing to export.
            let loaded = load(&std::fs::read(&p).unwrap())
                .ok()
                .filter(|l| !l.traces.is_empty())?;
            Some((p, loaded.format, loaded.traces))
        })
        .collect()
}

#[test]
fn every_file_written_as_otlp_reads_back_as_the_same_model() {
    let mut failures = Vec::new();
    let all = models();
    assert!(all.len() >= 8, "only {} files read", all.len());
    for (path, _, traces) in &all {
        let (back, format, _) = round_trip(Target::Otlp, traces);
        assert_eq!(format, Format::Otlp, "{}", path.display());
        let (want, got) = (describe_all(traces), describe_all(&back));
        if want != got {
            failures.push(format!("{}: {}", path.display(), difference(&want, &got)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn jaeger_and_zipkin_files_written_in_their_own_dialect_read_back_the_same() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (path, format, traces) in models() {
        let target = match format {
            Format::Jaeger => Target::Jaeger,
            Format::Zipkin => Target::Zipkin,
            _ => continue,
        };
        checked += 1;
        let (back, _, _) = round_trip(target, &traces);
        let (want, got) = (describe_all(&traces), describe_all(&back));
        if want != got {
            failures.push(format!("{}: {}", path.display(), difference(&want, &got)));
        }
    }
    assert!(checked >= 2, "only {checked} Jaeger or Zipkin files");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_second_export_of_any_dialect_writes_the_same_text() {
    // What one round trip could not keep is gone after it; from then on
    // every dialect is a fixed point.
    for (path, _, traces) in models() {
        for target in Target::ALL {
            let refs: Vec<&Trace> = traces.iter().collect();
            if export(target, &refs).losses.zero_starts > 0 {
                // Zipkin reads a timestamp of 0 as none, and the reader
                // places such spans anew (Chrome profiles start at 0).
                continue;
            }
            let (once, _, text1) = round_trip(target, &traces);
            let (_, _, text2) = round_trip(target, &once);
            if text1 != text2 {
                let at = text1
                    .bytes()
                    .zip(text2.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let near = |t: &str| {
                    t.get(at.saturating_sub(80)..(at + 80).min(t.len()))
                        .unwrap_or("")
                        .to_string()
                };
                panic!(
                    "{target:?} {}: a second export differs at byte {at}:\n{}\n{}",
                    path.display(),
                    near(&text1),
                    near(&text2)
                );
            }
        }
    }
}

fn every_field() -> Vec<Trace> {
    let bytes = std::fs::read(fixtures().join("otlp-every-field.json")).unwrap();
    load(&bytes).unwrap().traces
}

#[test]
fn zipkin_and_jaeger_say_what_they_could_not_hold() {
    let traces = every_field();
    let refs: Vec<&Trace> = traces.iter().collect();
    let zipkin = export(Target::Zipkin, &refs).losses;
    // Two links, two sub-microsecond times, one event with attributes, one
    // internal kind, one OK status, three scoped spans.
    assert_eq!(zipkin.links, 2);
    assert_eq!(zipkin.sub_micro_times, 2, "{zipkin:?}");
    assert_eq!(zipkin.event_attributes, 1);
    assert_eq!(zipkin.internal_kinds, 1);
    assert_eq!(zipkin.statuses, 1);
    assert_eq!(zipkin.scopes, 2);
    assert_eq!(zipkin.resource_attributes, 2);
    assert_eq!(zipkin.trace_context, 1);
    // Eight typed values: int, bool, three doubles, bytes, empty, map.
    assert_eq!(zipkin.typed_values, 8, "{zipkin:?}");
    let lines = zipkin.lines();
    assert!(
        lines.contains(&"Span links left out: 2".to_string()),
        "{lines:?}"
    );

    let jaeger = export(Target::Jaeger, &refs).losses;
    assert_eq!(jaeger.links, 0);
    assert_eq!(jaeger.links_as_references, 1);
    assert_eq!(jaeger.link_details, 1);
    // A map and an empty value have no Jaeger tag type.
    assert_eq!(jaeger.typed_values, 2 + 1, "{jaeger:?}");
    assert!(export(Target::Otlp, &refs).losses.is_empty());
}

#[test]
fn copy_as_json_opens_again_as_that_one_span() {
    let traces = every_field();
    let t = &traces[0];
    let ix = SpanIx(0);
    let text = span_json(t, ix);
    assert!(
        text.contains("\n  \"resourceSpans\": ["),
        "indented: {text}"
    );
    let back = load(text.as_bytes()).unwrap().traces;
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].spans.len(), 1);
    let one = describe(&back[0]);
    let span = &t.spans[0].raw;
    assert!(
        one.contains(&format!("span {}", span.span_id.to_hex())),
        "{one}"
    );
    assert!(one.contains("\"POST /checkout\""), "{one}");
    assert!(
        one.contains("exception.message=string:\"inventory took too long\""),
        "{one}"
    );
    assert!(
        one.contains("scope Some(\"io.opentelemetry.http\") Some(\"1.32.0\")"),
        "{one}"
    );
    assert_eq!(span_json(t, SpanIx(99)), "");
}
