//! Starting a worker of the readers' module (`src/bin/reader.rs`): the bootstrap it runs and what it is
//! told (where the wasm-bindgen glue is, the compiled module, how many
//! helpers it may start). The page starts loading workers this way, and a
//! loading worker starts its helpers the same way.

use wasm_bindgen::{JsCast, JsValue};

use super::js::js_message;

/// The bootstrap each worker runs: waits for the module and the glue URL,
/// keeps what it was told (see [`told`]), starts the readers' module (whose
/// `main` then calls [`crate::worker::serve`]), and hands it the messages
/// that arrived meanwhile.
const BOOTSTRAP: &str = r#"
let pending = [];
self.onmessage = async (first) => {
  self.onmessage = (e) => pending.push(e);
  self.traceViewerStart = first.data;
  try {
    const glue = await import(first.data.glue);
    await glue.default({ module_or_path: first.data.module });
  } catch (err) {
    self.postMessage({ fatal: String(err && err.message || err) });
    return;
  }
  for (const e of pending) self.onmessage(e);
  pending = [];
};
"#;

/// A new worker running the readers' module, told where its glue is, given
/// the compiled `module` (or, not yet compiled, the address of its code), and allowed `helpers` helpers of its own.
pub fn spawn(glue: &str, module: &JsValue, helpers: u32) -> Result<web_sys::Worker, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(BOOTSTRAP));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_message(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_message(&e))?;
    let worker_options = web_sys::WorkerOptions::new();
    worker_options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &worker_options);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker.map_err(|e| js_message(&e))?;
    let init = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&init, &"glue".into(), &JsValue::from_str(glue));
    let _ = js_sys::Reflect::set(&init, &"module".into(), module);
    let _ = js_sys::Reflect::set(&init, &"helpers".into(), &JsValue::from(helpers));
    worker.post_message(&init).map_err(|e| js_message(&e))?;
    Ok(worker)
}

/// What this worker was told when it started: the glue's URL, the module,
/// and how many helpers it may start (`None` outside a worker so started).
pub fn told() -> Option<(String, JsValue, u32)> {
    let start = js_sys::Reflect::get(&js_sys::global(), &"traceViewerStart".into()).ok()?;
    let glue = js_sys::Reflect::get(&start, &"glue".into())
        .ok()?
        .as_string()?;
    let module = js_sys::Reflect::get(&start, &"module".into()).ok()?;
    let helpers = js_sys::Reflect::get(&start, &"helpers".into())
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    (module.is_object() || module.is_string())
        .then_some((glue, module, helpers.clamp(0.0, 15.0) as u32))
        .filter(|_| start.dyn_ref::<js_sys::Object>().is_some())
}
