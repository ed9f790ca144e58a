//! The service graph view: services of this trace as boxes, calls between
//! them as arrows labelled with call counts and durations. Drawn as SVG
//! (text stays text), laid out left to right by call depth.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::graph::{service_graph, ServiceGraph};
use crate::model::{text, Trace};
use crate::view_model::colours::css_var;

const NODE_W: f64 = 200.0;
const NODE_H: f64 = 50.0;
const GAP_X: f64 = 190.0;
const GAP_Y: f64 = 34.0;
const MARGIN: f64 = 24.0;

/// Where an arrow ends, and which way it points.
enum Tip {
    Right(f64, f64),
    Down(f64, f64),
    Up(f64, f64),
}

/// How far above the boxes an arrow skipping `span - 1` columns arcs.
fn arc_height(span: i64) -> f64 {
    (24.0 + 16.0 * span as f64).min(160.0)
}

/// Top-left corner of every node, leaving room above for arcs.
fn positions(g: &ServiceGraph) -> Vec<(f64, f64)> {
    let longest = g
        .edges
        .iter()
        .filter_map(|e| Some(g.nodes.get(e.to)?.layer as i64 - g.nodes.get(e.from)?.layer as i64))
        .max()
        .unwrap_or(0);
    let top = if longest > 1 {
        arc_height(longest)
    } else {
        0.0
    };
    g.nodes
        .iter()
        .map(|n| {
            (
                MARGIN + f64::from(n.layer) * (NODE_W + GAP_X),
                MARGIN + top + f64::from(n.row) * (NODE_H + GAP_Y),
            )
        })
        .collect()
}

/// The service graph of `trace`.
#[component]
pub fn ServiceGraphView(trace: Arc<Trace>) -> impl IntoView {
    let g = service_graph(&trace);
    // Nodes are indexed like the trace's services.
    let colours = crate::ui::app_state::trace_colours(&trace);
    let pos = positions(&g);
    let width = pos.iter().map(|p| p.0).fold(0.0, f64::max) + NODE_W + MARGIN;
    let height = pos.iter().map(|p| p.1).fold(0.0, f64::max) + NODE_H + MARGIN + 30.0;
    let edges = g
        .edges
        .iter()
        .filter_map(|e| {
            let (fx, fy) = *pos.get(e.from)?;
            let (tx, ty) = *pos.get(e.to)?;
            let span = g.nodes.get(e.to)?.layer as i64 - g.nodes.get(e.from)?.layer as i64;
            let (path, lx, ly, tip) = if span == 1 {
                // Next column: straight across.
                let (x1, y1, x2, y2) = (fx + NODE_W, fy + NODE_H / 2.0, tx, ty + NODE_H / 2.0);
                let mid = (x1 + x2) / 2.0;
                (
                    format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"),
                    mid,
                    (y1 + y2) / 2.0 - 6.0,
                    Tip::Right(x2, y2),
                )
            } else if span > 1 {
                // Skipping columns: arc over the boxes in between.
                let (x1, y1, x2, y2) = (fx + NODE_W * 0.75, fy, tx + NODE_W * 0.25, ty);
                let high = fy.min(ty) - arc_height(span);
                (
                    format!("M{x1},{y1} C{x1},{high} {x2},{high} {x2},{y2}"),
                    (x1 + x2) / 2.0,
                    high + 0.75 * arc_height(span) - 4.0,
                    Tip::Down(x2, y2),
                )
            } else {
                // Calls back to an earlier (or the same) column loop below.
                let (x1, y1, x2, y2) = (fx + NODE_W / 2.0, fy + NODE_H, tx + NODE_W / 2.0 + 12.0, ty + NODE_H);
                let low = y1.max(y2) + 28.0;
                (
                    format!("M{x1},{y1} C{x1},{low} {x2},{low} {x2},{y2}"),
                    (x1 + x2) / 2.0,
                    low + 4.0,
                    Tip::Up(x2, y2),
                )
            };
            let arrow = match tip {
                Tip::Right(x, y) => format!("M{x},{y} l-8,-4 l0,8 z"),
                Tip::Down(x, y) => format!("M{x},{y} l-4,-8 l8,0 z"),
                Tip::Up(x, y) => format!("M{x},{y} l-4,8 l8,0 z"),
            };
            let from = trace.str(g.nodes.get(e.from)?.service).to_string();
            let to = trace.str(g.nodes.get(e.to)?.service).to_string();
            let label = format!(
                "{} call{} · {}",
                e.calls,
                if e.calls == 1 { "" } else { "s" },
                text::duration(e.total_nanos)
            );
            let errors = (e.errors > 0).then(|| format!("{} failed", e.errors));
            Some(view! {
                <g
                    class="graph-edge"
                    class:has-errors={e.errors > 0}
                    data-testid="graph-edge"
                    data-from=from
                    data-to=to
                    data-calls=e.calls
                    data-total-us=text::micros_attr(e.total_nanos)
                >
                    <path class="edge-line" d=path></path>
                    <path class="edge-tip" d=arrow></path>
                    <text class="edge-label" x=lx y=ly text-anchor="middle">{label}</text>
                    {errors.map(|t| view! { <text class="edge-label err" x=lx y=ly + 13.0 text-anchor="middle">{t}</text> })}
                </g>
            })
        })
        .collect_view();
    let nodes = g
        .nodes
        .iter()
        .zip(&pos)
        .enumerate()
        .map(|(i, (n, &(x, y)))| {
            let name = trace.str(n.service).to_string();
            let attr_name = name.clone();
            let colour = css_var(colours.slot_at(i));
            let facts = format!(
                "{} span{} · self {}",
                n.spans,
                if n.spans == 1 { "" } else { "s" },
                text::duration(n.self_nanos)
            );
            view! {
                <g class="graph-node" data-testid="graph-node" data-service=attr_name data-spans=n.spans>
                    <rect class="node-box" x=x y=y width=NODE_W height=NODE_H rx="6"></rect>
                    <rect x=x y=y width="6" height=NODE_H fill=colour></rect>
                    <text class="node-name" x=x + 14.0 y=y + 20.0>{name}</text>
                    <text class="node-facts" x=x + 14.0 y=y + 38.0>{facts}</text>
                    {(n.errors > 0)
                        .then(|| {
                            view! {
                                <text class="node-errors" x=x + NODE_W - 8.0 y=y + 20.0 text-anchor="end">
                                    {format!("{} error{}", n.errors, if n.errors == 1 { "" } else { "s" })}
                                </text>
                            }
                        })}
                </g>
            }
        })
        .collect_view();
    let table_rows = g
        .edges
        .iter()
        .filter_map(|e| {
            let from = trace.str(g.nodes.get(e.from)?.service).to_string();
            let to = trace.str(g.nodes.get(e.to)?.service).to_string();
            let avg = e.total_nanos / u64::from(e.calls.max(1));
            Some(view! {
                <tr class:has-errors={e.errors > 0}>
                    <td>{from}</td>
                    <td>{to}</td>
                    <td class="num">{e.calls}</td>
                    <td class="num">{e.errors}</td>
                    <td class="num">{text::duration(e.total_nanos)}</td>
                    <td class="num">{text::duration(avg)}</td>
                </tr>
            })
        })
        .collect_view();
    view! {
        <div class="service-graph" data-testid="service-graph">
            <p class="muted">
                "Services of this trace; an arrow is a span whose parent is in another service, labelled with the calls and their total duration."
            </p>
            <svg width=width height=height viewBox=format!("0 0 {width} {height}")>
                {edges}
                {nodes}
            </svg>
            <h4>"Calls between services"</h4>
            <table class="calls" data-testid="service-calls">
                <thead>
                    <tr>
                        <th>"Caller"</th>
                        <th>"Callee"</th>
                        <th class="num">"Calls"</th>
                        <th class="num">"Failed"</th>
                        <th class="num">"Total"</th>
                        <th class="num">"Average"</th>
                    </tr>
                </thead>
                <tbody>{table_rows}</tbody>
            </table>
        </div>
    }
}
