//! Find's negation and scopes, against a brute force of their definitions
//! on every span of the project's fixtures:
//!
//! - `key!=value`: the span holds `key` (on itself or its resource) and
//!   none of the values it holds equals `value` (ignoring ASCII case, as `=`);
//! - `key!~re`: it holds `key` and none of its values matches `re`;
//! - `-term`: every span the term does not match;
//! - `span.key=v` / `resource.key=v`: only the span's own attributes, or
//!   only its resource's (a key written whole, `span.kind`, also counts);
//! - `service!=x`, `name!=x`, `status!=error`, `kind!=server`,
//!   `duration!=d`: the spans the positive term does not match;
//! - a `!` with no `=` or `~` after it is an error, never a silent zero.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use trace_viewer::model::search::Query;
use trace_viewer::model::{load, Trace};

const FIXTURES: [&str; 6] = [
    "jaeger-checkout.json",
    "jaeger-error-logs.json",
    "otlp-every-field.json",
    "otlp-exceptions.json",
    "otlp-three-traces.json",
    "otlp-linked-traces.json",
];

fn traces() -> Vec<Trace> {
    FIXTURES
        .iter()
        .flat_map(|f| {
            let bytes = std::fs::read(format!("tests/fixtures/{f}")).expect("fixture");
            load(&bytes).expect("loads").traces
        })
        .collect()
}

/// Attributes as (key, value as text).
type Pairs = Vec<(String, String)>;

/// Span `ix`'s own attributes and its resource's.
fn attrs(t: &Trace, ix: usize) -> (Pairs, Pairs) {
    let raw = &t.spans[ix].raw;
    let p = &t.pools;
    let text =
        |a: &trace_viewer::model::Attr| (p.strings.get(a.key).to_string(), p.value_text(&a.value));
    let own = p.attrs(raw.attrs).iter().map(text).collect();
    let resource = p
        .resources
        .get(raw.resource as usize)
        .map(|r| p.attrs(r.attrs).iter().map(text).collect())
        .unwrap_or_default();
    (own, resource)
}

/// The values of `key` span `ix` holds, on itself and on its resource.
fn held(t: &Trace, ix: usize, key: &str) -> Vec<String> {
    let (own, resource) = attrs(t, ix);
    own.into_iter()
        .chain(resource)
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v)
        .collect()
}

fn found(t: &Trace, query: &str) -> BTreeSet<usize> {
    Query::parse(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .matches(t)
        .iter()
        .map(|ix| ix.get())
        .collect()
}

fn brute(t: &Trace, keep: impl Fn(usize) -> bool) -> BTreeSet<usize> {
    (0..t.spans.len()).filter(|&ix| keep(ix)).collect()
}

/// Every key and a few of its values, over all the fixtures' spans.
fn keys_and_values(traces: &[Trace]) -> Vec<(String, String)> {
    let mut out = BTreeSet::new();
    for t in traces {
        for ix in 0..t.spans.len() {
            let (own, resource) = attrs(t, ix);
            for (k, v) in own.into_iter().chain(resource) {
                // Keys with spaces or quotes cannot be typed as one term.
                if !k.is_empty()
                    && !v.is_empty()
                    && v.len() < 40
                    && !k.contains([' ', '"', '=', '~', '!', '<', '>', '|'])
                    && !v.contains([' ', '"', '|'])
                    && !k.starts_with('-')
                {
                    out.insert((k, v));
                }
            }
        }
    }
    out.into_iter().collect()
}

#[test]
fn not_equal_and_not_matching_hold_the_key_with_no_fitting_value() {
    let traces = traces();
    let pairs = keys_and_values(&traces);
    assert!(pairs.len() > 30, "{} pairs", pairs.len());
    let mut nonzero = 0;
    for (key, value) in &pairs {
        let lower = key.to_ascii_lowercase();
        // Fields with their own meaning (service=, status=…) are not attributes.
        if [
            "service",
            "svc",
            "op",
            "operation",
            "name",
            "status",
            "kind",
            "log",
            "logs",
            "duration",
            "dur",
        ]
        .contains(&lower.as_str())
        {
            continue;
        }
        let prefix: String = value.chars().take(2).collect();
        let re = format!("^{}", regex_lite::escape(&prefix));
        let pattern = regex_lite::Regex::new(&re).expect("regex");
        for t in &traces {
            let want_ne = brute(t, |ix| {
                let held = held(t, ix, key);
                !held.is_empty() && held.iter().all(|v| !v.eq_ignore_ascii_case(value))
            });
            assert_eq!(
                found(t, &format!("{key}!={value}")),
                want_ne,
                "{key}!={value}"
            );
            nonzero += usize::from(!want_ne.is_empty());
            let want_nm = brute(t, |ix| {
                let held = held(t, ix, key);
                !held.is_empty() && held.iter().all(|v| !pattern.is_match(v))
            });
            assert_eq!(found(t, &format!("{key}!~{re}")), want_nm, "{key}!~{re}");
            // Scopes: the span's own, the resource's.
            let want_span = brute(t, |ix| {
                attrs(t, ix)
                    .0
                    .iter()
                    .any(|(k, v)| k == key && v.eq_ignore_ascii_case(value))
            });
            let want_resource = brute(t, |ix| {
                attrs(t, ix)
                    .1
                    .iter()
                    .any(|(k, v)| k == key && v.eq_ignore_ascii_case(value))
            });
            assert_eq!(
                found(t, &format!("span.{key}={value}")),
                want_span,
                "span.{key}={value}"
            );
            assert_eq!(
                found(t, &format!("resource.{key}={value}")),
                want_resource,
                "resource.{key}={value}"
            );
            // `-term`: the complement of what the term finds.
            let plain = found(t, &format!("{key}={value}"));
            let all: BTreeSet<usize> = (0..t.spans.len()).collect();
            let rest: BTreeSet<usize> = all.difference(&plain).copied().collect();
            assert_eq!(found(t, &format!("-{key}={value}")), rest, "-{key}={value}");
        }
    }
    assert!(
        nonzero > 10,
        "the fixtures exercise !=: {nonzero} non-empty answers"
    );
}

#[test]
fn fields_every_span_has_negate_to_the_complement() {
    for t in &traces() {
        let all: BTreeSet<usize> = (0..t.spans.len()).collect();
        for (positive, negative) in [
            ("service=frontend", "service!=frontend"),
            ("name=GetCart", "name!=GetCart"),
            ("op~^GET", "op!~^GET"),
            ("status=error", "status!=error"),
            ("kind=server", "kind!=server"),
            ("duration=12ms", "duration!=12ms"),
            ("cart", "-cart"),
            ("\"GET /checkout\"", "-op=GetCart"),
        ] {
            let pos = found(t, positive);
            if negative.starts_with("-op") {
                let want: BTreeSet<usize> =
                    all.difference(&found(t, "op=GetCart")).copied().collect();
                assert_eq!(found(t, negative), want, "{negative}");
                continue;
            }
            let want: BTreeSet<usize> = all.difference(&pos).copied().collect();
            assert_eq!(found(t, negative), want, "{negative}");
        }
        // Terms still combine: spans of frontend that are not servers.
        let both = found(t, "service=frontend -kind=server");
        let want = brute(t, |ix| {
            let s = &t.spans[ix].raw;
            t.str(s.service).eq_ignore_ascii_case("frontend")
                && s.kind != trace_viewer::model::SpanKind::Server
        });
        assert_eq!(both, want);
    }
}

#[test]
fn a_bang_without_an_operator_is_an_error_and_a_key_written_whole_is_found() {
    for bad in ["http.status_code!", "key!", "-key!"] {
        let e = Query::parse(bad).expect_err(bad);
        assert!(e.contains("`!` needs `=` or `~`"), "{bad}: {e}");
    }
    // Quoted, a `!` is text; `!` inside a word too.
    assert!(Query::parse("\"wow!\"").is_ok());
    assert!(Query::parse("a!b").is_ok());
    // OpenTracing's `span.kind` tag: `span.kind=server` still finds it.
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").expect("fixture");
    let t = &load(&bytes).expect("loads").traces[0];
    let tagged = brute(t, |ix| {
        attrs(t, ix)
            .0
            .iter()
            .any(|(k, v)| k == "span.kind" && v == "server")
    });
    if !tagged.is_empty() {
        assert_eq!(found(t, "span.kind=server"), tagged);
    }
    // Negation with a scope: spans whose own `http.status_code` is not 500.
    let own_not_500 = brute(t, |ix| {
        let own = attrs(t, ix).0;
        let held: Vec<&(String, String)> = own
            .iter()
            .filter(|(k, _)| k == "http.status_code")
            .collect();
        !held.is_empty() && held.iter().all(|(_, v)| v != "500")
    });
    assert_eq!(found(t, "span.http.status_code!=500"), own_not_500);
}
