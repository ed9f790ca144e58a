//! The service graph laid out for drawing: each service a box in its call
//! column, each call an arrow. Calls to the next column go straight across,
//! calls skipping columns arc over the boxes in between, and calls back to an
//! earlier (or the same) column loop below.
//!
//! ```text
//!            ╭──────────────╮          arc: skips a column
//!  [frontend] ──▶ [cart] ──▶ [redis]
//!      ▲            │
//!      ╰────────────╯                  loop: calls back
//! ```

use crate::model::graph::ServiceGraph;

/// Most services drawn: past that the drawing is unreadable, and its SVG
/// takes seconds to build (the calls table still lists every call).
pub const MOST_DRAWN: usize = 150;

/// Width of a service's box, in pixels.
pub const NODE_W: f64 = 200.0;
/// Height of a service's box.
pub const NODE_H: f64 = 50.0;
/// Space between columns.
const GAP_X: f64 = 190.0;
/// Space between boxes of one column.
const GAP_Y: f64 = 34.0;
/// Space around the drawing.
const MARGIN: f64 = 24.0;
/// Room under the lowest box for loops and their labels.
const BELOW: f64 = 30.0;

/// Where an arrow goes, as SVG paths, and where its label sits.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Index of the call in [`ServiceGraph::edges`].
    pub edge: usize,
    /// The curve, as an SVG path.
    pub line: String,
    /// The arrow head, as an SVG path.
    pub tip: String,
    /// Centre of the label.
    pub label_x: f64,
    /// Baseline of the label.
    pub label_y: f64,
}

/// Positions of every box and arrow, and the size of the drawing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    /// Top-left corner of each service's box, indexed like the graph's nodes.
    pub boxes: Vec<(f64, f64)>,
    /// One arrow per call (calls whose services are unknown are left out).
    pub arrows: Vec<Arrow>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// The part of a graph that is drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawn {
    /// The services drawn, rows renumbered so that no column has gaps, and
    /// the calls between them.
    pub graph: ServiceGraph,
    /// For each drawn service, its index in the whole graph (and so in the
    /// trace's services, for its colour).
    pub kept: Vec<usize>,
}

/// The `most` services of `g` with the most spans (ties: the first by
/// name) and the calls between them; all of `g` when it has no more.
pub fn busiest(g: &ServiceGraph, most: usize) -> Drawn {
    if g.nodes.len() <= most {
        return Drawn {
            graph: g.clone(),
            kept: (0..g.nodes.len()).collect(),
        };
    }
    let mut by_spans: Vec<usize> = (0..g.nodes.len()).collect();
    by_spans.sort_by_key(|&i| (std::cmp::Reverse(g.nodes[i].spans), i));
    by_spans.truncate(most);
    // In column order, each column top to bottom as laid out for all.
    by_spans.sort_by_key(|&i| (g.nodes[i].layer, g.nodes[i].row, i));
    let mut new_ix: Vec<Option<usize>> = vec![None; g.nodes.len()];
    let mut nodes = Vec::with_capacity(by_spans.len());
    let mut row = 0u32;
    let mut layer = None;
    for (to, &from) in by_spans.iter().enumerate() {
        let mut node = g.nodes[from].clone();
        if layer != Some(node.layer) {
            layer = Some(node.layer);
            row = 0;
        }
        node.row = row;
        row += 1;
        new_ix[from] = Some(to);
        nodes.push(node);
    }
    let at = |i: usize| new_ix.get(i).copied().flatten();
    let mut edges: Vec<_> = g
        .edges
        .iter()
        .filter_map(|e| {
            let mut e = e.clone();
            (e.from, e.to) = (at(e.from)?, at(e.to)?);
            Some(e)
        })
        .collect();
    edges.sort_by_key(|e| (e.from, e.to));
    Drawn {
        graph: ServiceGraph { nodes, edges },
        kept: by_spans,
    }
}

/// How far above the boxes an arrow skipping `span - 1` columns arcs.
fn arc_height(span: i64) -> f64 {
    (24.0 + 16.0 * span as f64).min(160.0)
}

/// Lays `g` out left to right by call column.
pub fn layout(g: &ServiceGraph) -> GraphLayout {
    let layer = |i: usize| g.nodes.get(i).map(|n| i64::from(n.layer));
    let longest = g
        .edges
        .iter()
        .filter_map(|e| Some(layer(e.to)? - layer(e.from)?))
        .max()
        .unwrap_or(0);
    // Room above the boxes for the highest arc.
    let top = if longest > 1 {
        arc_height(longest)
    } else {
        0.0
    };
    let boxes: Vec<(f64, f64)> = g
        .nodes
        .iter()
        .map(|n| {
            (
                MARGIN + f64::from(n.layer) * (NODE_W + GAP_X),
                MARGIN + top + f64::from(n.row) * (NODE_H + GAP_Y),
            )
        })
        .collect();
    let arrows = g
        .edges
        .iter()
        .enumerate()
        .filter_map(|(edge, e)| {
            let (fx, fy) = *boxes.get(e.from)?;
            let (tx, ty) = *boxes.get(e.to)?;
            Some(arrow(
                edge,
                layer(e.to)? - layer(e.from)?,
                (fx, fy),
                (tx, ty),
            ))
        })
        .collect();
    let width = boxes.iter().map(|p| p.0).fold(0.0, f64::max) + NODE_W + MARGIN;
    let height = boxes.iter().map(|p| p.1).fold(0.0, f64::max) + NODE_H + MARGIN + BELOW;
    GraphLayout {
        boxes,
        arrows,
        width,
        height,
    }
}

/// The arrow of call `edge` from the box at `(fx, fy)` to the box at
/// `(tx, ty)`, `span` columns to the right (zero or less: back).
fn arrow(edge: usize, span: i64, (fx, fy): (f64, f64), (tx, ty): (f64, f64)) -> Arrow {
    if span == 1 {
        // Next column: straight across, side to side.
        let (x1, y1, x2, y2) = (fx + NODE_W, fy + NODE_H / 2.0, tx, ty + NODE_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        Arrow {
            edge,
            line: format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"),
            tip: format!("M{x2},{y2} l-8,-4 l0,8 z"),
            label_x: mid,
            label_y: (y1 + y2) / 2.0 - 6.0,
        }
    } else if span > 1 {
        // Skipping columns: from the top of one box over to the top of the other.
        let (x1, y1, x2, y2) = (fx + NODE_W * 0.75, fy, tx + NODE_W * 0.25, ty);
        let high = fy.min(ty) - arc_height(span);
        Arrow {
            edge,
            line: format!("M{x1},{y1} C{x1},{high} {x2},{high} {x2},{y2}"),
            tip: format!("M{x2},{y2} l-4,-8 l8,0 z"),
            label_x: (x1 + x2) / 2.0,
            label_y: high + 0.75 * arc_height(span) - 4.0,
        }
    } else {
        // Back to an earlier (or the same) column: a loop below, bottom to bottom.
        let (x1, y1, x2, y2) = (
            fx + NODE_W / 2.0,
            fy + NODE_H,
            tx + NODE_W / 2.0 + 12.0,
            ty + NODE_H,
        );
        let low = y1.max(y2) + 28.0;
        Arrow {
            edge,
            line: format!("M{x1},{y1} C{x1},{low} {x2},{low} {x2},{y2}"),
            tip: format!("M{x2},{y2} l-4,8 l8,0 z"),
            label_x: (x1 + x2) / 2.0,
            label_y: low + 4.0,
        }
    }
}
