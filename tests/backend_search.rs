//! Backend search: the addresses asked of Jaeger and Tempo, their answers
//! read into summaries, paging, and the login.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use trace_viewer::view_model::backend_answers::*;
use trace_viewer::view_model::backend_login::*;
use trace_viewer::view_model::backend_search::*;

const WINDOW: Window = Window {
    start_us: 1_700_000_000_000_000,
    end_us: 1_700_003_600_000_000,
};

#[test]
fn a_jaeger_search_names_every_field_as_jaegers_api_reads_it() {
    let search = JaegerSearch {
        service: String::from("front end"),
        operation: String::from("GET /cart"),
        tags: String::from("error=true \"http.url\"=\"/a b\""),
        min_duration: String::from("1.5s"),
        max_duration: String::from("250us"),
        limit: 20,
    };
    let url = search.url("http://j:16686/", WINDOW).expect("valid");
    assert_eq!(
        url,
        "http://j:16686/api/traces?service=front%20end&operation=GET%20%2Fcart\
         &tags=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22%2Fa%20b%22%7D\
         &minDuration=1500ms&maxDuration=250us\
         &start=1700000000000000&end=1700003600000000&limit=20"
    );
    assert_eq!(
        search.describe(),
        "front end, operation GET /cart, tags error=true \"http.url\"=\"/a b\", min 1.5s, max 250us"
    );
}

#[test]
fn a_jaeger_search_says_what_is_missing_or_wrong() {
    let mut search = JaegerSearch {
        limit: 20,
        ..JaegerSearch::default()
    };
    assert!(search
        .url("http://j", WINDOW)
        .unwrap_err()
        .contains("choose a service"));
    search.service = String::from("api");
    search.min_duration = String::from("fast");
    assert!(search
        .url("http://j", WINDOW)
        .unwrap_err()
        .contains("\"fast\" is not a duration"));
    search.min_duration.clear();
    search.tags = String::from("error");
    assert!(search
        .url("http://j", WINDOW)
        .unwrap_err()
        .contains("\"error\" is not a tag"));
    search.tags = String::from("a=\"b");
    assert!(search
        .url("http://j", WINDOW)
        .unwrap_err()
        .contains("not closed"));
    search.tags.clear();
    search.limit = 0;
    assert!(search
        .url("http://j", WINDOW)
        .unwrap_err()
        .contains("1 to 1500"));
    search.limit = 1;
    assert!(search.url("http://j", WINDOW).is_ok());
}

#[test]
fn a_tempo_search_sends_traceql_and_whole_seconds_around_the_window() {
    let search = TempoSearch {
        query: String::from("{ .http.status_code >= 500 }"),
        limit: 50,
    };
    let window = Window {
        start_us: 1_700_000_000_400_000,
        end_us: 1_700_000_100_400_000,
    };
    assert_eq!(
        search.url("http://t:3200", window).expect("valid"),
        "http://t:3200/api/search?q=%7B%20.http.status_code%20%3E%3D%20500%20%7D\
         &start=1700000000&end=1700000101&limit=50"
    );
    let every = TempoSearch {
        query: String::new(),
        limit: 20,
    };
    assert!(every
        .url("http://t", window)
        .expect("valid")
        .contains("q=%7B%7D&"));
}

#[test]
fn tempo_tag_pickers_write_traceql() {
    assert_eq!(
        add_condition("", "http.method", "GET"),
        "{ .http.method = \"GET\" }"
    );
    assert_eq!(
        add_condition("{}", "service.name", "a\"b"),
        "{ .service.name = \"a\\\"b\" }"
    );
    assert_eq!(
        add_condition("{ .a = 1 }", "name", "x"),
        "{ .a = 1 && name = \"x\" }"
    );
    assert_eq!(
        add_condition("{ .a = 1 } >> { .b = 2 }", "resource.x", "y"),
        "{ .a = 1 } >> { .b = 2 } && { resource.x = \"y\" }"
    );
    assert_eq!(
        tag_values_url("http://t/", "service.name"),
        "http://t/api/v2/search/tag/.service.name/values"
    );
    assert_eq!(
        operations_url("http://j", "a/b"),
        "http://j/api/services/a%2Fb/operations"
    );
}

#[test]
fn tempos_answer_is_read_with_what_it_leaves_out() {
    // As Tempo's /api/search answers (tempopb.SearchResponse in JSON):
    // ids without leading zeros, 64-bit numbers as text, a duration
    // under 1 ms left out, serviceStats only on newer versions.
    let answer = br#"{"traces":[
        {"traceID":"2f3e0cee77ae5dc9c17ade3689eb2e54","rootServiceName":"shop-backend",
         "rootTraceName":"update-billing","startTimeUnixNano":"1684778327699392724",
         "durationMs":557,"spanSets":[{"spans":[],"matched":1}],
         "serviceStats":{"shop-backend":{"spanCount":3,"errorCount":1},"db":{"spanCount":2}}},
        {"traceID":"abc","rootServiceName":"<root span not yet received>",
         "startTimeUnixNano":"1684778327000000000"}
    ],"metrics":{"inspectedBytes":"12","completedJobs":1,"totalJobs":1}}"#;
    let found = tempo_found(answer).expect("reads");
    assert_eq!(found.len(), 2);
    let first = &found[0];
    assert_eq!(first.trace_hex, "2f3e0cee77ae5dc9c17ade3689eb2e54");
    assert_eq!(first.root, "shop-backend: update-billing");
    assert_eq!(first.start_unix_nanos, 1_684_778_327_699_392_724);
    assert_eq!(first.duration_nanos, Some(557_000_000));
    assert_eq!(
        (first.span_count, first.service_count, first.error_count),
        (Some(5), Some(2), Some(1))
    );
    let second = &found[1];
    assert_eq!(second.trace_hex, "00000000000000000000000000000abc");
    assert_eq!(second.root, "<root span not yet received>");
    assert_eq!((second.duration_nanos, second.span_count), (Some(0), None));
    assert_eq!(
        tempo_found(br#"{"traces":[],"metrics":{}}"#),
        Ok(Vec::new())
    );
    assert_eq!(tempo_found(br#"{"metrics":{}}"#), Ok(Vec::new()));
    assert!(tempo_found(br#"{"traces":[{"traceID":"xyz"}]}"#).is_err());
}

#[test]
fn jaegers_answer_is_read_into_summaries_and_its_errors_into_words() {
    let answer = br#"{"data":[{"traceID":"00000000000000aa","spans":[
        {"traceID":"00000000000000aa","spanID":"0000000000000001","operationName":"GET /",
         "references":[],"startTime":1700000000000000,"duration":5000,"processID":"p1",
         "tags":[{"key":"error","type":"bool","value":true}]},
        {"traceID":"00000000000000aa","spanID":"0000000000000002","operationName":"SELECT",
         "references":[{"refType":"CHILD_OF","traceID":"00000000000000aa","spanID":"0000000000000001"}],
         "startTime":1700000000001000,"duration":1000,"processID":"p2","tags":[]}],
        "processes":{"p1":{"serviceName":"api","tags":[]},"p2":{"serviceName":"db","tags":[]}}}],
        "total":0,"limit":0,"offset":0,"errors":null}"#;
    let found = jaeger_found(answer).expect("reads");
    assert_eq!(
        found,
        vec![Found {
            trace_hex: String::from("000000000000000000000000000000aa"),
            root: String::from("api: GET /"),
            start_unix_nanos: 1_700_000_000_000_000_000,
            duration_nanos: Some(5_000_000),
            span_count: Some(2),
            service_count: Some(2),
            error_count: Some(1),
        }]
    );
    for empty in [
        &br#"{"data":null,"total":0}"#[..],
        br#"{"data":[],"errors":null}"#,
    ] {
        assert_eq!(jaeger_found(empty), Ok(Vec::new()));
    }
    let refused = br#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"parameter 'service' is required"}]}"#;
    assert_eq!(
        jaeger_found(refused),
        Err(String::from("Jaeger says: parameter 'service' is required"))
    );
    assert_eq!(
        server_said(std::str::from_utf8(refused).expect("utf-8")).as_deref(),
        Some("Jaeger says: parameter 'service' is required")
    );
    assert_eq!(
        server_said("invalid TraceQL query: parse error at line 1, col 3: syntax error\n")
            .as_deref(),
        Some("invalid TraceQL query: parse error at line 1, col 3: syntax error")
    );
    assert_eq!(server_said("<html>login</html>"), None);
}

#[test]
fn list_answers_of_both_backends_are_read() {
    assert_eq!(
        names(br#"{"data":["b","a","b"],"total":3,"limit":0,"offset":0,"errors":null}"#),
        Ok(vec![String::from("a"), String::from("b")])
    );
    assert_eq!(names(br#"{"data":null,"total":0}"#), Ok(Vec::new()));
    assert_eq!(
        names(br#"{"tagNames":["http.method","service.name"]}"#),
        Ok(vec![
            String::from("http.method"),
            String::from("service.name")
        ])
    );
    assert_eq!(
        names(br#"{"tagValues":[{"type":"string","value":"GET"},{"type":"string","value":"POST"}],"metrics":{}}"#),
        Ok(vec![String::from("GET"), String::from("POST")])
    );
    assert!(names(b"not json").is_err());
}

fn found(id: u32, start_s: u64) -> Found {
    Found {
        trace_hex: format!("{id:032x}"),
        root: String::from("a: b"),
        start_unix_nanos: start_s * 1_000_000_000,
        duration_nanos: None,
        span_count: None,
        service_count: None,
        error_count: None,
    }
}

#[test]
fn older_pages_move_the_end_back_and_stop_when_nothing_new_comes() {
    let window = Window {
        start_us: 100_000_000,
        end_us: 1_000_000_000,
    };
    let query = Query::Tempo(TempoSearch {
        query: String::new(),
        limit: 2,
    });
    let mut set = FoundSet::first(
        query,
        "http://t",
        window,
        vec![found(1, 900), found(2, 800)],
    );
    assert!(set.more);
    assert_eq!(
        set.older(),
        Some(Window {
            start_us: 100_000_000,
            end_us: 800_000_000
        })
    );
    // The oldest comes again at the page's edge and is not repeated.
    assert_eq!(set.add_page(vec![found(2, 800), found(3, 700)]), 1);
    assert_eq!(
        set.results
            .iter()
            .map(|f| f.start_unix_nanos / 1_000_000_000)
            .collect::<Vec<_>>(),
        vec![900, 800, 700]
    );
    assert!(set.more);
    assert_eq!(set.add_page(vec![found(3, 700)]), 0);
    assert!(!set.more);
    assert_eq!(set.older(), None);
    // A page shorter than the limit is the last.
    let query = Query::Jaeger(JaegerSearch {
        service: String::from("a"),
        limit: 20,
        ..JaegerSearch::default()
    });
    let short = FoundSet::first(query, "http://j", window, vec![found(1, 900)]);
    assert_eq!(short.older(), None);
}

#[test]
fn a_login_becomes_one_header_for_one_origin() {
    assert_eq!(auth_header(AuthKind::None, "", "x"), Ok(None));
    assert_eq!(
        auth_header(AuthKind::Bearer, "", " Bearer abc.def "),
        Ok(Some(String::from("Bearer abc.def")))
    );
    assert!(auth_header(AuthKind::Bearer, "", "a\r\nX-Evil: 1").is_err());
    assert!(auth_header(AuthKind::Bearer, "", " ").is_err());
    // RFC 7617's own example.
    assert_eq!(
        auth_header(AuthKind::Basic, "Aladdin", "open sesame"),
        Ok(Some(String::from("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")))
    );
    assert!(auth_header(AuthKind::Basic, "a:b", "c").is_err());
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
    ] {
        assert_eq!(base64(bytes), text);
    }
    let kept = stored_auth("http://127.0.0.1:9000", "Bearer t");
    assert_eq!(
        auth_for(&kept, "http://127.0.0.1:9000").as_deref(),
        Some("Bearer t")
    );
    assert_eq!(auth_for(&kept, "http://127.0.0.1:9001"), None);
    assert_eq!(auth_for(&kept, "http://evil"), None);
    assert_eq!(auth_for("null\nBearer t", "null"), None);
    assert_eq!(auth_origin(&kept), Some("http://127.0.0.1:9000"));
    assert_eq!(AuthKind::from_name("basic"), AuthKind::Basic);
    assert_eq!(AuthKind::from_name("??"), AuthKind::None);
}

#[test]
fn failures_explain_the_login() {
    let asked = failed(
        "http://j/api/traces?service=a",
        401,
        "Unauthorized",
        None,
        false,
    );
    assert!(asked.contains("401"), "{asked}");
    assert!(asked.contains("wants a login"), "{asked}");
    assert!(failed("u", 403, "", None, true).contains("refused the login"));
    let said = failed(
        "u",
        400,
        "Bad Request",
        Some("invalid TraceQL query"),
        false,
    );
    assert!(said.contains("invalid TraceQL query."), "{said}");
}

#[test]
fn the_kind_is_guessed_from_the_address() {
    assert_eq!(
        BackendKind::guess("http://localhost:3200"),
        BackendKind::Tempo
    );
    assert_eq!(
        BackendKind::guess("https://tempo.example.com"),
        BackendKind::Tempo
    );
    assert_eq!(
        BackendKind::guess("http://localhost:16686"),
        BackendKind::Jaeger
    );
}

/// Jaeger query-API files: the fixtures, and (where `../shared` is) the
/// real ones of the corpus.
fn jaeger_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = [
        "jaeger-checkout.json",
        "jaeger-clock-skew.json",
        "jaeger-error-logs.json",
    ]
    .iter()
    .map(|f| root.join("tests/fixtures").join(f))
    .collect();
    files.push(root.join("examples/checkout-jaeger.json"));
    let corpus = root.join("../shared/corpus/public");
    for name in [
        "jaeger-query-api-CroixANI.json",
        "jaeger-query-response-otlp2jaeger-out.json",
        "jaeger-data-buildx-fixture-jaeger.json",
    ] {
        if corpus.join(name).exists() {
            files.push(corpus.join(name));
        }
    }
    files
}

#[test]
fn jaegers_summaries_agree_with_the_model_on_every_jaeger_file() {
    // The page reads a search's answer without the readers; what it says of
    // each trace must be what the model says once the trace is fetched.
    for path in jaeger_files() {
        let bytes = std::fs::read(&path).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        if json.get("data").is_none() {
            continue; // a bare trace, not a search's answer
        }
        let summaries = jaeger_found(&bytes).unwrap();
        let model = trace_viewer::model::load(&bytes).unwrap();
        assert_eq!(summaries.len(), model.traces.len(), "{}", path.display());
        for t in &model.traces {
            let s = summaries
                .iter()
                .find(|s| s.trace_hex == t.id.to_hex())
                .unwrap_or_else(|| panic!("{}: no summary of {}", path.display(), t.id.to_hex()));
            let what = format!("{} {}", path.display(), s.trace_hex);
            assert_eq!(s.root, t.name(), "{what}");
            assert_eq!(s.start_unix_nanos, t.start_unix_nanos, "{what}");
            assert_eq!(s.duration_nanos, Some(t.duration_nanos()), "{what}");
            assert_eq!(s.span_count, Some(t.spans.len() as u64), "{what}");
            assert_eq!(s.service_count, Some(t.services.len() as u64), "{what}");
            assert_eq!(s.error_count, Some(u64::from(t.error_count)), "{what}");
        }
    }
}

#[test]
fn a_404_for_a_list_suggests_the_other_api() {
    let jaeger = failed("http://t:3201/api/services", 404, "Not Found", None, false);
    assert!(jaeger.contains("Is this Tempo?"), "{jaeger}");
    let tempo = failed("http://j/api/search/tags", 404, "Not Found", None, false);
    assert!(tempo.contains("Is this Jaeger?"), "{tempo}");
}
