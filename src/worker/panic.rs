//! A panic in the readers' module. In a loading worker there is no page:
//! the panic is sent to the page, which reports it against the file being
//! read. On the page's thread (a small file read there) the call into the
//! module throws instead; the message is left in
//! `globalThis.traceViewerReaderPanic` for the page, which reports it
//! against the file.

use wasm_bindgen::{JsCast, JsValue};

/// Installs a panic hook that logs the panic and, in a worker, sends it to
/// the page as `{panic: message}` before the worker stops (on the page's
/// thread, leaves it where the page looks).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        if web_sys::window().is_none() {
            tell_page(&message);
        } else {
            let _ = js_sys::Reflect::set(
                &js_sys::global(),
                &PANIC_KEY.into(),
                &JsValue::from_str(&message),
            );
        }
    }));
}

/// Where a panic on the page's thread leaves its message.
pub const PANIC_KEY: &str = "traceViewerReaderPanic";

fn tell_page(message: &str) {
    let Some(scope) = js_sys::global()
        .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
        .ok()
    else {
        return;
    };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"panic".into(), &JsValue::from_str(message));
    let _ = scope.post_message(&data);
}
