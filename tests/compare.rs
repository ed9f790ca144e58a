//! Comparing traces and the figures over many traces, on hand-built traces
//! (times in ms).

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use trace_viewer::model::compare::{baseline, Change, Comparison};
use trace_viewer::model::many::{filter_and_sort, red, SortBy, TraceFilter};
use trace_viewer::model::{load, Trace};

/// (id, parent, service, operation, start ms, duration ms, error)
type Row<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, u64, u64, bool);

fn trace(trace_id: &str, rows: &[Row]) -> Trace {
    let spans: Vec<String> = rows
        .iter()
        .map(|(id, parent, svc, op, start, dur, err)| {
            let refs = parent.map_or(String::new(), |p| format!(r#"{{"refType":"CHILD_OF","spanID":"{p}"}}"#));
            let tags = if *err { r#"{"key":"error","type":"bool","value":true}"# } else { "" };
            format!(
                r#"{{"traceID":"{trace_id}","spanID":"{id}","operationName":"{op}","references":[{refs}],"startTime":{},"duration":{},"processID":"{svc}","tags":[{tags}]}}"#,
                1_700_000_000_000_000 + start * 1000,
                dur * 1000
            )
        })
        .collect();
    let json = format!(
        r#"{{"traceID":"{trace_id}","processes":{{"api":{{"serviceName":"api"}},"db":{{"serviceName":"db"}},"cache":{{"serviceName":"cache"}}}},"spans":[{}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

/// (path, count A, count B, self delta ms, change) per node.
fn rows(c: &Comparison) -> Vec<(String, u32, u32, i64, Change)> {
    (0..c.nodes.len())
        .map(|i| {
            let n = &c.nodes[i];
            (
                c.path(i),
                n.count_a,
                n.count_b,
                n.self_delta() / 1_000_000,
                n.change(),
            )
        })
        .collect()
}

fn r(path: &str, a: u32, b: u32, delta: i64, change: Change) -> (String, u32, u32, i64, Change) {
    (path.to_string(), a, b, delta, change)
}

#[test]
fn repeated_siblings_are_counted_on_one_node() {
    // A: GET /cart ── SELECT ×2 (10ms each)
    // B: GET /cart ── SELECT ×3 (10, 10, 40ms) ── cache GET (1ms, new)
    let a = trace(
        "a",
        &[
            ("1", None, "api", "GET /cart", 0, 100, false),
            ("2", Some("1"), "db", "SELECT", 10, 10, false),
            ("3", Some("1"), "db", "SELECT", 30, 10, false),
        ],
    );
    let b = trace(
        "b",
        &[
            ("1", None, "api", "GET /cart", 0, 100, false),
            ("2", Some("1"), "db", "SELECT", 10, 10, false),
            ("3", Some("1"), "db", "SELECT", 30, 10, false),
            ("4", Some("1"), "db", "SELECT", 50, 40, false),
            ("5", Some("1"), "cache", "GET", 95, 1, false),
        ],
    );
    let c = Comparison::new(&a, &b);
    assert_eq!(
        rows(&c),
        [
            // root self: A 100-20 = 80, B 100-61 = 39
            r("api: GET /cart", 1, 1, -41, Change::Faster),
            r("api: GET /cart / db: SELECT", 2, 3, 40, Change::Slower),
            r("api: GET /cart / cache: GET", 0, 1, 1, Change::Added),
        ]
    );
    let ranked: Vec<String> = c.slower().into_iter().map(|i| c.path(i)).collect();
    assert_eq!(ranked[0], "api: GET /cart / db: SELECT");
    assert_eq!(ranked[2], "api: GET /cart");
}

#[test]
fn missing_subtrees_and_different_depths() {
    // A: api ─ db Q ─ cache GET          B: api ─ db Q
    //                                      └─ cache GET (directly under api)
    let a = trace(
        "a",
        &[
            ("1", None, "api", "op", 0, 100, false),
            ("2", Some("1"), "db", "Q", 10, 50, false),
            ("3", Some("2"), "cache", "GET", 20, 10, false),
        ],
    );
    let b = trace(
        "b",
        &[
            ("1", None, "api", "op", 0, 100, false),
            ("2", Some("1"), "db", "Q", 10, 50, false),
            ("3", Some("1"), "cache", "GET", 70, 10, false),
        ],
    );
    let c = Comparison::new(&a, &b);
    // The same operation at another depth is another path: removed there, added here.
    assert_eq!(
        rows(&c),
        [
            r("api: op", 1, 1, -10, Change::Faster),
            r("api: op / db: Q", 1, 1, 10, Change::Slower),
            r("api: op / db: Q / cache: GET", 1, 0, -10, Change::Removed),
            r("api: op / cache: GET", 0, 1, 10, Change::Added),
        ]
    );
    assert_eq!(
        c.nodes.iter().map(|n| n.depth).collect::<Vec<_>>(),
        [1, 2, 3, 2]
    );
}

#[test]
fn identical_traces_show_no_change() {
    let rows_a: Vec<Row> = vec![
        ("1", None, "api", "op", 0, 100, false),
        ("2", Some("1"), "db", "Q", 10, 50, false),
    ];
    let c = Comparison::new(&trace("a", &rows_a), &trace("b", &rows_a));
    assert!(c
        .nodes
        .iter()
        .all(|n| n.change() == Change::Same && n.self_delta() == 0));
    // Totals compare too.
    assert_eq!(c.nodes[0].total_a, 100_000_000);
    assert_eq!(c.nodes[0].total_delta(), 0);
}

fn shop(id: &str, db_ms: u64, error: bool) -> Arc<Trace> {
    Arc::new(trace(
        id,
        &[
            ("1", None, "api", "checkout", 0, db_ms + 20, error),
            ("2", Some("1"), "db", "INSERT", 10, db_ms, false),
        ],
    ))
}

#[test]
fn baseline_flags_the_path_above_the_groups_p90() {
    // Ten traces whose INSERT takes 10..=100 ms; the subject's takes 500 ms.
    let group: Vec<Arc<Trace>> = (1..=10)
        .map(|i| shop(&format!("{i:x}"), i * 10, false))
        .collect();
    let subject = shop("99", 500, false);
    let b = baseline(&subject, &group);
    assert_eq!(b.group_size, 10);
    let insert = b
        .rows
        .iter()
        .find(|r| b.index.path(r.node) == "api: checkout / db: INSERT")
        .unwrap();
    assert_eq!((insert.p50, insert.p90), (50_000_000, 90_000_000));
    assert_eq!(insert.value, 500_000_000);
    assert!(insert.outlier);
    // The root's self time (20 ms) is what every trace has: not an outlier.
    let root = &b.rows[0];
    assert_eq!(
        (root.value, root.p50, root.group_count),
        (20_000_000, 20_000_000, 10)
    );
    assert!(!root.outlier);
    // A member of the group is compared with the others only.
    assert_eq!(baseline(&group[0], &group).group_size, 9);
}

#[test]
fn filters_and_sorts_traces() {
    let traces: Vec<Arc<Trace>> = vec![
        shop("1", 10, false), // 30 ms
        shop("2", 200, true), // 220 ms, error
        shop("3", 50, false), // 70 ms
        Arc::new(trace("4", &[("1", None, "cache", "GET", 5, 2, false)])),
    ];
    let run = |f: TraceFilter, sort: SortBy| -> Vec<String> {
        filter_and_sort(&traces, &f.compile().unwrap(), sort)
            .into_iter()
            .map(|i| {
                traces[i.get()]
                    .id
                    .to_hex()
                    .trim_start_matches('0')
                    .to_string()
            })
            .collect()
    };
    let all = TraceFilter::default();
    assert_eq!(run(all.clone(), SortBy::Longest), ["2", "3", "1", "4"]);
    assert_eq!(run(all.clone(), SortBy::Shortest), ["4", "1", "3", "2"]);
    assert_eq!(run(all.clone(), SortBy::Recent), ["4", "1", "2", "3"]);
    assert_eq!(run(all.clone(), SortBy::MostErrors)[0], "2");
    let f = |g: fn(&mut TraceFilter)| {
        let mut f = TraceFilter::default();
        g(&mut f);
        f
    };
    assert_eq!(
        run(f(|f| f.service = "db".into()), SortBy::Longest),
        ["2", "3", "1"]
    );
    assert_eq!(
        run(f(|f| f.service = "cache".into()), SortBy::Longest),
        ["4"]
    );
    assert_eq!(
        run(f(|f| f.operation = "INSERT".into()), SortBy::Longest),
        ["2", "3", "1"]
    );
    // Service and operation on the same span.
    assert!(run(
        f(|f| {
            f.service = "api".into();
            f.operation = "INSERT".into()
        }),
        SortBy::Longest
    )
    .is_empty());
    assert_eq!(
        run(f(|f| f.min_duration = "50ms".into()), SortBy::Longest),
        ["2", "3"]
    );
    assert_eq!(
        run(f(|f| f.max_duration = "70ms".into()), SortBy::Longest),
        ["3", "1", "4"]
    );
    assert_eq!(run(f(|f| f.errors_only = true), SortBy::Longest), ["2"]);
    assert_eq!(
        run(f(|f| f.attribute = "error=true".into()), SortBy::Longest),
        ["2"]
    );
    assert_eq!(
        run(f(|f| f.text = "insert".into()), SortBy::Longest),
        ["2", "3", "1"]
    );
    assert!(f(|f| f.min_duration = "soon".into())
        .compile()
        .unwrap_err()
        .contains("soon"));
}

#[test]
fn red_per_service_and_operation() {
    let traces: Vec<Arc<Trace>> = (1..=10)
        .map(|i| shop(&format!("{i:x}"), i * 10, i == 10))
        .collect();
    let (services, operations) = red(&traces);
    let api = services.iter().find(|r| r.service == "api").unwrap();
    assert_eq!((api.requests, api.errors), (10, 1));
    assert_eq!(
        (api.p50, api.p90, api.p99),
        (70_000_000, 110_000_000, 120_000_000)
    );
    assert!((api.error_rate() - 0.1).abs() < 1e-12);
    let insert = operations.iter().find(|r| r.operation == "INSERT").unwrap();
    assert_eq!(
        (insert.service.as_str(), insert.requests, insert.errors),
        ("db", 10, 0)
    );
    assert_eq!(
        (insert.p50, insert.p90, insert.p99),
        (50_000_000, 90_000_000, 100_000_000)
    );
    assert_eq!(insert.histogram.counts.iter().sum::<u32>(), 10);
}
