//! `bench-model --page FILE…`: what the page does with a file's model before
//! it paints the trace, natively, stage by stage (median of 7): decode the
//! worker's answer, the critical path, the groups of repeated siblings, the
//! timeline's rows, and the minimap's raster. The browser runs the same code
//! at about the same speed, in the page's module built for size.

use std::time::Instant;

use trace_viewer::model::analysis::critical_path;
use trace_viewer::model::wire::Reply;
use trace_viewer::view_model::critical::CriticalPath;
use trace_viewer::view_model::groups::Groups;
use trace_viewer::view_model::minimap::raster;
use trace_viewer::view_model::rows::{rows, RowOptions};

const RUNS: usize = 7;

/// The median of `RUNS` runs of `f`, in ms.
fn timed<T>(mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t0 = Instant::now();
            std::hint::black_box(f());
            t0.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

pub fn run(files: &[String]) {
    println!("| file | spans | decode | critical path | groups | rows | minimap |");
    println!("|---|---|---|---|---|---|---|");
    for path in files {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        let loaded = match trace_viewer::model::load(&bytes) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        let message = Reply::Loaded { job: 1, loaded }.encode();
        let decode = timed(|| Reply::decode(&message));
        let Ok(Reply::Loaded { loaded, .. }) = Reply::decode(&message) else {
            eprintln!("{path}: the answer does not decode");
            std::process::exit(1);
        };
        // The largest trace: the one a person opens to look at.
        let Some(trace) = loaded.traces.iter().max_by_key(|t| t.spans.len()) else {
            eprintln!("{path}: no trace");
            std::process::exit(1);
        };
        let critical = timed(|| CriticalPath::new(critical_path(trace)));
        let groups = timed(|| Groups::of(trace));
        let collapsed = vec![false; trace.spans.len()];
        let first_rows = timed(|| rows(trace, &options(&collapsed)));
        // The colours do not change the work: one per service.
        let per_service = vec![[90u8, 120, 200]; trace.services.len()];
        let minimap = timed(|| raster(trace, 1400, 40, &per_service));
        let name = path.rsplit('/').next().unwrap_or(path);
        println!(
            "| {name} | {} | {decode:.1} ms | {critical:.1} ms | {groups:.1} ms | {first_rows:.1} ms | {minimap:.1} ms |",
            trace.spans.len()
        );
    }
}

fn options(collapsed: &[bool]) -> RowOptions<'_> {
    RowOptions {
        collapsed,
        ..RowOptions::default()
    }
}
