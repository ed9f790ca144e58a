//! The marks of a service graph in SVG, shared by one trace's graph and the
//! graph over many traces: each caller wraps them in its own `<g>` with its
//! own test hooks and click.

use leptos::prelude::*;

use crate::view_model::graph::{Arrow, NODE_H, NODE_W};

/// An arrow's line, tip and label, and "N failed" under it when calls failed.
pub fn edge_marks(a: &Arrow, label: String, errors: u32) -> impl IntoView {
    let (lx, ly) = (a.label_x, a.label_y);
    let failed = (errors > 0).then(|| format!("{errors} failed"));
    view! {
        <path class="edge-line" d=a.line.clone()></path>
        <path class="edge-tip" d=a.tip.clone()></path>
        <text class="edge-label" x=lx y=ly text-anchor="middle">{label}</text>
        {failed.map(|t| view! { <text class="edge-label err" x=lx y=ly + 13.0 text-anchor="middle">{t}</text> })}
    }
}

/// A service's box at (`x`, `y`): its colour bar, name, facts, and its
/// errors in the corner when it has some.
pub fn node_marks(
    (x, y): (f64, f64),
    name: String,
    colour: String,
    facts: String,
    errors: u32,
) -> impl IntoView {
    view! {
        <rect class="node-box" x=x y=y width=NODE_W height=NODE_H rx="6"></rect>
        <rect x=x y=y width="6" height=NODE_H fill=colour></rect>
        <text class="node-name" x=x + 14.0 y=y + 20.0>{name}</text>
        <text class="node-facts" x=x + 14.0 y=y + 38.0>{facts}</text>
        {(errors > 0)
            .then(|| {
                view! {
                    <text class="node-errors" x=x + NODE_W - 8.0 y=y + 20.0 text-anchor="end">
                        {crate::model::text::counted(errors, "error")}
                    </text>
                }
            })}
    }
}
