//! Services: one service graph over all the shown traces. Each service a
//! box (spans, errors, p50/p90 of its server spans), each call between
//! services an arrow (calls, errors, p50/p90); a click on an arrow or a row
//! of the calls table lists the traces making that call.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::aggregate::services::{ServiceMap, ServiceMapBuilder};
use crate::model::many::CALL_ARROW;
use crate::model::text;
use crate::ui::app_state::{Colours, ListState, Traces};
use crate::ui::shared::graph_svg::{edge_marks, node_marks};
use crate::ui::trace_list::sliced::{progress_note, Sliced};
use crate::ui::trace_list::views::show_in_list;
use crate::view_model::colours::css_var;
use crate::view_model::graph::{busiest, layout, MOST_DRAWN};

/// Rows of the calls table at most (a set of traces can hold thousands
/// of services; the busiest calls come first).
const MOST_CALL_ROWS: usize = 500;

/// The services view.
#[component]
pub fn ServicesView() -> impl IntoView {
    let (list, traces) = (expect_context::<ListState>(), expect_context::<Traces>());
    let sliced: Sliced<ServiceMap> = Sliced::over_shown(
        list,
        traces,
        ServiceMapBuilder::new,
        ServiceMapBuilder::add,
        ServiceMapBuilder::finish,
    );
    let result = sliced.result;
    view! {
        <section class="service-map">
            <p class="muted">
                "The services of every shown trace. An arrow is a call: a span whose parent is in another service, labelled with the calls, their p50 and p90, and failures. Click an arrow or a row to list the traces making that call."
            </p>
            {progress_note(&sliced)}
            {move || result.get().map(|m| map_view(list, m))}
        </section>
    }
}

fn call_filter(list: ListState, from: String, to: String) {
    show_in_list(list, move |l| {
        l.filter.call = format!("{from}{CALL_ARROW}{to}")
    });
}

fn map_view(list: ListState, map: Arc<ServiceMap>) -> impl IntoView {
    let colours = expect_context::<Colours>();
    let drawn = busiest(&map.graph, MOST_DRAWN);
    let g = &drawn.graph;
    let laid = layout(g);
    let (width, height) = (laid.width, laid.height);
    // A drawn node's index in the whole map.
    let whole = |i: usize| drawn.kept.get(i).copied().unwrap_or(i);
    let edges = laid
        .arrows
        .iter()
        .filter_map(|a| {
            let e = g.edges.get(a.edge)?;
            let (from_ix, to_ix) = (whole(e.from), whole(e.to));
            let from = map.name(from_ix).to_string();
            let to = map.name(to_ix).to_string();
            // The same call in the whole map, for its percentiles.
            let times = map
                .graph
                .edges
                .iter()
                .position(|x| x.from == from_ix && x.to == to_ix)
                .and_then(|i| map.edge_times.get(i))
                .copied()
                .unwrap_or_default();
            let label = format!(
                "{} · p50 {} · p90 {}",
                text::counted(e.calls, "call"),
                text::duration(times.p50_nanos),
                text::duration(times.p90_nanos),
            );
            let (cf, ct) = (from.clone(), to.clone());
            Some(view! {
                <g
                    class="graph-edge clickable"
                    class:has-errors={e.errors > 0}
                    data-testid="service-edge"
                    data-from=from
                    data-to=to
                    data-calls=e.calls
                    data-errors=e.errors
                    data-p50-us=text::micros_attr(times.p50_nanos)
                    data-p90-us=text::micros_attr(times.p90_nanos)
                    on:click=move |_| call_filter(list, cf.clone(), ct.clone())
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
            let ix = whole(i);
            let name = map.name(ix).to_string();
            let colour = css_var(colours.with_untracked(|c| c.slot(&name)));
            let times = map.node_times.get(ix).copied().unwrap_or_default();
            let facts = if times.server_spans > 0 {
                format!(
                    "{} spans · p50 {} · p90 {}",
                    n.spans,
                    text::duration(times.p50_nanos),
                    text::duration(times.p90_nanos)
                )
            } else {
                text::counted(n.spans, "span")
            };
            let title = format!("{name}: p50/p90 of its {} server spans", times.server_spans);
            let service = name.clone();
            view! {
                <g
                    class="graph-node"
                    data-testid="service-node"
                    data-service=service
                    data-spans=n.spans
                    data-errors=n.errors
                    data-server-spans=times.server_spans
                    data-p50-us=text::micros_attr(times.p50_nanos)
                    data-p90-us=text::micros_attr(times.p90_nanos)
                >
                    <title>{title}</title>
                    {node_marks((x, y), name, colour, facts, n.errors)}
                </g>
            }
        })
        .collect_view();
    let capped = (g.nodes.len() < map.graph.nodes.len()).then(|| {
        view! {
            <p class="muted" data-testid="service-map-capped">
                {format!(
                    "Drawn: the {} services with the most spans, of {}. The table lists every call.",
                    g.nodes.len(),
                    map.graph.nodes.len(),
                )}
            </p>
        }
    });
    let all_calls = map.graph.edges.len();
    let calls_note = (all_calls > MOST_CALL_ROWS).then(|| {
        view! {
            <p class="muted" data-testid="service-calls-capped">
                {format!("The {MOST_CALL_ROWS} calls made most often, of {all_calls}.")}
            </p>
        }
    });
    // The calls made most often first.
    let mut by_calls: Vec<usize> = (0..all_calls).collect();
    by_calls.sort_by_key(|&i| std::cmp::Reverse(map.graph.edges.get(i).map_or(0, |e| e.calls)));
    by_calls.truncate(MOST_CALL_ROWS);
    let calls = by_calls
        .into_iter()
        .filter_map(|i| Some((map.graph.edges.get(i)?, map.edge_times.get(i)?)))
        .map(|(e, t)| {
            let (from, to) = (map.name(e.from).to_string(), map.name(e.to).to_string());
            let (cf, ct) = (from.clone(), to.clone());
            view! {
                <tr
                    class:has-errors={e.errors > 0}
                    class="clickable"
                    data-testid="service-call-row"
                    on:click=move |_| call_filter(list, cf.clone(), ct.clone())
                >
                    <td>{from}</td>
                    <td>{to}</td>
                    <td class="num">{e.calls}</td>
                    <td class="num">{e.errors}</td>
                    <td class="num">{text::duration(t.p50_nanos)}</td>
                    <td class="num">{text::duration(t.p90_nanos)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="service-graph" data-testid="service-map" data-services=map.graph.nodes.len() data-calls=map.graph.edges.len()>
            {capped}
            <svg width=width height=height viewBox=format!("0 0 {width} {height}")>
                {edges}
                {nodes}
            </svg>
            <h4>"Calls between services"</h4>
            {calls_note}
            <table class="calls">
                <thead>
                    <tr>
                        <th>"Caller"</th>
                        <th>"Callee"</th>
                        <th class="num">"Calls"</th>
                        <th class="num">"Failed"</th>
                        <th class="num">"p50"</th>
                        <th class="num">"p90"</th>
                    </tr>
                </thead>
                <tbody>{calls}</tbody>
            </table>
        </div>
    }
}
