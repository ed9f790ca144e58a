//! Links out from a span, on the fixtures: every filled address is checked
//! against values read from the fixture file itself (times in the file's
//! own units, attribute values as written), not from the model.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::links_out::{links_for_span, LinkTemplate, Scope, MAX_URL_CHARS};
use trace_viewer::view_model::links_out_list::{
    check_all, from_json, json_in_fragment, merge, share_address, to_json, MAX_TEMPLATES,
};

fn fixture(name: &str) -> (Trace, Value) {
    let bytes = std::fs::read(format!("tests/fixtures/{name}")).unwrap();
    let trace = load(&bytes).unwrap().traces.remove(0);
    (trace, serde_json::from_slice(&bytes).unwrap())
}

fn span_ix(t: &Trace, span_hex: &str) -> SpanIx {
    SpanIx::at(
        t.spans
            .iter()
            .position(|s| s.raw.span_id.to_hex() == span_hex)
            .unwrap(),
    )
}

fn template(label: &str, url: &str, scope: Scope) -> LinkTemplate {
    LinkTemplate::new(label, url, scope).unwrap()
}

/// The one link `t` makes for span `ix`, if any.
fn filled(t: &Trace, ix: SpanIx, template: &LinkTemplate) -> Option<String> {
    let links = links_for_span(std::slice::from_ref(template), t, ix);
    assert!(links.len() <= 1);
    links.into_iter().next().map(|l| l.url)
}

const LOGS: &str = "https://grafana.example/explore?q=%7Btrace_id%3D%22${trace_id}%22%7D\
                    &from=${start_ms}&to=${end_ms}&svc=${service}&host=${attr:hostname}";

#[test]
fn a_jaeger_span_fills_from_its_tags_and_process() {
    let (t, file) = fixture("jaeger-checkout.json");
    let trace = &file["data"][0];
    let span = trace["spans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["operationName"] == "SELECT cart")
        .unwrap();
    let process = &trace["processes"][span["processID"].as_str().unwrap()];
    // Jaeger's times are microseconds.
    let start_us = span["startTime"].as_u64().unwrap();
    let end_us = start_us + span["duration"].as_u64().unwrap();
    let host = process["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tag| tag["key"] == "hostname")
        .unwrap()["value"]
        .as_str()
        .unwrap();
    let ix = span_ix(&t, span["spanID"].as_str().unwrap());
    let logs = template("Logs", LOGS, Scope::Span);
    assert_eq!(
        filled(&t, ix, &logs).unwrap(),
        format!(
            "https://grafana.example/explore?q=%7Btrace_id%3D%22{}%22%7D&from={}&to={}&svc={}&host={}",
            trace["traceID"].as_str().unwrap(),
            start_us / 1000,
            end_us.div_ceil(1000),
            process["serviceName"].as_str().unwrap(),
            host,
        )
    );
    // encodeURIComponent("SELECT * FROM cart WHERE id = $1") in a browser.
    let db = template(
        "Query",
        "https://db.example/?sql=${attr:db.statement}",
        Scope::Key(String::from("db.statement")),
    );
    assert_eq!(
        filled(&t, ix, &db).unwrap(),
        "https://db.example/?sql=SELECT%20*%20FROM%20cart%20WHERE%20id%20%3D%20%241"
    );
    // Only the span holding db.statement gets that link.
    let holding: Vec<String> = (0..t.spans.len())
        .filter(|&i| filled(&t, SpanIx::at(i), &db).is_some())
        .map(|i| t.spans[i].raw.span_id.to_hex())
        .collect();
    assert_eq!(holding, [span["spanID"].as_str().unwrap()]);
}

#[test]
fn a_trace_template_takes_the_trace_times_and_is_marked() {
    let (t, file) = fixture("jaeger-checkout.json");
    let spans = file["data"][0]["spans"].as_array().unwrap();
    let start_us = spans
        .iter()
        .map(|s| s["startTime"].as_u64().unwrap())
        .min()
        .unwrap();
    let end_us = spans
        .iter()
        .map(|s| s["startTime"].as_u64().unwrap() + s["duration"].as_u64().unwrap())
        .max()
        .unwrap();
    let whole = template(
        "Trace in Tempo",
        "https://tempo.example/${trace_id}?from=${start_ms}&to=${end_ms}",
        Scope::Trace,
    );
    let leaf = span_ix(&t, "00f067aa0ba902b6");
    let links = links_for_span(std::slice::from_ref(&whole), &t, leaf);
    assert_eq!(links.len(), 1);
    assert!(links[0].for_trace);
    assert_eq!(
        links[0].url,
        format!(
            "https://tempo.example/4bf92f3577b34da6a3ce929d0e0e4736?from={}&to={}",
            start_us / 1000,
            end_us.div_ceil(1000)
        )
    );
}

#[test]
fn odd_characters_are_encoded_and_nanoseconds_round_outwards() {
    let (t, file) = fixture("otlp-every-field.json");
    let span = &file["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    let nanos = |key: &str| span[key].as_str().unwrap().parse::<u64>().unwrap();
    let ix = span_ix(&t, span["spanId"].as_str().unwrap());
    let route = template(
        "Route",
        "https://code.example/search?q=${attr:http.route}&cores=${attr:host.cores}&from=${start_ms}&to=${end_ms}",
        Scope::Span,
    );
    // encodeURIComponent('/checkout "quoted"\nline'); host.cores is the resource's.
    assert_eq!(
        filled(&t, ix, &route).unwrap(),
        format!(
            "https://code.example/search?q=%2Fcheckout%20%22quoted%22%0Aline&cores=8&from={}&to={}",
            nanos("startTimeUnixNano") / 1_000_000,
            nanos("endTimeUnixNano").div_ceil(1_000_000)
        )
    );
}

#[test]
fn a_missing_or_empty_attribute_makes_no_link() {
    let (t, _) = fixture("otlp-every-field.json");
    let ix = span_ix(&t, "eee19b7ec3c1b174");
    for key in ["no.such.key", "nothing"] {
        let l = template(
            "L",
            &format!("https://x.example/${{attr:{key}}}"),
            Scope::Span,
        );
        assert_eq!(filled(&t, ix, &l), None, "{key}");
    }
}

#[test]
fn only_http_addresses_are_accepted() {
    for url in [
        "javascript:alert(document.domain)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "${attr:http.url}",
        "//evil.example/",
        "java\tscript://x",
    ] {
        assert!(
            LinkTemplate::new("L", url, Scope::Span).is_err(),
            "{url:?} was accepted"
        );
    }
    // Nor from JSON, as an address would bring it.
    let err = from_json(r#"[{"label":"x","url":"javascript:alert(1)"}]"#).unwrap_err();
    assert!(err.contains("http:// or https://"), "{err}");
}

#[test]
fn the_list_round_trips_through_json_and_the_address() {
    let list = vec![
        template("Logs (Loki) \"π\" & more", LOGS, Scope::Span),
        template(
            "Code",
            "https://github.com/search?q=${attr:code.function}&type=code",
            Scope::Key(String::from("code.function")),
        ),
        template("Trace", "https://tempo.example/${trace_id}", Scope::Trace),
    ];
    assert_eq!(from_json(&to_json(&list)).unwrap(), list);
    let address = share_address("https://viewer.example/app/#/trace/4bf9", &list);
    let fragment = address
        .strip_prefix("https://viewer.example/app/#")
        .unwrap();
    assert!(fragment.starts_with("links="));
    assert_eq!(
        from_json(&json_in_fragment(&format!("#{fragment}")).unwrap()).unwrap(),
        list
    );
    // Adding the same list again adds nothing.
    assert_eq!(merge(&list, &list).unwrap(), (list.clone(), 0));
}

#[test]
fn limits_are_said() {
    let long = format!("https://x.example/{}", "a".repeat(MAX_URL_CHARS));
    let err = LinkTemplate::new("L", &long, Scope::Span).unwrap_err();
    assert!(err.contains("2000"), "{err}");
    let one = template("L", "https://x.example/", Scope::Span);
    let json = to_json(&vec![one; MAX_TEMPLATES + 1]);
    let err = from_json(&json).unwrap_err();
    assert!(err.contains("51") && err.contains("50"), "{err}");
    let drafts = vec![template("L", "https://x.example/", Scope::Span).draft(); MAX_TEMPLATES + 1];
    assert!(check_all(&drafts).is_err());
}

#[test]
fn the_documented_examples_are_templates() {
    let readme = std::fs::read_to_string("docs/using.md").unwrap();
    let examples: Vec<&str> = readme
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("Logs  ")
                .or(l.trim().strip_prefix("Code  "))
        })
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(examples.len(), 2, "{examples:?}");
    let (t, _) = fixture("jaeger-checkout.json");
    let loki = template("Logs", examples[0], Scope::Span);
    let url = filled(&t, SpanIx(0), &loki).unwrap();
    assert!(url.contains("service_name%3D%5C%22frontend%5C%22"), "{url}");
    assert!(LinkTemplate::new("Code", examples[1], Scope::Span).is_ok());
}
