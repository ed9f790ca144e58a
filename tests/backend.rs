//! Opening a trace from a Jaeger or Tempo server: the addresses asked, the
//! base address as people type or paste it, the page address that links to
//! it, and what the user reads when it goes wrong.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model;
use trace_viewer::view_model::backend::{
    base_address, blocked_by_cors, check_json_start, mixed_content, not_found, trace_id,
    unreachable, BackendTrace,
};
use trace_viewer::view_model::route::Route;
use trace_viewer::view_model::url_state::PageState;

const ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn trace(base: &str, id: &str) -> BackendTrace {
    BackendTrace::new(base, id).unwrap_or_else(|e| panic!("{base} {id}: {e}"))
}

#[test]
fn jaeger_and_tempo_v1_first_then_tempo_v2() {
    let t = trace("http://localhost:16686", ID);
    assert_eq!(
        t.urls(),
        [
            format!("http://localhost:16686/api/traces/{ID}"),
            format!("http://localhost:16686/api/v2/traces/{ID}"),
        ]
    );
    assert_eq!(t.trace_hex, ID);
    assert_eq!(t.name(), format!("http://localhost:16686/api/traces/{ID}"));
}

#[test]
fn a_64_bit_id_is_asked_for_as_jaeger_prints_it_and_routed_padded() {
    let t = trace("http://jaeger:16686", "FD227E658F0E37DA");
    assert_eq!(t.trace_hex, "0000000000000000fd227e658f0e37da");
    assert_eq!(
        t.urls()[0],
        "http://jaeger:16686/api/traces/fd227e658f0e37da"
    );
    // Padded by hand, it is the same trace.
    assert_eq!(trace("http://jaeger:16686", &t.trace_hex), t);
}

#[test]
fn base_addresses_as_people_type_them() {
    for (typed, base) in [
        ("http://localhost:16686", "http://localhost:16686"),
        ("  http://localhost:16686/  ", "http://localhost:16686"),
        ("localhost:3200", "http://localhost:3200"),
        ("[::1]:16686", "http://[::1]:16686"),
        (
            "jaeger.internal:16686/jaeger",
            "http://jaeger.internal:16686/jaeger",
        ),
        ("tempo.internal", "http://tempo.internal"),
        (
            "https://ops.example.com/jaeger/",
            "https://ops.example.com/jaeger",
        ),
        (
            "https://ops.example.com/jaeger/search?service=cart",
            "https://ops.example.com/jaeger",
        ),
        ("http://tempo:3200/api/traces", "http://tempo:3200"),
        ("http://tempo:3200/api/v2/traces/", "http://tempo:3200"),
        // A same-origin proxy path.
        ("/jaeger", "/jaeger"),
        ("/", "/"),
        // A host that happens to be called "trace" is a host.
        ("http://trace/", "http://trace"),
        (
            "https://grafana.example.com/api/datasources/proxy/uid/tempo",
            "https://grafana.example.com/api/datasources/proxy/uid/tempo",
        ),
    ] {
        assert_eq!(base_address(typed), Ok((base.to_string(), None)), "{typed}");
    }
}

#[test]
fn a_pasted_trace_address_gives_its_base_and_id() {
    for (pasted, base) in [
        (
            "http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736",
            "http://localhost:16686",
        ),
        (
            "https://ops.example.com/jaeger/trace/4bf92f3577b34da6a3ce929d0e0e4736?uiFind=x",
            "https://ops.example.com/jaeger",
        ),
        (
            "http://tempo:3200/api/traces/4bf92f3577b34da6a3ce929d0e0e4736",
            "http://tempo:3200",
        ),
        (
            "http://tempo:3200/api/v2/traces/4bf92f3577b34da6a3ce929d0e0e4736",
            "http://tempo:3200",
        ),
    ] {
        assert_eq!(
            base_address(pasted),
            Ok((base.to_string(), Some(ID.to_string()))),
            "{pasted}"
        );
        // The id field may stay empty; a typed id wins.
        assert_eq!(trace(pasted, "").trace_hex, ID, "{pasted}");
        assert_eq!(trace(pasted, "abc").trace_hex, format!("{:0>32}", "abc"));
    }
}

#[test]
fn what_a_link_may_not_name_is_refused_before_anything_is_fetched() {
    for (bad, says) in [
        ("", "no address"),
        ("   ", "no address"),
        ("javascript:alert(1)", "only http:// and https://"),
        ("mailto:ops@example.com", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("http://user:secret@jaeger:16686", "user name or password"),
    ] {
        let message = BackendTrace::new(bad, ID).expect_err(bad);
        assert!(message.contains(says), "{bad}: {message}");
    }
}

#[test]
fn trace_ids_are_hex_up_to_32_digits() {
    assert!(trace_id(ID).is_ok());
    assert!(trace_id(" 463ac35c9f6413ad ").is_ok());
    for bad in [
        "",
        "xyz",
        "0000",
        &"a".repeat(33),
        "4bf92f35-77b3",
        "S/+u8w==",
    ] {
        let message = trace_id(bad).expect_err(bad);
        assert!(
            message.contains("trace id"),
            "{bad}: the message says what an id is: {message}"
        );
    }
}

#[test]
fn the_page_address_links_to_the_trace_and_reads_back() {
    let t = trace("http://jaeger.local:16686/jaeger", "463ac35c9f6413ad");
    let hash = t.hash();
    assert_eq!(
        hash,
        "#/trace/0000000000000000463ac35c9f6413ad?source=http%3A%2F%2Fjaeger.local%3A16686%2Fjaeger"
    );
    let Route::Trace(id) = Route::from_hash(&hash) else {
        panic!("{hash} is not a trace page");
    };
    let state = PageState::parse(hash.split_once('?').map_or("", |(_, p)| p));
    assert_eq!(
        BackendTrace::from_route(&id, state.source.as_deref()),
        Some(Ok(t))
    );
    // Without `source=`, nothing is fetched; a bad id in the route says so.
    assert_eq!(BackendTrace::from_route(&id, None), None);
    assert!(BackendTrace::from_route("nope", Some("http://x")).is_some_and(|r| r.is_err()));
}

#[test]
fn cors_says_which_origin_to_allow_in_jaeger_and_tempo_and_the_way_around() {
    let t = trace("http://127.0.0.1:9", ID);
    let [url, _] = t.urls();
    let message = blocked_by_cors(&t.base, &url, "https://viewer.example.com");
    for part in [
        "http://127.0.0.1:9",
        "CORS",
        "Access-Control-Allow-Origin: https://viewer.example.com",
        "--query.additional-headers \"Access-Control-Allow-Origin: https://viewer.example.com\"",
        "allowed_origins",
        "Tempo",
        "reverse proxy",
        "download http://127.0.0.1:9/api/traces/4bf92f3577b34da6a3ce929d0e0e4736 yourself and drop",
    ] {
        assert!(message.contains(part), "missing {part:?} in {message}");
    }
}

#[test]
fn unreachable_not_found_and_not_json_each_say_what_to_check() {
    let t = trace("http://jaeger:16686", "463ac35c9f6413ad");
    let [url, _] = t.urls();
    let gone = unreachable(&t.base, &url, "Failed to fetch");
    assert!(
        gone.contains("no answer from http://jaeger:16686"),
        "{gone}"
    );
    assert!(gone.contains("16686") && gone.contains("3200"), "{gone}");

    let missing = not_found(&t);
    assert!(
        missing.contains("trace 463ac35c9f6413ad was not found at http://jaeger:16686"),
        "{missing}"
    );
    assert!(
        missing.contains("/api/v2/traces/463ac35c9f6413ad"),
        "{missing}"
    );

    let url = "http://jaeger:16686/api/traces/463ac35c9f6413ad";
    assert_eq!(check_json_start(url, "  {\"data\":[]}"), Ok(()));
    assert_eq!(check_json_start(url, "\u{feff}[]"), Ok(()));
    let html = check_json_start(url, "<!DOCTYPE html>\n<html>").expect_err("html");
    assert!(
        html.contains("is not JSON (it starts with \"<!DOCTYPE html>\")"),
        "{html}"
    );
    assert!(check_json_start(url, "")
        .expect_err("empty")
        .contains("answered with nothing"));
}

#[test]
fn an_https_page_cannot_read_an_http_backend_elsewhere_than_this_machine() {
    let blocked = mixed_content("https:", "http:", "jaeger.internal").expect("blocked");
    assert!(
        blocked.contains("https://") && blocked.contains("jaeger.internal"),
        "{blocked}"
    );
    for (page, url, host) in [
        ("https:", "https:", "jaeger.internal"),
        ("http:", "http:", "jaeger.internal"),
        ("https:", "http:", "localhost"),
        ("https:", "http:", "127.0.0.1"),
        ("https:", "http:", "[::1]"),
    ] {
        assert_eq!(mixed_content(page, url, host), None, "{page} {url} {host}");
    }
}

/// What each API answers is read by the readers: Jaeger's `{"data":[…]}`,
/// Tempo v1's `{"batches":[…]}` and Tempo v2's `{"trace":{…}}` (with its
/// `status`) give the same trace.
#[test]
fn every_api_answer_reads_as_the_same_trace() {
    let span = r#"{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"GET /cart","startTimeUnixNano":"1000","endTimeUnixNano":"5000"}"#;
    let resource = format!(
        r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"cart"}}}}]}},"scopeSpans":[{{"spans":[{span}]}}]}}"#
    );
    let v1 = format!(r#"{{"batches":[{resource}]}}"#);
    let v2 = format!(r#"{{"trace":{{"resourceSpans":[{resource}]}},"status":"COMPLETE"}}"#);
    let jaeger = r#"{"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f067aa0ba902b7","operationName":"GET /cart","references":[],"startTime":1,"duration":4,"tags":[],"logs":[],"processID":"p1"}],"processes":{"p1":{"serviceName":"cart","tags":[]}}}],"total":0,"limit":0,"offset":0,"errors":null}"#;
    for (name, text) in [
        ("Tempo v1", v1.as_str()),
        ("Tempo v2", v2.as_str()),
        ("Jaeger", jaeger),
    ] {
        let loaded = model::load(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(loaded.traces.len(), 1, "{name}");
        let t = &loaded.traces[0];
        assert_eq!(t.id.to_hex(), ID, "{name}");
        assert_eq!(t.spans.len(), 1, "{name}");
    }
}
