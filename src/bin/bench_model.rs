//! Native benchmark of the model: `bench-model FILE…`.
//!
//! For each file: parse + build (median of several runs) as MB/s and
//! spans/s; the memory the model holds against the file's size; and the cost
//! of handing the model from the loading worker to the page (encode, decode);
//! and, for Jaeger and OTLP files, the speed of serde_json deserialising the
//! same file into borrowed typed structs that keep nothing (`support/
//! baseline.rs`), with the readers' speed as a share of it.
//! Also the heap's high-water mark while parsing and while encoding (what the
//! loading worker's memory must hold at once, beyond the file itself).
//! Prints a Markdown table; with `BENCH_JSON=path`, also writes one JSON
//! object per file there (for `scripts/bench.sh`'s report).
//!
//! `bench-model --logs TRACE_FILE LOG_FILE` measures a log file beside a
//! trace instead (`support/bench_logs.rs`); `bench-model --views FILE…` the
//! views over many traces (`support/bench_views.rs`); `bench-model --cut
//! FILE…` a file read by 1, 2 and 4 threads (`support/bench_cut.rs`);
//! `bench-model --page FILE…` the page's own work before it paints a trace
//! (`support/bench_page.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "support/baseline.rs"]
mod baseline;
#[path = "support/bench_cut.rs"]
mod bench_cut;
#[path = "support/bench_logs.rs"]
mod bench_logs;
#[path = "support/bench_page.rs"]
mod bench_page;
#[path = "support/bench_views.rs"]
mod bench_views;

use trace_viewer::model::search::Query;
use trace_viewer::model::wire::Reply;

/// The system allocator, counting the bytes in use and their high-water mark.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a new high-water mark from what is in use now; returns that.
fn reset_peak() -> usize {
    let now = IN_USE.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// Bytes above `base` at the high-water mark since [`reset_peak`].
fn peak_above(base: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, trace, logs] = files.as_slice() {
        if flag == "--logs" {
            bench_logs::run(trace, logs);
            return;
        }
    }
    if let Some((flag, rest)) = files.split_first() {
        if flag == "--views" {
            bench_views::run(rest);
            return;
        }
        if flag == "--page" {
            bench_page::run(rest);
            return;
        }
        if flag == "--cut" {
            bench_cut::run(rest);
            return;
        }
    }
    if files.is_empty() {
        eprintln!("usage: bench-model FILE…");
        std::process::exit(2);
    }
    let mut json = String::new();
    println!("| file | size | spans | parse + build | MB/s | spans/s | model memory | model / file | to the page (encode + decode) | find `user-4242` | serde_json alone | readers / serde_json |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for path in files {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        // Fewer runs for the largest files: each takes seconds.
        let runs = if bytes.len() > 200_000_000 { 3 } else { 7 };
        let mut times = Vec::new();
        let mut last = None;
        let mut parse_peak = 0;
        for _ in 0..runs {
            drop(last.take()); // one model in memory at a time
            let base = reset_peak();
            let t0 = Instant::now();
            match trace_viewer::model::load(&bytes) {
                Ok(loaded) => last = Some(loaded),
                Err(e) => {
                    eprintln!("{path}: {e}");
                    std::process::exit(1);
                }
            }
            times.push(t0.elapsed().as_secs_f64());
            parse_peak = peak_above(base);
        }
        let Some(loaded) = last else {
            std::process::exit(1);
        };
        let spans: usize = loaded.traces.iter().map(|t| t.spans.len()).sum();
        let model = loaded.heap_bytes();
        // Find: free text over every span's names and attributes.
        let query = Query::parse("user-4242").unwrap_or_default();
        let t0 = Instant::now();
        // One matcher for all the file's traces: they share its text pool.
        let mut matcher = query.matcher();
        let found: usize = loaded.traces.iter().map(|t| matcher.matches(t).len()).sum();
        let find = t0.elapsed().as_secs_f64();
        let base = reset_peak();
        let t0 = Instant::now();
        let message = Reply::Loaded { job: 1, loaded }.encode();
        // The model and its encoding: both live in the worker until it posts.
        let encode_peak = peak_above(base) + model;
        let encode = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let decoded = Reply::decode(&message);
        let decode = t0.elapsed().as_secs_f64();
        if decoded.is_err() {
            eprintln!("{path}: the model did not survive the trip to the page");
            std::process::exit(1);
        }
        let t = median(times);
        // The yardstick: serde_json alone, as many runs.
        let mut base_times = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            // Not a Jaeger or OTLP file, or not the same spans: no yardstick.
            if baseline::deserialise(&bytes) != Some(spans) {
                break;
            }
            base_times.push(t0.elapsed().as_secs_f64());
        }
        let base = (!base_times.is_empty()).then(|| median(base_times));
        let name = std::path::Path::new(&path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        println!(
            "| {name} | {:.1} MB | {spans} | {:.0} ms | {:.0} | {:.2} M | {:.0} MB | {:.2}× | {:.0} + {:.0} ms ({:.0} MB) | {:.1} ms ({found}) | {} | {} |",
            bytes.len() as f64 / 1e6,
            t * 1e3,
            bytes.len() as f64 / 1e6 / t,
            spans as f64 / t / 1e6,
            model as f64 / 1e6,
            model as f64 / bytes.len() as f64,
            encode * 1e3,
            decode * 1e3,
            message.len() as f64 / 1e6,
            find * 1e3,
            base.map_or(String::from("–"), |b| format!("{:.0} ms, {:.0} MB/s", b * 1e3, bytes.len() as f64 / 1e6 / b)),
            base.map_or(String::from("–"), |b| format!("{:.0} %", b / t * 100.0)),
        );
        json.push_str(&format!(
            "{{\"file\":\"{name}\",\"bytes\":{},\"spans\":{spans},\"parse_ms\":{:.1},\"model_bytes\":{model},\"parse_peak_bytes\":{parse_peak},\"encode_peak_bytes\":{encode_peak},\"message_bytes\":{},\"transfer_ms\":{:.1},\"find_ms\":{:.1}{}}}\n",
            bytes.len(),
            t * 1e3,
            message.len(),
            (encode + decode) * 1e3,
            find * 1e3,
            base.map_or(String::new(), |b| format!(",\"baseline_ms\":{:.1}", b * 1e3)),
        ));
    }
    if let Ok(path) = std::env::var("BENCH_JSON") {
        if let Err(e) = std::fs::write(&path, json) {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
