//! The readers' module (`src/bin/reader.rs`) as the page uses it. The page's
//! own module links no reader: it compiles the readers' module once, while
//! it downloads, when the page starts; hands the compiled module to every
//! loading worker; and starts one instance of it on its own thread, which
//! reads small files there (no worker's round trip) and answers exactly as
//! a worker would (an encoded [`Reply`]).

use std::cell::RefCell;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::model::wire::Reply;
use crate::model::Loaded;
use crate::ui::load::spawn::DebugWorkers;
use crate::ui::shared::js::js_message;
use crate::view_model::files::panicked_while_reading;

/// The readers' binary (Trunk's `data-bin`): `<NAME>.js` is its glue and
/// `<NAME>_bg.wasm` its code, beside the page's.
const NAME: &str = "trace-viewer-reader";

#[wasm_bindgen(inline_js = r#"
export function compile_reader(url) {
  const plain = () => fetch(url).then((r) => {
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.arrayBuffer();
  }).then((b) => WebAssembly.compile(b));
  // compileStreaming needs the server to say application/wasm.
  return WebAssembly.compileStreaming(fetch(url)).catch(plain);
}
export function import_reader(glue, module) {
  return import(glue).then(async (g) => {
    await g.default({ module_or_path: module });
    return g;
  });
}
"#)]
extern "C" {
    /// Compiles the code at `url` (streaming, as it downloads).
    fn compile_reader(url: &str) -> js_sys::Promise;
    /// Imports the glue at `glue` and starts an instance of `module` with
    /// it: the glue's namespace, whose functions call that instance.
    fn import_reader(glue: &str, module: &JsValue) -> js_sys::Promise;
}

#[derive(Default)]
struct Reader {
    /// The compiled module, once compiled.
    module: Option<JsValue>,
    /// The compile under way.
    compiling: Option<js_sys::Promise>,
    /// The instance on the page's thread (its glue's namespace).
    instance: Option<JsValue>,
    /// Files read on the page's thread so far.
    reads: u32,
    /// Instances started so far: a new one gets a glue address of its own
    /// (an instance that trapped cannot be used again).
    started: u32,
}

thread_local! {
    static READER: RefCell<Reader> = RefCell::default();
}

/// The addresses of the readers' glue and code: beside the page's glue,
/// with the page's build named in `?v=`, so that no cache pairs this page
/// with another build's readers. `None` where the page was not built by
/// Trunk.
pub fn urls() -> Option<(String, String)> {
    let page_glue = page_glue_url()?;
    let (dir, file) = page_glue.rsplit_once('/')?;
    let file = file.split(['?', '#']).next().unwrap_or(file);
    let build = file.strip_suffix(".js").unwrap_or(file);
    Some((
        format!("{dir}/{NAME}.js?v={build}"),
        format!("{dir}/{NAME}_bg.wasm?v={build}"),
    ))
}

/// The URL of the page's wasm-bindgen glue module that Trunk put in the
/// page (its `modulepreload` link, else the module script that imports
/// it); the readers' module lies beside it.
fn page_glue_url() -> Option<String> {
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

/// Starts compiling the readers' module (the page calls it once, first).
pub fn start() {
    // Before the page mounts, so not leptos' executor (not set up yet).
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = module().await {
            web_sys::console::warn_1(&format!("the readers' module did not compile: {e}").into());
        }
    });
}

/// The compiled readers' module (compiled once; later calls wait for it).
pub async fn module() -> Result<JsValue, String> {
    if let Some(module) = READER.with(|r| r.borrow().module.clone()) {
        return Ok(module);
    }
    let promise = READER.with(|r| {
        let mut reader = r.borrow_mut();
        if let Some(p) = &reader.compiling {
            return Ok::<_, String>(p.clone());
        }
        let (_, wasm) = urls().ok_or_else(not_built)?;
        let p = compile_reader(&wasm);
        reader.compiling = Some(p.clone());
        Ok(p)
    })?;
    match JsFuture::from(promise).await {
        Ok(module) => {
            READER.with(|r| r.borrow_mut().module = Some(module.clone()));
            Ok(module)
        }
        Err(e) => {
            // The next call tries again (a network that came back).
            READER.with(|r| r.borrow_mut().compiling = None);
            Err(js_message(&e))
        }
    }
}

/// The compiled module for a worker, or, before it is compiled, the
/// address of its code (the worker then compiles it itself).
pub fn module_or_url() -> JsValue {
    READER
        .with(|r| r.borrow().module.clone())
        .unwrap_or_else(|| urls().map_or(JsValue::UNDEFINED, |(_, wasm)| JsValue::from_str(&wasm)))
}

fn not_built() -> String {
    String::from("this page was not built with its readers' module")
}

/// The instance on the page's thread, started on first use.
async fn instance() -> Result<JsValue, String> {
    if let Some(instance) = READER.with(|r| r.borrow().instance.clone()) {
        return Ok(instance);
    }
    let module = module().await?;
    let (glue, _) = urls().ok_or_else(not_built)?;
    let n = READER.with(|r| {
        let mut reader = r.borrow_mut();
        reader.started += 1;
        reader.started
    });
    let glue = if n == 1 {
        glue
    } else {
        format!("{glue}&instance={n}")
    };
    let instance = JsFuture::from(import_reader(&glue, &module))
        .await
        .map_err(|e| js_message(&e))?;
    Ok(READER.with(|r| r.borrow_mut().instance.get_or_insert(instance).clone()))
}

/// Calls the instance's exported function `name` with `args`; a trap (a
/// panic in the readers) throws, and the next call starts a new instance.
async fn call(name: &str, args: &js_sys::Array) -> Result<JsValue, String> {
    let instance = instance().await?;
    let function = js_sys::Reflect::get(&instance, &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| format!("the readers' module has no {name}"))?;
    function.apply(&JsValue::NULL, args).map_err(|e| {
        // The instance trapped: a new one for the next file.
        READER.with(|r| r.borrow_mut().instance = None);
        let key = JsValue::from_str(crate::worker::panic::PANIC_KEY);
        let panic = js_sys::Reflect::get(&js_sys::global(), &key)
            .ok()
            .and_then(|m| m.as_string());
        let _ = js_sys::Reflect::delete_property(&js_sys::global(), &key);
        panicked_while_reading(&panic.unwrap_or_else(|| js_message(&e)))
    })
}

/// Reads a whole file on the page's thread (`bytes`: as the browser read
/// them; the readers' instance copies them into its own memory).
pub async fn read(bytes: &js_sys::Uint8Array) -> Result<Loaded, String> {
    READER.with(|r| r.borrow_mut().reads += 1);
    let function = match crate::ui::load::spawn::debug_mode() {
        DebugWorkers::PanicOnPage => "panic_for_test",
        _ => "read_file",
    };
    let answer = call(function, &js_sys::Array::of1(bytes)).await?;
    decode(&answer)
}

fn decode(answer: &JsValue) -> Result<Loaded, String> {
    let bytes = answer
        .dyn_ref::<js_sys::Uint8Array>()
        .map(|a| a.to_vec())
        .ok_or_else(|| String::from("the readers answered with no bytes"))?;
    match Reply::decode(&bytes) {
        Ok(Reply::Loaded { loaded, .. }) => Ok(loaded),
        Ok(Reply::Failed { message, .. }) => Err(message),
        Ok(_) => Err(String::from(
            "the readers answered with something else than a file",
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Gets the readers on the page's thread up to speed, and what the page
/// does with their answer (decoding it, laying out its rows): the first
/// file a person drops is read by code already optimised. It works in
/// rounds, each its own task, so that a file picked meanwhile is read
/// between two rounds, and stops once a file has been read on the page
/// (that file warmed the same code).
pub async fn warm_up() {
    if READER.with(|r| r.borrow().reads) > 0 {
        return;
    }
    let answer = match call("sample_reply", &js_sys::Array::new()).await {
        Ok(a) => a,
        Err(_) => return,
    };
    for _ in 0..3 {
        next_task().await;
        if READER.with(|r| r.borrow().reads) > 0 {
            return;
        }
        if call("warm_up_once", &js_sys::Array::new()).await.is_err() {
            return;
        }
        if let Ok(loaded) = decode(&answer) {
            for t in &loaded.traces {
                let _ = crate::view_model::visible_rows(t, &[], None);
            }
        }
    }
}

/// Resolves in a later task (after the input and file events queued now).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}
