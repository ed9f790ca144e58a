//! The service graph view: services of this trace as boxes, calls between
//! them as arrows labelled with call counts and durations. Drawn as SVG
//! (text stays text), laid out by [`crate::view_model::graph`].

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::graph::service_graph;
use crate::model::{text, Trace};
use crate::view_model::colours::css_var;
use crate::view_model::graph::{layout, NODE_H, NODE_W};

/// The service graph of `trace`.
#[component]
pub fn ServiceGraphView(trace: Arc<Trace>) -> impl IntoView {
    let g = service_graph(&trace);
    // Nodes are indexed like the trace's services.
    let colours = crate::ui::app_state::trace_colours(&trace);
    let laid = layout(&g);
    let (width, height) = (laid.width, laid.height);
    let edges = laid
        .arrows
        .iter()
        .filter_map(|a| {
            let e = g.edges.get(a.edge)?;
            let from = trace.str(g.nodes.get(e.from)?.service).to_string();
            let to = trace.str(g.nodes.get(e.to)?.service).to_string();
            let label = format!(
                "{} call{} · {}",
                e.calls,
                if e.calls == 1 { "" } else { "s" },
                text::duration(e.total_nanos)
            );
            let errors = (e.errors > 0).then(|| format!("{} failed", e.errors));
            let (lx, ly) = (a.label_x, a.label_y);
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
                    <path class="edge-line" d=a.line.clone()></path>
                    <path class="edge-tip" d=a.tip.clone()></path>
                    <text class="edge-label" x=lx y=ly text-anchor="middle">{label}</text>
                    {errors.map(|t| view! { <text class="edge-label err" x=lx y=ly + 13.0 text-anchor="middle">{t}</text> })}
                </g>
            })
        })
        .collect_view();
    let nodes = g
        .nodes
        .iter()
        .zip(&laid.boxes)
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
