//! Find in a trace and the service graph, on the checkout fixture:
//!
//! ```text
//! frontend GET /checkout (server, 120ms, http.status_code=500)
//! ├─ frontend auth-client (client, 15ms)
//! │  └─ auth POST /verify (server, 12ms, user.vip=true)
//! ├─ frontend cart-client (client, 65ms)
//! │  └─ cart GetCart (server, 58ms, error, event "exception")
//! │     └─ cart SELECT cart (client, 30ms, db.system=postgresql)
//! └─ frontend send-analytics (producer, 40ms, FOLLOWS_FROM)
//! ```

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::graph::service_graph;
use trace_viewer::model::search::Query;
use trace_viewer::model::{load, SpanIx, Trace};

fn checkout() -> Trace {
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").unwrap();
    load(&bytes).unwrap().traces.remove(0)
}

/// Operations of the spans the query finds, in tree order.
fn found(t: &Trace, query: &str) -> Vec<String> {
    let q = Query::parse(query).unwrap();
    q.matches(t)
        .iter()
        .map(|&ix| t.str(t.spans[ix.get()].raw.name).to_string())
        .collect()
}

#[test]
fn structured_terms() {
    let t = checkout();
    assert_eq!(found(&t, "service=cart"), ["GetCart", "SELECT cart"]);
    assert_eq!(found(&t, "service=CART"), ["GetCart", "SELECT cart"]);
    assert_eq!(
        found(&t, "op~^(GET|POST) "),
        ["GET /checkout", "POST /verify"]
    );
    assert_eq!(
        found(&t, "kind=server"),
        ["GET /checkout", "POST /verify", "GetCart"]
    );
    assert_eq!(found(&t, "status=error"), ["GetCart"]);
    assert_eq!(
        found(&t, "duration>50ms"),
        ["GET /checkout", "cart-client", "GetCart"]
    );
    assert_eq!(found(&t, "duration<=15ms"), ["auth-client", "POST /verify"]);
    assert_eq!(found(&t, "http.status_code=500"), ["GET /checkout"]);
    assert_eq!(found(&t, "user.vip=true"), ["POST /verify"]);
    assert_eq!(found(&t, "db.statement~WHERE"), ["SELECT cart"]);
}

#[test]
fn terms_combine_with_and() {
    let t = checkout();
    assert_eq!(
        found(&t, "kind=client service=frontend"),
        ["auth-client", "cart-client"]
    );
    assert_eq!(
        found(&t, "kind=client duration>20ms"),
        ["cart-client", "SELECT cart"]
    );
    assert!(found(&t, "service=auth status=error").is_empty());
}

#[test]
fn free_text_looks_everywhere() {
    let t = checkout();
    // Operation names, case-insensitively.
    assert_eq!(found(&t, "cart"), ["cart-client", "GetCart", "SELECT cart"]);
    // Attribute values and keys.
    assert_eq!(found(&t, "postgres"), ["SELECT cart"]);
    assert_eq!(found(&t, "user.vip"), ["POST /verify"]);
    // Event names.
    assert_eq!(found(&t, "exception"), ["GetCart"]);
    // Span ids.
    assert_eq!(found(&t, "00f067aa0ba902b7"), ["send-analytics"]);
    // Quoted phrase.
    assert_eq!(found(&t, "\"post /verify\""), ["POST /verify"]);
    assert!(found(&t, "").is_empty());
}

#[test]
fn service_graph_counts_calls_between_services() {
    let t = checkout();
    let g = service_graph(&t);
    let names: Vec<(&str, u32, u32)> = g
        .nodes
        .iter()
        .map(|n| (t.str(n.service), n.spans, n.layer))
        .collect();
    assert_eq!(names, [("auth", 1, 1), ("cart", 2, 1), ("frontend", 4, 0)]);
    let edges: Vec<(&str, &str, u32, u64, u32)> = g
        .edges
        .iter()
        .map(|e| {
            (
                t.str(g.nodes[e.from].service),
                t.str(g.nodes[e.to].service),
                e.calls,
                e.total_nanos / 1_000_000,
                e.errors,
            )
        })
        .collect();
    // Calls within frontend are its own work, not edges.
    assert_eq!(
        edges,
        [
            ("frontend", "auth", 1, 12, 0),
            ("frontend", "cart", 1, 58, 1)
        ]
    );
    // Self time of a node is the sum over its spans: cart = (58 - 30) + 30.
    assert_eq!(g.nodes[1].self_nanos / 1_000_000, 58);
}

#[test]
fn service_graph_layers_follow_the_longest_call_chain_and_skip_cycles() {
    // A → B → C, A → C directly, and C calls back into A:
    //
    //   A ──▶ B ──▶ C        columns 0, 1, 2 (C after B, not beside it)
    //   └──────────▶┘
    //   ▲           │        the call back closes a cycle: drawn, not layered
    //   └───────────┘
    let json = r#"{"traceID":"1","processes":{"a":{"serviceName":"A"},"b":{"serviceName":"B"},"c":{"serviceName":"C"}},"spans":[
        {"traceID":"1","spanID":"1","operationName":"a","startTime":0,"duration":100,"processID":"a"},
        {"traceID":"1","spanID":"2","operationName":"b","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1,"duration":50,"processID":"b"},
        {"traceID":"1","spanID":"3","operationName":"c","references":[{"refType":"CHILD_OF","spanID":"2"}],"startTime":2,"duration":40,"processID":"c"},
        {"traceID":"1","spanID":"4","operationName":"c2","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":60,"duration":10,"processID":"c"},
        {"traceID":"1","spanID":"5","operationName":"a2","references":[{"refType":"CHILD_OF","spanID":"3"}],"startTime":3,"duration":5,"processID":"a"}
    ]}"#;
    let t = load(json.as_bytes()).unwrap().traces.remove(0);
    let g = service_graph(&t);
    let layers: Vec<(&str, u32)> = g
        .nodes
        .iter()
        .map(|n| (t.str(n.service), n.layer))
        .collect();
    assert_eq!(layers, [("A", 0), ("B", 1), ("C", 2)]);
    let edges: Vec<(usize, usize, u32)> = g.edges.iter().map(|e| (e.from, e.to, e.calls)).collect();
    assert_eq!(edges, [(0, 1, 1), (0, 2, 1), (1, 2, 1), (2, 0, 1)]);
}

/// Free text by brute force: every name, key, value, resource attribute,
/// event name and the span id, lower-cased.
fn naive_text(t: &trace_viewer::model::Trace, needle: &str) -> Vec<SpanIx> {
    let p = &t.pools;
    let has = |s: &str| s.to_lowercase().contains(needle);
    (0..t.spans.len())
        .map(SpanIx::at)
        .filter(|&ix| {
            let raw = &t.spans[ix.get()].raw;
            let res = p
                .resources
                .get(raw.resource as usize)
                .map(|r| p.attrs(r.attrs))
                .unwrap_or(&[]);
            has(t.str(raw.service))
                || has(t.str(raw.name))
                || p.attrs(raw.attrs).iter().chain(res).any(|a| {
                    has(t.str(a.key))
                        || (!matches!(a.value, trace_viewer::model::AttrValue::Empty)
                            && has(&p.value_text(&a.value)))
                })
                || p.events(raw.events).iter().any(|e| has(t.str(e.name)))
                || has(&raw.span_id.to_hex())
        })
        .collect()
}

#[test]
fn free_text_finds_what_a_brute_force_search_finds() {
    let (mut queried, mut skipped) = (0usize, Vec::new());
    for name in [
        "jaeger-checkout.json",
        "otlp-linked-traces.json",
        "otlp-three-traces.json",
    ] {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let loaded =
            trace_viewer::model::load(&std::fs::read(&path).expect("fixture")).expect("loads");
        for t in &loaded.traces {
            // Needles from every text value (only in values, so the fast path),
            // plus names, keys, numbers and ids (the other paths).
            let mut needles: Vec<String> = vec![
                "e".into(),
                "200".into(),
                "true".into(),
                "00".into(),
                "zzz".into(),
            ];
            for a in t.pools.attrs.iter() {
                let v = t.pools.value_text(&a.value).to_lowercase();
                let chars: Vec<char> = v.chars().collect();
                if chars.len() >= 4 {
                    needles.push(chars[1..chars.len() - 1].iter().collect());
                }
                needles.push(t.str(a.key).to_lowercase());
            }
            // Quoted, operators are plain text too (`a=b` is not a key test).
            for needle in needles {
                match Query::parse(&format!("\"{needle}\"")) {
                    Ok(q) => {
                        assert_eq!(q.matches(t), naive_text(t, &needle), "{name}: {needle:?}");
                        queried += 1;
                    }
                    Err(e) => skipped.push(format!("{name}: {needle:?}: {e}")),
                }
            }
        }
    }
    // Every needle was compared: none was refused and left out.
    assert!(
        skipped.is_empty(),
        "queries not run:\n{}",
        skipped.join("\n")
    );
    assert!(queried > 100, "only {queried} queries");
}

#[test]
fn queries_from_a_link_are_bounded() {
    // A link can carry any query: a megabyte of text, hundreds of terms, a
    // regular expression that would take gigabytes; each gets a message.
    let huge = "x".repeat(1 << 20);
    let e = Query::parse(&huge).unwrap_err();
    assert!(e.contains("1048576 characters"), "{e}");
    let many = vec!["a"; 100].join(" ");
    let e = Query::parse(&many).unwrap_err();
    assert!(e.contains("100 terms"), "{e}");
    let e = Query::parse("op~(a{1000}){1000}").unwrap_err();
    assert!(e.contains("not a valid regular expression"), "{e}");
    // Ordinary queries are untouched.
    let t = checkout();
    assert_eq!(found(&t, "service=cart op~^Get"), ["GetCart"]);
}

#[test]
fn alternatives_match_either_and_still_combine_with_and() {
    let t = checkout();
    // Against the brute force: a|b finds the union of what a and b find,
    // in tree order; a|b c also needs c.
    let pairs = [
        ("verify", "select"),
        ("auth", "analytics"),
        ("zzz", "getcart"),
    ];
    for (a, b) in pairs {
        let mut union = naive_text(&t, a);
        union.extend(naive_text(&t, b));
        union.sort();
        union.dedup();
        let q = Query::parse(&format!("{a}|{b}")).unwrap();
        assert_eq!(q.matches(&t), union, "{a}|{b}");
    }
    assert_eq!(
        found(&t, "auth|cart kind=server"),
        ["POST /verify", "GetCart"]
    );
    assert_eq!(
        found(&t, "kind=server auth|cart"),
        ["POST /verify", "GetCart"]
    );
    // A regular expression keeps its `|`; a quoted term is plain text.
    assert_eq!(
        found(&t, "op~^(GET|POST) "),
        ["GET /checkout", "POST /verify"]
    );
    assert!(found(&t, "\"auth|cart\"").is_empty());
    assert!(found(&t, "zzz|yyy").is_empty());
}

#[test]
fn a_jaeger_ui_find_link_finds_the_spans_jaeger_highlights() {
    use trace_viewer::view_model::url_state::{ui_find_query, PageState};
    let t = checkout();
    // Jaeger: a span matches when any word occurs in it (case-insensitive).
    let jaeger = |words: &[&str]| {
        let mut all: Vec<SpanIx> = words.iter().flat_map(|w| naive_text(&t, w)).collect();
        all.sort();
        all.dedup();
        all
    };
    let state = PageState::parse("uiFind=Verify%20postgresql");
    assert_eq!(state.query, "Verify|postgresql");
    let q = Query::parse(&state.query).unwrap();
    assert_eq!(q.matches(&t), jaeger(&["verify", "postgresql"]));
    assert_eq!(q.matches(&t).len(), 2);
    // `+` is a space in a query string; a `-key` word only narrows tags in
    // Jaeger and is left out; an explicit q= wins.
    assert_eq!(PageState::parse("uiFind=auth+cart").query, "auth|cart");
    assert_eq!(ui_find_query("auth -http.url"), "auth");
    assert_eq!(
        PageState::parse("q=service%3Dcart&uiFind=auth").query,
        "service=cart"
    );
    // A word with an operator is plain text, not a field test.
    assert_eq!(ui_find_query("a=b c"), "\"a=b\" c");
    assert!(Query::parse(&ui_find_query("a=b c")).is_ok());
    // A span id, as Grafana and Jaeger links carry it.
    let id = t.spans[3].raw.span_id.to_hex();
    let q = Query::parse(&PageState::parse(&format!("uiFind={id}")).query).unwrap();
    assert_eq!(q.matches(&t), [SpanIx(3)]);
}
