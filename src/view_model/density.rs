//! Density bands: spans narrower than a pixel are not drawn one by one. Each
//! is counted in the pixel column it falls in, and a row's counts are drawn
//! as one band whose opacity grows with the count. A million tiny spans then
//! cost a million increments and at most one cell per pixel to draw, and the
//! band still shows where the work is.

use crate::model::SpanIx;

/// One pixel column of a band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Pixel column.
    pub x: u32,
    /// Spans counted in it.
    pub count: u32,
    /// The first span counted (its service colours the cell).
    pub first: SpanIx,
}

/// The culled spans of one row, by pixel column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DensityBand {
    cells: Vec<Cell>,
    sorted: bool,
}

impl DensityBand {
    /// Counts span `ix`, which covers pixels `x0..x1` (less than one pixel).
    pub fn add(&mut self, x0: f64, x1: f64, ix: SpanIx) {
        let x = ((x0 + x1) * 0.5).floor().max(0.0) as u32;
        // Spans mostly arrive in time order: the last cell is the usual hit.
        match self.cells.last_mut() {
            Some(c) if c.x == x => c.count += 1,
            Some(c) => {
                if c.x > x {
                    self.sorted = false;
                }
                self.cells.push(Cell {
                    x,
                    count: 1,
                    first: ix,
                });
            }
            None => {
                self.sorted = true;
                self.cells.push(Cell {
                    x,
                    count: 1,
                    first: ix,
                });
            }
        }
    }

    /// The cells, left to right, one per pixel column.
    pub fn cells(&mut self) -> &[Cell] {
        if !self.sorted {
            self.cells.sort_by_key(|c| (c.x, c.first));
            let mut merged: Vec<Cell> = Vec::with_capacity(self.cells.len());
            for c in self.cells.drain(..) {
                match merged.last_mut() {
                    Some(m) if m.x == c.x => m.count += c.count,
                    _ => merged.push(c),
                }
            }
            self.cells = merged;
            self.sorted = true;
        }
        &self.cells
    }

    /// Spans counted in all.
    pub fn total(&self) -> u64 {
        self.cells.iter().map(|c| u64::from(c.count)).sum()
    }

    /// True when no span was culled.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// Opacity for a cell of `count` spans: one span shows faintly, each
/// doubling adds the same step, 32 or more are solid.
pub fn alpha(count: u32) -> u8 {
    match count {
        0 => 0,
        n => (60.0 + 39.0 * f64::from(n).log2()).min(255.0) as u8,
    }
}
