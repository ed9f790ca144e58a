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

/// The device pixels per CSS pixel (2 on most HiDPI screens; 1 where unknown).
pub fn pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}

/// The longest side of a canvas browsers draw (Chromium, Firefox, Safari).
const MAX_SIDE_PX: f64 = 32_767.0;
/// The largest canvas area they draw.
const MAX_AREA_PX: f64 = 16_384.0 * 16_384.0;

/// Gives `canvas` a backing store of `css_width` × `css_height` CSS pixels
/// times the device pixel ratio (less where the browser could not hold
/// that), so that it is sharp on HiDPI screens, sets
/// its CSS height (its width follows its box), and returns its context
/// scaled so that drawing is in CSS pixels.
pub fn sized(
    canvas: &HtmlCanvasElement,
    css_width: f64,
    css_height: f64,
) -> Option<CanvasRenderingContext2d> {
    // Browsers refuse canvases past 32,767 px a side or about 268M px in
    // all (a deep flame graph at 2×): the ratio gives way first.
    let (w, h) = (css_width.max(1.0), css_height.max(1.0));
    let ratio = pixel_ratio()
        .min(MAX_SIDE_PX / w)
        .min(MAX_SIDE_PX / h)
        .min((MAX_AREA_PX / (w * h)).sqrt());
    canvas.set_width((css_width * ratio).round() as u32);
    canvas.set_height((css_height * ratio).round() as u32);
    // Through the CSSOM: the Content-Security-Policy refuses style attributes.
    let _ = canvas
        .style()
        .set_property("height", &format!("{css_height}px"));
    let ctx = context(canvas)?;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    Some(ctx)
}

/// `text` as it fits in `width` CSS pixels in the context's font, cut with
/// "…" when it does not; `None` when not even one character and the "…" fit.
pub fn fit_text(ctx: &CanvasRenderingContext2d, text: &str, width: f64) -> Option<String> {
    let measure = |s: &str| ctx.measure_text(s).map_or(f64::MAX, |m| m.width());
    if measure(text) <= width {
        return Some(text.to_string());
    }
    // The longest prefix (in characters) that fits with the ellipsis.
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate = format!("{}…", &text[..ends[mid - 1]]);
        if measure(&candidate) <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (lo > 0).then(|| format!("{}…", &text[..ends[lo - 1]]))
}
