//! Small bridges to JavaScript values.

pub use crate::worker::js::js_message;

/// The page's local storage, where the browser offers it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
