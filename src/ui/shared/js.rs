//! Small bridges to JavaScript values.

use wasm_bindgen::JsCast;

/// The message of a JavaScript error value, in words.
pub fn js_message(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| String::from("unknown error"))
}

/// The page's local storage, where the browser offers it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
