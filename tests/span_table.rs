//! The span table's rows: every sort order checked against a brute-force
//! sort written here, find limiting the rows, attribute columns (numbers
//! numerically, text alphabetically, spans without the attribute last), and
//! ties kept in the trace's order.
//!
//! On the checkout fixture:
//!
//! ```text
//! ix  span                               start  duration
//! 0   frontend GET /checkout  (server)    0ms   120ms  http.status_code=500
//! 1   frontend auth-client    (client)    5ms    15ms
//! 2   auth POST /verify       (server)    6ms    12ms  user.vip=true
//! 3   frontend cart-client    (client)   25ms    65ms
//! 4   cart GetCart            (server)   27ms    58ms  error
//! 5   cart SELECT cart        (client)   30ms    30ms  db.system=postgresql
//! 6   frontend send-analytics (producer) 110ms   40ms
//! ```

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::cmp::Ordering;

use trace_viewer::model::search::Query;
use trace_viewer::model::{load, AttrValue, Span, SpanIx, Trace};
use trace_viewer::view_model::sorting::Sorting;
use trace_viewer::view_model::span_table::{
    attr_choices, cell_text, count_text, default_sorting, is_text, row, row_order, Column,
    FIXED_COLUMNS,
};

fn checkout() -> Trace {
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").unwrap();
    load(&bytes).unwrap().traces.remove(0)
}

/// A Jaeger trace of `n` spans with many ties: 4 services, 5 operations,
/// durations and starts from small sets, kinds and errors mixed, and
/// attributes present on some spans only: `code` (int), `retries` (numbers
/// written as strings, "10" after "9"), `user` (text), `mixed` (numbers
/// and text), and `region` on one process and on some spans of another.
fn generated(n: usize) -> Trace {
    let trace = "000000000000000000000000000000aa";
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    let kinds = ["server", "client", "producer", "consumer", "internal", ""];
    let mut spans = Vec::new();
    for i in 1..=n {
        let parent = if i == 1 {
            String::new()
        } else {
            format!(
                r#"{{"refType":"CHILD_OF","traceID":"{trace}","spanID":"{:016x}"}}"#,
                1 + next(i as u64 - 1)
            )
        };
        let mut tags = Vec::new();
        let kind = kinds[next(6) as usize];
        if !kind.is_empty() {
            tags.push(format!(
                r#"{{"key":"span.kind","type":"string","value":"{kind}"}}"#
            ));
        }
        if next(5) == 0 {
            tags.push(r#"{"key":"error","type":"bool","value":true}"#.to_string());
        }
        if next(3) > 0 {
            tags.push(format!(
                r#"{{"key":"code","type":"int64","value":{}}}"#,
                200 + 100 * next(4)
            ));
        }
        if next(2) == 0 {
            tags.push(format!(
                r#"{{"key":"retries","type":"string","value":"{}"}}"#,
                next(12)
            ));
        }
        if next(4) == 0 {
            tags.push(format!(
                r#"{{"key":"user","type":"string","value":"u{}"}}"#,
                next(7)
            ));
        }
        match next(4) {
            0 => tags.push(format!(
                r#"{{"key":"mixed","type":"int64","value":{}}}"#,
                next(9)
            )),
            1 => tags.push(format!(
                r#"{{"key":"mixed","type":"string","value":"w{}"}}"#,
                next(3)
            )),
            _ => {}
        }
        let process = next(4);
        if process == 1 && next(2) == 0 {
            tags.push(r#"{"key":"region","type":"string","value":"span-level"}"#.to_string());
        }
        spans.push(format!(
            r#"{{"traceID":"{trace}","spanID":"{i:016x}","operationName":"op{}","references":[{parent}],"startTime":{},"duration":{},"tags":[{}],"processID":"p{process}"}}"#,
            next(5),
            1_700_000_000_000_000u64 + next(40) * 10,
            1 + next(8) * 25,
            tags.join(",")
        ));
    }
    let json = format!(
        r#"{{"data":[{{"traceID":"{trace}","spans":[{}],"processes":{{"p0":{{"serviceName":"svc-b","tags":[{{"key":"region","type":"string","value":"eu"}}]}},"p1":{{"serviceName":"svc-a","tags":[{{"key":"region","type":"string","value":"us"}}]}},"p2":{{"serviceName":"Svc-c"}},"p3":{{"serviceName":"svc-d"}}}}}}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

fn all(t: &Trace) -> Vec<SpanIx> {
    (0..t.spans.len()).map(SpanIx::at).collect()
}

/// The value of `key` as a brute force reads it: the span's own, else its
/// resource's, as text.
fn value_of(t: &Trace, s: &Span, key: &str) -> Option<String> {
    let find = |r| {
        t.pools
            .attrs(r)
            .iter()
            .find(|a| t.str(a.key) == key && a.value != AttrValue::Empty)
            .map(|a| t.pools.value_text(&a.value))
    };
    find(s.raw.attrs).or_else(|| {
        t.pools
            .resources
            .get(s.raw.resource as usize)
            .and_then(|r| find(r.attrs))
    })
}

/// Brute force: a stable sort of the rows (ties keep trace order) by what
/// the cells show, read straight from the spans.
fn brute(t: &Trace, rows: &[SpanIx], column: Column, descending: bool) -> Vec<SpanIx> {
    let mut out = rows.to_vec();
    let span = |ix: &SpanIx| &t.spans[ix.get()];
    out.sort_by(|a, b| {
        let (a, b) = (span(a), span(b));
        let order = match column {
            Column::Service => t.str(a.raw.service).cmp(t.str(b.raw.service)),
            Column::Operation => t.str(a.raw.name).cmp(t.str(b.raw.name)),
            Column::Start => a.raw.start_unix_nanos.cmp(&b.raw.start_unix_nanos),
            Column::Duration => a.raw.duration_nanos.cmp(&b.raw.duration_nanos),
            Column::SelfTime => a.self_nanos.cmp(&b.self_nanos),
            Column::Status => a.raw.status.as_str().cmp(b.raw.status.as_str()),
            Column::Kind => a.raw.kind.as_str().cmp(b.raw.kind.as_str()),
            Column::Attr(key) => {
                let key = t.str(key);
                // Numbers first (by value), then text; missing last always.
                let read = |s: &Span| {
                    value_of(t, s, key).map(|v| match v.trim().parse::<f64>() {
                        Ok(n) => (0, n, String::new()),
                        Err(_) => (1, 0.0, v),
                    })
                };
                return match (read(a), read(b)) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) => {
                        let o = x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2));
                        if descending {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
            }
        };
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    out
}

fn names(t: &Trace, rows: &[SpanIx]) -> Vec<String> {
    rows.iter()
        .map(|ix| t.str(t.spans[ix.get()].raw.name).to_string())
        .collect()
}

fn key(t: &Trace, name: &str) -> Column {
    Column::Attr(t.pools.strings.lookup(name).unwrap())
}

#[test]
fn the_table_opens_with_every_span_by_start() {
    let t = checkout();
    let rows = row_order(&t, default_sorting(), None);
    assert_eq!(
        names(&t, &rows),
        [
            "GET /checkout",
            "auth-client",
            "POST /verify",
            "cart-client",
            "GetCart",
            "SELECT cart",
            "send-analytics"
        ]
    );
    assert_eq!(count_text(rows.len(), t.spans.len(), false), "7 spans");
}

#[test]
fn duration_sorts_longest_first_then_shortest_first() {
    let t = checkout();
    let down = row_order(&t, Sorting::by(Column::Duration, true), None);
    assert_eq!(names(&t, &down)[..2], ["GET /checkout", "cart-client"]);
    let up = row_order(&t, Sorting::by(Column::Duration, false), None);
    assert_eq!(names(&t, &up)[..2], ["POST /verify", "auth-client"]);
}

#[test]
fn every_fixed_column_sorts_like_a_brute_force_in_both_directions() {
    for t in [checkout(), generated(400)] {
        for (column, label, _) in FIXED_COLUMNS {
            for descending in [false, true] {
                assert_eq!(
                    row_order(&t, Sorting::by(column, descending), None),
                    brute(&t, &all(&t), column, descending),
                    "{label}, descending {descending}"
                );
            }
        }
    }
}

#[test]
fn attribute_columns_sort_numbers_numerically_text_alphabetically_missing_last() {
    let t = generated(400);
    for name in ["code", "retries", "user", "mixed", "region"] {
        let column = key(&t, name);
        for descending in [false, true] {
            let rows = row_order(&t, Sorting::by(column, descending), None);
            assert_eq!(
                rows,
                brute(&t, &all(&t), column, descending),
                "{name}, descending {descending}"
            );
            // Spans without it come last either way.
            let has: Vec<bool> = rows
                .iter()
                .map(|ix| value_of(&t, &t.spans[ix.get()], name).is_some())
                .collect();
            let first_missing = has.iter().position(|h| !h).unwrap_or(has.len());
            assert!(has[first_missing..].iter().all(|h| !h), "{name}");
            assert!(first_missing > 0, "{name}: some spans have it");
        }
    }
    // "10" after "9": the strings sort as numbers.
    let rows = row_order(&t, Sorting::by(key(&t, "retries"), false), None);
    let shown: Vec<String> = rows
        .iter()
        .map(|ix| cell_text(&t, &t.spans[ix.get()], key(&t, "retries")))
        .filter(|s| !s.is_empty())
        .collect();
    let at_9 = shown.iter().rposition(|s| s == "9").unwrap();
    let at_10 = shown.iter().position(|s| s == "10").unwrap();
    assert!(at_9 < at_10);
}

#[test]
fn ties_keep_the_trace_order_in_both_directions() {
    let t = generated(400);
    for (column, label, _) in FIXED_COLUMNS {
        for descending in [false, true] {
            let rows = row_order(&t, Sorting::by(column, descending), None);
            for pair in rows.windows(2) {
                let (a, b) = (&t.spans[pair[0].get()], &t.spans[pair[1].get()]);
                if cell_text(&t, a, column) == cell_text(&t, b, column)
                    && (column != Column::Start || a.raw.start_unix_nanos == b.raw.start_unix_nanos)
                    && (column != Column::Duration || a.raw.duration_nanos == b.raw.duration_nanos)
                    && (column != Column::SelfTime || a.self_nanos == b.self_nanos)
                {
                    assert!(pair[0] < pair[1], "{label}: tie out of trace order");
                }
            }
        }
    }
}

#[test]
fn find_limits_the_rows_to_its_matches_in_the_chosen_order() {
    let t = checkout();
    let matches = Query::parse("service=frontend").unwrap().matches(&t);
    let rows = row_order(&t, Sorting::by(Column::Duration, true), Some(&matches));
    assert_eq!(
        names(&t, &rows),
        [
            "GET /checkout",
            "cart-client",
            "send-analytics",
            "auth-client"
        ]
    );
    assert_eq!(count_text(rows.len(), t.spans.len(), true), "4 of 7 spans");
    // A query matching nothing leaves no rows.
    assert!(row_order(&t, default_sorting(), Some(&[])).is_empty());

    let t = generated(400);
    for query in ["kind=client", "status=error", "duration>100us", "code=500"] {
        let matches = Query::parse(query).unwrap().matches(&t);
        for (column, _, _) in FIXED_COLUMNS {
            assert_eq!(
                row_order(&t, Sorting::by(column, true), Some(&matches)),
                brute(&t, &matches, column, true),
                "{query}"
            );
        }
    }
}

#[test]
fn attribute_choices_count_spans_with_each_key_most_common_first() {
    for t in [checkout(), generated(400)] {
        let choices = attr_choices(&t);
        let mut expected: Vec<(String, u32)> = Vec::new();
        let mut keys: Vec<String> = t
            .pools
            .attrs
            .iter()
            .map(|a| t.str(a.key).to_string())
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let n = t
                .spans
                .iter()
                .filter(|s| {
                    let on = |r| t.pools.attrs(r).iter().any(|a| t.str(a.key) == k);
                    on(s.raw.attrs)
                        || t.pools
                            .resources
                            .get(s.raw.resource as usize)
                            .is_some_and(|r| on(r.attrs))
                })
                .count() as u32;
            if n > 0 {
                expected.push((k, n));
            }
        }
        expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let got: Vec<(String, u32)> = choices
            .iter()
            .map(|c| (t.str(c.key).to_string(), c.spans))
            .collect();
        assert_eq!(got, expected);
    }
    let t = generated(400);
    let choices = attr_choices(&t);
    let numeric = |name: &str| {
        let Column::Attr(k) = key(&t, name) else {
            unreachable!()
        };
        choices.iter().find(|c| c.key == k).unwrap().numeric
    };
    assert!(numeric("code") && numeric("retries"));
    assert!(!numeric("user") && !numeric("mixed") && !numeric("region"));
    // Numeric attributes start largest first, like the other number columns.
    assert!(!is_text(key(&t, "code"), &choices));
    assert!(is_text(key(&t, "user"), &choices));
    assert!(is_text(Column::Service, &choices) && !is_text(Column::Duration, &choices));
}

#[test]
fn a_row_shows_its_span_in_words_and_in_machine_form() {
    let t = checkout();
    let status = t.pools.strings.lookup("http.status_code").unwrap();
    let r = row(&t, SpanIx(4), &[status]).unwrap();
    assert_eq!(r.span_id, "00f067aa0ba902b5");
    assert_eq!(
        (r.start_us.as_str(), r.duration_us.as_str()),
        ("27000", "58000")
    );
    assert!(r.error);
    assert_eq!(r.fixed[..4], ["cart", "GetCart", "27ms", "58ms"]);
    assert_eq!(r.fixed[5], "ERROR");
    assert_eq!(r.fixed[6], "server");
    assert_eq!(r.attrs, [""]);
    let root = row(&t, SpanIx(0), &[status]).unwrap();
    assert_eq!(root.attrs, ["500"]);
    assert!(!root.error);
    assert!(row(&t, SpanIx(99), &[]).is_none());
}

#[test]
fn a_hundred_thousand_spans_sort_quickly() {
    let t = generated(100_000);
    let started = std::time::Instant::now();
    for (column, _, _) in FIXED_COLUMNS {
        assert_eq!(
            row_order(&t, Sorting::by(column, true), None).len(),
            100_000
        );
    }
    let rows = row_order(&t, Sorting::by(key(&t, "user"), true), None);
    assert_eq!(rows.len(), 100_000);
    assert!(attr_choices(&t).len() >= 5);
    // Generous (debug build, shared machine): only a quadratic path fails it.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
