//! Small bridges to JavaScript values.

pub use crate::worker::js::js_message;

/// The page's local storage, where the browser offers it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A worker's answer as it arrived (a JavaScript buffer, outside wasm
/// memory), read by [`crate::model::wire::Reply::decode_from`] a window at
/// a time instead of being copied whole into wasm memory first.
pub struct JsBytes<'a>(pub &'a js_sys::Uint8Array);

impl crate::model::wire::Source for JsBytes<'_> {
    fn size(&self) -> usize {
        self.0.length() as usize
    }

    fn copy_to(&self, at: usize, out: &mut [u8]) {
        let end = at + out.len();
        self.0.subarray(at as u32, end as u32).copy_to(out);
    }
}
