//! Canonical / alternative pairs: each quirk a producer writes must build the
//! same trace as the canonical spelling (ids, tree, times, kinds, status,
//! attributes with their types).
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::formats::otlp_keys::{RESOURCE_SPANS, SCOPE_SPANS};
use trace_viewer::model::{load, Loaded};

/// The trace, span by span, with typed attributes.
fn shape(l: &Loaded) -> Vec<String> {
    let mut out = Vec::new();
    for t in &l.traces {
        out.push(format!(
            "trace {} spans={} depth={} errors={}",
            t.id,
            t.spans.len(),
            t.depth,
            t.error_count
        ));
        for s in &t.spans {
            let attrs: Vec<String> = t
                .pools
                .attrs(s.raw.attrs)
                .iter()
                .map(|a| {
                    format!(
                        "{}:{}={}",
                        t.str(a.key),
                        a.value.type_name(),
                        t.pools.value_text(&a.value)
                    )
                })
                .collect();
            let resource = t
                .pools
                .resources
                .get(s.raw.resource as usize)
                .map(|r| t.pools.attrs(r.attrs).len());
            out.push(format!(
                "{} parent={:?} {}:{} {:?} {:?} start={} dur={} attrs={attrs:?} resource_attrs={resource:?}",
                s.raw.span_id,
                s.raw.parent_id,
                t.str(s.raw.service),
                t.str(s.raw.name),
                s.raw.kind,
                s.raw.status,
                s.raw.start_unix_nanos,
                s.raw.duration_nanos,
            ));
        }
    }
    out
}

/// Each span's instrumentation scope, `name@version`.
fn scopes(l: &Loaded) -> Vec<String> {
    let mut out = Vec::new();
    for t in &l.traces {
        for s in &t.spans {
            let scope = t.pools.scopes.get(s.raw.scope as usize);
            out.push(scope.map_or(String::from("-"), |sc| {
                format!("{}@{}", t.str(sc.name), t.str(sc.version))
            }));
        }
    }
    out
}

fn same(canonical: &str, alternatives: &[(&str, String)]) {
    let want = shape(&load(canonical.as_bytes()).unwrap_or_else(|e| panic!("canonical: {e}")));
    for (name, alt) in alternatives {
        let got = load(alt.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{alt}"));
        assert_eq!(shape(&got), want, "{name}");
    }
}

const RESOURCE: &str = r#"{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]}"#;

fn otlp_spans() -> String {
    String::from(
        r#"[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"","name":"GET /","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[{"key":"n","value":{"intValue":"7"}},{"key":"ok","value":{"boolValue":true}},{"key":"r","value":{"doubleValue":0.5}},{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"2"}]}}},{"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}}]}}},{"key":"raw","value":{"bytesValue":"AAE="}},{"key":"none","value":{}}],"status":{"code":0}},
{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173","parentSpanId":"eee19b7ec3c1b174","name":"query","kind":3,"startTimeUnixNano":"1544712660100000000","endTimeUnixNano":"1544712660900000000","status":{"code":2,"message":"boom"}}]"#,
    )
}

fn otlp_canonical() -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{RESOURCE},"scopeSpans":[{{"scope":{{"name":"lib","version":"1"}},"spans":{}}}]}}]}}"#,
        otlp_spans()
    )
}

#[test]
fn otlp_id_spellings() {
    let c = otlp_canonical();
    same(
        &c,
        &[
            (
                "upper-case hex",
                c.replace(
                    "5b8efff798038103d269b633813fc60c",
                    "5B8EFFF798038103D269B633813FC60C",
                )
                .replace("eee19b7ec3c1b17", "EEE19B7EC3C1B17"),
            ),
            (
                "0x prefix",
                c.replace("\"5b8e", "\"0x5b8e")
                    .replace("\"eee1", "\"0xeee1"),
            ),
            (
                "base64",
                c.replace(
                    "5b8efff798038103d269b633813fc60c",
                    "W47/95gDgQPSabYzgT/GDA==",
                )
                .replace("eee19b7ec3c1b174", "7uGbfsPBsXQ=")
                .replace("eee19b7ec3c1b173", "7uGbfsPBsXM="),
            ),
            (
                "base64 of the hex text",
                c.replace(
                    "5b8efff798038103d269b633813fc60c",
                    "NWI4ZWZmZjc5ODAzODEwM2QyNjliNjMzODEzZmM2MGM=",
                )
                .replace("eee19b7ec3c1b174", "ZWVlMTliN2VjM2MxYjE3NA==")
                .replace("eee19b7ec3c1b173", "ZWVlMTliN2VjM2MxYjE3Mw=="),
            ),
            (
                "root parent omitted",
                c.replace(r#""parentSpanId":"","#, ""),
            ),
            (
                "root parent all zeros",
                c.replace(
                    r#""parentSpanId":"""#,
                    r#""parentSpanId":"0000000000000000""#,
                ),
            ),
        ],
    );
}

#[test]
fn otlp_enum_number_and_key_spellings() {
    let c = otlp_canonical();
    same(
        &c,
        &[
            (
                "enum names",
                c.replace(r#""kind":2"#, r#""kind":"SPAN_KIND_SERVER""#)
                    .replace(r#""kind":3"#, r#""kind":"SPAN_KIND_CLIENT""#)
                    .replace(r#""code":0"#, r#""code":"STATUS_CODE_UNSET""#)
                    .replace(r#""code":2"#, r#""code":"STATUS_CODE_ERROR""#),
            ),
            (
                "nanos as numbers",
                c.replace(
                    r#"Nano":"1544712660000000000""#,
                    r#"Nano":1544712660000000000"#,
                )
                .replace(
                    r#"Nano":"1544712661000000000""#,
                    r#"Nano":1544712661000000000"#,
                ),
            ),
            (
                "nanos as {low, high}",
                // 1544712660000000000 = 0x156FD_A1D8_89A0_D800 → high 359_677_412, low 1_939_871_744 (as i32: -…)
                c.replace(
                    r#""1544712660000000000""#,
                    &format!(
                        r#"{{"low":{},"high":{}}}"#,
                        1544712660000000000u64 as u32 as i32,
                        (1544712660000000000u64 >> 32) as i32
                    ),
                ),
            ),
            (
                "intValue as number",
                c.replace(r#"{"intValue":"7"}"#, r#"{"intValue":7}"#),
            ),
            (
                "doubleValue as string",
                c.replace(r#"{"doubleValue":0.5}"#, r#"{"doubleValue":"0.5"}"#),
            ),
            (
                "snake_case keys",
                c.replace("resourceSpans", "resource_spans")
                    .replace("scopeSpans", "scope_spans")
                    .replace("traceId", "trace_id")
                    .replace("spanId", "span_id")
                    .replace("parentSpanId", "parent_span_id")
                    .replace("parentspan_id", "parent_span_id")
                    .replace("startTimeUnixNano", "start_time_unix_nano")
                    .replace("endTimeUnixNano", "end_time_unix_nano")
                    .replace("stringValue", "string_value")
                    .replace("intValue", "int_value"),
            ),
            (
                "instrumentationLibrarySpans",
                c.replace("scopeSpans", "instrumentationLibrarySpans")
                    .replace(r#""scope":"#, r#""instrumentationLibrary":"#),
            ),
        ],
    );
}

/// Each spelling of OTLP's container keys in `otlp_keys` (the table the
/// scans use) is read as the canonical one: as a document, as a stream of
/// documents one per line, and as a bare resource group per line. The
/// readers' serde attributes spell them out again; this keeps both alike.
#[test]
fn every_spelling_in_the_otlp_key_table_reads_the_same() {
    let c = otlp_canonical();
    let mut alternatives = Vec::new();
    for rs in RESOURCE_SPANS {
        for ss in SCOPE_SPANS {
            let doc = c.replace("resourceSpans", rs).replace("scopeSpans", ss);
            alternatives.push((format!("{rs} + {ss}, one line"), format!("{doc}\n{doc}\n")));
            alternatives.push((format!("{rs} + {ss}"), doc));
        }
    }
    for ss in SCOPE_SPANS {
        let bare = format!(
            r#"{{"resource":{RESOURCE},"{ss}":[{{"scope":{{"name":"lib","version":"1"}},"spans":{}}}]}}"#,
            otlp_spans().replace('\n', "")
        );
        alternatives.push((
            format!("{ss}, a resource group per line"),
            format!("{bare}\n{bare}\n"),
        ));
    }
    let named: Vec<(&str, String)> = alternatives
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    same(&c, &named);
}

#[test]
fn otlp_wrappers_and_framings() {
    let c = otlp_canonical();
    let rs = format!(
        r#"{{"resource":{RESOURCE},"scopeSpans":[{{"scope":{{"name":"lib","version":"1"}},"spans":{}}}]}}"#,
        otlp_spans()
    );
    let spans: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&otlp_spans())
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect();
    let line = |span: &str| {
        format!(
            r#"{{"resourceSpans":[{{"resource":{RESOURCE},"scopeSpans":[{{"scope":{{"name":"lib","version":"1"}},"spans":[{span}]}}]}}]}}"#
        )
    };
    same(
        &c,
        &[
            (
                "Tempo v1 batches",
                c.replacen("resourceSpans", "batches", 1),
            ),
            ("Tempo v2 trace", format!(r#"{{"trace":{c}}}"#)),
            ("Jaeger api_v3 result", format!(r#"{{"result":{c}}}"#)),
            (
                "JSON Lines, one span per line",
                format!("{}\n{}\n", line(&spans[1]), line(&spans[0])),
            ),
            (
                "JSON Lines with a log line",
                format!("{{\"resourceLogs\":[]}}\n{c}\n"),
            ),
            ("Java logging-otlp bare ResourceSpans", format!("{rs}\n")),
            (
                "pretty-printed and concatenated",
                format!(
                    "{}\n\n{}",
                    line(&spans[0]).replace(",", ",\n  "),
                    line(&spans[1]).replace(",", ",\n  ")
                ),
            ),
        ],
    );
}

#[test]
fn otlp_key_order_is_free() {
    // A resource after its scopes and a scope after its spans (JSON key
    // order is free): the spans still get their service, resource and scope.
    let c = otlp_canonical();
    let late = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":{},"scope":{{"name":"lib","version":"1"}}}}],"resource":{RESOURCE}}}]}}"#,
        otlp_spans()
    );
    // Two resources, the second's spans first: each keeps its own.
    let two = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[]}}],"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"other"}}}}]}}}},{{"scopeSpans":[{{"spans":{},"scope":{{"name":"lib","version":"1"}}}}],"resource":{RESOURCE}}}]}}"#,
        otlp_spans()
    );
    same(
        &c,
        &[
            ("resource and scope last", late.clone()),
            ("a second resource, keys reversed", two.clone()),
        ],
    );
    for alt in [&c, &late, &two] {
        assert_eq!(
            scopes(&load(alt.as_bytes()).unwrap()),
            ["lib@1", "lib@1"],
            "{alt}"
        );
    }
}

/// The JSON files of the fixtures and of the shared corpus (when it is
/// there) that `pick` keeps, as (path, the text `pick` returns).
fn json_documents(
    pick: impl Fn(&str, &serde_json::Value) -> Option<String>,
) -> Vec<(String, String)> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dirs = [
        root.join("tests/fixtures"),
        root.join("tests/fixtures/same-trace"),
        root.join("../shared/corpus/public"),
    ];
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            if let Some(kept) = pick(&text, &value) {
                out.push((entry.path().display().to_string(), kept));
            }
        }
    }
    out
}

/// Files whose top level is `{"resourceSpans": …}`, as they are.
fn otlp_documents() -> Vec<(String, String)> {
    json_documents(|text, value| {
        let top = value.as_object()?;
        (top.contains_key("resourceSpans") || top.contains_key("resource_spans"))
            .then(|| text.to_owned())
    })
}

#[test]
fn otlp_streamed_reader_agrees_with_the_typed_one() {
    // A top-level `resourceSpans` is read span by span as it streams by;
    // inside Jaeger api_v3's `{"result": …}` the same document goes through
    // the typed reader, which builds the whole tree first. Both must build
    // the same spans, services, scopes and typed attributes.
    let files = otlp_documents();
    assert!(
        files.len() >= 2,
        "the project's own OTLP fixtures are there"
    );
    for (name, text) in files {
        let streamed = load(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let typed = load(format!(r#"{{"result":{text}}}"#).as_bytes())
            .unwrap_or_else(|e| panic!("{name} wrapped: {e}"));
        assert!(!streamed.traces.is_empty(), "{name}");
        assert_eq!(shape(&streamed), shape(&typed), "{name}");
        assert_eq!(scopes(&streamed), scopes(&typed), "{name}");
    }
}

const JAEGER_SPANS: &str = r#"[{"traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b174","operationName":"GET /","references":[],"startTime":1544712660000000,"duration":1000000,"tags":[{"key":"span.kind","type":"string","value":"server"},{"key":"big","type":"int64","value":9007199254740993},{"key":"ok","type":"bool","value":true},{"key":"r","type":"float64","value":0.5},{"key":"blob","type":"binary","value":"AAE="}],"processID":"p1"},
{"traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b173","operationName":"query","references":[{"refType":"CHILD_OF","traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b174"}],"startTime":1544712660100000,"duration":800000,"tags":[{"key":"error","type":"bool","value":true}],"processID":"p1"}]"#;

#[test]
fn jaeger_spellings() {
    let processes =
        r#"{"p1":{"serviceName":"shop","tags":[{"key":"host","type":"string","value":"h1"}]}}"#;
    let c = format!(
        r#"{{"data":[{{"traceID":"d269b633813fc60c","spans":{JAEGER_SPANS},"processes":{processes}}}]}}"#
    );
    let embedded = JAEGER_SPANS
        .replace(r#""processID":"p1""#, r#""process":{"serviceName":"shop","tags":[{"key":"host","type":"string","value":"h1"}]}"#)
        .replace(r#""value":9007199254740993"#, r#""value":"9007199254740993""#)
        .replace(r#""value":true"#, r#""value":"true""#)
        .replace(r#""value":0.5"#, r#""value":"0.5""#);
    same(
        &c,
        &[
            ("bare trace", format!(r#"{{"traceID":"d269b633813fc60c","spans":{JAEGER_SPANS},"processes":{processes}}}"#)),
            ("storage form: embedded process, values as strings", format!(r#"{{"data":[{{"traceID":"d269b633813fc60c","spans":{embedded},"processes":{{}}}}]}}"#)),
            ("32-hex trace ids", c.replace("\"d269b633813fc60c\"", "\"0000000000000000d269b633813fc60c\"")),
            ("deprecated parentSpanID", c.replace(r#""references":[{"refType":"CHILD_OF","traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b174"}]"#, r#""parentSpanID":"eee19b7ec3c1b174""#)),
            (
                "tags the OTLP translator adds",
                c.replace(
                    r#"{"key":"error","type":"bool","value":true}"#,
                    r#"{"key":"error","type":"bool","value":true},{"key":"otel.status_code","type":"string","value":"ERROR"},{"key":"otel.status_description","type":"string","value":"boom"},{"key":"otel.scope.name","type":"string","value":"lib"}"#,
                )
                .replace(r#"{"key":"ok","type":"bool","value":true}"#, r#"{"key":"ok","type":"bool","value":true},{"key":"w3c.tracestate","type":"string","value":"k=v"}"#),
            ),
        ],
    );
}

#[test]
fn zipkin_spellings() {
    let spans = r#"[{"traceId":"d269b633813fc60c","id":"eee19b7ec3c1b174","name":"get /","kind":"SERVER","timestamp":1544712660000000,"duration":1000000,"localEndpoint":{"serviceName":"shop"},"tags":{"http.path":"/"}},
{"traceId":"d269b633813fc60c","parentId":"eee19b7ec3c1b174","id":"eee19b7ec3c1b173","name":"query","kind":"CLIENT","timestamp":1544712660100000,"duration":800000,"localEndpoint":{"serviceName":"shop"},"tags":{"error":"boom"}}]"#;
    same(
        spans,
        &[
            ("/api/v2/traces list of lists", format!("[{spans}]")),
            (
                "32-hex trace ids",
                spans.replace(
                    "\"d269b633813fc60c\"",
                    "\"0000000000000000d269b633813fc60c\"",
                ),
            ),
        ],
    );
}

#[test]
fn python_and_go_spellings() {
    let py = r#"{"name":"GET /","context":{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0xeee19b7ec3c1b174","trace_state":"[]"},"kind":"SpanKind.SERVER","parent_id":null,"start_time":"2018-12-13T14:51:00.000000Z","end_time":"2018-12-13T14:51:01.000000Z","status":{"status_code":"UNSET"},"attributes":{"n":7},"events":[],"links":[],"resource":{"attributes":{"service.name":"shop"},"schema_url":""}}"#;
    same(
        py,
        &[
            (
                "old flat resource",
                py.replace(
                    r#"{"attributes":{"service.name":"shop"},"schema_url":""}"#,
                    r#"{"service.name":"shop"}"#,
                ),
            ),
            (
                "offset time",
                py.replace("14:51:00.000000Z", "16:51:00.000000+02:00"),
            ),
        ],
    );
    let go = r#"{"Name":"GET /","SpanContext":{"TraceID":"5b8efff798038103d269b633813fc60c","SpanID":"eee19b7ec3c1b174","TraceFlags":"01"},"Parent":{"TraceID":"00000000000000000000000000000000","SpanID":"0000000000000000"},"SpanKind":2,"StartTime":"2018-12-13T14:51:00Z","EndTime":"2018-12-13T14:51:01Z","Attributes":[{"Key":"n","Value":{"Type":"INT64","Value":7}}],"Status":{"Code":"Unset"},"Resource":[{"Key":"service.name","Value":{"Type":"STRING","Value":"shop"}}]}"#;
    same(
        go,
        &[
            ("array", format!("[{go}]")),
            ("pretty-printed", go.replace(",", ",\n    ")),
        ],
    );
}

/// Jaeger `{"data": […]}` files under a megabyte, minified onto one line.
fn jaeger_documents() -> Vec<(String, String)> {
    json_documents(|text, value| {
        (value.get("data").is_some_and(|d| d.is_array()) && text.len() < 1 << 20)
            .then(|| value.to_string())
    })
}

#[test]
fn jaeger_streamed_reader_agrees_with_the_typed_one() {
    // One line with no newline is one document: its traces are read span by
    // span. The same line ending in a newline reads as JSON Lines of small
    // values: each read whole by the typed reader. Both must build the same.
    let files = jaeger_documents();
    assert!(
        files.len() >= 2,
        "the project's own Jaeger fixtures are there"
    );
    for (name, line) in files {
        let streamed = load(line.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let typed = load(format!("{line}\n").as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!streamed.traces.is_empty(), "{name}");
        assert_eq!(shape(&streamed), shape(&typed), "{name}");
        assert_eq!(scopes(&streamed), scopes(&typed), "{name}");
    }
}

#[test]
fn jaeger_processes_belong_to_their_trace_and_may_come_first() {
    let span = |trace: &str, id: &str, p: &str| {
        format!(
            r#"{{"traceID":"{trace}","spanID":"{id}","operationName":"op","references":[],"startTime":1544712660000000,"duration":1000,"processID":"{p}"}}"#
        )
    };
    let processes = |svc: &str| {
        format!(r#"{{"p1":{{"serviceName":"{svc}"}},"p2":{{"serviceName":"{svc}-db"}}}}"#)
    };
    // Both traces call their processes p1 and p2; the second lists them first.
    let first = format!(
        r#"{{"traceID":"00000000000000a1","spans":[{},{}],"processes":{}}}"#,
        span("00000000000000a1", "0000000000000001", "p2"),
        span("00000000000000a1", "0000000000000002", "p1"),
        processes("shop")
    );
    let second = format!(
        r#"{{"processes":{},"traceID":"00000000000000a2","spans":[{}]}}"#,
        processes("bank"),
        span("00000000000000a2", "0000000000000003", "p1")
    );
    let text = format!(r#"{{"data":[{first},{second}]}}"#);
    for (how, text) in [
        ("span by span", text.clone()),
        ("typed", format!("{text}\n")),
    ] {
        let loaded = load(text.as_bytes()).unwrap_or_else(|e| panic!("{how}: {e}"));
        let services: Vec<Vec<&str>> = loaded
            .traces
            .iter()
            .map(|t| t.spans.iter().map(|s| t.str(s.raw.service)).collect())
            .collect();
        assert_eq!(services, [vec!["shop-db", "shop"], vec!["bank"]], "{how}");
    }
}

/// An empty status description or trace state is no description or trace
/// state, in Jaeger's tags as in the OTLP-shaped readers: the span detail
/// shows no empty "Status message" row.
#[test]
fn empty_status_description_and_trace_state_are_absent() {
    let text = r#"{"data":[{"traceID":"d269b633813fc60c","processes":{"p1":{"serviceName":"shop"}},"spans":[{"traceID":"d269b633813fc60c","spanID":"eee19b7ec3c1b174","operationName":"GET /","startTime":1544712660000000,"duration":1000,"processID":"p1","tags":[{"key":"otel.status_code","type":"string","value":"ERROR"},{"key":"otel.status_description","type":"string","value":""},{"key":"w3c.tracestate","type":"string","value":""}]}]}]}"#;
    let loaded = load(text.as_bytes()).unwrap();
    let span = &loaded.traces[0].spans[0];
    assert_eq!(span.raw.status, trace_viewer::model::StatusCode::Error);
    assert_eq!(span.raw.status_message, None);
    assert_eq!(span.raw.trace_state, None);
}
