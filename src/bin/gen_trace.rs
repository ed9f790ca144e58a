//! Generates trace files for benchmarks and tests, in the shapes real
//! systems produce (see `support/shapes.rs`).
//!
//! `gen-trace --spans 100000 [--shape default|deep|wide|services|operations|traces|jsonl|extreme|long|links]
//!            [--format jaeger|otlp|jsonl] [--traces 1] [--long-bytes N] --out FILE
//!            [--logs N --logs-out FILE]`
//!
//! With `--logs`, also an OTLP logs file (JSON Lines, as the Collector's file
//! exporter writes) whose records name the generated spans (`support/logs_json.rs`).

use std::io::Write as _;

#[path = "support/logs_json.rs"]
mod logs_json;
#[path = "support/rng.rs"]
mod rng;
#[path = "support/shapes.rs"]
mod shapes;
#[path = "support/shapes_json.rs"]
mod shapes_json;

use shapes::{Format, Shape, Spec};

const USAGE: &str = "usage: gen-trace --spans N [--shape default|deep|wide|services|operations|traces|jsonl|extreme|long|links] [--format jaeger|otlp|jsonl] [--traces T] [--long-bytes N] --out FILE [--logs N --logs-out FILE]";

fn fail(message: &str) -> ! {
    eprintln!("{message}\n{USAGE}");
    std::process::exit(2);
}

fn main() {
    let mut spec = Spec::new(Shape::Default, 100_000, Format::Jaeger);
    let mut out_path = None;
    let mut logs: Option<usize> = None;
    let mut logs_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--spans" => {
                spec.spans = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--spans: a number"))
            }
            "--traces" => {
                spec.traces = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--traces: a number"))
            }
            "--long-bytes" => {
                spec.long_bytes = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--long-bytes: a number"))
            }
            "--shape" => {
                let v = value();
                spec.shape = Shape::parse(&v).unwrap_or_else(|| fail(&format!("unknown shape {v}")))
            }
            "--format" => {
                let v = value();
                spec.format =
                    Format::parse(&v).unwrap_or_else(|| fail(&format!("unknown format {v}")))
            }
            "--out" => out_path = Some(value()),
            "--logs" => logs = Some(value().parse().unwrap_or_else(|_| fail("--logs: a number"))),
            "--logs-out" => logs_path = Some(value()),
            other => fail(&format!("unknown argument {other}")),
        }
    }
    let Some(out_path) = out_path else {
        fail("--out is needed")
    };
    if logs.is_some() != logs_path.is_some() {
        fail("--logs and --logs-out go together");
    }
    let (text, traces) = shapes_json::generate(&spec, 0x9E37_79B9_7F4A_7C15);
    write(&out_path, &text);
    let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
    println!(
        "wrote {out_path}: {} shape, {spans} spans in {} trace(s), depth {}, {:.1} MB",
        spec.shape.name(),
        traces.len(),
        shapes::max_depth(&traces),
        text.len() as f64 / 1e6
    );
    drop(text);
    if let (Some(records), Some(path)) = (logs, logs_path) {
        let (text, split) = logs_json::generate(&traces, records, 0x2545_F491_4F6C_DD1D);
        write(&path, &text);
        println!(
            "wrote {path}: {records} log records, {} on the generated spans, {} for traces not in the file, {} with no trace, {:.1} MB",
            split.attached,
            split.other_traces,
            split.without_trace,
            text.len() as f64 / 1e6
        );
    }
}

fn write(path: &str, text: &str) {
    let written = std::fs::File::create(path).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    }
}
