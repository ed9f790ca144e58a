//! The virtualised timeline: a span tree with bars on the trace's time axis.
//! Only the rows in the viewport (plus overscan) exist in the DOM.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

mod folding;
mod geometry;

use folding::{
    focus_crumbs, group_row, keep_name_col, kept_name_col, label_choice, label_text, resize_start,
    resize_to,
};
use geometry::{bar_css, indent_px};

use crate::model::search::parse_duration;
use crate::model::{text, SpanIx, Trace};
use crate::ui::shared::check::check;
use crate::ui::shared::time_axis::{view_range_us, AxisNav};
use crate::ui::shared::virtual_rows::tallest_element_px;
use crate::ui::trace_page::minimap::Minimap;
use crate::ui::trace_page::state::{
    AttachedLogs, CriticalShown, Finding, Folding, RowLabel, Selection, TraceRows, Zoom,
};
use crate::view_model::colours::TraceColours;
use crate::view_model::critical::CriticalPath;
use crate::view_model::logs::{level_name, ticks as log_ticks};
use crate::view_model::rows::{collapsed_below, ScrollMap};
use crate::view_model::{row_window, TimeScale};

/// Height of one row, in CSS pixels (matches `--row-px` in the stylesheet).
pub const ROW_PX: f64 = 24.0;
/// Rows kept above and below the viewport.
const OVERSCAN: usize = 12;
/// Critical-path stretches closer than 1/this of the axis are drawn as one.
const CRIT_RESOLUTION: u32 = 2000;
/// Log ticks on one bar: at most one per this fraction of the width.
const LOG_TICK_RESOLUTION: u32 = 400;

/// How `rows` rows scroll in a viewport `viewport_px` tall: in one element
/// as tall as this browser lays out (measured only for traces that need
/// more than every browser allows).
fn scroll_map(rows: usize, viewport_px: f64) -> ScrollMap {
    if ScrollMap::beyond_default(rows, ROW_PX) {
        ScrollMap::with_limit(rows, ROW_PX, viewport_px, tallest_element_px())
    } else {
        ScrollMap::new(rows, ROW_PX, viewport_px)
    }
}

/// The timeline of one trace.
#[component]
pub fn Timeline(
    /// The trace shown.
    trace: Arc<Trace>,
    /// The trace's critical path.
    critical: Arc<CriticalPath>,
) -> impl IntoView {
    let n = trace.spans.len();
    let colours = Arc::new(crate::ui::app_state::trace_colours(&trace));
    let rows = *expect_context::<TraceRows>();
    let zoom = expect_context::<Zoom>();
    let show_critical = expect_context::<CriticalShown>();
    let look = RowLook {
        selection: expect_context::<Selection>(),
        folding: expect_context::<Folding>(),
        finding: expect_context::<Finding>(),
        show_critical,
        label: expect_context::<RowLabel>(),
        logs: expect_context::<AttachedLogs>(),
    };
    let folding = look.folding;
    let scroll_top = RwSignal::new(0.0f64);
    let viewport_px = RwSignal::new(600.0f64);
    let viewport: NodeRef<html::Div> = NodeRef::new();
    // Measured in the next frame, once laid out: reading the height while
    // the page is being built would force an extra layout of all of it
    // before the first rows are painted (until then a guess is used).
    Effect::new(move |_| {
        if viewport.get().is_some() {
            // The page may have gone by then (`try_`: no panic if so).
            request_animation_frame(move || {
                if let Some(el) = viewport.try_get_untracked().flatten() {
                    viewport_px.try_set(f64::from(el.client_height()));
                }
            });
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(el) = viewport.get_untracked() {
            viewport_px.set(f64::from(el.client_height()));
        }
    });
    on_cleanup(move || resize.remove());
    // Keep the selected row in view (keyboard, find, links).
    Effect::new(move |_| {
        let Some(ix) = look.selection.selected.get() else {
            return;
        };
        let Some(pos) = rows.with(|r| r.binary_search(&ix).ok()) else {
            return;
        };
        let Some(el) = viewport.get() else { return };
        let top = pos as f64 * ROW_PX;
        let height = f64::from(el.client_height());
        let map = scroll_map(rows.with_untracked(|r| r.len()), height);
        let view_top = map.content_top(f64::from(el.scroll_top()));
        if top < view_top || top + ROW_PX > view_top + height {
            let target = map.scroll_for((top - height / 3.0).max(0.0));
            el.set_scroll_top(target as i32);
            scroll_top.set(target);
        }
    });

    // Past ~1.4M rows the browser cannot make the element tall enough: the
    // scroll position is scaled onto the rows (see `ScrollMap`).
    let map = Memo::new(move |_| scroll_map(rows.with(|r| r.len()), viewport_px.get()));
    let window = Memo::new(move |_| {
        let rows = rows.get();
        let range = row_window(
            map.get().content_top(scroll_top.get()),
            viewport_px.get(),
            ROW_PX,
            rows.len(),
            OVERSCAN,
        );
        // A folded group's row is drawn as the group (and keyed apart, so
        // that turning grouping on or off draws the row again).
        let grouped = folding.grouping.get();
        let groups = folding.groups.get_value();
        folding.expanded.with(|e| {
            range
                .filter_map(|i| rows.get(i).map(|&ix| (i, ix)))
                .map(|(i, ix)| {
                    let group = grouped
                        && e.binary_search(&ix).is_err()
                        && groups.starting_at(ix).is_some();
                    (i, ix, group)
                })
                .collect::<Vec<(usize, SpanIx, bool)>>()
        })
    });
    let total_px = move || format!("{}px", map.get().spacer_px());
    // Rows move with the scroll position only when scrolling is scaled.
    let place = move |row: usize| {
        let m = map.get();
        let at = row as f64 * ROW_PX;
        if m.scaled() {
            m.place(at, scroll_top.get())
        } else {
            at
        }
    };

    let (t_start, t_dur) = (trace.start_unix_nanos, trace.duration_nanos());
    let scale = Memo::new(move |_| TimeScale::zoomed(t_start, t_dur, zoom.get()));
    let nav = AxisNav::new(*zoom);
    let view_start_us = move || view_range_us(&scale.get(), t_start).0;
    let view_end_us = move || view_range_us(&scale.get(), t_start).1;

    let set_all = move |value: bool| folding.fold_all(value);
    let depth_trace = Arc::clone(&trace);
    let expand_to = move |ev: web_sys::Event| {
        let depth: u32 = event_target_value(&ev).parse().unwrap_or(0);
        if depth > 0 {
            folding.collapsed.set(collapsed_below(&depth_trace, depth));
        }
    };
    let depth_options = (1..=trace.depth.min(12))
        .map(|d| view! { <option value=d.to_string()>{format!("depth {d}")}</option> })
        .collect_view();
    let row_trace = Arc::clone(&trace);
    let timeline_ref: NodeRef<html::Div> = NodeRef::new();
    let name_col: RwSignal<Option<f64>> = RwSignal::new(kept_name_col());
    let name_drag: RwSignal<Option<(f64, f64, f64)>> = RwSignal::new(None);
    // Set through the style object: the page's CSP refuses style attributes.
    Effect::new(move |_| {
        if let (Some(el), Some(w)) = (timeline_ref.get(), name_col.get()) {
            let el: &web_sys::HtmlElement = &el;
            let _ = el.style().set_property("--name-col", &format!("{w:.1}px"));
        }
    });
    let zoomed = move || zoom.get() != (0.0, 1.0);
    view! {
        <div
            class="timeline"
            node_ref=timeline_ref
            data-testid="timeline"
            data-view-start-us=view_start_us
            data-view-end-us=view_end_us
        >
            <div class="timeline-tools">
                <button class="small" on:click=move |_| set_all(false) title="Expand all">
                    "Expand all"
                </button>
                <button class="small" on:click=move |_| set_all(true) title="Collapse all">
                    "Collapse all"
                </button>
                <select class="small" data-testid="expand-depth" on:change=expand_to prop:value="">
                    <option value="">"Expand to…"</option>
                    {depth_options}
                </select>
                {check(*show_critical, "Critical path", "Highlight the critical path on the bars", "critical-toggle")}
                {check(folding.critical_only, "Critical path only", "Show only the spans on the critical path", "critical-only")}
                {check(
                    folding.grouping,
                    "Group repeats",
                    "Fold 5 or more consecutive siblings with the same service and operation into one row",
                    "group-siblings",
                )}
                <label class="hide-short" title="Hide spans shorter than this (with everything under them): 1ms, 500us, 2s">
                    "Hide <"
                    <input
                        type="text"
                        size="5"
                        data-testid="hide-short"
                        placeholder="1ms"
                        class:bad=move || folding.hide.with(|h| !h.trim().is_empty() && parse_duration(h).is_none())
                        prop:value=move || folding.hide.get()
                        on:change=move |ev| folding.hide.set(event_target_value(&ev).trim().to_string())
                    />
                </label>
                {move || {
                    let n = rows.with(|r| r.short_hidden);
                    (n > 0).then(|| view! {
                        <span class="muted small-note" data-testid="short-hidden" data-count=n>
                            {format!("{n} hidden")}
                        </span>
                    })
                }}
                {label_choice(&trace)}
                <span class="row-count" data-testid="row-count" data-count=move || rows.with(|r| r.len())>
                    {move || format!("{} of {n} rows", rows.with(|r| r.len()))}
                </span>
                <button
                    class="small zoom-reset"
                    data-testid="zoom-reset"
                    disabled=move || !zoomed()
                    on:click=move |_| zoom.set((0.0, 1.0))
                    title="Show the whole trace"
                >
                    "Reset zoom"
                </button>
            </div>
            {focus_crumbs(&trace)}
            <Minimap trace=Arc::clone(&trace) />
            <div class="timeline-head">
                <div class="name-col">
                    "Service & operation"
                    <span
                        class="col-resize"
                        data-testid="name-col-resize"
                        title="Drag to resize the name column"
                        on:pointerdown=move |ev: web_sys::PointerEvent| {
                            if let Some(t) = timeline_ref.get_untracked() {
                                name_drag.set(Some(resize_start(&ev, &t, name_col.get_untracked())));
                            }
                        }
                        on:pointermove=move |ev: web_sys::PointerEvent| {
                            if let Some(start) = name_drag.get_untracked() {
                                name_col.set(resize_to(start, &ev));
                            }
                        }
                        on:pointerup=move |_| {
                            if name_drag.get_untracked().is_some() {
                                name_drag.set(None);
                                keep_name_col(name_col.get_untracked());
                            }
                        }
                    ></span>
                </div>
                {nav.ruler(scale, t_start, "bar-col ruler", "time-ruler")}
            </div>
            <div
                class="rows-viewport"
                node_ref=viewport
                on:scroll=move |_| {
                    if let Some(el) = viewport.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }
                {..nav.gestures()}
            >
                <div class="rows-spacer" style:height=total_px>
                    <For
                        each=move || window.get()
                        key=|row| *row
                        children=move |(row, ix, group)| {
                            if group {
                                group_row(&row_trace, &colours, scale, row, ix, (folding, look.selection), place).into_any()
                            } else {
                                span_row(&row_trace, &colours, scale, row, ix, look, &critical, place).into_any()
                            }
                        }
                    />
                </div>
            </div>
        </div>
    }
}

/// What a span's row reads of the page's state.
#[derive(Clone, Copy)]
struct RowLook {
    selection: Selection,
    folding: Folding,
    finding: Finding,
    show_critical: CriticalShown,
    label: RowLabel,
    logs: AttachedLogs,
}

#[allow(clippy::too_many_arguments)]
fn span_row(
    trace: &Arc<Trace>,
    colours: &TraceColours,
    scale: Memo<TimeScale>,
    row: usize,
    ix: SpanIx,
    look: RowLook,
    critical: &Arc<CriticalPath>,
    place: impl Fn(usize) -> f64 + Send + Sync + 'static,
) -> impl IntoView {
    let Some(span) = trace.span(ix) else {
        return ().into_any();
    };
    let colour = colours.css(trace, span.raw.service);
    let indent = indent_px(span.depth);
    let (start, dur) = (span.raw.start_unix_nanos, span.raw.duration_nanos);
    let bar = move || bar_css(&scale.get(), start, dur);
    // (left, right): the label goes after the bar, or before it near the end.
    let label_at = move || {
        let (left, width) = scale.get().bar_percent(start, dur);
        if left + width > 80.0 {
            (String::from("auto"), format!("{}%", 100.0 - left))
        } else {
            (format!("{}%", left + width), String::from("auto"))
        }
    };
    let has_children = span.child_count > 0;
    let hidden = span.subtree_end.saturating_sub(ix.0);
    let toggle = move |ev: web_sys::MouseEvent| {
        ev.stop_propagation();
        look.folding.toggle(ix);
    };
    let is_collapsed = move || look.folding.is_collapsed(ix);
    let kind = span.raw.kind.as_str();
    let error = span.is_error();
    let links = trace.links_beyond_parent(span).count();
    let follows = span.raw.follows_from;
    let link_title = if span.raw.follows_from {
        format!("follows from its parent; {links} link(s)")
    } else {
        format!("{links} link(s)")
    };
    let critical_nanos = critical.nanos_of(ix);
    let critical = Arc::clone(critical);
    view! {
        <div
            class="span-row"
            class:selected=move || look.selection.selected.get() == Some(ix)
            class:match=move || look.finding.found.with(|f| f.has(ix))
            class:error=error
            data-testid="span-row"
            data-span-id=span.raw.span_id.to_hex()
            data-depth=span.depth
            data-critical-us=text::micros_attr(critical_nanos)
            style:top=move || format!("{}px", place(row))
            on:click=move |_| {
                look.selection.selected.set(Some(ix));
                look.selection.detail_open.set(true);
            }
        >
            <div class="name-col" style:padding-left=format!("{indent}px")>
                {if has_children {
                    view! {
                        <button
                            class="toggle"
                            data-testid="span-toggle"
                            aria-expanded=move || (!is_collapsed()).to_string()
                            title=format!("{} children", span.child_count)
                            on:click=toggle
                        >
                            {move || if is_collapsed() { "▸" } else { "▾" }}
                        </button>
                    }
                        .into_any()
                } else {
                    view! { <span class="toggle-space"></span> }.into_any()
                }}
                <span class="svc-swatch" style:background=colour.clone()></span>
                <span class="svc">{trace.str(span.raw.service).to_string()}</span>
                <span class="op">{trace.str(span.raw.name).to_string()}</span>
                {
                    let t = Arc::clone(trace);
                    move || {
                        look.label.with(|key| label_text(&t, ix, key)).map(|v| {
                            view! { <span class="row-label" data-testid="span-row-label">{v}</span> }
                        })
                    }
                }
                {(!kind.is_empty()).then(|| view! { <span class=format!("kind kind-{kind}")>{kind}</span> })}
                {error.then(|| view! { <span class="error-mark" data-testid="error-mark" title="status: error">"!"</span> })}
                {(links > 0 || span.raw.follows_from)
                    .then(|| {
                        view! {
                            <span class="link-mark" data-testid="link-mark" title=link_title>
                                {if span.raw.follows_from { "⇢" } else { "⇄" }}
                                {(links > 0).then(|| links.to_string())}
                            </span>
                        }
                    })}
                {move || {
                    (has_children && is_collapsed())
                        .then(|| view! { <span class="hidden-count">{format!("+{hidden}")}</span> })
                }}
            </div>
            <div class="bar-col">
                {move || {
                    bar()
                        .map(|(left, width)| {
                            view! {
                                <div
                                    class="span-bar"
                                    class:follows=follows
                                    style:left=left
                                    style:width=width
                                    style:background=colour.clone()
                                ></div>
                            }
                        })
                }}
                {move || {
                    look.show_critical
                        .get()
                        .then(|| {
                            let s = scale.get();
                            critical
                                .drawn(ix, &s, CRIT_RESOLUTION)
                                .into_iter()
                                .filter_map(|(a, b)| bar_css(&s, a, b.saturating_sub(a)))
                                .map(|(l, w)| view! { <div class="crit" style:left=l style:width=w></div> })
                                .collect_view()
                        })
                }}
                {move || {
                    let s = scale.get();
                    look.logs.with(|l| {
                        let times = l.logs.of_span(ix).map(|e| (e.time_unix_nanos, e.severity.level()));
                        log_ticks(times, s.start_unix_nanos, s.start_unix_nanos.saturating_add(s.span_nanos), LOG_TICK_RESOLUTION)
                            .into_iter()
                            .map(|(at, level)| view! {
                                <i
                                    class=format!("log-tick sev-{}", level_name(level))
                                    data-testid="log-tick"
                                    style:left=format!("{:.3}%", at * 100.0)
                                ></i>
                            })
                            .collect_view()
                    })
                }}
                <span class="span-dur" style:left=move || label_at().0 style:right=move || label_at().1>{text::duration(dur)}</span>
            </div>
        </div>
    }
    .into_any()
}
