//! A million spans export in parts with no single allocation over 64 MB:
//! measured by a counting allocator (this test binary's only), armed after
//! the model is built (its arenas are large by design). The spans are
//! counted in the parts as they come (by a key each format writes once a
//! span); that the parts are the one-shot text, which reads back as the
//! model, is `tests/export_parts.rs` and `tests/export.rs`.
//!
//! The file alone is ~0.4–0.7 GB per format: written as one `String`, as
//! before, the text's buffer alone passes the limit many times over.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use trace_viewer::model::export::{Target, Writer, PART_BYTES};
use trace_viewer::model::{load, Trace};

#[path = "../src/bin/support/rng.rs"]
#[allow(dead_code)]
mod rng;
#[path = "../src/bin/support/shapes.rs"]
#[allow(dead_code)]
mod shapes;
#[path = "../src/bin/support/shapes_json.rs"]
#[allow(dead_code)]
mod shapes_json;

/// The allocator, noting the largest single request while armed.
struct Counting;

static ARMED: AtomicBool = AtomicBool::new(false);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn note(bytes: usize) {
    if ARMED.load(Ordering::Relaxed) {
        LARGEST.fetch_max(bytes, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts measuring afresh.
fn arm() {
    LARGEST.store(0, Ordering::Relaxed);
    ARMED.store(true, Ordering::Relaxed);
}

/// Stops measuring; the largest allocation since [`arm`].
fn disarm() -> usize {
    ARMED.store(false, Ordering::Relaxed);
    LARGEST.load(Ordering::Relaxed)
}

const LIMIT: usize = 64 << 20;
const SPANS: usize = 1_000_000;

/// The one key each format writes exactly once per span.
fn span_key(target: Target) -> &'static str {
    match target {
        Target::Otlp => "\"startTimeUnixNano\":",
        Target::Jaeger => "\"operationName\":",
        Target::Zipkin => "\"localEndpoint\":",
    }
}

/// Writes every part, counting `key` across the parts (a key cut between
/// two parts counted too): the spans written, the bytes, the largest part,
/// the first and last bytes.
fn write_all(writer: &mut Writer, key: &str) -> (usize, usize, usize, u8, u8) {
    let finder = memchr::memmem::Finder::new(key.as_bytes());
    let (mut spans, mut bytes, mut largest_part) = (0, 0, 0);
    let (mut first, mut last) = (0, 0);
    // The end of the previous part, too short to hold the key whole.
    let mut tail: Vec<u8> = Vec::new();
    while let Some(part) = writer.next_part() {
        let b = part.as_bytes();
        if bytes == 0 {
            first = b[0];
        }
        last = b[b.len() - 1];
        bytes += b.len();
        largest_part = largest_part.max(b.len());
        tail.extend_from_slice(&b[..b.len().min(key.len() - 1)]);
        spans += finder.find_iter(&tail).count();
        spans += finder.find_iter(b).count();
        tail.clear();
        tail.extend_from_slice(&b[b.len().saturating_sub(key.len() - 1)..]);
    }
    (spans, bytes, largest_part, first, last)
}

/// About 2.5 minutes in the test build (generating and reading 1M spans
/// dominate), so not part of every `cargo test`: scripts/test.sh runs it
/// with `--ignored` when `TRACE_VIEWER_LONG_TESTS=1`, and BENCHMARKS.md
/// records its figures. `cargo test --test export_memory -- --ignored`.
#[test]
#[ignore = "2.5 minutes: run with --ignored"]
fn a_million_spans_export_with_no_allocation_over_64_mb() {
    // The measure can fail: one large buffer is seen.
    arm();
    let big = std::hint::black_box(vec![1u8; LIMIT + 1]);
    drop(big);
    assert!(
        disarm() > LIMIT,
        "the counting allocator sees large allocations"
    );

    use shapes::{Format, Shape, Spec};
    let t0 = Instant::now();
    let text = shapes_json::generate(&Spec::new(Shape::Default, SPANS, Format::Otlp), 0x5EED).0;
    println!(
        "generated {} MB in {:.1} s",
        text.len() >> 20,
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let loaded = load(text.as_bytes()).expect("the generated trace loads");
    drop(text);
    println!("loaded in {:.1} s", t0.elapsed().as_secs_f64());
    let refs: Vec<&Trace> = loaded.traces.iter().collect();
    assert_eq!(refs.iter().map(|t| t.spans.len()).sum::<usize>(), SPANS);

    for target in Target::ALL {
        let t0 = Instant::now();
        arm();
        let mut writer = Writer::new(target, &refs);
        let (spans, bytes, largest_part, first, last) = write_all(&mut writer, span_key(target));
        let largest = disarm();
        println!(
            "{target:?}: {SPANS} spans, {} MB in parts of at most {} KB in {:.1} s; largest allocation {} KB",
            bytes >> 20,
            largest_part >> 10,
            t0.elapsed().as_secs_f64(),
            largest >> 10
        );
        let ends = if target == Target::Zipkin {
            (b'[', b']')
        } else {
            (b'{', b'}')
        };
        assert_eq!((first, last), ends, "{target:?}: a whole document");
        assert_eq!(spans, SPANS, "{target:?}: every span written");
        assert_eq!(writer.spans_written(), SPANS as u64);
        assert!(largest_part <= PART_BYTES);
        assert!(
            bytes > 4 * LIMIT,
            "{target:?}: the file ({bytes} bytes) dwarfs the limit"
        );
        assert!(
            largest <= LIMIT,
            "{target:?}: an allocation of {largest} bytes while exporting (limit {LIMIT})"
        );
    }
}
