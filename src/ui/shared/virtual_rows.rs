//! Tables that build only the rows in view: the scroll state, the window of
//! rows to build, and the padding rows that stand in for the others.

use std::ops::Range;

use leptos::html;
use leptos::prelude::*;

use crate::view_model::row_window;

/// Scroll state of one virtualised table (fixed row height), and the
/// scrolling element it is measured on ([`crate::ui::shared::table::VirtualTable`]
/// draws that element; a view holds this handle to move it).
#[derive(Clone, Copy)]
pub struct VirtualRows {
    scroll_top: RwSignal<f64>,
    viewport_px: RwSignal<f64>,
    row_px: f64,
    overscan: usize,
    element: NodeRef<html::Div>,
}

impl VirtualRows {
    /// Rows of `row_px` pixels, `overscan` extra built on each side.
    pub fn new(row_px: f64, overscan: usize) -> VirtualRows {
        VirtualRows {
            scroll_top: RwSignal::new(0.0),
            viewport_px: RwSignal::new(600.0),
            row_px,
            overscan,
            element: NodeRef::new(),
        }
    }

    /// The scrolling element (for `node_ref`).
    pub fn element(&self) -> NodeRef<html::Div> {
        self.element
    }

    /// Takes the scroll position and height of the scrolling element, once
    /// it is on the page (after it is mounted, and on its `scroll` event).
    pub fn measure(&self) {
        if let Some(el) = self.element.get_untracked() {
            self.scroll_top.set(f64::from(el.scroll_top()));
            self.viewport_px.set(f64::from(el.client_height()));
        }
    }

    /// Scrolls back to the first row (a new filter or order).
    pub fn to_top(&self) {
        if let Some(el) = self.element.get_untracked() {
            el.set_scroll_top(0);
        }
        self.measure();
    }

    /// Scrolls row `at` to a third of the way down, when the element is
    /// on the page; true if it was.
    pub fn show_row(&self, at: usize) -> bool {
        let Some(el) = self.element.get_untracked() else {
            return false;
        };
        let top_px = at as f64 * self.row_px - f64::from(el.client_height()) / 3.0;
        el.set_scroll_top(top_px.max(0.0) as i32);
        self.measure();
        true
    }

    /// The rows to build out of `count`.
    pub fn window(&self, count: usize) -> Range<usize> {
        row_window(
            self.scroll_top.get(),
            self.viewport_px.get(),
            self.row_px,
            count,
            self.overscan,
        )
    }

    /// CSS height of the padding row above (`above`) or below the window.
    pub fn pad(&self, count: usize, above: bool) -> String {
        let range = self.window(count);
        let rows = if above {
            range.start
        } else {
            count.saturating_sub(range.end)
        };
        format!("{}px", rows as f64 * self.row_px)
    }
}

/// The tallest element this browser lays out, in CSS pixels, measured once
/// (an invisible element asked to be 40M px tall, then removed): Chromium
/// stops at about 33.5M px, Firefox at about 17.9M. A little under it is
/// returned; [`crate::view_model::rows::MAX_SPACER_PX`] when there is no page.
pub fn tallest_element_px() -> f64 {
    thread_local! {
        static TALLEST: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
    }
    if let Some(px) = TALLEST.with(|t| t.get()) {
        return px;
    }
    let px = measure_tallest().unwrap_or(crate::view_model::rows::MAX_SPACER_PX);
    TALLEST.with(|t| t.set(Some(px)));
    px
}

fn measure_tallest() -> Option<f64> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    let probe: web_sys::HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    let style = probe.style();
    for (name, value) in [
        ("position", "absolute"),
        ("visibility", "hidden"),
        ("top", "0"),
        ("left", "0"),
        ("width", "1px"),
        ("height", "40000000px"),
    ] {
        style.set_property(name, value).ok()?;
    }
    body.append_child(&probe).ok()?;
    let height = probe.get_bounding_client_rect().height();
    probe.remove();
    // 95 %: the last rows must be laid out too, not only the element's end.
    (height > 0.0).then_some(height * 0.95)
}
