//! The worker side: what runs inside a Web Worker (reading a file and
//! sending the model back) and the warm-up that prepares the readers.

pub mod helpers;
pub mod inflate;
pub mod js;
pub mod on_page;
pub mod panic;
pub mod spawn;
pub mod warmup;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::model::formats::parallel;
use crate::model::load_reporting;
use crate::model::wire::{Progress, Reply, Request, Stage};
use crate::worker::js::js_message;

/// Larger files are refused before reading: a wasm module has at most 4 GiB
/// of memory, and the worker holds the file, what the parser builds from it
/// and the model at once (measured natively: a peak of about 3.8× the file
/// for Jaeger JSON). A worker that runs out anyway ends with a message.
pub const MAX_FILE_BYTES: f64 = 1.0e9;

/// Bytes read from a file per step (a progress message each).
const CHUNK: f64 = 16.0 * 1024.0 * 1024.0;

/// "big.json is 1.4 GB: …" — why a file is not even read.
pub fn too_large(size: f64) -> String {
    format!(
        "the file is {:.1} GB, larger than this viewer can hold in a browser tab ({:.1} GB at most: \
         WebAssembly has 4 GB of memory, and reading a file takes about twice its size). \
         Split it, or export fewer traces per file",
        size / 1e9,
        MAX_FILE_BYTES / 1e9
    )
}

/// Runs in a worker: answers each load request with progress and the model
/// (and, in a helper, each part asked for with the part).
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
        let data = js_sys::Reflect::get(&ev, &"data".into()).unwrap_or(JsValue::NULL);
        serve_one(&data);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // Large files are read by several workers: start this one's helpers.
    helpers::start();
    // Usually this worker is the spare one, waiting: get the readers up to speed.
    crate::worker::warmup::warm_up();
}

fn serve_one(data: &JsValue) {
    let message: js_sys::Array = match data.clone().dyn_into() {
        Ok(m) => m,
        Err(_) => return,
    };
    let request = message
        .get(0)
        .dyn_into::<js_sys::Uint8Array>()
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let payload = message.get(1);
    let (job, name, inflate_limit_bytes) = match Request::decode(&request) {
        Ok(Request::Load {
            job,
            name,
            inflate_limit_bytes,
        }) => (job, name, inflate_limit_bytes),
        Ok(Request::ReadPart { job, kind }) => {
            // A helper's work: one run of a file's elements, as its part.
            let part = read_payload(&payload, payload_size(&payload), &mut |_| {})
                .ok()
                .and_then(|text| parallel::read_part(kind, &text))
                .map(Box::new);
            post(&Reply::Part { job, part });
            return;
        }
        Err(_) => return,
    };
    let total = payload_size(&payload);
    let load = Load { job, total };
    let progress = move |stage, done, bytes_read| load.progress(stage, done, bytes_read);
    // The first answer: this worker has started (see START_TIMEOUT).
    post(&progress(Stage::Reading, 0, 0));
    if message.get(2).as_string().as_deref() == Some("panic") {
        panic!("a panic forced by the page's debug hook (?debug), in the reader of job {job}");
    }
    // A gzip or deflate file (or ?url= body) is decompressed first, by the
    // browser's DecompressionStream, which answers asynchronously, up to
    // what the page's memory budget has left for it.
    if let Some((compression, blob)) =
        sniff(&payload).and_then(|c| as_blob(&payload).map(|blob| (c, blob)))
    {
        let limit = inflate_limit_bytes.min(MAX_FILE_BYTES as u64);
        wasm_bindgen_futures::spawn_local(async move {
            let report = &mut |out| post(&progress(Stage::Decompressing, 0, out));
            let bytes = inflate::inflate(&blob, &name, compression, limit, report).await;
            parse_and_reply(load, bytes, None);
        });
        return;
    }
    let bytes = read_payload(&payload, total, &mut |read| {
        post(&progress(Stage::Reading, read, read))
    });
    parse_and_reply(load, bytes, payload.dyn_into::<web_sys::Blob>().ok());
}

/// The size of a payload (a `Blob` or an `ArrayBuffer`) in bytes.
fn payload_size(payload: &JsValue) -> u64 {
    payload
        .dyn_ref::<web_sys::Blob>()
        .map(|b| b.size())
        .or_else(|| {
            payload
                .dyn_ref::<js_sys::ArrayBuffer>()
                .map(|b| f64::from(b.byte_length()))
        })
        .unwrap_or(0.0) as u64
}

/// The compression the payload's first bytes announce, if the browser can
/// undo it (an `ArrayBuffer` is looked at in place, not copied).
fn sniff(payload: &JsValue) -> Option<crate::model::compression::Compression> {
    if let Some(blob) = payload.dyn_ref::<web_sys::Blob>() {
        return inflate::sniff_sync(blob);
    }
    let buffer = payload.dyn_ref::<js_sys::ArrayBuffer>()?;
    let head =
        js_sys::Uint8Array::new_with_byte_offset_and_length(buffer, 0, buffer.byte_length().min(4));
    crate::model::compression::inflatable(&head.to_vec())
}

/// The payload as a `Blob` (an `ArrayBuffer` wrapped in one: only for a
/// compressed one, which is read through a stream).
fn as_blob(payload: &JsValue) -> Option<web_sys::Blob> {
    if let Some(blob) = payload.dyn_ref::<web_sys::Blob>() {
        return Some(blob.clone());
    }
    let buffer = payload.dyn_ref::<js_sys::ArrayBuffer>()?;
    web_sys::Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(buffer)).ok()
}

/// The load a worker is answering: its job number and the file's size.
#[derive(Clone, Copy)]
struct Load {
    job: u32,
    total: u64,
}

impl Load {
    /// A progress message for this load.
    fn progress(self, stage: Stage, done: u64, bytes_read: u64) -> Reply {
        Reply::Progress {
            job: self.job,
            progress: Progress {
                stage,
                done,
                total_bytes: self.total,
                bytes_read,
            },
        }
    }
}

/// Parses the bytes read (or why they could not be) and answers the page:
/// a large file cut into runs read by this worker and its helpers at once
/// (`blob`: the file, when it is one, for the helpers to read from), any
/// other in one pass.
fn parse_and_reply(load: Load, bytes: Result<Vec<u8>, String>, blob: Option<web_sys::Blob>) {
    let Load { job, total } = load;
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(message) => {
            post(&Reply::Failed { job, message });
            return;
        }
    };
    let report = move |stage, n| post(&load.progress(stage, n, total));
    let plan = (helpers::count() > 0 && bytes.len() >= parallel::MIN_BYTES)
        .then(|| parallel::plan(&bytes, helpers::count() + 1))
        .flatten();
    let Some(plan) = plan else {
        let outcome = load_reporting(&bytes, &mut { report });
        drop(bytes);
        return reply(load, outcome);
    };
    wasm_bindgen_futures::spawn_local(async move {
        let mut report = report;
        report(Stage::Parsing, plan.runs.len() as u64);
        let parts = helpers::read_runs(job, &plan, &bytes, blob.as_ref()).await;
        // A part refused: the whole file in one pass, as if never cut.
        let outcome = parallel::join(&bytes, &plan, parts, &mut report)
            .unwrap_or_else(|| load_reporting(&bytes, &mut report));
        drop(bytes);
        reply(load, outcome);
    });
}

/// Answers the page with the model, or why the file could not be read.
fn reply(load: Load, outcome: Result<crate::model::Loaded, crate::model::LoadError>) {
    let Load { job, total } = load;
    let progress = |stage, done, bytes_read| load.progress(stage, done, bytes_read);
    match outcome {
        Ok(loaded) => {
            let spans: usize = loaded.traces.iter().map(|t| t.spans.len()).sum();
            post(&progress(Stage::Sending, spans as u64, total));
            post(&Reply::Loaded { job, loaded });
        }
        Err(e) => post(&Reply::Failed {
            job,
            message: e.to_string(),
        }),
    }
}

/// The bytes of a `File` (read in chunks, reporting each) or an `ArrayBuffer`.
fn read_payload(
    payload: &JsValue,
    total: u64,
    report: &mut dyn FnMut(u64),
) -> Result<Vec<u8>, String> {
    let mut bytes: Vec<u8> = Vec::new();
    if bytes.try_reserve_exact(total as usize).is_err() {
        return Err(too_large(total as f64));
    }
    if let Some(buffer) = payload.dyn_ref::<js_sys::ArrayBuffer>() {
        bytes.resize(total as usize, 0);
        js_sys::Uint8Array::new(buffer).copy_to(&mut bytes);
        return Ok(bytes);
    }
    let Some(blob) = payload.dyn_ref::<web_sys::Blob>() else {
        return Err(String::from("nothing to read"));
    };
    let reader = web_sys::FileReaderSync::new().map_err(|e| js_message(&e))?;
    let mut at = 0.0;
    let size = blob.size();
    while at < size {
        let end = (at + CHUNK).min(size);
        let part = blob
            .slice_with_f64_and_f64(at, end)
            .map_err(|e| js_message(&e))?;
        let buffer = reader
            .read_as_array_buffer(&part)
            .map_err(|e| format!("could not read the file: {}", js_message(&e)))?;
        let chunk = js_sys::Uint8Array::new(&buffer);
        let start = bytes.len();
        bytes.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[start..]);
        at = end;
        report(bytes.len() as u64);
    }
    Ok(bytes)
}

/// Sends a reply to the page, moving (not copying) its buffer.
fn post(reply: &Reply) {
    let bytes = reply.encode();
    let array = js_sys::Uint8Array::new_with_length(bytes.len() as u32);
    array.copy_from(&bytes);
    drop(bytes);
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message_with_transfer(&array, &js_sys::Array::of1(&array.buffer()));
}
