//! The timeline's folding and labelling pieces: a group of repeated
//! siblings' row, the label choice and each row's label, the breadcrumb of a
//! focused subtree, and the name column's drag handle (its width kept in
//! local storage).

use std::sync::Arc;

use leptos::prelude::*;

use super::geometry::{bar_css, indent_px};
use crate::model::{text, SpanIx, Trace};
use crate::ui::shared::js::local_storage;
use crate::ui::trace_page::state::{Folding, Moves, RowLabel, Selection};
use crate::view_model::colours::TraceColours;
use crate::view_model::groups::Group;
use crate::view_model::span_table::{attr_choices, attr_value};
use crate::view_model::TimeScale;

/// Where the name column's width is remembered.
const NAME_COL_KEY: &str = "trace-viewer.name-col-px";
/// Narrowest and widest share of the timeline the name column may take.
const NAME_COL_MIN_PX: f64 = 120.0;
const NAME_COL_MAX_SHARE: f64 = 0.85;

pub fn kept_name_col() -> Option<f64> {
    local_storage()?
        .get_item(NAME_COL_KEY)
        .ok()
        .flatten()?
        .parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w >= NAME_COL_MIN_PX)
}

pub fn keep_name_col(width: Option<f64>) {
    if let (Some(s), Some(w)) = (local_storage(), width) {
        let _ = s.set_item(NAME_COL_KEY, &format!("{w:.0}"));
    }
}

/// A resize starting: (pointer x, column width then, timeline width).
pub fn resize_start(
    ev: &web_sys::PointerEvent,
    timeline: &web_sys::HtmlElement,
    width: Option<f64>,
) -> (f64, f64, f64) {
    ev.prevent_default();
    ev.stop_propagation();
    let handle = ev
        .current_target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
    if let Some(el) = &handle {
        let _ = el.set_pointer_capture(ev.pointer_id());
    }
    let total = f64::from(timeline.client_width()).max(1.0);
    // The column as laid out (its share of the header until first resized).
    let shown = handle
        .and_then(|h| h.parent_element())
        .map(|col| col.get_bounding_client_rect().width());
    let current = shown.or(width).unwrap_or(total * 0.38);
    (f64::from(ev.client_x()), current, total)
}

/// The column's width while the handle is dragged.
pub fn resize_to((x, width, total): (f64, f64, f64), ev: &web_sys::PointerEvent) -> Option<f64> {
    let w = width + f64::from(ev.client_x()) - x;
    Some(w.clamp(
        NAME_COL_MIN_PX,
        (total * NAME_COL_MAX_SHARE).max(NAME_COL_MIN_PX),
    ))
}

/// "Label: <key>": the attribute shown after each row's name.
pub fn label_choice(trace: &Trace) -> impl IntoView {
    let label = expect_context::<RowLabel>();
    let options = attr_choices(trace)
        .into_iter()
        .take(200)
        .map(|c| {
            let key = trace.str(c.key).to_string();
            view! { <option value=key.clone()>{format!("{key} ({})", c.spans)}</option> }
        })
        .collect_view();
    view! {
        <select
            class="small"
            data-testid="row-label-key"
            title="An attribute shown after each row's name"
            prop:value=move || label.get()
            on:change=move |ev| label.set(event_target_value(&ev))
        >
            <option value="">"Label: none"</option>
            {options}
        </select>
    }
}

/// "Whole trace › a › b": the focused span's ancestors, each a way back.
pub fn focus_crumbs(trace: &Arc<Trace>) -> impl IntoView {
    let moves = expect_context::<Moves>();
    let trace = Arc::clone(trace);
    move || {
        let focus = moves.folding.focus.get()?;
        let mut chain = Vec::new();
        let mut at = Some(focus);
        while let Some(ix) = at {
            chain.push(ix);
            at = trace.span(ix).and_then(|s| s.parent);
        }
        chain.reverse();
        let name = |ix: SpanIx| {
            trace.span(ix).map_or_else(String::new, |s| {
                format!("{}: {}", trace.str(s.raw.service), trace.str(s.raw.name))
            })
        };
        let crumbs = chain
            .into_iter()
            .map(|ix| {
                let here = ix == focus;
                let t = Arc::clone(&trace);
                view! {
                    <span class="crumb-sep">"›"</span>
                    <button
                        class="link-button crumb"
                        class:here=here
                        data-testid="focus-crumb"
                        disabled=here
                        on:click=move |_| moves.focus_on(&t, ix)
                    >
                        {name(ix)}
                    </button>
                }
            })
            .collect_view();
        Some(view! {
            <nav class="focus-crumbs" data-testid="focus-crumbs" aria-label="Focused subtree">
                <button class="link-button" data-testid="focus-whole" on:click=move |_| moves.unfocus()>
                    "Whole trace"
                </button>
                {crumbs}
            </nav>
        })
    }
}

/// The value of the chosen label attribute for a span, as text.
pub fn label_text(trace: &Trace, ix: SpanIx, key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let id = trace.pools.strings.lookup(key)?;
    let span = trace.span(ix)?;
    attr_value(trace, span, id).map(|v| trace.pools.value_text(v))
}

/// Cells of the density drawn inside a group's bar.
const GROUP_CELLS: usize = 48;

/// One folded run of repeated siblings: "×300 cart-api: SELECT item", their
/// total, median and longest, and one bar from the first start to the last
/// end, shaded by how many members run at each point. A click unfolds it.
pub fn group_row(
    trace: &Arc<Trace>,
    colours: &TraceColours,
    scale: Memo<TimeScale>,
    row: usize,
    ix: SpanIx,
    (folding, selection): (Folding, Selection),
    place: impl Fn(usize) -> f64 + Send + Sync + 'static,
) -> impl IntoView {
    let groups = folding.groups.get_value();
    let (Some(group), Some(span)) = (groups.starting_at(ix).copied(), trace.span(ix)) else {
        return ().into_any();
    };
    let Group { count, parent, .. } = group;
    let f = group.figures(trace);
    let colour = colours.css(trace, span.raw.service);
    let indent = indent_px(span.depth);
    let (service, op) = (
        trace.str(span.raw.service).to_string(),
        trace.str(span.raw.name).to_string(),
    );
    // How many members cover each cell of the group's time.
    let (g0, g1) = (
        f.start_unix_nanos,
        f.end_unix_nanos.max(f.start_unix_nanos + 1),
    );
    let mut cells = [0u32; GROUP_CELLS];
    let cell_of =
        |t: u64| (((t.saturating_sub(g0)) as f64 / (g1 - g0) as f64) * GROUP_CELLS as f64) as usize;
    for m in group.members(trace).filter_map(|m| trace.span(m)) {
        let (a, b) = (cell_of(m.raw.start_unix_nanos), cell_of(m.end_unix_nanos()));
        for c in cells
            .iter_mut()
            .take((b + 1).min(GROUP_CELLS))
            .skip(a.min(GROUP_CELLS - 1))
        {
            *c += 1;
        }
    }
    let most = cells.iter().copied().max().unwrap_or(1).max(1);
    let stops: Vec<String> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let pct = 25 + c * 75 / most;
            let (a, b) = (i * 100 / GROUP_CELLS, (i + 1) * 100 / GROUP_CELLS);
            format!("color-mix(in srgb, {colour} {pct}%, transparent) {a}% {b}%")
        })
        .collect();
    let background = format!("linear-gradient(to right, {})", stops.join(", "));
    let bar = move || bar_css(&scale.get(), g0, g1 - g0);
    let figures = format!(
        "total {} · p50 {} · max {}",
        text::duration(f.total_nanos),
        text::duration(f.p50_nanos),
        text::duration(f.max_nanos)
    );
    let parent_id = parent
        .and_then(|p| trace.span(p))
        .map(|p| p.raw.span_id.to_hex())
        .unwrap_or_default();
    let expand = move |ev: web_sys::MouseEvent| {
        ev.stop_propagation();
        folding.expand_group(ix);
    };
    view! {
        <div
            class="span-row group-row"
            class:selected=move || selection.selected.get() == Some(ix)
            data-testid="span-group-row"
            data-parent-span-id=parent_id
            data-name=format!("{service}: {op}")
            data-count=count
            data-total-us=text::micros_attr(f.total_nanos)
            data-depth=span.depth
            title=format!("{count} consecutive {service}: {op} spans; click to show them one by one")
            style:top=move || format!("{}px", place(row))
            on:click=expand
        >
            <div class="name-col" style:padding-left=format!("{indent}px")>
                <button class="toggle" aria-expanded="false" on:click=expand>"▸"</button>
                <span class="svc-swatch" style:background=colour.clone()></span>
                <span class="group-count">{format!("×{count}")}</span>
                <span class="svc">{service.clone()}</span>
                <span class="op">{op.clone()}</span>
                <span class="group-figures">{figures}</span>
            </div>
            <div class="bar-col">
                {move || {
                    bar()
                        .map(|(left, width)| {
                            view! {
                                <div
                                    class="span-bar group-bar"
                                    style:left=left
                                    style:width=width
                                    style:background=background.clone()
                                ></div>
                            }
                        })
                }}
            </div>
        </div>
    }
    .into_any()
}
