//! Keeping opened files in the browser's own storage (the Origin Private
//! File System), so that a reload — or "Reload and reopen" after a crash —
//! opens them again. Nothing is uploaded: OPFS is private to this page's
//! origin and lives in the browser profile, like local storage.
//!
//! Which files are kept, in the order they were opened, is a small list in
//! local storage (the *manifest*: original name → stored name); their bytes
//! are files in the OPFS folder [`FOLDER`]. A file is written there only
//! after it has loaded, straight from its `File`/`Blob` (the browser copies
//! it; the page holds no second copy). Keeping is on unless turned off
//! ([`OFF_KEY`]); turning it off forgets what was kept. Every storage
//! failure only means "not kept": it is said quietly, never fatal.
//!
//! After a crash, or a visit that ended while a load ran, the kept files
//! are listed and reopened only when the user says so (see
//! [`crate::ui::load::reopen`]). Stored files the list does not name (left
//! by a crash mid-copy, or by a *Forget* that could not remove them) are
//! removed at start.

use std::cell::RefCell;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::ui::app_state::FileMessages;
use crate::ui::load::reopen;
use crate::ui::load::source::Source;
use crate::ui::shared::js::local_storage;
use crate::view_model::files::FileProblem;
use crate::view_model::kept::{ask_first, orphans};

/// The OPFS folder the kept files are written to.
const FOLDER: &str = "kept-files";
/// Local storage key of the manifest (JSON list of [`Kept`]).
const MANIFEST_KEY: &str = "trace-viewer-kept";
/// Local storage key that, set to `off`, stops keeping.
const OFF_KEY: &str = "trace-viewer-keep";

/// One kept file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    /// The name the file was opened under (file name, address, "pasted text").
    pub name: String,
    /// Its file name in [`FOLDER`].
    pub stored: String,
}

/// What the keep controls show.
#[derive(Clone, Copy)]
pub struct Keeping {
    /// Keeping is on.
    pub enabled: RwSignal<bool>,
    /// Files kept now.
    pub count: RwSignal<usize>,
    /// False when this browser offers no OPFS here (nothing can be kept).
    pub available: RwSignal<bool>,
}

#[derive(Default)]
struct State {
    keeping: Option<Keeping>,
    /// Bumped by "forget": a write that started before it is thrown away.
    generation: u32,
    /// For stored names unique within this page's life.
    next: u32,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// True unless the user turned keeping off.
pub fn enabled() -> bool {
    local_storage()
        .and_then(|s| s.get_item(OFF_KEY).ok().flatten())
        .as_deref()
        != Some("off")
}

/// The kept files, oldest first (empty when nothing is kept or the list
/// cannot be read).
pub fn manifest() -> Vec<Kept> {
    local_storage()
        .and_then(|s| s.get_item(MANIFEST_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_manifest(list: &[Kept]) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ = if list.is_empty() {
        storage.remove_item(MANIFEST_KEY)
    } else {
        match serde_json::to_string(list) {
            Ok(text) => storage.set_item(MANIFEST_KEY, &text),
            Err(_) => Ok(()),
        }
    };
    with_keeping(|k| k.count.set(list.len()));
}

fn with_keeping(f: impl FnOnce(Keeping)) {
    if let Some(k) = STATE.with(|s| s.borrow().keeping) {
        f(k);
    }
}

/// The kept files a reload would reopen now (none when keeping is off).
pub fn reopen_count() -> usize {
    if enabled() {
        manifest().len()
    } else {
        0
    }
}

/// The storage manager when this browser offers OPFS here.
fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    if storage.is_undefined() || storage.is_null() {
        return None;
    }
    let has = js_sys::Reflect::has(&storage, &"getDirectory".into()).unwrap_or(false);
    has.then(|| storage.unchecked_into())
}

/// The folder of kept files (created when `create`).
async fn folder(create: bool) -> Result<web_sys::FileSystemDirectoryHandle, JsValue> {
    let manager = storage_manager().ok_or_else(|| JsValue::from_str("no OPFS"))?;
    let root: web_sys::FileSystemDirectoryHandle =
        JsFuture::from(manager.get_directory()).await?.dyn_into()?;
    let options = web_sys::FileSystemGetDirectoryOptions::new();
    options.set_create(create);
    JsFuture::from(root.get_directory_handle_with_options(FOLDER, &options))
        .await?
        .dyn_into()
}

/// Sets up the keep state and its context; hands the kept files to `reopen`
/// unless keeping is off (`skip`: a name the page is loading anew, e.g.
/// `?url=`), at once after a normal visit, after the user's answer to the
/// reopen prompt after a crash. Removes stored files nothing names.
pub fn start(
    messages: FileMessages,
    skip: Option<String>,
    reopen: impl FnOnce(Vec<Source>) + 'static,
) -> Keeping {
    let keeping = Keeping {
        enabled: RwSignal::new(enabled()),
        count: RwSignal::new(manifest().len()),
        available: RwSignal::new(storage_manager().is_some()),
    };
    STATE.with(|s| s.borrow_mut().keeping = Some(keeping));
    provide_context(keeping);
    let prompt = reopen::provide();
    let last = reopen::last_visit();
    if !keeping.enabled.get_untracked() || !keeping.available.get_untracked() {
        // Left over from before keeping was turned off: gone now.
        forget();
        return keeping;
    }
    let list = manifest();
    leptos::task::spawn_local(async move {
        let mut sources = Vec::new();
        let mut sizes = Vec::new();
        let mut found = Vec::new();
        let dir = folder(false).await.ok();
        for kept in list {
            let file = match &dir {
                Some(dir) => open(dir, &kept.stored).await,
                None => None,
            };
            match file {
                Some(file) => {
                    if skip.as_deref() != Some(kept.name.as_str()) {
                        sizes.push((kept.name.clone(), file.size() as u64));
                        sources.push(Source {
                            name: kept.name.clone(),
                            blob: file.into(),
                            keep: false,
                        });
                    }
                    found.push(kept);
                }
                None => messages.notes.update(|ns| {
                    ns.push(FileProblem {
                        file: kept.name.clone(),
                        message: String::from(
                            "was kept from an earlier visit, but the browser's storage no longer has it",
                        ),
                    })
                }),
            }
        }
        if found.len() != manifest().len() {
            save_manifest(&found);
        }
        if let Some(dir) = &dir {
            remove_orphans(dir, &found).await;
        }
        if found.is_empty() {
            reopen::clear_ask();
        }
        if sources.is_empty() {
            return;
        }
        if ask_first(last, sources.len()) {
            reopen::ask(prompt, sizes, Box::new(move || reopen(sources)));
        } else {
            reopen(sources);
        }
    });
    keeping
}

/// The names in `dir` (at most 100 000).
async fn names_in(dir: &web_sys::FileSystemDirectoryHandle) -> Vec<String> {
    let mut names = Vec::new();
    let Some(iter) = js_sys::Reflect::get(dir, &"keys".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(dir).ok())
    else {
        return names;
    };
    let Some(next) = js_sys::Reflect::get(&iter, &"next".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return names;
    };
    while names.len() < 100_000 {
        let Some(promise) = next
            .call0(&iter)
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        else {
            break;
        };
        let Ok(step) = JsFuture::from(promise).await else {
            break;
        };
        let done = js_sys::Reflect::get(&step, &"done".into()).map_or(true, |d| d.is_truthy());
        let value = js_sys::Reflect::get(&step, &"value".into()).ok();
        match value.and_then(|v| v.as_string()) {
            Some(name) if !done => names.push(name),
            _ => break,
        }
    }
    names
}

/// Removes the stored files in `dir` that `kept` does not name (see
/// [`orphans`]).
async fn remove_orphans(dir: &web_sys::FileSystemDirectoryHandle, kept: &[Kept]) {
    let listed: Vec<&str> = kept.iter().map(|k| k.stored.as_str()).collect();
    let now = js_sys::Date::now() as u64;
    for name in orphans(&listed, &names_in(dir).await, now) {
        let _ = JsFuture::from(dir.remove_entry(&name)).await;
    }
}

async fn open(dir: &web_sys::FileSystemDirectoryHandle, stored: &str) -> Option<web_sys::File> {
    let handle: web_sys::FileSystemFileHandle = JsFuture::from(dir.get_file_handle(stored))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    JsFuture::from(handle.get_file())
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// Keeps `blob` under `name` (replacing a file kept under that name), when
/// keeping is on. Runs in the background; a failure is a quiet note.
pub fn keep(messages: FileMessages, name: &str, blob: web_sys::Blob) {
    if !enabled() || storage_manager().is_none() {
        return;
    }
    let (generation, stored) = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.next += 1;
        let now = js_sys::Date::now() as u64;
        (s.generation, format!("{now:x}-{}", s.next))
    });
    let name = name.to_string();
    leptos::task::spawn_local(async move {
        let written = write(&stored, &blob, generation).await;
        let current = STATE.with(|s| s.borrow().generation) == generation && enabled();
        match written {
            Ok(dir) if current => {
                let mut list = manifest();
                let old: Vec<String> = list
                    .iter()
                    .filter(|k| k.name == name)
                    .map(|k| k.stored.clone())
                    .collect();
                list.retain(|k| k.name != name);
                list.push(Kept { name, stored });
                save_manifest(&list);
                for stored in old {
                    let _ = JsFuture::from(dir.remove_entry(&stored)).await;
                }
            }
            // Forgotten (or turned off) while it was being written.
            Ok(dir) => {
                let _ = JsFuture::from(dir.remove_entry(&stored)).await;
            }
            // Stopped (and removed) because it was forgotten meanwhile.
            Err(_) if !current => {}
            Err(e) => messages.notes.update(|ns| {
                ns.retain(|n| n.file != name);
                ns.push(FileProblem {
                    file: name.clone(),
                    message: format!(
                        "is open, but it could not be kept for the next visit ({})",
                        why_not_kept(&e)
                    ),
                });
            }),
        }
    });
}

/// Writes `blob` to `stored` in the folder; removes the partial file on
/// failure, or when the files kept in `generation` are forgotten meanwhile.
async fn write(
    stored: &str,
    blob: &web_sys::Blob,
    generation: u32,
) -> Result<web_sys::FileSystemDirectoryHandle, JsValue> {
    let dir = folder(true).await?;
    let options = web_sys::FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: web_sys::FileSystemFileHandle =
        JsFuture::from(dir.get_file_handle_with_options(stored, &options))
            .await?
            .dyn_into()?;
    let writable: web_sys::FileSystemWritableFileStream =
        JsFuture::from(handle.create_writable()).await?.dyn_into()?;
    let written = write_slices(&writable, blob, generation).await;
    let closed = match written {
        Ok(()) => JsFuture::from(writable.close()).await.map(|_| ()),
        Err(e) => {
            let _ = JsFuture::from(writable.abort()).await;
            Err(e)
        }
    };
    if let Err(e) = closed {
        let _ = JsFuture::from(dir.remove_entry(stored)).await;
        return Err(e);
    }
    Ok(dir)
}

/// Writes `blob` a slice at a time, each once the page has had no input
/// for [`QUIET_MS`]: copying a large file into OPFS takes the browser
/// seconds of work (a 770 MB file doubled the scroll work per frame for
/// 2–4 s after it opened), so it waits for the user to pause and gives way
/// between slices. A file of one slice is written at once. It stops when
/// the kept files are forgotten meanwhile.
async fn write_slices(
    writable: &web_sys::FileSystemWritableFileStream,
    blob: &web_sys::Blob,
    generation: u32,
) -> Result<(), JsValue> {
    let size = blob.size();
    if size <= SLICE_BYTES {
        return JsFuture::from(writable.write_with_blob(blob)?)
            .await
            .map(|_| ());
    }
    watch_input();
    let mut at = 0.0;
    while at < size {
        quiet().await;
        if STATE.with(|s| s.borrow().generation) != generation {
            return Err(JsValue::from_str("forgotten while it was being kept"));
        }
        let end = (at + SLICE_BYTES).min(size);
        let slice = blob.slice_with_f64_and_f64(at, end)?;
        JsFuture::from(writable.write_with_blob(&slice)?).await?;
        at = end;
    }
    Ok(())
}

/// A kept file is written this much at a time.
const SLICE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;
/// How long the page must have had no input before a slice is written.
const QUIET_MS: f64 = 1000.0;

thread_local! {
    /// When the page last had input (`performance.now()`), once watched.
    static LAST_INPUT: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Notes the time of any scroll, wheel, pointer or key input on the page
/// (installed once; scroll events are caught on their way down).
fn watch_input() {
    if LAST_INPUT.with(|t| t.get()).is_some() {
        return;
    }
    LAST_INPUT.with(|t| t.set(Some(now())));
    let Some(window) = web_sys::window() else {
        return;
    };
    let note = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        LAST_INPUT.with(|t| t.set(Some(now())));
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);
    options.set_passive(true);
    for kind in ["scroll", "wheel", "pointerdown", "pointermove", "keydown"] {
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
            kind,
            note.as_ref().unchecked_ref(),
            &options,
        );
    }
    // Listens for the page's whole life.
    note.forget();
}

/// Resolves once the page has had no input for [`QUIET_MS`].
async fn quiet() {
    loop {
        let since = now() - LAST_INPUT.with(|t| t.get()).unwrap_or(0.0);
        if since >= QUIET_MS {
            return;
        }
        sleep(QUIET_MS - since).await;
    }
}

async fn sleep(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.ceil() as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Why a write failed, in words.
fn why_not_kept(e: &JsValue) -> String {
    let name = js_sys::Reflect::get(e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "QuotaExceededError" {
        String::from("the browser's storage for this page is full")
    } else {
        format!(
            "the browser's storage refused it: {}",
            crate::ui::shared::js::js_message(e)
        )
    }
}

/// Forgets every kept file: the list at once, the folder in the background.
/// A file still being copied stops at its next slice and removes itself;
/// the others are removed one by one, so that one still open for writing
/// does not keep the rest (as removing the whole folder at once would).
pub fn forget() {
    STATE.with(|s| s.borrow_mut().generation += 1);
    save_manifest(&[]);
    reopen::clear_ask();
    if storage_manager().is_none() {
        return;
    }
    leptos::task::spawn_local(async move {
        let Some(manager) = storage_manager() else {
            return;
        };
        let Ok(root) = JsFuture::from(manager.get_directory()).await else {
            return;
        };
        let root: web_sys::FileSystemDirectoryHandle = root.unchecked_into();
        // Fails when there is no folder: nothing to forget then.
        if let Ok(dir) = folder(false).await {
            for name in names_in(&dir).await {
                let _ = JsFuture::from(dir.remove_entry(&name)).await;
            }
        }
        let options = web_sys::FileSystemRemoveOptions::new();
        options.set_recursive(true);
        let _ = JsFuture::from(root.remove_entry_with_options(FOLDER, &options)).await;
    });
}

/// Turns keeping on (files opened from now on are kept) or off (and forgets
/// what was kept).
pub fn set_enabled(on: bool) {
    if let Some(storage) = local_storage() {
        let _ = if on {
            storage.remove_item(OFF_KEY)
        } else {
            storage.set_item(OFF_KEY, "off")
        };
    }
    with_keeping(|k| k.enabled.set(on));
    if !on {
        forget();
    }
}

/// The top bar's "Keep files" switch and "Forget" button.
#[component]
pub fn KeepControls() -> impl IntoView {
    let keeping = expect_context::<Keeping>();
    let title = move || {
        if !keeping.available.get() {
            "This browser offers no private storage to this page: opened files are not kept"
        } else if keeping.enabled.get() {
            "Files you open are kept in this browser's own storage (never uploaded), so that a reload reopens them"
        } else {
            "Keep the files you open from now on in this browser's own storage (never uploaded), so that a reload reopens them"
        }
    };
    view! {
        <span class="keep-controls">
            <label class="keep-toggle" title=title>
                <input
                    type="checkbox"
                    data-testid="keep-toggle"
                    prop:checked=move || keeping.enabled.get() && keeping.available.get()
                    disabled=move || !keeping.available.get()
                    on:change=move |ev| set_enabled(event_target_checked(&ev))
                />
                "Keep files"
            </label>
            {move || {
                let n = keeping.count.get();
                (n > 0)
                    .then(|| {
                        view! {
                            <button
                                class="small"
                                data-testid="forget-files"
                                data-count=n
                                title="Remove the kept files from this browser's storage; what is open stays open until you reload"
                                on:click=move |_| forget()
                            >
                                {format!("Forget {n} kept file{}", if n == 1 { "" } else { "s" })}
                            </button>
                        }
                    })
            }}
        </span>
    }
}
