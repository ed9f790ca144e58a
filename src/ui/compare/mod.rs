//! Comparing two traces (`#/compare/A...B`) and one trace against the
//! traces sharing its root operation (`#/baseline/<id>`).

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::model::compare::{baseline, Comparison};
use crate::model::many::p50_p90_p99;
use crate::model::{text, Trace};
use crate::ui::app_state::{Colours, ThemeChoice, Traces};
use crate::ui::shared::canvas;
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::time_axis::{view_range_us, AxisNav};
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::view_model::colours::css_var;
use crate::view_model::flame::layout_in;
use crate::view_model::route::Route;
use crate::view_model::TimeScale;

/// Row height of the aligned tables, in CSS pixels.
const ROW_PX: f64 = 26.0;
/// Row height of the side-by-side timelines.
const LANE_PX: f64 = 14.0;

/// Signed nanoseconds as microseconds for `data-*` attributes.
fn signed_micros_attr(nanos: i64) -> String {
    let m = text::micros_attr(nanos.unsigned_abs());
    if nanos < 0 {
        format!("-{m}")
    } else {
        m
    }
}

fn signed(nanos: i64) -> String {
    if nanos == 0 {
        String::from("±0")
    } else {
        text::signed_duration(nanos)
    }
}

/// A summary card for one side.
fn card(label: &'static str, t: &Trace) -> impl IntoView {
    let id = t.id.to_hex();
    view! {
        <div class="compare-card">
            <div class="side">{label}</div>
            <a href=Route::Trace(id.clone()).to_hash()>{t.name()}</a>
            <span class="trace-id">{t.id.own_hex()}</span>
            <div class="muted">
                {format!(
                    "{} · {} spans · {} error{}",
                    text::duration(t.duration_nanos()),
                    t.spans.len(),
                    t.error_count,
                    if t.error_count == 1 { "" } else { "s" },
                )}
            </div>
        </div>
    }
}

/// Draws the part of `trace` that `scale` shows (offsets from the trace's
/// own start, so that both lanes share one scale: at first the longer trace
/// fills the canvas) as an icicle.
fn draw_lane(el: &web_sys::HtmlCanvasElement, trace: &Trace, scale: TimeScale) {
    let full = f64::from(el.client_width().max(100));
    let from = trace
        .start_unix_nanos
        .saturating_add(scale.start_unix_nanos);
    let window = (from, from.saturating_add(scale.span_nanos));
    let boxes = layout_in(trace, None, window, full, 0.5, 0).boxes;
    let rows = boxes.iter().map(|b| b.row + 1).max().unwrap_or(1).min(400);
    let Some(ctx) = canvas::sized(el, full, f64::from(rows) * LANE_PX) else {
        return;
    };
    // Colours by service name: the same service looks the same in both lanes.
    let colour_of = canvas::service_rgb(trace, &crate::ui::app_state::trace_colours(trace));
    ctx.clear_rect(0.0, 0.0, full, f64::from(rows) * LANE_PX);
    for b in boxes.iter().filter(|b| b.row < rows) {
        let Some(s) = trace.span(b.ix) else {
            continue;
        };
        let c = colour_of
            .get(trace.service_index(s.raw.service))
            .copied()
            .unwrap_or([128, 128, 128]);
        ctx.set_fill_style_str(&canvas::css(c));
        ctx.fill_rect(
            f64::from(b.x),
            f64::from(b.row) * LANE_PX,
            f64::from(b.w).max(0.5),
            LANE_PX - 1.0,
        );
    }
}

/// One trace's lane of the side-by-side view.
#[component]
fn Lane(trace: Arc<Trace>, scale: Memo<TimeScale>, label: &'static str) -> impl IntoView {
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let theme = expect_context::<ThemeChoice>();
    Effect::new(move |_| {
        theme.track();
        let s = scale.get();
        if let Some(el) = canvas_ref.get() {
            draw_lane(&el, &trace, s);
        }
    });
    view! {
        <div class="lane">
            <div class="side">{label}</div>
            <canvas node_ref=canvas_ref data-testid="compare-lane"></canvas>
        </div>
    }
}

/// Most services named under the lanes; the rest are counted.
const LANES_LEGEND_MAX: usize = 40;

/// The services of both lanes with their colours (the same in each lane and
/// on every other page).
fn lanes_legend(a: &Trace, b: &Trace) -> impl IntoView {
    let colours = expect_context::<Colours>().get_untracked();
    let mut names: Vec<&str> = a
        .services
        .iter()
        .map(|(s, _)| a.str(*s))
        .chain(b.services.iter().map(|(s, _)| b.str(*s)))
        .collect();
    names.sort_unstable();
    names.dedup();
    let more = names.len().saturating_sub(LANES_LEGEND_MAX);
    let items = names
        .iter()
        .take(LANES_LEGEND_MAX)
        .map(|name| {
            let slot = colours.slot(name);
            view! {
                <span class="legend-item" data-testid="compare-legend-item" data-service=name.to_string() data-colour=slot>
                    <span class="svc-swatch" style:background=css_var(slot)></span>
                    {text::clip(name, 60)}
                </span>
            }
        })
        .collect_view();
    view! {
        <div class="legend lanes-legend" data-testid="compare-legend">
            {items}
            {(more > 0).then(|| view! { <span class="muted legend-more">{format!("+{more} more")}</span> })}
        </div>
    }
}

/// Two traces aligned by ancestry path.
#[component]
pub fn ComparePage(
    /// The trace on the left (the baseline).
    a: Arc<Trace>,
    /// The trace on the right, compared with it.
    b: Arc<Trace>,
) -> impl IntoView {
    let cmp = Arc::new(Comparison::new(&a, &b));
    let (ida, idb) = (a.id.to_hex(), b.id.to_hex());
    let slower: Vec<usize> = cmp
        .slower()
        .into_iter()
        .filter(|&i| cmp.nodes.get(i).is_some_and(|n| n.self_delta() > 0))
        .take(15)
        .collect();
    let slower_rows = slower
        .iter()
        .filter_map(|&i| {
            let n = cmp.nodes.get(i)?;
            let path = cmp.path(i);
            let attr = path.clone();
            Some(view! {
                <li data-testid="slower-row" data-path=attr data-self-delta-us=signed_micros_attr(n.self_delta())>
                    <span class="delta slower">{signed(n.self_delta())}</span>
                    " "
                    <span class="path">{path}</span>
                    <span class="muted">{format!(" ({} → {} spans)", n.count_a, n.count_b)}</span>
                </li>
            })
        })
        .collect_view();
    let total = cmp.nodes.len();
    let rows_view = VirtualRows::new(ROW_PX, 15);
    let rows_cmp = Arc::clone(&cmp);
    let count = Signal::derive(move || total);
    let rows = move |range: std::ops::Range<usize>| {
        range
            .filter_map(|i| {
                let n = rows_cmp.nodes.get(i)?;
                let (svc, op) = rows_cmp.index.step(n.node);
                let change = n.change().as_str();
                let indent = format!("{}px", (n.depth.saturating_sub(1)).min(30) * 14);
                Some(view! {
                    <tr
                        class=format!("diff-row change-{change}")
                        data-testid="diff-row"
                        data-path=rows_cmp.path(i)
                        data-count-a=n.count_a
                        data-count-b=n.count_b
                        data-self-delta-us=signed_micros_attr(n.self_delta())
                        data-change=change
                    >
                        <td class="step" style:padding-left=indent>
                            <span class="svc">{svc.to_string()}</span>
                            " "
                            {op.to_string()}
                            {(change == "added" || change == "removed").then(|| view! { <span class=format!("badge {change}")>{change}</span> })}
                        </td>
                        <td class="num">{n.count_a}</td>
                        <td class="num">{n.count_b}</td>
                        <td class="num">{text::duration(n.total_a)}</td>
                        <td class="num">{text::duration(n.total_b)}</td>
                        <td class="num delta">{signed(n.total_delta())}</td>
                        <td class="num">{text::duration(n.self_a)}</td>
                        <td class="num">{text::duration(n.self_b)}</td>
                        <td class="num delta self">{signed(n.self_delta())}</td>
                    </tr>
                })
            })
            .collect_view()
    };
    let longest = a.duration_nanos().max(b.duration_nanos());
    // Both lanes on one time scale, moved together (wheel, drags, ruler).
    let zoom = RwSignal::new((0.0, 1.0));
    let nav = AxisNav::new(zoom);
    let scale = Memo::new(move |_| TimeScale::zoomed(0, longest, zoom.get()));
    let header = view! {
        <tr>
            <th>"Path (service operation)"</th>
            <th class="num">"# A"</th>
            <th class="num">"# B"</th>
            <th class="num">"Total A"</th>
            <th class="num">"Total B"</th>
            <th class="num">"Δ total"</th>
            <th class="num">"Self A"</th>
            <th class="num">"Self B"</th>
            <th class="num">"Δ self"</th>
        </tr>
    };
    let delta = b.duration_nanos() as i64 - a.duration_nanos() as i64;
    view! {
        <section class="compare-view" data-testid="compare-view" data-trace-a=ida.clone() data-trace-b=idb.clone()>
            <div class="compare-head">
                {card("A", &a)}
                <div class="compare-delta">
                    <div class="big">{signed(delta)}</div>
                    <div class="muted">"B − A duration"</div>
                    <a href=Route::Compare(idb.clone(), ida.clone()).to_hash() data-testid="compare-swap">"swap A and B"</a>
                </div>
                {card("B", &b)}
            </div>
            <div class="compare-body">
                <VirtualTable rows_view=rows_view count=count header=header rows=rows scroll_class="diff-table" />
                <aside class="slower">
                    <h3>"What got slower"</h3>
                    <p class="muted">"Paths by self time added in B (the time spent in those spans themselves, not their children)."</p>
                    {if slower.is_empty() {
                        view! { <p data-testid="slower-none">"Nothing: no path spends more time in B."</p> }.into_any()
                    } else {
                        view! { <ol class="slower-list">{slower_rows}</ol> }.into_any()
                    }}
                </aside>
            </div>
            <h3 class="lanes-title">"Side by side, on one time scale"</h3>
            <div
                class="lanes"
                data-testid="compare-lanes"
                data-view-start-us=move || view_range_us(&scale.get(), 0).0
                data-view-end-us=move || view_range_us(&scale.get(), 0).1
                {..nav.gestures()}
            >
                <div class="lane">
                    <div class="side"></div>
                    {nav.ruler(scale, 0, "lane-ruler ruler", "compare-ruler")}
                </div>
                <Lane trace=Arc::clone(&a) scale=scale label="A" />
                <Lane trace=Arc::clone(&b) scale=scale label="B" />
            </div>
            {lanes_legend(&a, &b)}
        </section>
    }
}

/// A trace against the other loaded traces with the same root operation.
#[component]
pub fn BaselinePage(
    /// The trace compared with the baseline of its kind.
    trace: Arc<Trace>,
) -> impl IntoView {
    let traces = expect_context::<Traces>();
    let root_name = trace.name();
    let group: Vec<Arc<Trace>> = traces.with_untracked(|ts| {
        ts.iter()
            .filter(|t| t.name() == root_name)
            .cloned()
            .collect()
    });
    let b = Arc::new(baseline(&trace, &group));
    let mut durations: Vec<u64> = group
        .iter()
        .filter(|t| t.id != trace.id)
        .map(|t| t.duration_nanos())
        .collect();
    let [p50, p90, _] = p50_p90_p99(&mut durations);
    let only_outliers = RwSignal::new(false);
    let mut top: Vec<usize> = (0..b.rows.len()).filter(|&i| b.rows[i].outlier).collect();
    top.sort_by_key(|&i| std::cmp::Reverse(b.rows[i].value.saturating_sub(b.rows[i].p50)));
    let top_rows = top
        .iter()
        .take(10)
        .map(|&i| {
            let r = &b.rows[i];
            view! {
                <li data-testid="baseline-top" data-path=b.index.path(r.node)>
                    <span class="delta slower">{format!("+{}", text::duration(r.value.saturating_sub(r.p50)))}</span>
                    " over p50 "
                    <span class="path">{b.index.path(r.node)}</span>
                </li>
            }
        })
        .collect_view();
    let rows_b = Arc::clone(&b);
    let rows = move || {
        let only = only_outliers.get();
        rows_b
            .rows
            .iter()
            .filter(|r| !only || r.outlier)
            .take(2000)
            .map(|r| {
                let (svc, op) = rows_b.index.step(r.node);
                let indent = format!("{}px", (r.depth.saturating_sub(1)).min(30) * 14);
                view! {
                    <tr
                        class="baseline-row"
                        class:outlier=r.outlier
                        data-testid="baseline-row"
                        data-path=rows_b.index.path(r.node)
                        data-value-us=text::micros_attr(r.value)
                        data-p50-us=text::micros_attr(r.p50)
                        data-p90-us=text::micros_attr(r.p90)
                        data-outlier=r.outlier.to_string()
                    >
                        <td class="step" style:padding-left=indent>
                            <span class="svc">{svc.to_string()}</span>
                            " "
                            {op.to_string()}
                            {r.outlier.then(|| view! { <span class="badge slower">"outlier"</span> })}
                        </td>
                        <td class="num">{text::duration(r.value)}</td>
                        <td class="num">{text::duration(r.p50)}</td>
                        <td class="num">{text::duration(r.p90)}</td>
                        <td class="num">{r.group_count}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let id = trace.id.to_hex();
    view! {
        <section class="baseline-view" data-testid="baseline-view" data-trace=id.clone() data-group=b.group_size>
            <div class="compare-head">
                {card("Trace", &trace)}
                <div class="compare-delta">
                    <div class="big">{text::duration(trace.duration_nanos())}</div>
                    <div class="muted">
                        {format!(
                            "against {} other trace{} of {}: p50 {}, p90 {}",
                            b.group_size,
                            if b.group_size == 1 { "" } else { "s" },
                            root_name,
                            text::duration(p50),
                            text::duration(p90),
                        )}
                    </div>
                </div>
            </div>
            <div class="compare-body">
                <div class="diff-table">
                    <label class="check">
                        <input type="checkbox" prop:checked=move || only_outliers.get() on:change=move |_| only_outliers.update(|v| *v = !*v) />
                        "Only outliers"
                    </label>
                    <table>
                        <thead>
                            <tr>
                                <th>"Path (service operation)"</th>
                                <th class="num">"Self time here"</th>
                                <th class="num">"Group p50"</th>
                                <th class="num">"Group p90"</th>
                                <th class="num">"Traces with it"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <aside class="slower">
                    <h3>"Slower than usual"</h3>
                    <p class="muted">"Paths where this trace spends more than the group's p90 (with at least 3 traces having the path), by how far they are over the median."</p>
                    {if top.is_empty() {
                        view! { <p>"Nothing stands out."</p> }.into_any()
                    } else {
                        view! { <ol class="slower-list">{top_rows}</ol> }.into_any()
                    }}
                </aside>
            </div>
        </section>
    }
}
