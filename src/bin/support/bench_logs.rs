//! `bench-model --logs TRACE_FILE LOG_FILE`: what opening a log file beside
//! a loaded trace costs natively, step by step as the viewer does it: parse
//! (`load`, median of 3), the heap's high-water mark while parsing and the
//! model's memory (`Logs::heap_bytes`), the hand-over from the loading worker
//! to the page (encode + decode), indexing the file by trace (`LogFile::new`)
//! and attaching its records to the trace's spans (`TraceLogs::new`), with
//! the heap each of the last two keeps. Prints a Markdown table row and, with
//! `BENCH_JSON=path`, one JSON object there.

use std::time::Instant;

use trace_viewer::model::formats::otlp_logs;
use trace_viewer::model::logs::{LogFile, TraceLogs};
use trace_viewer::model::wire::Reply;
use trace_viewer::model::Warnings;

use super::{median, peak_above, reset_peak, IN_USE};

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    })
}

fn load(path: &str, bytes: &[u8]) -> trace_viewer::model::Loaded {
    trace_viewer::model::load(bytes).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    })
}

fn in_use() -> usize {
    IN_USE.load(std::sync::atomic::Ordering::Relaxed)
}

fn name_of(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned())
}

pub fn run(trace_path: &str, log_path: &str) {
    let trace_bytes = read(trace_path);
    let t0 = Instant::now();
    let mut trace_loaded = load(trace_path, &trace_bytes);
    let trace_ms = t0.elapsed().as_secs_f64() * 1e3;
    drop(trace_bytes);
    let Some(trace) = trace_loaded.traces.pop() else {
        eprintln!("{trace_path}: no trace");
        std::process::exit(1);
    };
    drop(trace_loaded);

    let bytes = read(log_path);
    let mut times = Vec::new();
    let mut last = None;
    let mut parse_peak = 0;
    for _ in 0..3 {
        drop(last.take());
        let base = reset_peak();
        let t0 = Instant::now();
        last = Some(load(log_path, &bytes));
        times.push(t0.elapsed().as_secs_f64());
        parse_peak = peak_above(base);
    }
    let Some(loaded) = last else {
        std::process::exit(1);
    };
    let parse = median(times);
    // Of which the log reader alone (`load` first tries the trace readers,
    // which skip every line's `resourceLogs` and find no spans).
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let mut reader_times = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        let logs = otlp_logs::read(text, &mut Warnings::default());
        reader_times.push(t0.elapsed().as_secs_f64());
        drop(logs);
    }
    let reader = median(reader_times);
    let model = loaded.logs.as_ref().map_or(0, |l| l.heap_bytes());
    let records = loaded.logs.as_ref().map_or(0, |l| l.records.len());
    if records == 0 {
        eprintln!("{log_path}: read as {:?}, no log records", loaded.format);
        std::process::exit(1);
    }

    let t0 = Instant::now();
    let message = Reply::Loaded { job: 1, loaded }.encode();
    let encode = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let decoded = Reply::decode(&message);
    let decode = t0.elapsed().as_secs_f64();
    let message_bytes = message.len();
    drop(message);
    let logs = match decoded {
        Ok(Reply::Loaded { loaded, .. }) => loaded.logs.unwrap_or_default(),
        _ => {
            eprintln!("{log_path}: the records did not survive the trip to the page");
            std::process::exit(1);
        }
    };

    let before = in_use();
    let t0 = Instant::now();
    let file = LogFile::new(&name_of(log_path), logs);
    let index_ms = t0.elapsed().as_secs_f64() * 1e3;
    let index_bytes = in_use().saturating_sub(before);

    let before = in_use();
    let t0 = Instant::now();
    let attached = TraceLogs::new(&trace, &[&file]);
    let attach_ms = t0.elapsed().as_secs_f64() * 1e3;
    let attach_bytes = in_use().saturating_sub(before);
    let on_spans = attached.entries.iter().filter(|e| e.span.is_some()).count();

    let mb = bytes.len() as f64 / 1e6;
    let name = name_of(log_path);
    println!("| file | size | records | parse | of which the log reader | MB/s | records/s | model memory | model / file | heap while parsing | worker → page (encode + decode) | index (`LogFile::new`) | attach to {} spans (`TraceLogs::new`) | attached (on a span) |", trace.spans.len());
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {name} | {mb:.1} MB | {records} | {:.0} ms | {:.0} ms | {:.0} | {:.2} M | {:.0} MB | {:.2}× | {:.0} MB ({:.1}×) | {:.0} + {:.0} ms ({:.0} MB) | {index_ms:.0} ms, {:.0} MB | {attach_ms:.0} ms, {:.0} MB | {} ({on_spans}) |",
        parse * 1e3,
        reader * 1e3,
        mb / parse,
        records as f64 / parse / 1e6,
        model as f64 / 1e6,
        model as f64 / bytes.len() as f64,
        parse_peak as f64 / 1e6,
        parse_peak as f64 / bytes.len() as f64,
        encode * 1e3,
        decode * 1e3,
        message_bytes as f64 / 1e6,
        index_bytes as f64 / 1e6,
        attach_bytes as f64 / 1e6,
        attached.len(),
    );
    eprintln!(
        "(the trace, {}: {} spans, loaded in {trace_ms:.0} ms)",
        name_of(trace_path),
        trace.spans.len()
    );
    let json = format!(
        "{{\"file\":\"{name}\",\"bytes\":{},\"records\":{records},\"parse_ms\":{:.1},\"reader_ms\":{:.1},\"model_bytes\":{model},\"parse_peak_bytes\":{parse_peak},\"message_bytes\":{message_bytes},\"encode_ms\":{:.1},\"decode_ms\":{:.1},\"index_ms\":{index_ms:.1},\"index_bytes\":{index_bytes},\"trace_spans\":{},\"attach_ms\":{attach_ms:.1},\"attach_bytes\":{attach_bytes},\"attached\":{},\"on_spans\":{on_spans}}}\n",
        bytes.len(),
        parse * 1e3,
        reader * 1e3,
        encode * 1e3,
        decode * 1e3,
        trace.spans.len(),
        attached.len(),
    );
    if let Ok(path) = std::env::var("BENCH_JSON") {
        if let Err(e) = std::fs::write(&path, json) {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
