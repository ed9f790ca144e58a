//! `bench-model --views FILE…`: the views over many traces, natively: each
//! accumulator fed every trace of the file and finished (median of 3), the
//! compute stage of what the page does in slices between frames.

use std::sync::Arc;
use std::time::Instant;

use trace_viewer::model::aggregate::red::RedBuilder;
use trace_viewer::model::aggregate::services::ServiceMapBuilder;
use trace_viewer::model::aggregate::structure::StructureBuilder;
use trace_viewer::model::aggregate::why::WhyBuilder;
use trace_viewer::model::aggregate::{default_slow_nanos, Selection};
use trace_viewer::model::Trace;

fn median_ms(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..3)
        .map(|_| {
            let t0 = Instant::now();
            run();
            t0.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[1]
}

/// Prints one Markdown row per file.
pub fn run(files: &[String]) {
    println!("| file | traces | spans | Why slow | Structure | Services | RED over time |");
    println!("|---|---|---|---|---|---|---|");
    for path in files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        });
        let traces: Vec<Arc<Trace>> = match trace_viewer::model::load(&bytes) {
            Ok(loaded) => loaded.traces.into_iter().map(Arc::new).collect(),
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1)
            }
        };
        drop(bytes);
        let spans: usize = traces.iter().map(|t| t.spans.len()).sum();
        let slow = Selection::SlowerThan(default_slow_nanos(traces.iter().map(|t| t.as_ref())));
        let why = median_ms(|| {
            let mut b = WhyBuilder::new();
            for t in &traces {
                b.add(t, slow.holds(t));
            }
            std::hint::black_box(b.finish());
        });
        let structure = median_ms(|| {
            let mut b = StructureBuilder::new();
            for t in &traces {
                b.add(t);
            }
            std::hint::black_box(b.finish());
        });
        let services = median_ms(|| {
            let mut b = ServiceMapBuilder::new();
            for t in &traces {
                b.add(t);
            }
            std::hint::black_box(b.finish());
        });
        let red = median_ms(|| {
            let mut b = RedBuilder::new();
            for t in &traces {
                b.add(t);
            }
            std::hint::black_box(b.finish());
        });
        let name = std::path::Path::new(path)
            .file_name()
            .map_or(path.as_str(), |n| n.to_str().unwrap_or(path));
        println!(
            "| {name} | {} | {spans} | {why:.0} ms | {structure:.0} ms | {services:.0} ms | {red:.0} ms |",
            traces.len()
        );
    }
}
