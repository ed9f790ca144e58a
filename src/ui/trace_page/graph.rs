//! The service graph view: services of this trace as boxes, calls between
//! them as arrows labelled with call counts and durations. Drawn as SVG
//! (text stays text), laid out by [`crate::view_model::graph`].

use std::ops::Range;
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::graph::{service_graph, ServiceGraph};
use crate::model::{text, Trace};
use crate::ui::shared::graph_svg::{edge_marks, node_marks};
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::view_model::colours::css_var;
use crate::view_model::graph::{busiest, layout, MOST_DRAWN};

/// Height of a row of the calls table, in CSS pixels (`.calls td`).
const CALL_ROW_PX: f64 = 25.2;

/// The service graph of `trace`.
#[component]
pub fn ServiceGraphView(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let whole = Arc::new(service_graph(&trace));
    let drawn = busiest(&whole, MOST_DRAWN);
    let g = &drawn.graph;
    // The whole graph's nodes are indexed like the trace's services.
    let colours = crate::ui::app_state::trace_colours(&trace);
    let laid = layout(g);
    let (width, height) = (laid.width, laid.height);
    let edges = laid
        .arrows
        .iter()
        .filter_map(|a| {
            let e = g.edges.get(a.edge)?;
            let from = trace.str(g.nodes.get(e.from)?.service).to_string();
            let to = trace.str(g.nodes.get(e.to)?.service).to_string();
            let label = format!(
                "{} · {}",
                text::counted(e.calls, "call"),
                text::duration(e.total_nanos)
            );
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
                    {edge_marks(a, label, e.errors)}
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
            let colour = css_var(colours.slot_at(drawn.kept.get(i).copied().unwrap_or(i)));
            let facts = format!(
                "{} · self {}",
                text::counted(n.spans, "span"),
                text::duration(n.self_nanos)
            );
            view! {
                <g class="graph-node" data-testid="graph-node" data-service=attr_name data-spans=n.spans>
                    {node_marks((x, y), name, colour, facts, n.errors)}
                </g>
            }
        })
        .collect_view();
    let capped = (g.nodes.len() < whole.nodes.len()).then(|| {
        view! {
            <p class="muted" data-testid="graph-capped" data-drawn=g.nodes.len() data-services=whole.nodes.len()>
                {format!(
                    "Drawn: the {} services with the most spans, of {}. The table under the graph lists every call.",
                    g.nodes.len(),
                    whole.nodes.len(),
                )}
            </p>
        }
    });
    let calls = calls_table(&trace, &whole);
    view! {
        <div class="service-graph" data-testid="service-graph">
            <p class="muted">
                "Services of this trace; an arrow is a span whose parent is in another service, labelled with the calls and their total duration."
            </p>
            {capped}
            <svg width=width height=height viewBox=format!("0 0 {width} {height}")>
                {edges}
                {nodes}
            </svg>
            <h4>"Calls between services"</h4>
            {calls}
        </div>
    }
}

/// Every call between services, one row each, only the rows in view in the
/// page (a trace can have tens of thousands).
fn calls_table(trace: &Arc<Trace>, whole: &Arc<ServiceGraph>) -> impl IntoView {
    let rows_view = VirtualRows::new(CALL_ROW_PX, 20);
    let count = whole.edges.len();
    let (trace, whole) = (Arc::clone(trace), Arc::clone(whole));
    let rows = move |range: Range<usize>| {
        whole
            .edges
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| {
                let from = trace.str(whole.nodes.get(e.from)?.service).to_string();
                let to = trace.str(whole.nodes.get(e.to)?.service).to_string();
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
            .collect_view()
    };
    let header = view! {
        <tr>
            <th>"Caller"</th>
            <th>"Callee"</th>
            <th class="num">"Calls"</th>
            <th class="num">"Failed"</th>
            <th class="num">"Total"</th>
            <th class="num">"Average"</th>
        </tr>
    };
    view! {
        <VirtualTable
            rows_view=rows_view
            count=Signal::stored(count)
            header=header
            rows=rows
            scroll_class="calls-box"
            class="calls"
            {..}
            data-testid="service-calls"
            data-count=count
        />
    }
}
