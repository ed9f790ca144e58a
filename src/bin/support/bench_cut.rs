//! `bench-model --cut FILE…`: a file read by 1, 2 and 4 threads at once
//! (what 1, 2 and 4 loading workers do), stage by stage, natively: the scan
//! that finds the cuts, the parts read side by side, and the join and build
//! (median of 3). One thread is the one-pass read.

use std::time::Instant;

use trace_viewer::model::formats::parallel::{self, Part};

fn ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

/// `(scan, read, join + build, total)` in ms for one run on `threads`.
fn one_run(bytes: &[u8], threads: usize) -> (f64, f64, f64, f64) {
    let t0 = Instant::now();
    if threads == 1 {
        let _ = trace_viewer::model::load(bytes);
        let total = ms(t0);
        return (0.0, total, 0.0, total);
    }
    let Some(plan) = parallel::plan(bytes, threads) else {
        eprintln!("not cut: read in one pass");
        return (0.0, 0.0, 0.0, 0.0);
    };
    let scan = ms(t0);
    let t1 = Instant::now();
    let parts: Vec<Option<Part>> = std::thread::scope(|s| {
        let handles: Vec<_> = plan
            .runs
            .iter()
            .map(|run| {
                let kind = plan.kind;
                s.spawn(move || parallel::read_part(kind, &parallel::run_text(bytes, run)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let read = ms(t1);
    let t2 = Instant::now();
    let joined = parallel::join(bytes, &plan, parts, &mut |_, _| {});
    if !matches!(joined, Some(Ok(_))) {
        eprintln!("a part was refused: read in one pass");
    }
    let join = ms(t2);
    (scan, read, join, ms(t0))
}

/// Prints one Markdown row per file and thread count.
pub fn run(files: &[String]) {
    println!("| file | threads | scan | read parts | join + build | total | speed-up |");
    println!("|---|---|---|---|---|---|---|");
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{path}: cannot read");
            std::process::exit(1);
        };
        let mut one = 0.0;
        for threads in [1, 2, 4] {
            let mut runs: Vec<(f64, f64, f64, f64)> =
                (0..3).map(|_| one_run(&bytes, threads)).collect();
            runs.sort_by(|a, b| a.3.total_cmp(&b.3));
            let (scan, read, join, total) = runs[1];
            if threads == 1 {
                one = total;
            }
            let name = path.rsplit('/').next().unwrap_or(path);
            println!(
                "| {name} | {threads} | {scan:.0} ms | {read:.0} ms | {join:.0} ms | {total:.0} ms | {:.2}× |",
                one / total.max(1e-9)
            );
        }
    }
}
