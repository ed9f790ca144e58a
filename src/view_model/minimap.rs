//! The minimap: the whole trace rasterised into a small RGBA image, one
//! pixel row per slice of the depth-first arena, x = time.
//!
//! Later spans are drawn over earlier ones. Each pixel row is painted in
//! reverse with a "next unpainted pixel" pointer, so every pixel is written
//! once however many spans cover it: the cost is spans + pixels, and a
//! million spans draw in one pass. Spans narrower than a pixel are counted
//! into the row's [`DensityBand`] and fill the pixels left unpainted, fainter
//! the fewer they are.

use super::density::{alpha, DensityBand};
use crate::model::{SpanIx, Trace};

/// RGBA pixels, `width * height * 4` bytes; unpainted pixels are transparent.
pub fn raster(trace: &Trace, width: usize, height: usize, colour_of: &[[u8; 3]]) -> Vec<u8> {
    let mut out = vec![0u8; width * height * 4];
    let n = trace.spans.len();
    if n == 0 || width == 0 || height == 0 {
        return out;
    }
    let start = trace.start_unix_nanos as f64;
    let span = trace.duration_nanos().max(1) as f64;
    // Pixel x covers [x, x + 1) of the width.
    let px = |t: u64| ((t as f64 - start) / span) * width as f64;
    let last_px = width - 1;
    // next[x]: the first unpainted pixel at or after x (width = none left).
    let mut next: Vec<usize> = Vec::with_capacity(width + 1);
    let colour = |ix: usize| {
        trace.spans.get(ix).map_or([128, 128, 128], |s| {
            colour_of
                .get(trace.service_index(s.raw.service) % colour_of.len().max(1))
                .copied()
                .unwrap_or([128, 128, 128])
        })
    };
    for y in 0..height {
        let mut band = DensityBand::default();
        // Spans whose arena index falls in this pixel row.
        let first = y * n / height;
        let last = ((y + 1) * n / height).max(first + 1).min(n);
        next.clear();
        next.extend(0..=width);
        let row = &mut out[y * width * 4..(y + 1) * width * 4];
        for ix in (first..last).rev() {
            let Some(s) = trace.spans.get(ix) else {
                continue;
            };
            let (a, b) = (px(s.raw.start_unix_nanos), px(s.end_unix_nanos()));
            if b - a < 1.0 {
                band.add(a.min(last_px as f64), b.min(width as f64), SpanIx::at(ix));
                continue;
            }
            let x0 = (a.floor().max(0.0) as usize).min(last_px);
            // The last pixel the span reaches into; at least its first one.
            let x1 = ((b.ceil() - 1.0).max(0.0) as usize).clamp(x0, last_px);
            let colour = colour(ix);
            let mut x = find(&mut next, x0);
            while x <= x1 && x < width {
                if let Some(p) = row.get_mut(x * 4..x * 4 + 4) {
                    p.copy_from_slice(&[colour[0], colour[1], colour[2], 255]);
                }
                next[x] = x + 1;
                x = find(&mut next, x + 1);
            }
        }
        // The tiny spans show where no wider span was drawn.
        for cell in band.cells() {
            let x = cell.x as usize;
            if x >= width || next.get(x) != Some(&x) {
                continue;
            }
            let [r, g, b] = colour(cell.first.get());
            if let Some(p) = row.get_mut(x * 4..x * 4 + 4) {
                p.copy_from_slice(&[r, g, b, alpha(cell.count)]);
            }
        }
    }
    out
}

/// Follows `next` pointers from `x` to the first unpainted pixel, halving the
/// path on the way (no recursion).
fn find(next: &mut [usize], mut x: usize) -> usize {
    while let Some(&n) = next.get(x) {
        if n == x {
            return x;
        }
        let skip = next.get(n).copied().unwrap_or(n);
        next[x] = skip;
        x = skip;
    }
    x
}
