//! The flame graph view: the trace's spans as boxes on a canvas (width =
//! duration, children under their parent, so the uncovered part of a box is
//! its self time). Clicking a box focuses its subtree.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::model::{text, SpanIx, Trace};
use crate::ui::app_state::ThemeChoice;
use crate::ui::shared::canvas;
use crate::ui::shared::time_axis::{view_range_us, AxisNav};
use crate::ui::trace_page::state::Moves;
use crate::view_model::density::{alpha, DensityBand};
use crate::view_model::flame::{hit, layout_in, FlameBox};
use crate::view_model::TimeScale;

/// Row height in pixels.
const ROW: f64 = 18.0;
/// At most this many rows are drawn (a canvas has a maximum height).
const MAX_ROWS: u32 = 1500;
/// Boxes narrower than this (CSS pixels) get no label: not even one letter
/// and "…" would fit.
const MIN_LABEL_PX: f64 = 14.0;

struct Paint<'a> {
    trace: &'a Trace,
    boxes: &'a [FlameBox],
    bands: &'a mut [DensityBand],
    selected: Option<SpanIx>,
    found: &'a crate::ui::trace_page::state::Found,
}

fn draw(el: &web_sys::HtmlCanvasElement, width: f64, p: &mut Paint) {
    let rows = p
        .boxes
        .iter()
        .map(|b| b.row + 1)
        .max()
        .unwrap_or(1)
        .max(p.bands.len() as u32)
        .min(MAX_ROWS);
    let height = f64::from(rows) * ROW;
    let Some(ctx) = canvas::sized(el, width, height) else {
        return;
    };
    let colour_of = canvas::service_rgb(p.trace, &crate::ui::app_state::trace_colours(p.trace));
    let [error, text, background] = match canvas::resolve(&[
        String::from("var(--error)"),
        String::from("#111"),
        String::from("var(--bg)"),
    ])[..]
    {
        [a, b, c] => [a, b, c],
        _ => [[200, 40, 40], [17, 17, 17], [255, 255, 255]],
    };
    ctx.clear_rect(0.0, 0.0, width, height);
    // Spans narrower than a pixel: one density band per row, under the boxes.
    for (row, band) in p.bands.iter_mut().enumerate() {
        let y = row as f64 * ROW;
        for cell in band.cells() {
            let colour = p
                .trace
                .spans
                .get(cell.first.get())
                .map_or([128, 128, 128], |s| {
                    colour_of
                        .get(p.trace.service_index(s.raw.service))
                        .copied()
                        .unwrap_or([128, 128, 128])
                });
            ctx.set_global_alpha(f64::from(alpha(cell.count)) / 255.0);
            ctx.set_fill_style_str(&canvas::css(colour));
            ctx.fill_rect(f64::from(cell.x), y + ROW * 0.25, 1.0, ROW * 0.5);
        }
    }
    ctx.set_global_alpha(1.0);
    ctx.set_font("11px system-ui, sans-serif");
    for b in p.boxes.iter().filter(|b| b.row < MAX_ROWS) {
        let Some(span) = p.trace.span(b.ix) else {
            continue;
        };
        let colour = colour_of
            .get(p.trace.service_index(span.raw.service))
            .copied()
            .unwrap_or([128, 128, 128]);
        let dim = p.found.active && !p.found.has(b.ix);
        let (x, y, w) = (f64::from(b.x), f64::from(b.row) * ROW, f64::from(b.w));
        let (bw, bh) = ((w - 0.5).max(0.5), ROW - 1.0);
        if dim {
            // Opaque, so that what lies under a faded box does not show.
            ctx.set_fill_style_str(&canvas::css(background));
            ctx.fill_rect(x, y, bw, bh);
            ctx.set_global_alpha(0.25);
        }
        ctx.set_fill_style_str(&canvas::css(colour));
        ctx.fill_rect(x, y, bw, bh);
        ctx.set_global_alpha(1.0);
        if span.is_error() {
            ctx.set_stroke_style_str(&canvas::css(error));
            ctx.set_line_width(1.5);
            ctx.stroke_rect(x + 0.75, y + 0.75, (w - 2.0).max(0.5), ROW - 2.5);
        }
        if p.selected == Some(b.ix) {
            ctx.set_stroke_style_str(&canvas::css(text));
            ctx.set_line_width(2.0);
            ctx.stroke_rect(x + 1.0, y + 1.0, (w - 2.5).max(0.5), ROW - 3.0);
        }
        let label = format!(
            "{}: {}",
            p.trace.str(span.raw.service),
            p.trace.str(span.raw.name)
        );
        let label = (w >= MIN_LABEL_PX)
            .then(|| canvas::fit_text(&ctx, &label, w - 6.0))
            .flatten();
        if let Some(label) = label {
            ctx.save();
            ctx.begin_path();
            ctx.rect(x, y, bw, bh);
            ctx.clip();
            ctx.set_global_alpha(if dim { 0.4 } else { 1.0 });
            ctx.set_fill_style_str(&canvas::css(text));
            let _ = ctx.fill_text(&label, x + 3.0, y + 12.5);
            ctx.restore();
        }
    }
    ctx.set_global_alpha(1.0);
}

/// The flame graph of `trace`.
#[component]
pub fn FlameGraph(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let moves = expect_context::<Moves>();
    let (zoom, focus) = (moves.zoom, moves.folding.focus);
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let boxes: StoredValue<Vec<FlameBox>> = StoredValue::new(Vec::new());
    let hover: RwSignal<Option<SpanIx>> = RwSignal::new(None);
    let drawn = RwSignal::new(0usize);
    let banded = RwSignal::new(0u64);
    let theme = expect_context::<ThemeChoice>();
    let (t_start, t_dur) = (trace.start_unix_nanos, trace.duration_nanos());
    let scale = Memo::new(move |_| TimeScale::zoomed(t_start, t_dur, zoom.get()));
    let nav = AxisNav::new(*zoom);
    {
        let trace = Arc::clone(&trace);
        Effect::new(move |_| {
            theme.track();
            let focus = focus.get();
            let selected = moves.selection.selected.get();
            let s = scale.get();
            let Some(el) = canvas_ref.get() else { return };
            let width = el.client_width().max(100);
            let window = (
                s.start_unix_nanos,
                s.start_unix_nanos.saturating_add(s.span_nanos),
            );
            let mut laid = layout_in(&trace, focus, window, f64::from(width), 1.0, MAX_ROWS);
            moves.found.with(|found| {
                draw(
                    &el,
                    f64::from(width),
                    &mut Paint {
                        trace: &trace,
                        boxes: &laid.boxes,
                        bands: &mut laid.bands,
                        selected,
                        found,
                    },
                );
            });
            drawn.set(laid.boxes.len());
            banded.set(laid.bands.iter().map(DensityBand::total).sum::<u64>());
            boxes.set_value(laid.boxes);
        });
    }
    let at = move |ev: &web_sys::MouseEvent| -> Option<SpanIx> {
        let row = (f64::from(ev.offset_y()) / ROW).floor().max(0.0) as u32;
        boxes.with_value(|b| hit(b, f64::from(ev.offset_x()), row))
    };
    let click_trace = Arc::clone(&trace);
    // A click focuses the box's subtree and zooms to it.
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(ix) = at(&ev) {
            moves.select(&click_trace, ix, true);
            moves.focus_on(&click_trace, ix);
        }
    };
    let hover_trace = Arc::clone(&trace);
    let hover_text = move || {
        let ix = hover.get()?;
        let span = hover_trace.span(ix)?;
        let share = if span.raw.duration_nanos > 0 {
            span.self_nanos as f64 * 100.0 / span.raw.duration_nanos as f64
        } else {
            100.0
        };
        Some(format!(
            "{}: {} — {}, self {} ({share:.0}%)",
            hover_trace.str(span.raw.service),
            hover_trace.str(span.raw.name),
            text::duration(span.raw.duration_nanos),
            text::duration(span.self_nanos),
        ))
    };
    let focus_trace = Arc::clone(&trace);
    let focus_name = move || {
        focus.get().and_then(|ix| {
            focus_trace.span(ix).map(|s| {
                format!(
                    "{}: {}",
                    focus_trace.str(s.raw.service),
                    focus_trace.str(s.raw.name)
                )
            })
        })
    };
    let focus_id = {
        let trace = Arc::clone(&trace);
        move || {
            focus
                .get()
                .and_then(|ix| trace.span(ix))
                .map(|s| s.raw.span_id.to_hex())
                .unwrap_or_default()
        }
    };
    view! {
        <div
            class="flame"
            data-testid="flame-view"
            data-view-start-us=move || view_range_us(&scale.get(), t_start).0
            data-view-end-us=move || view_range_us(&scale.get(), t_start).1
        >
            <div class="flame-head">
                <button
                    class="small"
                    data-testid="flame-reset"
                    disabled=move || focus.get().is_none() && zoom.get() == (0.0, 1.0)
                    on:click=move |_| moves.unfocus()
                >
                    "Whole trace"
                </button>
                {move || focus_name().map(|n| view! { <span class="crumb">{format!("› {n}")}</span> })}
                <span class="flame-hover muted" data-testid="flame-hover">
                    {move || hover_text().unwrap_or_else(|| String::from("Click a box to focus its subtree. The part of a box with nothing below it is its self time."))}
                </span>
            </div>
            {move || {
                let n = banded.get();
                (n > 0).then(|| view! {
                    <div class="muted small-note" data-testid="flame-banded" data-count=n>
                        {format!("{n} spans narrower than a pixel are drawn as shaded bands; click a box to zoom into them")}
                    </div>
                })
            }}
            <div class="flame-ruler-row">
                {nav.ruler(scale, t_start, "ruler flame-ruler", "flame-ruler")}
            </div>
            <div
                class="flame-scroll"
                {..nav.gestures()}
            >
                <canvas
                    node_ref=canvas_ref
                    data-testid="flame-canvas"
                    data-boxes=move || drawn.get()
                    data-banded=move || banded.get()
                    data-focus=focus_id
                    on:click=on_click
                    on:mousemove=move |ev| hover.set(at(&ev))
                    on:mouseleave=move |_| hover.set(None)
                ></canvas>
            </div>
        </div>
    }
}
