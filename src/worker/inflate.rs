//! Decompressing a gzip or deflate file with the browser's own
//! `DecompressionStream`, chunk by chunk into the bytes the readers take,
//! stopping as soon as the result would pass what the memory budget leaves
//! for it (a small file can inflate to gigabytes). It runs in the loading
//! worker, whatever the file's size; on the page only where no worker can
//! start.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::model::compression::inflated_past;
use crate::model::compression::Compression;
use crate::worker::js::js_message;

#[wasm_bindgen]
extern "C" {
    /// The browser's `DecompressionStream` (web-sys has it only behind its
    /// unstable-API flag).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// How often (in bytes out) progress is reported.
const REPORT_EVERY: usize = 16 * 1024 * 1024;

/// The bytes `blob` (the file `file_name`) decompresses to; `limit_bytes`
/// bounds them (see [`inflated_past`] for the message past it),
/// `report` hears how many have come out so far.
pub async fn inflate(
    blob: &web_sys::Blob,
    file_name: &str,
    compression: Compression,
    limit_bytes: u64,
    report: &mut dyn FnMut(u64),
) -> Result<Vec<u8>, String> {
    let name = compression.stream_format();
    let unreadable = |e: &JsValue| {
        format!(
            "{name}-compressed, but it could not be decompressed ({})",
            js_message(e)
        )
    };
    let decompress = DecompressionStream::new(name).map_err(|e| unreadable(&e))?;
    let pair = web_sys::ReadableWritablePair::new(&decompress.readable(), &decompress.writable());
    let reader: web_sys::ReadableStreamDefaultReader = blob
        .stream()
        .pipe_through(&pair)
        .get_reader()
        .unchecked_into();
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let result = JsFuture::from(reader.read())
            .await
            .map_err(|e| unreadable(&e))?;
        let done = js_sys::Reflect::get(&result, &"done".into())
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            return Ok(bytes);
        }
        let Ok(chunk) = js_sys::Reflect::get(&result, &"value".into())
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>())
        else {
            return Ok(bytes);
        };
        let start = bytes.len();
        let end = start + chunk.length() as usize;
        if end as u64 > limit_bytes || bytes.try_reserve(chunk.length() as usize).is_err() {
            let _ = reader.cancel();
            return Err(inflated_past(file_name, name, limit_bytes));
        }
        bytes.resize(end, 0);
        chunk.copy_to(&mut bytes[start..]);
        // A progress message per 16 MB out, not per chunk of the stream.
        if end / REPORT_EVERY != start / REPORT_EVERY {
            report(end as u64);
        }
    }
}

/// The compression the start of `blob` announces, if the browser can undo it
/// (read synchronously: for a worker).
pub fn sniff_sync(blob: &web_sys::Blob) -> Option<Compression> {
    let reader = web_sys::FileReaderSync::new().ok()?;
    let head = blob.slice_with_f64_and_f64(0.0, 4.0).ok()?;
    let buffer = reader.read_as_array_buffer(&head).ok()?;
    crate::model::compression::inflatable(&js_sys::Uint8Array::new(&buffer).to_vec())
}
