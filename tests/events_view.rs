//! The events view's list: time order against a brute force over every
//! fixture, exceptions in both conventions (OpenTelemetry `exception`
//! events, OpenTracing `event=error` logs), the filters and the summary.
//!
//! ```text
//! otlp-exceptions.json (ms from the trace start)
//! ix span                                  events
//! 0  checkout POST /api/orders             2.125 order.validated, 240.017 exception PaymentDeclinedException
//! 1  checkout inventory.reserve            (status error, no events)
//! 2  checkout payment.v1.Payment/Charge    237.9 exception StatusRuntimeException
//! 3  payment  payment.v1.Payment/Charge    70 retry, 175.25 retry, 235.4 exception CardError
//! 4  payment  POST (attempt 1)             70 exception ReadTimeout
//! 5  payment  POST (attempt 2)             175.25 exception ReadTimeout
//! 6  payment  POST (attempt 3)             233.8 http.response.body
//! ```

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::events::{first_line, Convention, EventIndex, Filter};

fn fixture(name: &str) -> Trace {
    let bytes = std::fs::read(format!("tests/fixtures/{name}")).unwrap();
    load(&bytes).unwrap().traces.remove(0)
}

/// Every event as (time, span, position in its span, pool index), sorted.
fn brute_order(t: &Trace) -> Vec<(u64, u32, usize, u32)> {
    let mut all = Vec::new();
    for (i, s) in t.spans.iter().enumerate() {
        for (k, ev_ix) in s.raw.events.as_range().enumerate() {
            let e = &t.pools.events[ev_ix];
            all.push((e.time_unix_nanos, i as u32, k, ev_ix as u32));
        }
    }
    all.sort();
    all
}

fn attr(t: &Trace, ev_ix: u32, key: &str) -> Option<String> {
    let e = &t.pools.events[ev_ix as usize];
    t.pools
        .attrs(e.attrs)
        .iter()
        .find(|a| t.str(a.key) == key)
        .map(|a| t.pools.value_text(&a.value))
}

/// Exception by the book: named `exception`, or `error` / `event=error`.
fn brute_is_exception(t: &Trace, ev_ix: u32) -> bool {
    let name = t.str(t.pools.events[ev_ix as usize].name);
    name == "exception" || name == "error" || attr(t, ev_ix, "event").as_deref() == Some("error")
}

fn brute_type(t: &Trace, ev_ix: u32) -> String {
    attr(t, ev_ix, "exception.type")
        .or_else(|| attr(t, ev_ix, "error.kind"))
        .unwrap_or_default()
}

/// Names of the listed events, in list order.
fn names(t: &Trace, index: &EventIndex, positions: &[u32]) -> Vec<String> {
    positions
        .iter()
        .map(|&p| index.row(t, p as usize).unwrap().name)
        .collect()
}

#[test]
fn every_fixture_lists_its_events_in_time_then_span_then_event_order() {
    let mut checked = 0;
    let mut dirs = vec![std::path::PathBuf::from("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(loaded) = load(&std::fs::read(&path).unwrap()) else {
                continue;
            };
            for t in &loaded.traces {
                let index = EventIndex::new(t);
                let got: Vec<(u64, u32, u32)> = index
                    .entries
                    .iter()
                    .map(|e| (e.time_unix_nanos, e.span.0, e.event))
                    .collect();
                let want: Vec<(u64, u32, u32)> = brute_order(t)
                    .into_iter()
                    .map(|(time, span, _, ev)| (time, span, ev))
                    .collect();
                assert_eq!(got, want, "{}", path.display());
                let exceptions: Vec<bool> = want
                    .iter()
                    .map(|&(_, _, ev)| brute_is_exception(t, ev))
                    .collect();
                let flagged: Vec<bool> = index.entries.iter().map(|e| e.is_exception()).collect();
                assert_eq!(flagged, exceptions, "{}", path.display());
                let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
                for &(_, _, ev) in want.iter().filter(|w| brute_is_exception(t, w.2)) {
                    *by_type.entry(brute_type(t, ev)).or_default() += 1;
                }
                let summary: BTreeMap<String, usize> = index
                    .types
                    .iter()
                    .map(|c| (c.name.clone(), c.count))
                    .collect();
                assert_eq!(summary, by_type, "{}", path.display());
                assert_eq!(index.exception_count, by_type.values().sum::<usize>());
                checked += index.entries.len();
            }
        }
    }
    assert!(checked >= 15, "only {checked} events in the fixtures");
}

#[test]
fn opentelemetry_exceptions_show_type_message_and_first_stack_line() {
    let t = fixture("otlp-exceptions.json");
    let index = EventIndex::new(&t);
    assert_eq!(index.entries.len(), 9);
    assert_eq!(index.exception_count, 5);
    let summary: Vec<(&str, usize)> = index
        .types
        .iter()
        .map(|c| (c.name.as_str(), c.count))
        .collect();
    assert_eq!(
        summary,
        [
            ("requests.exceptions.ReadTimeout", 2),
            ("com.shop.checkout.PaymentDeclinedException", 1),
            ("io.grpc.StatusRuntimeException", 1),
            ("stripe.error.CardError", 1),
        ]
    );
    let rows: Vec<_> = (0..9).map(|p| index.row(&t, p).unwrap()).collect();
    let listed: Vec<(i64, &str, &str)> = rows
        .iter()
        .map(|r| (r.offset_nanos / 1000, r.span_id.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (2_125, "a1b2c3d4e5f60001", "order.validated"),
            (70_000, "f00dfeed00000001", "retry"),
            (70_000, "f00dfeed00000002", "exception"),
            // Same nanosecond: the parent span first (arena order).
            (175_250, "f00dfeed00000001", "retry"),
            (175_250, "f00dfeed00000003", "exception"),
            (233_800, "f00dfeed00000004", "http.response.body"),
            (235_400, "f00dfeed00000001", "exception"),
            (237_900, "a1b2c3d4e5f60003", "exception"),
            (240_017, "a1b2c3d4e5f60001", "exception"),
        ]
    );
    // A span whose status is error but that recorded no event has no row.
    assert!(rows.iter().all(|r| r.span_id != "a1b2c3d4e5f60002"));

    let card = &rows[6];
    assert_eq!(
        (card.service.as_str(), card.operation.as_str()),
        ("payment", "payment.v1.Payment/Charge")
    );
    let e = card.exception.as_ref().unwrap();
    assert_eq!(e.type_name, "stripe.error.CardError");
    assert_eq!(e.message, "Your card was declined.");
    assert_eq!(e.stack_line, "Traceback (most recent call last):");
    assert_eq!(e.escaped, Some(true));
    // The exception's own fields are not repeated among the attributes.
    assert_eq!(card.attrs, "exception.escaped=true");
    let detail = index.detail(&t, 6).unwrap();
    let (message, stack) = detail.exception.unwrap();
    assert_eq!(message, "Your card was declined.");
    assert!(stack
        .trim_end()
        .ends_with("stripe.error.CardError: Your card was declined."));
    assert_eq!(stack.lines().count(), 8);
    // The stack trace is shown apart, not again among the attributes.
    assert_eq!(detail.attrs.len(), 3);
    let entry = index.entries[6];
    assert_eq!(
        index.exception(&t, &entry).unwrap().convention,
        Convention::OpenTelemetry
    );

    // A plain event shows its attributes in short.
    assert_eq!(rows[0].exception, None);
    assert_eq!(
        rows[0].attrs,
        "order.id=ord_8f3a21  order.items=3  customer.tier=gold"
    );
}

#[test]
fn opentracing_error_logs_are_exceptions_with_kind_message_and_stack() {
    let t = fixture("jaeger-error-logs.json");
    let index = EventIndex::new(&t);
    let all = index.filter(&t, &Filter::default());
    assert_eq!(
        names(&t, &index, &all),
        [
            "request.parsed",
            "log",
            "cache.miss",
            "db.rows",
            "error",
            "error"
        ]
    );
    assert_eq!(index.exception_count, 2);
    let errors: Vec<_> = index
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.is_exception())
        .map(|(p, e)| (index.row(&t, p).unwrap(), index.exception(&t, e).unwrap()))
        .collect();
    let (npe_row, npe) = &errors[0];
    assert_eq!(npe.convention, Convention::OpenTracing);
    assert_eq!(npe_row.service, "user-service");
    let line = npe_row.exception.as_ref().unwrap();
    assert_eq!(line.type_name, "java.lang.NullPointerException");
    assert!(line.message.starts_with("Cannot invoke"));
    assert!(line
        .stack_line
        .starts_with("java.lang.NullPointerException: Cannot invoke"));
    assert!(npe.stacktrace.contains("ServletHandler.java:1604"));
    let (gw_row, gw) = &errors[1];
    assert_eq!(gw_row.service, "api-gateway");
    assert_eq!(gw.type_name, "*gateway.UpstreamError");
    // `message` wins over `error.object`; the row keeps what is left over.
    assert_eq!(gw.message, "profile fetch failed");
    assert_eq!(gw_row.attrs, "");
    assert_eq!(
        gw_row.exception.as_ref().unwrap().stack_line,
        "goroutine 118 [running]:"
    );
    assert_eq!(gw.escaped, None);

    // Jaeger's own `event=exception` log (checkout) is an exception without a type.
    let t = fixture("jaeger-checkout.json");
    let index = EventIndex::new(&t);
    assert_eq!(index.exception_count, 1);
    assert_eq!(index.types[0].name, "");
    let e = index.exception(&t, &index.entries[0]).unwrap();
    assert_eq!(e.message, "cart store timed out");
}

#[test]
fn filters_narrow_the_list_as_a_brute_force_does() {
    let t = fixture("otlp-exceptions.json");
    let index = EventIndex::new(&t);
    let only = index.filter(
        &t,
        &Filter {
            exceptions_only: true,
            ..Filter::default()
        },
    );
    assert_eq!(only.len(), index.exception_count);
    assert!(only
        .iter()
        .all(|&p| index.entries[p as usize].is_exception()));

    let timeouts = index.filter(
        &t,
        &Filter {
            exception_type: Some("requests.exceptions.ReadTimeout"),
            ..Filter::default()
        },
    );
    let spans: Vec<String> = timeouts
        .iter()
        .map(|&p| index.row(&t, p as usize).unwrap().span_id)
        .collect();
    assert_eq!(spans, ["f00dfeed00000002", "f00dfeed00000003"]);
    let none = Filter {
        exception_type: Some("NoSuchError"),
        ..Filter::default()
    };
    assert!(index.filter(&t, &none).is_empty());

    // Text: any case, in names, service, operation and attribute values.
    for needle in [
        "CARD",
        "retry",
        "ord_8f3a21",
        "payment",
        "api.stripe",
        "zzz",
        "  Declined ",
    ] {
        let lower = needle.trim().to_lowercase();
        let want: Vec<u32> = index
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                let ev = &t.pools.events[e.event as usize];
                let span = t.span(e.span).unwrap();
                let mut texts = vec![
                    t.str(ev.name).to_string(),
                    t.str(span.raw.service).to_string(),
                    t.str(span.raw.name).to_string(),
                ];
                texts.extend(
                    t.pools
                        .attrs(ev.attrs)
                        .iter()
                        .map(|a| t.pools.value_text(&a.value)),
                );
                texts.iter().any(|s| s.to_lowercase().contains(&lower))
            })
            .map(|(p, _)| p as u32)
            .collect();
        let got = index.filter(
            &t,
            &Filter {
                text: needle,
                ..Filter::default()
            },
        );
        assert_eq!(got, want, "{needle:?}");
    }
    let card = index.filter(
        &t,
        &Filter {
            text: "card",
            ..Filter::default()
        },
    );
    assert_eq!(card.len(), 4);

    // The find query's spans: only their events, still in time order.
    let found = [SpanIx(0), SpanIx(5)];
    let of_found = index.filter(
        &t,
        &Filter {
            spans: Some(&found),
            ..Filter::default()
        },
    );
    assert_eq!(
        names(&t, &index, &of_found),
        ["order.validated", "exception", "exception"]
    );
    let both = index.filter(
        &t,
        &Filter {
            spans: Some(&found),
            exceptions_only: true,
            text: "timed out",
            ..Filter::default()
        },
    );
    assert_eq!(both.len(), 1);
    assert_eq!(
        index.row(&t, both[0] as usize).unwrap().span_id,
        "f00dfeed00000003"
    );
}

#[test]
fn a_long_stack_trace_folds_to_its_first_line() {
    let long = format!("\n  \nBoom: at the top\n{}", "  at frame\n".repeat(100_000));
    assert_eq!(first_line(&long, 300), "Boom: at the top");
    let one = "x".repeat(1000);
    assert_eq!(first_line(&one, 10), format!("{}…", "x".repeat(10)));
    assert_eq!(first_line("", 10), "");
}
