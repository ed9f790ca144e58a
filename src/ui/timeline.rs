//! The virtualised timeline: a span tree with bars on the trace's time axis.
//! Only the rows in the viewport (plus overscan) exist in the DOM.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::model::{format, Trace};
use crate::view_model::critical::CriticalPath;
use crate::view_model::{row_window, ticks, visible_rows, TimeScale};

/// Height of one row, in CSS pixels (matches `--row-px` in the stylesheet).
pub const ROW_PX: f64 = 24.0;
/// Rows kept above and below the viewport.
const OVERSCAN: usize = 12;
/// Indentation per level, capped so that very deep traces stay readable.
const INDENT_PX: u32 = 14;
const MAX_INDENT_LEVELS: u32 = 30;
/// Service colours cycle through this many CSS variables (`--svc-0`…).
pub const PALETTE: usize = 12;

/// CSS colour of a service.
pub fn service_colour(trace: &Trace, service: crate::model::strings::StrId) -> String {
    format!("var(--svc-{})", trace.service_index(service) % PALETTE)
}

/// The timeline of one trace.
#[component]
pub fn Timeline(
    trace: Arc<Trace>,
    selected: RwSignal<Option<u32>>,
    critical: Arc<CriticalPath>,
) -> impl IntoView {
    let show_critical = RwSignal::new(true);
    let n = trace.spans.len();
    let collapsed = RwSignal::new(vec![false; n]);
    let rows: Memo<Arc<Vec<u32>>> = {
        let trace = Arc::clone(&trace);
        Memo::new(move |_| Arc::new(collapsed.with(|c| visible_rows(&trace, c))))
    };
    let scroll_top = RwSignal::new(0.0f64);
    let viewport_px = RwSignal::new(600.0f64);
    let viewport: NodeRef<html::Div> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(el) = viewport.get() {
            viewport_px.set(f64::from(el.client_height()));
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(el) = viewport.get_untracked() {
            viewport_px.set(f64::from(el.client_height()));
        }
    });
    on_cleanup(move || resize.remove());

    let window = Memo::new(move |_| {
        let rows = rows.get();
        let range = row_window(
            scroll_top.get(),
            viewport_px.get(),
            ROW_PX,
            rows.len(),
            OVERSCAN,
        );
        range
            .filter_map(|i| rows.get(i).map(|&ix| (i, ix)))
            .collect::<Vec<(usize, u32)>>()
    });
    let total_px = move || format!("{}px", rows.with(|r| r.len()) as f64 * ROW_PX);

    let scale = TimeScale::new(trace.start_unix_nanos, trace.duration_nanos());
    let ruler = ticks(trace.duration_nanos(), 8)
        .into_iter()
        .map(|(offset, label)| {
            let left = scale.fraction(trace.start_unix_nanos + offset) * 100.0;
            view! {
                <span class="tick" style:left=format!("{left}%")>
                    <span class="tick-label">{label}</span>
                </span>
            }
        })
        .collect_view();

    let set_all = move |value: bool| {
        collapsed.update(|c| c.iter_mut().for_each(|x| *x = value));
    };
    let row_trace = Arc::clone(&trace);
    view! {
        <div class="timeline" data-testid="timeline">
            <div class="timeline-head">
                <div class="name-col tools">
                    <button class="small" on:click=move |_| set_all(false) title="Expand all">
                        "Expand all"
                    </button>
                    <button class="small" on:click=move |_| set_all(true) title="Collapse all">
                        "Collapse all"
                    </button>
                    <label class="check" title="Highlight the critical path on the bars">
                        <input
                            type="checkbox"
                            data-testid="critical-toggle"
                            prop:checked=move || show_critical.get()
                            on:change=move |_| show_critical.update(|v| *v = !*v)
                        />
                        "Critical path"
                    </label>
                    <span class="row-count">{move || format!("{} of {n} rows", rows.with(|r| r.len()))}</span>
                </div>
                <div class="bar-col ruler" data-testid="time-ruler">{ruler}</div>
            </div>
            <div
                class="rows-viewport"
                node_ref=viewport
                on:scroll=move |_| {
                    if let Some(el) = viewport.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }
            >
                <div class="rows-spacer" style:height=total_px>
                    <For
                        each=move || window.get()
                        key=|pair| *pair
                        children=move |(row, ix)| {
                            span_row(&row_trace, scale, row, ix, selected, collapsed, Highlight { critical: &critical, shown: show_critical })
                        }
                    />
                </div>
            </div>
        </div>
    }
}

/// The critical path and whether it is shown.
struct Highlight<'c> {
    critical: &'c CriticalPath,
    shown: RwSignal<bool>,
}

fn span_row(
    trace: &Arc<Trace>,
    scale: TimeScale,
    row: usize,
    ix: u32,
    selected: RwSignal<Option<u32>>,
    collapsed: RwSignal<Vec<bool>>,
    highlight: Highlight,
) -> impl IntoView {
    let Some(span) = trace.spans.get(ix as usize) else {
        return ().into_any();
    };
    let colour = service_colour(trace, span.raw.service);
    let indent = (span.depth.saturating_sub(1)).min(MAX_INDENT_LEVELS) * INDENT_PX;
    let (left, width) = scale.bar_percent(span.raw.start_unix_nanos, span.raw.duration_nanos);
    let label_style = if left + width > 80.0 {
        format!("right: {}%", 100.0 - left)
    } else {
        format!("left: {}%", left + width)
    };
    let has_children = span.child_count > 0;
    let hidden = span.subtree_end.saturating_sub(ix);
    let toggle = move |ev: web_sys::MouseEvent| {
        ev.stop_propagation();
        collapsed.update(|c| {
            if let Some(v) = c.get_mut(ix as usize) {
                *v = !*v;
            }
        });
    };
    let is_collapsed = move || collapsed.with(|c| c.get(ix as usize).copied().unwrap_or(false));
    let kind = span.raw.kind.as_str();
    let error = span.is_error();
    let critical_nanos = highlight.critical.nanos_of(ix);
    let critical_bits: Vec<(f64, f64)> = highlight
        .critical
        .of(ix)
        .iter()
        .map(|&(a, b)| scale.bar_percent(a, b.saturating_sub(a)))
        .collect();
    let show = highlight.shown;
    view! {
        <div
            class="span-row"
            class:selected=move || selected.get() == Some(ix)
            class:error=error
            data-testid="span-row"
            data-span-id=span.raw.span_id.to_hex()
            data-depth=span.depth
            data-critical-us=format::micros_attr(critical_nanos)
            style:top=format!("{}px", row as f64 * ROW_PX)
            on:click=move |_| selected.set(Some(ix))
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
                {(!kind.is_empty()).then(|| view! { <span class="kind">{kind}</span> })}
                {error.then(|| view! { <span class="error-mark" title="status: error">"!"</span> })}
                {move || {
                    (has_children && is_collapsed())
                        .then(|| view! { <span class="hidden-count">{format!("+{hidden}")}</span> })
                }}
            </div>
            <div class="bar-col">
                <div class="span-bar" style:left=format!("{left}%") style:width=format!("max({width}%, 1px)") style:background=colour></div>
                {move || {
                    show.get()
                        .then(|| {
                            critical_bits
                                .iter()
                                .map(|(l, w)| {
                                    view! { <div class="crit" style:left=format!("{l}%") style:width=format!("max({w}%, 1px)")></div> }
                                })
                                .collect_view()
                        })
                }}
                <span class="span-dur" style=label_style>{format::duration(span.raw.duration_nanos)}</span>
            </div>
        </div>
    }
    .into_any()
}
