//! A file to read, and reading one on the page itself (where no worker can
//! be started).

use wasm_bindgen_futures::JsFuture;

use crate::model::{self, Loaded};
use crate::ui::shared::js::js_message;
use crate::worker::inflate::inflate;
use crate::worker::MAX_FILE_BYTES;

/// A file to read: its name, its bytes (a `File` is read lazily, from disk),
/// and whether to keep it in the browser's storage once it has loaded.
pub struct Source {
    /// The name the user knows it by (file name, address, "pasted text").
    pub name: String,
    /// The bytes.
    pub blob: web_sys::Blob,
    /// Keep it (see [`crate::ui::load::keep`]) once it has loaded; false for files
    /// reopened from there.
    pub keep: bool,
}

/// Reads and parses a file's bytes on the page's thread (a small file, or
/// where no worker can be started), by the readers' module there
/// ([`crate::ui::load::reader`]); a gzip or deflate file is decompressed
/// first (only where no worker can start: see [`compression_of`]), up to
/// `inflate_limit_bytes`.
pub async fn read_on_page(
    blob: &web_sys::Blob,
    name: &str,
    inflate_limit_bytes: u64,
) -> Result<Loaded, String> {
    // Kept outside wasm memory: the readers' instance copies it into its own.
    let bytes = read_bytes(blob).await?;
    let head = bytes.subarray(0, bytes.length().min(4)).to_vec();
    match model::compression::inflatable(&head) {
        Some(compression) => {
            drop(bytes);
            let limit = inflate_limit_bytes.min(MAX_FILE_BYTES as u64);
            let b = inflate(blob, name, compression, limit, &mut |_| {}).await?;
            crate::ui::load::reader::read(&js_sys::Uint8Array::from(&b[..])).await
        }
        None => crate::ui::load::reader::read(&bytes).await,
    }
}

/// The compression the first bytes of `blob` announce, if the browser can
/// undo it (such a file goes to a worker whatever its size).
pub async fn compression_of(blob: &web_sys::Blob) -> Option<model::compression::Compression> {
    let head = blob.slice_with_f64_and_f64(0.0, 4.0).ok()?;
    let bytes = read_bytes(&head).await.ok()?;
    model::compression::inflatable(&bytes.to_vec())
}

/// A blob's bytes, as the browser read them (not copied into wasm memory).
async fn read_bytes(file: &web_sys::Blob) -> Result<js_sys::Uint8Array, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("could not read the file: {}", js_message(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer))
}
