//! Native benchmark of parse + model build: `bench-model FILE…`.
//! Prints the median of several runs as MB/s and spans/s for each file.

use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: bench-model FILE…");
        std::process::exit(2);
    }
    println!("| file | size | spans | parse + build (median of 7) | MB/s | spans/s |");
    println!("|---|---|---|---|---|---|");
    for path in files {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        let mut times = Vec::new();
        let mut spans = 0;
        for _ in 0..7 {
            let t0 = Instant::now();
            match trace_viewer::model::load(&bytes) {
                Ok(loaded) => spans = loaded.traces.iter().map(|t| t.spans.len()).sum::<usize>(),
                Err(e) => {
                    eprintln!("{path}: {e}");
                    std::process::exit(1);
                }
            }
            times.push(t0.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let name = std::path::Path::new(&path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        println!(
            "| {name} | {:.1} MB | {spans} | {:.0} ms | {:.0} | {:.2} M |",
            bytes.len() as f64 / 1e6,
            median * 1e3,
            bytes.len() as f64 / 1e6 / median,
            spans as f64 / median / 1e6
        );
    }
}
