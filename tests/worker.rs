//! The loading worker's protocol: a model sent across arrives identical, every
//! message round-trips, and a damaged message is refused, never misread.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::wire::{Progress, Reply, Request, Stage};
use trace_viewer::model::{load, load_reporting, Loaded, Pools, Trace};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn send(loaded: Loaded) -> Loaded {
    let bytes = Reply::Loaded { job: 7, loaded }.encode();
    match Reply::decode(&bytes) {
        Ok(Reply::Loaded { job: 7, loaded }) => loaded,
        other => panic!("expected the model back, got {other:?}"),
    }
}

fn assert_same_pools(a: &Pools, b: &Pools) {
    assert!(a.strings.iter().eq(b.strings.iter()), "interned strings");
    assert_eq!(a.text.as_str(), b.text.as_str(), "text pool");
    assert_eq!(a.attrs, b.attrs, "attributes");
    assert_eq!(a.events, b.events, "events");
    assert_eq!(a.links, b.links, "links");
    assert_eq!(a.resources, b.resources, "resources");
    assert_eq!(a.scopes, b.scopes, "scopes");
}

fn assert_same_trace(a: &Trace, b: &Trace) {
    assert_eq!(a.id, b.id);
    assert_eq!(a.spans, b.spans, "spans of {}", a.id);
    assert_eq!(
        (a.start_unix_nanos, a.end_unix_nanos, a.depth, a.error_count),
        (b.start_unix_nanos, b.end_unix_nanos, b.depth, b.error_count)
    );
    assert_eq!(
        (&a.services, a.root_count, a.skewed_spans),
        (&b.services, b.root_count, b.skewed_spans)
    );
    assert_same_pools(&a.pools, &b.pools);
    // What the page shows is read through the pools: names resolve the same.
    for (x, y) in a.spans.iter().zip(&b.spans) {
        assert_eq!(a.str(x.raw.name), b.str(y.raw.name));
        assert_eq!(a.str(x.raw.service), b.str(y.raw.service));
    }
}

#[test]
fn every_fixture_crosses_to_the_page_unchanged() {
    for name in [
        "jaeger-checkout.json",
        "jaeger-clock-skew.json",
        "otlp-linked-traces.json",
        "otlp-three-traces.json",
        "otlp-file-exporter-mixed.jsonl",
        "xray-batch-get-traces.json",
    ] {
        let bytes = fixture(name);
        let original = load(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let copy = send(load(&bytes).unwrap_or_else(|e| panic!("{name}: {e}")));
        assert_eq!(original.format, copy.format, "{name}");
        assert_eq!(original.warnings, copy.warnings, "{name}");
        assert_eq!(original.traces.len(), copy.traces.len(), "{name}");
        for (a, b) in original.traces.iter().zip(&copy.traces) {
            assert_same_trace(a, b);
        }
    }
}

#[test]
fn traces_of_one_file_still_share_one_pool() {
    let copy = send(load(&fixture("otlp-three-traces.json")).expect("loads"));
    assert_eq!(copy.traces.len(), 3);
    assert!(copy
        .traces
        .windows(2)
        .all(|w| std::sync::Arc::ptr_eq(&w[0].pools, &w[1].pools)));
}

#[test]
fn progress_failures_and_requests_round_trip() {
    let progress = Progress {
        stage: Stage::Reading,
        done: 123_456_789_012,
        total_bytes: 987_654_321_098,
        bytes_read: 123_456_789_012,
    };
    match Reply::decode(&Reply::Progress { job: 4, progress }.encode()) {
        Ok(Reply::Progress {
            job: 4,
            progress: p,
        }) => assert_eq!(p, progress),
        other => panic!("{other:?}"),
    }
    let message = "big.json is 5.1 GB: larger than this browser can hold ✗";
    match Reply::decode(
        &Reply::Failed {
            job: u32::MAX,
            message: message.into(),
        }
        .encode(),
    ) {
        Ok(Reply::Failed { job, message: m }) => {
            assert_eq!(job, u32::MAX);
            assert_eq!(m, message);
        }
        other => panic!("{other:?}"),
    }
    let request = Request::Load {
        job: 9,
        name: "trace é.json".into(),
        inflate_limit_bytes: 123_456_789_012,
    };
    assert_eq!(Request::decode(&request.encode()), Ok(request));
}

#[test]
fn damaged_messages_are_refused() {
    let loaded = load(&fixture("jaeger-checkout.json")).expect("loads");
    let bytes = Reply::Loaded { job: 1, loaded }.encode();
    // Not ours at all.
    assert!(Reply::decode(b"").is_err());
    assert!(Reply::decode(b"{\"json\": true}").is_err());
    assert!(Request::decode(&bytes).is_err(), "a reply is not a request");
    // Cut anywhere.
    for cut in [5, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
        assert!(Reply::decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    // Trailing bytes.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Reply::decode(&longer).is_err());
    // A count far larger than the message must not allocate or panic.
    let mut huge = bytes.clone();
    huge[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(Reply::decode(&huge).is_err());
}

#[test]
fn loading_reports_parsing_then_building_with_the_span_count() {
    let mut stages = Vec::new();
    let loaded = load_reporting(&fixture("jaeger-checkout.json"), &mut |stage, n| {
        stages.push((stage, n))
    })
    .expect("loads");
    let spans: usize = loaded.traces.iter().map(|t| t.spans.len()).sum();
    assert_eq!(
        stages,
        vec![(Stage::Parsing, 0), (Stage::Building, spans as u64)]
    );
    // A file that fails says so after parsing starts, and never reaches building.
    let mut stages = Vec::new();
    assert!(load_reporting(b"{\"data\": [", &mut |stage, _| stages.push(stage)).is_err());
    assert_eq!(stages, vec![Stage::Parsing]);
}

/// A message held "elsewhere", read `window` bytes at a time, counting the
/// bytes copied out of it.
struct Windows<'a> {
    bytes: &'a [u8],
    window: usize,
    copied: std::cell::Cell<usize>,
}

impl trace_viewer::model::wire::Source for Windows<'_> {
    fn size(&self) -> usize {
        self.bytes.len()
    }
    fn copy_to(&self, at: usize, out: &mut [u8]) {
        out.copy_from_slice(&self.bytes[at..at + out.len()]);
        self.copied.set(self.copied.get() + out.len());
    }
    fn window(&self) -> usize {
        self.window
    }
}

fn windows(bytes: &[u8], window: usize) -> Windows<'_> {
    Windows {
        bytes,
        window,
        copied: std::cell::Cell::new(0),
    }
}

#[test]
fn a_message_read_a_window_at_a_time_is_the_same_message() {
    let mut files: Vec<Vec<u8>> = [
        "jaeger-checkout.json",
        "otlp-three-traces.json",
        "otlp-linked-traces.json",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    let (jaeger, _) = trace_viewer::worker::warmup::samples(3000);
    files.push(jaeger.into_bytes());
    for file in &files {
        let bytes = Reply::Loaded {
            job: 3,
            loaded: load(file).expect("loads"),
        }
        .encode();
        // Windows of 1 byte, of sizes that split every field somewhere, and
        // larger than the message.
        for window in [1, 3, 7, 64, 4096, 1 << 20] {
            let source = windows(&bytes, window);
            let got = Reply::decode_from(&source).expect("decodes");
            assert_eq!(got.encode(), bytes, "window {window}: the same message");
            // Every byte is copied out of the source once at most.
            assert!(
                source.copied.get() <= bytes.len(),
                "window {window}: {} bytes copied for {}",
                source.copied.get(),
                bytes.len()
            );
        }
    }
}

#[test]
fn a_damaged_message_read_a_window_at_a_time_is_refused() {
    let loaded = load(&fixture("otlp-three-traces.json")).expect("loads");
    let bytes = Reply::Loaded { job: 1, loaded }.encode();
    assert!(Reply::decode_from(&windows(b"", 7)).is_err());
    assert!(Reply::decode_from(&windows(b"{\"json\": 1}", 7)).is_err());
    for cut in [3, 5, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Reply::decode_from(&windows(&bytes[..cut], 7)).is_err(),
            "cut at {cut}"
        );
    }
    let mut huge = bytes.clone();
    huge[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(Reply::decode_from(&windows(&huge, 7)).is_err());
}
