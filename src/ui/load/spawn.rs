//! Starting a loading worker: the bootstrap it runs, where the
//! wasm-bindgen glue is, and the misbehaving workers the debug hook asks
//! for (see [`crate::ui::shared::debug`]).

use wasm_bindgen::JsValue;

use crate::ui::shared::js::js_message;

/// The bootstrap each worker runs: waits for the module and the glue URL,
/// starts this wasm module (whose `main` then calls [`crate::worker::serve`]), and hands it
/// the messages that arrived meanwhile.
const BOOTSTRAP: &str = r#"
let pending = [];
self.onmessage = async (first) => {
  self.onmessage = (e) => pending.push(e);
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

/// What a debug hook (see [`crate::ui::shared::debug`]) makes the next workers do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DebugWorkers {
    /// Work.
    #[default]
    Normal,
    /// Panic on the first file.
    Panic,
    /// Fail to start (the glue cannot be imported).
    NoStart,
    /// Never answer (never told where the glue is).
    Hang,
}

thread_local! {
    static DEBUG: std::cell::Cell<DebugWorkers> = const { std::cell::Cell::new(DebugWorkers::Normal) };
}

/// Makes the workers started from now on misbehave, for tests.
pub fn set_debug(mode: DebugWorkers) {
    DEBUG.with(|d| d.set(mode));
}

/// A new worker, told where the glue is and given the compiled module.
pub fn spawn(glue: &str) -> Result<web_sys::Worker, String> {
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
    let _ = js_sys::Reflect::set(&init, &"module".into(), &wasm_bindgen::module());
    worker.post_message(&init).map_err(|e| js_message(&e))?;
    Ok(worker)
}

/// A worker as the debug hook wants it, for tests; `None` normally.
pub fn spawn_for_debug(glue: &str) -> Option<Result<web_sys::Worker, String>> {
    match DEBUG.with(|d| d.get()) {
        DebugWorkers::Normal | DebugWorkers::Panic => None,
        DebugWorkers::NoStart => Some(spawn(&format!("{glue}.no-such-glue.js"))),
        DebugWorkers::Hang => {
            let parts = js_sys::Array::of1(&JsValue::from_str("self.onmessage = () => {};"));
            let options = web_sys::BlobPropertyBag::new();
            options.set_type("text/javascript");
            let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
            let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
            let worker = web_sys::Worker::new(&url).map_err(|e| js_message(&e));
            let _ = web_sys::Url::revoke_object_url(&url);
            Some(worker)
        }
    }
}

/// The URL of the wasm-bindgen glue module that Trunk put in the page (its
/// `modulepreload` link, else the module script that imports it).
pub fn glue_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let base = document.base_uri().ok().flatten()?;
    let href = document
        .query_selector("link[rel=modulepreload][href$='.js']")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("href"))
        .or_else(|| {
            let scripts = document.query_selector_all("script[type=module]").ok()?;
            (0..scripts.length()).find_map(|i| {
                let text = scripts.item(i)?.text_content()?;
                let (_, rest) = text.split_once(" from '")?;
                let (path, _) = rest.split_once('\'')?;
                path.ends_with(".js").then(|| path.to_string())
            })
        })?;
    web_sys::Url::new_with_base(&href, &base)
        .ok()
        .map(|u| u.href())
}

/// What the debug hook asked the workers to do.
pub fn debug_mode() -> DebugWorkers {
    DEBUG.with(|d| d.get())
}
