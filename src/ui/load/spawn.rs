//! Starting a loading worker (through [`crate::worker::spawn`]): how many
//! workers read one file, where the wasm-bindgen glue is, and the
//! misbehaving workers the debug hook asks for (see
//! [`crate::ui::shared::debug`]).

use wasm_bindgen::JsValue;

use crate::ui::shared::js::js_message;

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
    /// Work, but the readers on the page's thread panic on a small file.
    PanicOnPage,
}

thread_local! {
    static DEBUG: std::cell::Cell<DebugWorkers> = const { std::cell::Cell::new(DebugWorkers::Normal) };
}

/// Makes the workers started from now on misbehave, for tests.
pub fn set_debug(mode: DebugWorkers) {
    DEBUG.with(|d| d.set(mode));
}

/// A new loading worker running the readers' module, told where its glue
/// is (`glue`), given the compiled `module` (see
/// [`crate::ui::load::reader::module_or_url`]), and allowed its helpers
/// (see [`readers`]).
pub fn spawn(glue: &str, module: &JsValue) -> Result<web_sys::Worker, String> {
    crate::worker::spawn::spawn(glue, module, readers() - 1)
}

/// How many workers read one large file at once: the page's `?workers=N`
/// (1 to 16) when given, else one per core but one (the page's), at most
/// eight, at least one. The loading worker starts the others as helpers.
pub fn readers() -> u32 {
    let window = web_sys::window();
    let forced = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .and_then(|p| p.get("workers"))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=16).contains(n));
    forced.unwrap_or_else(|| {
        let cores = window.map_or(1.0, |w| w.navigator().hardware_concurrency());
        (cores as u32).saturating_sub(1).clamp(1, 8)
    })
}

/// A worker as the debug hook wants it, for tests; `None` normally.
pub fn spawn_for_debug(glue: &str, module: &JsValue) -> Option<Result<web_sys::Worker, String>> {
    match DEBUG.with(|d| d.get()) {
        DebugWorkers::Normal | DebugWorkers::Panic | DebugWorkers::PanicOnPage => None,
        DebugWorkers::NoStart => {
            let path = glue.split('?').next().unwrap_or(glue);
            Some(spawn(&format!("{path}.no-such-glue.js"), module))
        }
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

/// What the debug hook asked the workers to do.
pub fn debug_mode() -> DebugWorkers {
    DEBUG.with(|d| d.get())
}
