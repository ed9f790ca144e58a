//! Generates trace files for benchmarks and tests, in the shapes real
//! systems produce (see `support/shapes.rs`).
//!
//! `gen-trace --spans 100000 [--shape default|deep|wide|services|operations|traces|jsonl|extreme|long|links]
//!            [--format jaeger|otlp|jsonl] [--traces 1] [--long-bytes N] --out FILE`

use std::io::Write as _;

#[path = "support/rng.rs"]
mod rng;
#[path = "support/shapes.rs"]
mod shapes;
#[path = "support/shapes_json.rs"]
mod shapes_json;

use shapes::{Format, Shape, Spec};

const USAGE: &str = "usage: gen-trace --spans N [--shape default|deep|wide|services|operations|traces|jsonl|extreme|long|links] [--format jaeger|otlp|jsonl] [--traces T] [--long-bytes N] --out FILE";

fn fail(message: &str) -> ! {
    eprintln!("{message}\n{USAGE}");
    std::process::exit(2);
}

fn main() {
    let mut spec = Spec::new(Shape::Default, 100_000, Format::Jaeger);
    let mut out_path = None;
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
            other => fail(&format!("unknown argument {other}")),
        }
    }
    let Some(out_path) = out_path else {
        fail("--out is needed")
    };
    let (text, traces) = shapes_json::generate(&spec, 0x9E37_79B9_7F4A_7C15);
    let written = std::fs::File::create(&out_path).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        eprintln!("{out_path}: {e}");
        std::process::exit(1);
    }
    let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
    println!(
        "wrote {out_path}: {} shape, {spans} spans in {} trace(s), depth {}, {:.1} MB",
        spec.shape.name(),
        traces.len(),
        shapes::max_depth(&traces),
        text.len() as f64 / 1e6
    );
}
