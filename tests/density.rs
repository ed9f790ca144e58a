//! Density-band culling: spans narrower than a pixel are counted per pixel
//! column instead of drawn one by one, none is lost, and zooming in turns them
//! back into boxes.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;

use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::density::{alpha, DensityBand};
use trace_viewer::view_model::flame::layout_with_density;
use trace_viewer::view_model::minimap::raster;

/// A 1 s root with `spread` 1 µs children spaced evenly over the whole
/// second, then `burst` 1 µs children packed into its first millisecond
/// under one 1 ms parent.
fn trace(spread: usize, burst: usize) -> Trace {
    let t = "0000000000000000000000000000d0d0";
    let mut spans = Vec::new();
    let mut push = |id: usize, parent: usize, start: u64, duration: u64| {
        let mut s = String::new();
        let refs = if parent == 0 {
            String::new()
        } else {
            format!(r#"{{"refType":"CHILD_OF","traceID":"{t}","spanID":"{parent:016x}"}}"#)
        };
        let _ = write!(
            s,
            r#"{{"traceID":"{t}","spanID":"{id:016x}","operationName":"op","references":[{refs}],"startTime":{start},"duration":{duration},"processID":"p1"}}"#
        );
        spans.push(s);
    };
    let t0 = 1_700_000_000_000_000u64;
    push(1, 0, t0, 1_000_000);
    push(2, 1, t0, 1_000); // the burst's parent: one pixel wide at 1000 px
    for i in 0..spread {
        let at = t0 + 2_000 + (i as u64 * 998_000 / spread as u64);
        push(10 + i, 1, at, 1);
    }
    for i in 0..burst {
        push(10 + spread + i, 2, t0 + (i as u64 % 900), 1);
    }
    let json = format!(
        r#"{{"data":[{{"traceID":"{t}","spans":[{}],"processes":{{"p1":{{"serviceName":"svc"}}}}}}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).expect("loads").traces.remove(0)
}

#[test]
fn no_culled_span_is_lost_and_each_pixel_has_one_cell() {
    let t = trace(20_000, 5_000);
    let mut laid = layout_with_density(&t, None, 1000.0, 1.0, 100);
    // Drawn as boxes: the root and the burst's 1 px parent; everything else is banded.
    assert_eq!(laid.boxes.len(), 2);
    let banded: u64 = laid.bands.iter().map(DensityBand::total).sum();
    assert_eq!(banded as usize + laid.boxes.len(), t.spans.len());
    // Row 1 holds the spread children: about 20 a pixel, one cell per pixel.
    let row1 = laid.bands[1].cells().to_vec();
    assert!(
        row1.len() <= 1000 && row1.len() >= 990,
        "{} cells",
        row1.len()
    );
    assert!(
        row1.windows(2).all(|w| w[0].x < w[1].x),
        "left to right, no repeats"
    );
    assert!(
        row1.iter().all(|c| (19..=21).contains(&c.count)),
        "even spread"
    );
    // Row 2 holds the burst: 5000 spans in the first pixel.
    let row2 = laid.bands[2].cells().to_vec();
    assert_eq!(row2.len(), 1);
    assert_eq!((row2[0].x, row2[0].count), (0, 5_000));
}

#[test]
fn zooming_in_turns_banded_spans_back_into_boxes() {
    let t = trace(0, 500);
    let parent = t
        .spans
        .iter()
        .position(|s| s.raw.duration_nanos == 1_000_000)
        .map(SpanIx::at)
        .expect("the burst's parent");
    let whole = layout_with_density(&t, None, 1000.0, 1.0, 100);
    assert_eq!(whole.boxes.len(), 2);
    // Focused on the 1 ms parent, each 1 µs child is a 1 px box.
    let focused = layout_with_density(&t, Some(parent), 1000.0, 1.0, 100);
    assert_eq!(focused.boxes.len(), 501);
    assert!(focused.bands.iter().all(DensityBand::is_empty));
}

#[test]
fn opacity_grows_with_the_count_and_saturates() {
    assert_eq!(alpha(0), 0);
    let steps: Vec<u8> = [1, 2, 4, 8, 16].iter().map(|&n| alpha(n)).collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    assert!(alpha(1) >= 40, "a single span is still visible");
    assert_eq!(alpha(32), 255);
    assert_eq!(alpha(1_000_000), 255);
}

#[test]
fn spans_arriving_out_of_order_merge_into_one_cell_per_pixel() {
    let mut band = DensityBand::default();
    for (i, x) in [5.2, 1.1, 5.7, 1.9, 3.0, 5.1].into_iter().enumerate() {
        band.add(x, x + 0.01, SpanIx::at(i));
    }
    let cells: Vec<(u32, u32)> = band.cells().iter().map(|c| (c.x, c.count)).collect();
    assert_eq!(cells, [(1, 2), (3, 1), (5, 3)]);
    assert_eq!(band.total(), 6);
}

#[test]
fn the_minimap_shades_tiny_spans_by_how_many_there_are() {
    let t = trace(2_000, 5_000);
    let (w, h) = (1000usize, 1usize);
    let img = raster(&t, w, h, &[[10, 20, 30]]);
    let alpha_at = |x: usize| img[x * 4 + 3];
    // One row holds every span: the root covers every pixel, solid.
    assert!((0..w).all(|x| alpha_at(x) == 255));

    // Many rows: the rows of spread children are faint, the burst's row is solid.
    let h = t.spans.len();
    let img = raster(&t, w, h, &[[10, 20, 30]]);
    let row_alpha = |y: usize, x: usize| img[(y * w + x) * 4 + 3];
    let first_child = t
        .spans
        .iter()
        .position(|s| {
            s.raw.duration_nanos == 1_000
                && s.depth == 2
                && s.raw.start_unix_nanos > t.start_unix_nanos
        })
        .expect("a spread child");
    let s = &t.spans[first_child];
    let x = ((s.raw.start_unix_nanos - t.start_unix_nanos) as f64 / 1e9 * w as f64) as usize;
    assert_eq!(
        row_alpha(first_child, x),
        alpha(1),
        "a lone tiny span is faint, not solid"
    );
    let painted = (0..w).filter(|&x| row_alpha(first_child, x) > 0).count();
    assert_eq!(painted, 1, "and takes one pixel");

    // Few rows: each row gathers many tiny spans per pixel, denser = more opaque.
    let img = raster(&t, w, 4, &[[10, 20, 30]]);
    let last_row: Vec<u8> = (0..w).map(|x| img[(3 * w + x) * 4 + 3]).collect();
    assert!(
        last_row.iter().any(|&a| a > 0 && a < 255),
        "faint cells where few spans fall"
    );
}
