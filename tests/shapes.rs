//! Every shape a real system produces loads, and everything the trace page
//! computes when it opens stays near-linear on it: a deep chain, a long
//! sequential fan-out, many services, operations, traces, JSON Lines, extreme
//! times, long strings and many links (files from `src/bin/support/shapes.rs`,
//! the generator behind `gen-trace --shape`).
//!
//! The time guards are generous hang detectors, not benchmarks: a quadratic
//! path on these sizes takes minutes, the linear one well under a second.
//! Speeds are measured by `scripts/bench.sh`.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use trace_viewer::model::analysis::{critical_path, stats};
use trace_viewer::model::graph::service_graph;
use trace_viewer::model::search::Query;
use trace_viewer::model::{load, Loaded, SpanIx, Trace, WarningKind};
use trace_viewer::view_model::critical::CriticalPath;
use trace_viewer::view_model::flame::layout;
use trace_viewer::view_model::rows::visible_rows;
use trace_viewer::view_model::scale::ticks_between;

#[path = "../src/bin/support/rng.rs"]
#[allow(dead_code)]
mod rng;
#[path = "../src/bin/support/shapes.rs"]
#[allow(dead_code)]
mod shapes;
#[path = "../src/bin/support/shapes_json.rs"]
mod shapes_json;

use shapes::{Format, Shape, Spec};

const SEED: u64 = 0x5EED_0000_1234;
/// Spans per shape here: enough for a quadratic path to take minutes.
const N: usize = 20_000;
const HANG: Duration = Duration::from_secs(20);

fn generate(spec: Spec) -> Vec<u8> {
    shapes_json::generate(&spec, SEED).0.into_bytes()
}

fn load_shape(shape: Shape, format: Format) -> Loaded {
    let bytes = generate(Spec::new(shape, N, format));
    let t0 = Instant::now();
    let loaded = load(&bytes).unwrap_or_else(|e| panic!("{}: {e}", shape.name()));
    assert!(t0.elapsed() < HANG, "{}: loading hung", shape.name());
    loaded
}

/// What the trace page computes on open and on the first interactions.
fn open_page(t: &Trace) -> CriticalPath {
    let t0 = Instant::now();
    let n = t.spans.len();
    let rows = visible_rows(t, &vec![false; n], None);
    assert_eq!(rows.len(), n, "every row shown");
    let path = CriticalPath::new(critical_path(t));
    let listed = path.spans_in_order();
    assert_eq!(listed.len(), path.span_count());
    let from = t.start_unix_nanos;
    let ticks = ticks_between(0, t.duration_nanos(), 8);
    assert!(
        !ticks.is_empty() && ticks.len() <= 9,
        "{} ticks",
        ticks.len()
    );
    assert!(from <= t.end_unix_nanos);
    let _ = stats(t);
    let _ = service_graph(t);
    let _ = layout(t, None, 1200.0, 1.0);
    for query in ["end-of-payload-7", "service=frontend", "duration>1ms"] {
        let q = Query::parse(query).expect("parses");
        assert!(q.matches(t).len() <= n);
    }
    assert!(t0.elapsed() < HANG, "opening the page hung");
    path
}

#[test]
fn a_deep_chain_is_as_deep_as_it_is_long() {
    for format in [Format::Jaeger, Format::Otlp] {
        let loaded = load_shape(Shape::Deep, format);
        let t = &loaded.traces[0];
        assert_eq!(t.spans.len(), N);
        assert_eq!(t.depth as usize, N);
        let path = open_page(t);
        // Each span waits for its only child: all of them are on the path.
        assert_eq!(path.span_count(), N);
        let order: Vec<u32> = path.spans_in_order().iter().map(|(ix, _)| ix.0).collect();
        assert_eq!(
            order[..3],
            [0, 1, 2],
            "earliest first: root, then down the chain"
        );
    }
}

#[test]
fn a_long_sequential_fan_out_puts_every_child_on_the_path() {
    let loaded = load_shape(Shape::Wide, Format::Jaeger);
    let t = &loaded.traces[0];
    assert_eq!((t.spans.len(), t.depth), (N, 2));
    assert_eq!(t.spans[0].child_count as usize, N - 1);
    let path = open_page(t);
    // The children run one after another, each waited for.
    assert_eq!(path.span_count(), N);
}

#[test]
fn a_million_span_fan_out_and_a_100k_chain_list_their_path_fast() {
    // The list of spans on the path compared every section with every other
    // (hours at this size); now a bitset. Release builds take ~0.1 s here.
    for (shape, n) in [(Shape::Wide, 1_000_000), (Shape::Deep, 100_000)] {
        let loaded = load(&generate(Spec::new(shape, n, Format::Otlp))).expect("loads");
        let t = &loaded.traces[0];
        let t0 = Instant::now();
        let path = CriticalPath::new(critical_path(t));
        let listed = path.spans_in_order();
        assert_eq!(listed.len(), n, "{}", shape.name());
        assert!(t0.elapsed() < HANG, "{}: the path list hung", shape.name());
    }
}

#[test]
fn many_services_and_operations_are_each_counted() {
    let loaded = load_shape(Shape::Services, Format::Jaeger);
    let t = &loaded.traces[0];
    assert_eq!(t.services.len(), N / 2);
    open_page(t);
    let otlp = load_shape(Shape::Services, Format::Otlp);
    assert_eq!(otlp.traces[0].services.len(), N / 2);

    // 50k services: the service graph's layout gathers callers and columns
    // once (it compared every service with every call before).
    let loaded = load(&generate(Spec::new(Shape::Services, 100_000, Format::Otlp))).expect("loads");
    let t = &loaded.traces[0];
    let t0 = Instant::now();
    let graph = service_graph(t);
    assert_eq!(graph.nodes.len(), 50_000);
    assert!(graph.edges.len() > 10_000, "{} calls", graph.edges.len());
    assert!(t0.elapsed() < HANG, "the service graph hung");

    let loaded = load_shape(Shape::Operations, Format::Otlp);
    let t = &loaded.traces[0];
    let mut names: Vec<_> = stats(t).iter().map(|o| o.operation).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), N / 2, "every operation in the statistics");
    open_page(t);
}

#[test]
fn many_traces_each_open() {
    let loaded = load_shape(Shape::Traces, Format::Otlp);
    assert_eq!(loaded.traces.len(), N / 20);
    assert!(loaded.traces.iter().all(|t| t.spans.len() == 20));
    for t in loaded.traces.iter().step_by(97) {
        open_page(t);
    }
    let jaeger = load_shape(Shape::Traces, Format::Jaeger);
    assert_eq!(jaeger.traces.len(), N / 20);
}

#[test]
fn json_lines_read_every_line_and_warnings_name_the_right_line() {
    let loaded = load_shape(Shape::Jsonl, Format::Otlp);
    assert_eq!(loaded.traces[0].spans.len(), N);
    open_page(&loaded.traces[0]);

    // Break lines 15_000 and 17_000 (1-based): the warning names the first
    // and counts both.
    let text = String::from_utf8(generate(Spec::new(Shape::Jsonl, N, Format::Otlp))).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[14_999] = "{\"resourceSpans\": [ broken";
    lines[16_999] = "not json at all";
    let t0 = Instant::now();
    let loaded = load(lines.join("\n").as_bytes()).expect("a stream with bad lines still loads");
    assert!(t0.elapsed() < HANG, "line counting hung");
    assert_eq!(loaded.traces[0].spans.len(), N - 2);
    let bad = skipped(&loaded, WarningKind::SkippedBadLine);
    assert_eq!(bad.0, 2);
    assert!(bad.1.starts_with("line 15000:"), "{}", bad.1);

    // After a skipped line the count goes on from there: a stream cut short
    // in line 19_000 says so.
    let cut: Vec<&str> = lines[..19_000].to_vec();
    let mut cut = cut.join("\n");
    cut.truncate(cut.len() - 20);
    let loaded = load(cut.as_bytes()).expect("a cut stream keeps what came before");
    let tail = skipped(&loaded, WarningKind::TruncatedTail);
    assert_eq!(tail, (1, String::from("line 19000")));
}

/// How many warnings of `kind`, and the first example.
fn skipped(loaded: &Loaded, kind: WarningKind) -> (u64, String) {
    loaded
        .warnings
        .list()
        .iter()
        .find(|w| w.kind == kind)
        .map(|w| (w.count, w.example.clone()))
        .unwrap_or_default()
}

#[test]
fn extreme_times_open_with_a_bounded_ruler() {
    for format in [Format::Otlp, Format::Jaeger] {
        let loaded = load_shape(Shape::Extreme, format);
        let t = &loaded.traces[0];
        assert_eq!(t.spans.len(), N);
        open_page(t);
        for (from, to) in [
            (0, t.duration_nanos()),
            (0, u64::MAX),
            (u64::MAX - 5, u64::MAX),
        ] {
            assert!(ticks_between(from, to, 8).len() <= 9);
        }
    }
}

#[test]
fn long_strings_are_kept_whole() {
    let mut spec = Spec::new(Shape::Long, 2_000, Format::Otlp);
    spec.long_bytes = 8 << 20;
    let loaded = load(&generate(spec)).expect("loads");
    let t = &loaded.traces[0];
    let root = t.root().expect("a root");
    let longest = t
        .pools
        .attrs(root.raw.attrs)
        .iter()
        .filter_map(|a| match a.value {
            trace_viewer::model::AttrValue::Str(r) => Some(r.len as usize),
            _ => None,
        })
        .max();
    assert_eq!(longest, Some(8 << 20));
    open_page(t);
    let q = Query::parse("end-of-payload-0").expect("parses");
    assert_eq!(
        q.matches(t),
        [SpanIx(0)],
        "find reaches the end of the long value"
    );
}

#[test]
fn many_links_resolve() {
    for format in [Format::Otlp, Format::Jaeger] {
        let loaded = load_shape(Shape::Links, format);
        let t = &loaded.traces[0];
        assert_eq!(t.spans.len(), N);
        let with_links = t
            .spans
            .iter()
            .filter(|s| t.links_beyond_parent(s).count() >= 2)
            .count();
        assert!(with_links > N * 9 / 10, "{with_links} spans with links");
        open_page(t);
    }
}

#[test]
fn the_default_shape_opens() {
    let loaded = load_shape(Shape::Default, Format::Otlp);
    let t = &loaded.traces[0];
    assert_eq!(t.spans.len(), N);
    assert!(t.depth >= 15 && t.depth <= 20);
    open_page(t);
}
