//! Critical path and statistics on hand-drawn traces (times in µs).
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::analysis::{critical_path, stats};
use trace_viewer::model::{load, Trace};

/// (id, parent, reference type, service, start µs, duration µs)
type Row<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, u64, u64);

fn trace(rows: &[Row]) -> Trace {
    let spans: Vec<String> = rows
        .iter()
        .map(|(id, parent, rt, svc, start, dur)| {
            let refs = parent.map_or(String::new(), |p| format!(r#"{{"refType":"{rt}","spanID":"{p}"}}"#));
            format!(r#"{{"traceID":"1","spanID":"{id}","operationName":"op-{id}","references":[{refs}],"startTime":{start},"duration":{dur},"processID":"{svc}"}}"#)
        })
        .collect();
    let json = format!(
        r#"{{"traceID":"1","processes":{{"a":{{"serviceName":"A"}},"b":{{"serviceName":"B"}}}},"spans":[{}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

/// The path as (operation, start µs, end µs), latest first.
fn path(t: &Trace) -> Vec<(String, u64, u64)> {
    critical_path(t)
        .iter()
        .map(|s| {
            let span = t.span(s.span).unwrap();
            (
                t.str(span.raw.name).to_string(),
                s.start_unix_nanos / 1000,
                s.end_unix_nanos / 1000,
            )
        })
        .collect()
}

fn p(op: &str, start: u64, end: u64) -> (String, u64, u64) {
    (op.to_string(), start, end)
}

/// Self time of the span named `op`, in µs.
fn self_us(t: &Trace, op: &str) -> u64 {
    let span = t.spans.iter().find(|s| t.str(s.raw.name) == op).unwrap();
    span.self_nanos / 1000
}

#[test]
fn a_single_span_is_its_own_critical_path() {
    let t = trace(&[("1", None, "", "a", 0, 100)]);
    assert_eq!(path(&t), [p("op-1", 0, 100)]);
    assert_eq!(self_us(&t, "op-1"), 100);
    let s = stats(&t);
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].count, s[0].self_total_nanos / 1000), (1, 100));
    assert_eq!(s[0].self_percent_of(t.duration_nanos()), 100.0);
}

#[test]
fn sequential_children_are_all_on_the_path() {
    // root |0 ........................ 100|
    // a       |10 .. 30|
    // b                   |40 ...... 90|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 10, 20),
        ("3", Some("1"), "CHILD_OF", "b", 40, 50),
    ]);
    assert_eq!(
        path(&t),
        [
            p("op-1", 90, 100),
            p("op-3", 40, 90),
            p("op-1", 30, 40),
            p("op-2", 10, 30),
            p("op-1", 0, 10)
        ]
    );
}

#[test]
fn overlapping_children_only_the_last_to_finish_counts() {
    // root |0 ........................ 100|
    // a       |10 ......... 60|                ends while b still runs: not on the path
    // b          |20 .............. 80|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 10, 50),
        ("3", Some("1"), "CHILD_OF", "b", 20, 60),
    ]);
    assert_eq!(
        path(&t),
        [p("op-1", 80, 100), p("op-3", 20, 80), p("op-1", 0, 20)]
    );
    // Self time counts the overlap once: 100 - (10..80) = 30.
    assert_eq!(self_us(&t, "op-1"), 30);
    assert_eq!((self_us(&t, "op-2"), self_us(&t, "op-3")), (50, 60));
    let s = stats(&t);
    let a = s
        .iter()
        .find(|o| t.str(o.service) == "A" && t.str(o.operation) == "op-1")
        .unwrap();
    assert_eq!(a.self_total_nanos / 1000, 30);
    assert_eq!(a.self_percent_of(t.duration_nanos()), 30.0);
}

#[test]
fn a_child_outliving_its_parent_is_clipped() {
    // root |0 .......... 100|
    // a             |50 .......... 150|      counts only up to 100
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "b", 50, 100),
    ]);
    assert_eq!(path(&t), [p("op-2", 50, 100), p("op-1", 0, 50)]);
    // The parent's self time is what the clipped child leaves: 0..50.
    assert_eq!(self_us(&t, "op-1"), 50);
    assert_eq!(self_us(&t, "op-2"), 100);
    // The trace lasts until the child ends; B's self time is 2/3 of it.
    assert_eq!(t.duration_nanos() / 1000, 150);
    let s = stats(&t);
    let b = s.iter().find(|o| t.str(o.service) == "B").unwrap();
    assert!((b.self_percent_of(t.duration_nanos()) - 100.0 * 100.0 / 150.0).abs() < 1e-9);
}

#[test]
fn follows_from_children_are_not_waited_for() {
    // root |0 .......... 100|
    // a (FOLLOWS_FROM)   |20 ................ 200|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "FOLLOWS_FROM", "b", 20, 180),
    ]);
    assert_eq!(path(&t), [p("op-1", 0, 100)]);
    // Self time is not about waiting: the follower still covers 20..100.
    assert_eq!(self_us(&t, "op-1"), 20);
    assert_eq!(self_us(&t, "op-2"), 180);
}

#[test]
fn nested_children_descend_and_return() {
    // root |0 ........................ 100|
    // b      |10 ................. 90|
    // c          |20 ..... 50|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "b", 10, 80),
        ("3", Some("2"), "CHILD_OF", "b", 20, 30),
    ]);
    assert_eq!(
        path(&t),
        [
            p("op-1", 90, 100),
            p("op-2", 50, 90),
            p("op-3", 20, 50),
            p("op-2", 10, 20),
            p("op-1", 0, 10)
        ]
    );
}

#[test]
fn statistics_per_operation() {
    // root A |0 ............................ 100|
    // x  B      |10 .. 30|    |40 ..... 70|          two calls of one operation
    // y  B                                 |80 90|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "b", 10, 20),
        ("3", Some("1"), "CHILD_OF", "b", 40, 30),
        ("4", Some("1"), "CHILD_OF", "b", 80, 10),
    ]);
    let s = stats(&t);
    let rows: Vec<(String, u32, u64, u64, u64, u64)> = s
        .iter()
        .map(|o| {
            (
                format!("{}:{}", t.str(o.service), t.str(o.operation)),
                o.count,
                o.total_nanos / 1000,
                o.self_total_nanos / 1000,
                o.min_nanos / 1000,
                o.max_nanos / 1000,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("A:op-1".to_string(), 1, 100, 40, 100, 100), // 100 - 20 - 30 - 10
            ("B:op-3".to_string(), 1, 30, 30, 30, 30),
            ("B:op-2".to_string(), 1, 20, 20, 20, 20),
            ("B:op-4".to_string(), 1, 10, 10, 10, 10),
        ]
    );
    assert_eq!(s[0].self_percent_of(t.duration_nanos()), 40.0);
    assert_eq!(s[0].avg_nanos(), 100_000);
}

#[test]
fn a_deep_chain_needs_no_recursion() {
    let n = 50_000;
    let rows: Vec<(String, Option<String>, u64, u64)> = (1..=n)
        .map(|i| {
            (
                format!("{i:x}"),
                (i > 1).then(|| format!("{:x}", i - 1)),
                i as u64,
                (2 * n - 2 * i + 1) as u64,
            )
        })
        .collect();
    let borrowed: Vec<Row> = rows
        .iter()
        .map(|(id, p, s, d)| (id.as_str(), p.as_deref(), "CHILD_OF", "a", *s, *d))
        .collect();
    let t = trace(&borrowed);
    let path = critical_path(&t);
    // Down the chain to the leaf, then each parent's tail back up: 2n - 1 sections.
    assert_eq!(path.len(), 2 * n - 1);
}
