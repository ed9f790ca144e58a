//! Small pieces of JavaScript plumbing the worker needs (and the page
//! shares, through `ui::shared::js`).

use wasm_bindgen::JsCast;

/// The message of a JavaScript error value, in words.
pub fn js_message(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| String::from("unknown error"))
}
