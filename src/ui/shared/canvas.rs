//! Canvas helpers: the 2D context of a canvas, and the page's colours
//! (CSS variables, resolved for the current theme) as canvas colours.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::model::Trace;
use crate::view_model::colours::{css_var, TraceColours, PALETTE};

/// The 2D context of `canvas`.
pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// Resolves CSS colour expressions (e.g. `var(--svc-3)`) to `[r, g, b]`, by
/// letting the browser compute them on a hidden element (this also resolves
/// `light-dark()` for the current theme).
pub fn resolve(expressions: &[String]) -> Vec<[u8; 3]> {
    let fallback = vec![[128, 128, 128]; expressions.len()];
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return fallback;
    };
    let Some(body) = doc.body() else {
        return fallback;
    };
    let Some(probe) = doc
        .create_element("span")
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return fallback;
    };
    // Through the CSSOM: the page's Content-Security-Policy refuses `style` attributes.
    let style = probe.style();
    let _ = style.set_property("display", "none");
    let _ = body.append_child(&probe);
    let out = expressions
        .iter()
        .map(|e| {
            let _ = style.remove_property("color");
            let _ = style.set_property("color", e);
            web_sys::window()
                .and_then(|w| w.get_computed_style(&probe).ok().flatten())
                .and_then(|st| st.get_property_value("color").ok())
                .and_then(|c| parse_rgb(&c))
                .unwrap_or([128, 128, 128])
        })
        .collect();
    probe.remove();
    out
}

/// The service palette for canvases.
pub fn palette() -> Vec<[u8; 3]> {
    let vars: Vec<String> = (0..PALETTE).map(css_var).collect();
    resolve(&vars)
}

/// The colour of each of `trace`'s services (indexed like
/// [`Trace::services`]), from the palette as the stylesheet sets it.
pub fn service_rgb(trace: &Trace, colours: &TraceColours) -> Vec<[u8; 3]> {
    let palette = palette();
    (0..trace.services.len())
        .map(|i| {
            palette
                .get(colours.slot_at(i))
                .copied()
                .unwrap_or([128, 128, 128])
        })
        .collect()
}

/// `[r, g, b]` as a canvas fill style.
pub fn css(rgb: [u8; 3]) -> String {
    format!("rgb({},{},{})", rgb[0], rgb[1], rgb[2])
}

/// Reads `rgb(1, 2, 3)` / `rgba(1, 2, 3, 0.5)`.
fn parse_rgb(text: &str) -> Option<[u8; 3]> {
    let inner = text.split_once('(')?.1.trim_end_matches(')');
    let mut parts = inner.split([',', ' ', '/']).filter(|p| !p.is_empty());
    let mut next = || parts.next()?.trim().parse::<f64>().ok();
    let (r, g, b) = (next()?, next()?, next()?);
    Some([r as u8, g as u8, b as u8])
}
