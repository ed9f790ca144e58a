//! The minimap over the timeline: the whole trace drawn on a canvas, the
//! zoomed range framed. Dragging across it zooms the timeline to that range;
//! a click moves the zoomed range there.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::Clamped;

use crate::model::Trace;
use crate::ui::app_state::ThemeChoice;
use crate::ui::shared::canvas;
use crate::ui::trace_page::state::Zoom;
use crate::view_model::colours::TraceColours;
use crate::view_model::minimap::raster;
use crate::view_model::scale::clamp_zoom;

/// Canvas height in CSS pixels.
const HEIGHT: u32 = 40;

fn draw(trace: &Trace, el: &web_sys::HtmlCanvasElement, slots: &TraceColours) {
    // Rastered at device pixels: sharp on HiDPI screens.
    let ratio = canvas::pixel_ratio();
    let width = (f64::from(el.client_width().max(50)) * ratio).round() as u32;
    let height = (f64::from(HEIGHT) * ratio).round() as u32;
    el.set_width(width);
    el.set_height(height);
    let Some(ctx) = canvas::context(el) else {
        return;
    };
    let colours = canvas::service_rgb(trace, slots);
    let pixels = raster(trace, width as usize, height as usize, &colours);
    if let Ok(image) =
        web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), width, height)
    {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }
}

/// Fraction of the element's width under the pointer.
fn fraction(el: &web_sys::HtmlElement, ev: &web_sys::PointerEvent) -> f64 {
    let rect = el.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        return 0.0;
    }
    ((f64::from(ev.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0)
}

/// The minimap of `trace`, driving the page's [`Zoom`].
#[component]
pub fn Minimap(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let zoom = expect_context::<Zoom>();
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let wrap: NodeRef<html::Div> = NodeRef::new();
    let drag: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let theme = expect_context::<ThemeChoice>();
    // Which colour each service has is looked up here, where the page's
    // state is in reach (not in the frame callbacks or resize events).
    let slots = Arc::new(crate::ui::app_state::trace_colours(&trace));
    {
        let slots = Arc::clone(&slots);
        let trace = Arc::clone(&trace);
        // Drawn just after the first rows are painted, not before them.
        Effect::new(move |_| {
            theme.track();
            if canvas_ref.get().is_some() {
                let (trace, slots) = (Arc::clone(&trace), Arc::clone(&slots));
                // The page may have gone by then (`try_`: no panic if so).
                request_animation_frame(move || {
                    if let Some(el) = canvas_ref.try_get_untracked().flatten() {
                        draw(&trace, &el, &slots);
                    }
                });
            }
        });
    }
    let resize = window_event_listener(leptos::ev::resize, {
        let trace = Arc::clone(&trace);
        move |_| {
            if let Some(el) = canvas_ref.get_untracked() {
                draw(&trace, &el, &slots);
            }
        }
    });
    on_cleanup(move || resize.remove());

    let down = move |ev: web_sys::PointerEvent| {
        let Some(el) = wrap.get_untracked() else {
            return;
        };
        let _ = el.set_pointer_capture(ev.pointer_id());
        let f = fraction(&el, &ev);
        drag.set(Some((f, f)));
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if drag.with_untracked(|d| d.is_none()) {
            return;
        }
        let Some(el) = wrap.get_untracked() else {
            return;
        };
        let f = fraction(&el, &ev);
        drag.update(|d| {
            if let Some(d) = d {
                d.1 = f;
            }
        });
    };
    let up = move |_: web_sys::PointerEvent| {
        let Some((a, b)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        if (b - a).abs() > 0.004 {
            zoom.set(clamp_zoom(a, b));
        } else {
            // A click: centre the zoomed range there.
            let (from, to) = zoom.get_untracked();
            let half = (to - from) / 2.0;
            let centre = a.clamp(half, 1.0 - half);
            zoom.set(clamp_zoom(centre - half, centre + half));
        }
    };
    let pct = |f: f64| format!("{}%", f * 100.0);
    view! {
        <div
            class="minimap"
            data-testid="minimap"
            node_ref=wrap
            title="Drag to zoom the timeline to a time range; click to move the zoomed range"
            on:pointerdown=down
            on:pointermove=moved
            on:pointerup=up
        >
            <canvas node_ref=canvas_ref data-testid="minimap-canvas" height=HEIGHT></canvas>
            <div class="mm-shade" style:left="0" style:width=move || pct(zoom.get().0)></div>
            <div class="mm-shade" style:left=move || pct(zoom.get().1) style:right="0"></div>
            <div
                class="mm-window"
                style:left=move || pct(zoom.get().0)
                style:width=move || pct(zoom.get().1 - zoom.get().0)
            ></div>
            {move || {
                drag.get()
                    .map(|(a, b)| {
                        view! { <div class="mm-drag" style:left=pct(a.min(b)) style:width=pct((b - a).abs())></div> }
                    })
            }}
        </div>
    }
}
