//! The merged structure of many traces as an icicle: each path a box under
//! its parent, as wide as the self time of its whole subtree (span counts
//! where no time was recorded), children left to right, largest first.
//!
//! ```text
//! |api: GET /cart                              | row 0
//! |db: SELECT ×43          |cache: GET |        row 1
//! ```

use crate::model::aggregate::structure::{SortColumn, Structure};

/// One drawn box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IcicleBox {
    /// Node in the structure.
    pub node: u32,
    /// Left edge, pixels.
    pub x: f64,
    /// Width, pixels.
    pub w: f64,
    /// Row (depth − 1).
    pub row: u32,
}

/// Boxes at least `min_px` wide, for a drawing `width` pixels wide; rows
/// past `most_rows` are left out. No recursion: the tree order is walked
/// once to sum subtrees (children after parents, so backwards) and once to
/// place them.
pub fn icicle(s: &Structure, width: f64, min_px: f64, most_rows: u32) -> Vec<IcicleBox> {
    let order = s.ordered(SortColumn::SelfTime);
    let n = s.rows.len();
    let any_time = s.rows.iter().any(|r| r.self_nanos > 0);
    let mut weight: Vec<f64> = s
        .rows
        .iter()
        .map(|r| {
            if any_time {
                r.self_nanos as f64
            } else {
                f64::from(r.count)
            }
        })
        .collect();
    for &node in order.iter().rev() {
        let Some(row) = s.rows.get(node as usize) else {
            continue;
        };
        let own = weight.get(node as usize).copied().unwrap_or(0.0);
        if let Some(w) = row.parent.and_then(|p| weight.get_mut(p as usize)) {
            *w += own;
        }
    }
    let total: f64 = s
        .rows
        .iter()
        .filter(|r| r.parent.is_none())
        .map(|r| weight.get(r.node as usize).copied().unwrap_or(0.0))
        .sum();
    if total <= 0.0 || n == 0 {
        return Vec::new();
    }
    let scale = width / total;
    // Next free x under each node (children are placed left to right).
    let mut next_x = vec![0.0f64; n];
    let mut top_x = 0.0;
    let mut placed: Vec<Option<f64>> = vec![None; n];
    let mut out = Vec::new();
    for &node in &order {
        let Some(row) = s.rows.get(node as usize) else {
            continue;
        };
        let w = weight.get(node as usize).copied().unwrap_or(0.0) * scale;
        let x = match row.parent {
            None => {
                let x = top_x;
                top_x += w;
                Some(x)
            }
            Some(p) => placed.get(p as usize).copied().flatten().map(|_| {
                let at = next_x.get(p as usize).copied().unwrap_or(0.0);
                if let Some(nx) = next_x.get_mut(p as usize) {
                    *nx = at + w;
                }
                at
            }),
        };
        // A box too narrow (or too deep) is not drawn, nor its subtree.
        let Some(x) = x.filter(|_| w >= min_px && row.depth <= most_rows) else {
            continue;
        };
        if let Some(p) = placed.get_mut(node as usize) {
            *p = Some(x);
        }
        if let Some(nx) = next_x.get_mut(node as usize) {
            *nx = x;
        }
        out.push(IcicleBox {
            node,
            x,
            w,
            row: row.depth - 1,
        });
    }
    out
}

/// The box under (`x`, `row`), if any.
pub fn box_at(boxes: &[IcicleBox], x: f64, row: u32) -> Option<&IcicleBox> {
    boxes
        .iter()
        .find(|b| b.row == row && b.x <= x && x < b.x + b.w)
}
