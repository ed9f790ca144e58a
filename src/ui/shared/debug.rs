//! Hooks for end-to-end tests of what happens when things go wrong, present
//! only when the page is opened with `?debug`: `window.traceViewerDebug`
//! with `panic()` (the page panics), `abort()` (the page's wasm traps with no
//! panic, as when memory runs out) and `workers(mode)` (the workers
//! started from then on: `"panic"` on their file, `"no-start"`, `"hang"`
//! never answering, `"panic-on-page"`: the readers on the page's thread
//! panic on a small file, `"normal"`) and `budget(bytes)` (the memory budget,
//! in model bytes, lowered so that small files can test it). Nothing else
//! changes, and nothing is reachable from a normal address.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::ui::load::workers::{set_debug, DebugWorkers};

/// True when the page address has a `debug` query parameter.
fn wanted() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .is_some_and(|p| p.has("debug"))
}

/// Exposes `window.traceViewerDebug` when the page was opened with `?debug`.
pub fn install() {
    if !wanted() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let hooks = js_sys::Object::new();
    let panic = Closure::<dyn Fn()>::new(|| {
        panic!("a panic forced by the page's debug hook (?debug)");
    });
    let abort = Closure::<dyn Fn()>::new(|| std::process::abort());
    let workers = Closure::<dyn Fn(String)>::new(|mode: String| {
        set_debug(match mode.as_str() {
            "panic" => DebugWorkers::Panic,
            "no-start" => DebugWorkers::NoStart,
            "hang" => DebugWorkers::Hang,
            "panic-on-page" => DebugWorkers::PanicOnPage,
            _ => DebugWorkers::Normal,
        });
    });
    let budget = Closure::<dyn Fn(f64)>::new(|bytes: f64| {
        crate::ui::load::loader::set_budget_bytes(bytes.max(0.0) as u64);
    });
    let _ = js_sys::Reflect::set(&hooks, &"budget".into(), budget.as_ref());
    let _ = js_sys::Reflect::set(&hooks, &"panic".into(), panic.as_ref());
    let _ = js_sys::Reflect::set(&hooks, &"abort".into(), abort.as_ref());
    let _ = js_sys::Reflect::set(&hooks, &"workers".into(), workers.as_ref());
    let _ = js_sys::Reflect::set(&window, &"traceViewerDebug".into(), &JsValue::from(hooks));
    // They stay as long as the page.
    panic.forget();
    abort.forget();
    workers.forget();
    budget.forget();
}
