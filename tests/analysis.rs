//! Critical path and statistics on hand-drawn traces (times in µs).

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
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
fn follows_from_children_are_waited_for_like_any_child() {
    // The definition names one kind of work not waited for (a consumer under
    // a producer); a FOLLOWS_FROM child is clipped and followed like others.
    // root |0 .......... 100|
    // a (FOLLOWS_FROM)   |20 ................ 200|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "FOLLOWS_FROM", "b", 20, 180),
    ]);
    assert_eq!(path(&t), [p("op-2", 20, 100), p("op-1", 0, 20)]);
    // Self time is not about waiting: the follower still covers 20..100.
    assert_eq!(self_us(&t, "op-1"), 20);
    assert_eq!(self_us(&t, "op-2"), 180);
}

/// Like [`trace`], with a `span.kind` tag per row ("" for none).
fn trace_with_kinds(rows: &[(Row, &str)]) -> Trace {
    let spans: Vec<String> = rows
        .iter()
        .map(|((id, parent, rt, svc, start, dur), kind)| {
            let refs = parent.map_or(String::new(), |p| format!(r#"{{"refType":"{rt}","spanID":"{p}"}}"#));
            let tags = if kind.is_empty() {
                String::new()
            } else {
                format!(r#"{{"key":"span.kind","type":"string","value":"{kind}"}}"#)
            };
            format!(r#"{{"traceID":"1","spanID":"{id}","operationName":"op-{id}","references":[{refs}],"startTime":{start},"duration":{dur},"processID":"{svc}","tags":[{tags}]}}"#)
        })
        .collect();
    let json = format!(
        r#"{{"traceID":"1","processes":{{"a":{{"serviceName":"A"}},"b":{{"serviceName":"B"}}}},"spans":[{}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

#[test]
fn a_consumer_under_a_producer_is_not_waited_for() {
    // send (producer) |0 .. 10|                       the producer's work ends at 10
    // receive (consumer)  |5 ...................... 200|
    // handle                  |20 .. 50|              under the consumer: left out too
    let t = trace_with_kinds(&[
        (("1", None, "", "a", 0, 10), "producer"),
        (("2", Some("1"), "CHILD_OF", "b", 5, 195), "consumer"),
        (("3", Some("2"), "CHILD_OF", "b", 20, 30), ""),
    ]);
    assert_eq!(path(&t), [p("op-1", 0, 10)]);
    // A consumer under a server, or a client under a producer, is waited for.
    let t = trace_with_kinds(&[
        (("1", None, "", "a", 0, 100), "server"),
        (("2", Some("1"), "CHILD_OF", "b", 10, 35), "consumer"),
        (("3", Some("1"), "CHILD_OF", "b", 50, 30), "producer"),
        (("4", Some("3"), "CHILD_OF", "b", 55, 20), "client"),
    ]);
    assert_eq!(
        path(&t),
        [
            p("op-1", 80, 100),
            p("op-3", 75, 80),
            p("op-4", 55, 75),
            p("op-3", 50, 55),
            p("op-1", 45, 50),
            p("op-2", 10, 45),
            p("op-1", 0, 10)
        ]
    );
}

#[test]
fn every_root_gets_its_own_path() {
    // root 1 |0 ....... 100|
    // a         |10 .. 60|
    // root 2                  |200 ....... 300|    a second root (an orphan)
    // b                          |220 .. 250|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 10, 50),
        ("3", Some("gone"), "CHILD_OF", "b", 200, 100),
        ("4", Some("3"), "CHILD_OF", "b", 220, 30),
    ]);
    let mut got = path(&t);
    got.sort_by_key(|s| s.1);
    assert_eq!(
        got,
        [
            p("op-1", 0, 10),
            p("op-2", 10, 60),
            p("op-1", 60, 100),
            p("op-3", 200, 220),
            p("op-4", 220, 250),
            p("op-3", 250, 300)
        ]
    );
}

#[test]
fn a_child_starting_before_its_parent_is_clipped_at_the_parent_start() {
    // root      |50 ......... 150|
    // a    |0 ........ 100|            counts from 50 only
    let t = trace(&[
        ("1", None, "", "a", 50, 100),
        ("2", Some("1"), "CHILD_OF", "a", 0, 100),
    ]);
    assert_eq!(path(&t), [p("op-1", 100, 150), p("op-2", 50, 100)]);
}

#[test]
fn children_outside_their_parent_or_of_zero_length_are_ignored() {
    // root |0 ................ 100|
    // late                           |120 .. 150|   outside: ignored
    // early  |                                       ends before root starts (see below)
    // zero              |60|                         zero length: ignored
    // a         |20 .. 40|                           still reached past the zero-length child
    let t = trace(&[
        ("1", None, "", "a", 10, 90),
        ("2", Some("1"), "CHILD_OF", "a", 120, 30),
        ("3", Some("1"), "CHILD_OF", "a", 2, 5),
        ("4", Some("1"), "CHILD_OF", "a", 60, 0),
        ("5", Some("1"), "CHILD_OF", "a", 20, 20),
    ]);
    assert_eq!(
        path(&t),
        [p("op-1", 40, 100), p("op-5", 20, 40), p("op-1", 10, 20)]
    );
    // A child that starts exactly when its parent ends is empty once clipped.
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 100, 50),
    ]);
    assert_eq!(path(&t), [p("op-1", 0, 100)]);
}

#[test]
fn walking_back_a_child_must_end_strictly_before_the_point() {
    // root |0 ........................ 100|
    // a      |10 ..... 50|                     ends exactly when b starts: not taken
    // b                  |50 ..... 90|
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 10, 40),
        ("3", Some("1"), "CHILD_OF", "a", 50, 40),
    ]);
    assert_eq!(
        path(&t),
        [p("op-1", 90, 100), p("op-3", 50, 90), p("op-1", 0, 50)]
    );
    // One microsecond earlier and it is.
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 10, 39),
        ("3", Some("1"), "CHILD_OF", "a", 50, 40),
    ]);
    assert_eq!(
        path(&t),
        [
            p("op-1", 90, 100),
            p("op-3", 50, 90),
            p("op-1", 49, 50),
            p("op-2", 10, 49),
            p("op-1", 0, 10)
        ]
    );
    // Entering a span, a child ending with it is taken.
    let t = trace(&[
        ("1", None, "", "a", 0, 100),
        ("2", Some("1"), "CHILD_OF", "a", 30, 70),
    ]);
    assert_eq!(path(&t), [p("op-2", 30, 100), p("op-1", 0, 30)]);
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
