//! Log files as the page loads them: detected from content beside the trace
//! dialects, sent from the worker unchanged, attached to a trace's spans
//! (checked against a brute force), and found with `log~`.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::logs::{LogFile, TraceLogs};
use trace_viewer::model::search::Query;
use trace_viewer::model::wire::Reply;
use trace_viewer::model::{load, Format, Loaded, SpanIx, Trace};

/// Trace and span ids of tests/fixtures/jaeger-checkout.json.
const CHECKOUT: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const GET_CART: &str = "00f067aa0ba902b5";

fn checkout() -> Trace {
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").unwrap();
    load(&bytes).unwrap().traces.remove(0)
}

fn span_of(t: &Trace, hex: &str) -> SpanIx {
    let i = t.spans.iter().position(|s| s.raw.span_id.to_hex() == hex);
    SpanIx::at(i.expect("span in the fixture"))
}

/// Every span id of the checkout trace, for logs spread over all of them.
fn span_ids(t: &Trace) -> Vec<String> {
    t.spans.iter().map(|s| s.raw.span_id.to_hex()).collect()
}

fn otlp_logs(t: &Trace) -> String {
    let records: Vec<String> = span_ids(t)
        .iter()
        .enumerate()
        .map(|(i, span)| {
            let time = t.start_unix_nanos + (t.spans.len() - i) as u64 * 1_000;
            let body = if i % 2 == 0 { "cache miss" } else { "upstream timeout after 3 tries" };
            format!(
                r#"{{"timeUnixNano":"{time}","severityText":"WARN","traceId":"{CHECKOUT}","spanId":"{span}","body":{{"stringValue":"{body} #{i}"}}}}"#
            )
        })
        .chain([format!(
            r#"{{"timeUnixNano":"{}","severityNumber":17,"traceId":"{CHECKOUT}","body":{{"stringValue":"trace-level timeout"}}}}"#,
            t.start_unix_nanos
        )])
        .collect();
    format!(
        r#"{{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"cart"}}}}]}},"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#,
        records.join(",")
    )
}

fn send(loaded: Loaded) -> Loaded {
    match Reply::decode(&Reply::Loaded { job: 1, loaded }.encode()) {
        Ok(Reply::Loaded { loaded, .. }) => loaded,
        other => panic!("expected the model back, got {other:?}"),
    }
}

#[test]
fn each_log_format_loads_as_a_file_of_records_without_spans() {
    let t = checkout();
    let loki = format!(
        r#"{{"status":"success","data":{{"resultType":"streams","result":[{{"stream":{{"service_name":"cart","level":"warn"}},"values":[["1700000000050000000","traceID={CHECKOUT} spanID={GET_CART} slow"]]}}]}}}}"#
    );
    let app = format!(
        "{{\"time\":\"2023-11-14T22:13:20.050Z\",\"level\":\"error\",\"msg\":\"cart timeout\",\"trace_id\":\"{CHECKOUT}\",\"span_id\":\"{GET_CART}\"}}\nnot json\n"
    );
    let cases = [
        (otlp_logs(&t), Format::OtlpLogs, t.spans.len() + 1),
        (loki, Format::LokiLogs, 1),
        (app, Format::AppLogs, 1),
    ];
    for (text, format, records) in cases {
        let loaded = load(text.as_bytes()).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(loaded.format, format);
        assert!(format.is_logs());
        assert!(loaded.traces.is_empty(), "{format:?}");
        let logs = loaded.logs.as_ref().expect("records");
        assert_eq!(logs.records.len(), records, "{format:?}");
        // Sent from the worker, the records and their pools arrive the same.
        let copy = send(loaded.clone());
        let (a, b) = (loaded.logs.unwrap(), copy.logs.unwrap());
        assert_eq!(a.records, b.records, "{format:?}");
        assert_eq!(a.pools.text.as_str(), b.pools.text.as_str());
        assert_eq!(a.pools.attrs, b.pools.attrs);
        assert_eq!(copy.format, format);
    }
}

#[test]
fn a_trace_file_has_no_logs_and_a_file_of_neither_still_says_why() {
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").unwrap();
    assert!(load(&bytes).unwrap().logs.is_none());
    let err = load(br#"{"hello":"world"}"#).unwrap_err().to_string();
    assert!(!err.is_empty());
    assert!(load(b"[1,2,3]").is_err());
}

#[test]
fn the_collector_file_brings_its_traces_and_its_log_lines_together() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../shared/corpus/public/otelcol-fileexporter-mixed-signals-otel-tui-test_data.jsonl",
    );
    let Ok(bytes) = std::fs::read(&path) else {
        println!(
            "skipping: no corpus at {} (it lives beside the project on CI)",
            path.display()
        );
        return;
    };
    let loaded = send(load(&bytes).unwrap());
    assert_eq!(loaded.format, Format::Otlp);
    let logs = loaded.logs.expect("the log lines");
    assert_eq!(logs.records.len(), 23);
    let file = LogFile::new("mixed.jsonl", logs);
    let attached: usize = loaded
        .traces
        .iter()
        .map(|t| TraceLogs::new(t, &[&file]).len())
        .sum();
    assert_eq!(attached, 13);
}

/// Brute force: every record of every file against every span.
fn brute(t: &Trace, files: &[&LogFile]) -> Vec<(u64, u32, u32, Option<SpanIx>)> {
    let mut out = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for (r, rec) in file.logs.records.iter().enumerate() {
            if rec.trace_id != Some(t.id) {
                continue;
            }
            let span = (0..t.spans.len())
                .find(|&s| Some(t.spans[s].raw.span_id) == rec.span_id)
                .map(SpanIx::at);
            out.push((rec.time_unix_nanos, f as u32, r as u32, span));
        }
    }
    out.sort();
    out
}

#[test]
fn a_traces_logs_come_from_every_file_by_time_each_on_its_span() {
    let t = checkout();
    let first = LogFile::new(
        "a.json",
        load(otlp_logs(&t).as_bytes()).unwrap().logs.unwrap(),
    );
    let app = format!(
        "{{\"time\":{},\"msg\":\"second file\",\"trace_id\":\"{CHECKOUT}\",\"span_id\":\"{GET_CART}\"}}\n{{\"time\":{},\"msg\":\"elsewhere\",\"trace_id\":\"11111111111111111111111111111111\"}}\n",
        t.start_unix_nanos + 1_500,
        t.start_unix_nanos
    );
    let second = LogFile::new("b.log", load(app.as_bytes()).unwrap().logs.unwrap());
    let files = [&first, &second];
    let logs = TraceLogs::new(&t, &files);
    let got: Vec<(u64, u32, u32, Option<SpanIx>)> = logs
        .entries
        .iter()
        .map(|e| (e.time_unix_nanos, e.file, e.record, e.span))
        .collect();
    assert_eq!(got, brute(&t, &files));
    assert_eq!(logs.len(), t.spans.len() + 2);
    // Each span's own records, by time; the trace-level one is on none.
    let counts = logs.counts(t.spans.len());
    for ix in (0..t.spans.len()).map(SpanIx::at) {
        let mine: Vec<_> = logs.of_span(ix).collect();
        let want = got.iter().filter(|g| g.3 == Some(ix)).count();
        assert_eq!(mine.len(), want, "span {ix:?}");
        assert_eq!(counts[ix.get()] as usize, want);
        assert!(mine
            .windows(2)
            .all(|w| w[0].time_unix_nanos <= w[1].time_unix_nanos));
    }
    let cart = span_of(&t, GET_CART);
    assert_eq!(logs.of_span(cart).count(), 2, "one from each file");
    assert_eq!(logs.entries.iter().filter(|e| e.span.is_none()).count(), 1);
}

#[test]
fn find_log_matches_spans_whose_log_bodies_match() {
    let t = checkout();
    let file = LogFile::new(
        "a.json",
        load(otlp_logs(&t).as_bytes()).unwrap().logs.unwrap(),
    );
    let logs = TraceLogs::new(&t, &[&file]);
    let brute = |test: &dyn Fn(&str) -> bool| -> Vec<SpanIx> {
        let mut spans: Vec<SpanIx> = logs
            .entries
            .iter()
            .filter(|e| {
                let rec = &file.logs.records[e.record as usize];
                test(&file.body(rec))
            })
            .filter_map(|e| e.span)
            .collect();
        spans.sort();
        spans.dedup();
        spans
    };
    let find = |q: &str| {
        Query::parse(q)
            .unwrap()
            .matches_with_logs(&t, &logs, &[&file])
    };
    let timeouts = find("log~timeout");
    assert_eq!(timeouts, brute(&|b| b.contains("timeout")));
    assert_eq!(timeouts.len(), t.spans.len() / 2, "every other span");
    assert_eq!(find("log=TIMEOUT"), timeouts, "log= ignores case");
    assert_eq!(find("log~^cache"), brute(&|b| b.starts_with("cache")));
    assert_eq!(find("log~#1$"), brute(&|b| b.ends_with("#1")));
    // With other terms, on the same span.
    let service = t
        .pools
        .strings
        .get(t.spans[cart_ix(&t)].raw.service)
        .to_string();
    let both = find(&format!("log~timeout service={service}"));
    assert!(both.iter().all(|ix| timeouts.contains(ix)));
    // Without logs, a log term finds nothing (and is not an error).
    assert!(Query::parse("log~timeout").unwrap().matches(&t).is_empty());
    assert!(Query::parse("log~(").is_err());
}

fn cart_ix(t: &Trace) -> usize {
    span_of(t, GET_CART).get()
}

#[test]
fn a_file_of_neither_traces_nor_logs_is_told_what_is_read() {
    for text in [
        r#"{"hello":"world"}"#,
        "{\"level\":\"info\",\"msg\":\"no time here\"}\n{\"level\":\"warn\",\"msg\":\"nor here\"}\n",
    ] {
        let message = load(text.as_bytes()).unwrap_err().to_string();
        assert!(message.contains("not a trace or log format"), "{message}");
        assert!(message.contains("resourceLogs"), "{message}");
        assert!(message.contains("JSON Lines with a time field"), "{message}");
    }
}
