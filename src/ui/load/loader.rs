//! Getting files in: drag and drop anywhere, the file picker, and the
//! messages about what could not be read or was worked around.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::model::hash::FxHashMap;
use crate::model::merge::merge;
use crate::model::trace::model_bytes;
use crate::model::wire::{Progress, Stage};
use crate::model::{self, Loaded, Trace, TraceId, WarningKind, Warnings};
use crate::ui::load::keep;
use crate::ui::load::workers;
use crate::ui::shared::js::js_message;
use crate::ui::{FileProblem, FileWarnings, Route, Store};
use crate::view_model::{address, budget};

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

/// Reads the files (in workers where the page can start them, so that the
/// page stays responsive) and adds their traces.
pub fn load_files(store: Store, files: Vec<web_sys::File>) {
    let sources = files
        .into_iter()
        .map(|f| Source {
            name: f.name(),
            blob: f.into(),
            keep: true,
        })
        .collect();
    load_sources(store, sources);
}

/// Reads `sources` (in workers where possible) and adds their traces as one batch.
pub fn load_sources(store: Store, sources: Vec<Source>) {
    let sources = within_budget(store, sources);
    if sources.is_empty() {
        return;
    }
    if workers::available() {
        workers::load_in_workers(store, sources);
        return;
    }
    store.loading.update(|n| *n += sources.len() as u32);
    leptos::task::spawn_local(async move {
        let mut added: Vec<(String, Arc<Trace>)> = Vec::new();
        for source in sources {
            let outcome = read_on_page(&source.blob).await;
            store.loading.update(|n| *n = n.saturating_sub(1));
            loaded(store, &source, &outcome);
            accept(store, &source.name, outcome, &mut added);
        }
        add_traces(store, added);
    });
}

/// The sources whose model fits in memory beside the traces open (see
/// [`budget`]); the others get a message naming them.
fn within_budget(store: Store, sources: Vec<Source>) -> Vec<Source> {
    let in_use = store
        .traces
        .with_untracked(|ts| model_bytes(ts.iter().map(Arc::as_ref)) as u64);
    let sizes: Vec<(&str, u64)> = sources
        .iter()
        .map(|s| (s.name.as_str(), s.blob.size() as u64))
        .collect();
    let verdicts = budget::admit(in_use, &sizes);
    let mut kept = Vec::new();
    for (source, verdict) in sources.into_iter().zip(verdicts) {
        match verdict {
            Ok(()) => kept.push(source),
            Err(message) => accept(store, &source.name, Err(message), &mut Vec::new()),
        }
    }
    kept
}

/// Keeps a file that has just loaded, when it should be kept.
pub fn loaded(store: Store, source: &Source, outcome: &Result<Loaded, String>) {
    if source.keep && outcome.is_ok() {
        keep::keep(store, &source.name, source.blob.clone());
    }
}

/// Reads and parses a file's bytes on the page itself (where no worker can
/// be started).
pub async fn read_on_page(blob: &web_sys::Blob) -> Result<Loaded, String> {
    read_bytes(blob).await.and_then(|b| parse(&b))
}

/// Parses bytes on the page.
fn parse(bytes: &[u8]) -> Result<Loaded, String> {
    model::load(bytes).map_err(|e| e.to_string())
}

/// Loads text the user pasted: as a file (a Blob), read in a worker like a
/// dropped one, so a large paste neither blocks the page nor is parsed
/// where the page's memory is.
pub fn load_text(store: Store, name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    match web_sys::Blob::new_with_str_sequence(&parts) {
        Ok(blob) => load_sources(
            store,
            vec![Source {
                name: name.to_string(),
                blob,
                keep: true,
            }],
        ),
        Err(e) => {
            let mut added = Vec::new();
            accept(store, name, Err(js_message(&e)), &mut added);
        }
    }
}

/// Records what reading one file gave: its traces, or why it could not be read.
pub fn accept(
    store: Store,
    name: &str,
    outcome: Result<Loaded, String>,
    added: &mut Vec<(String, Arc<Trace>)>,
) {
    match outcome {
        Ok(loaded) => {
            store.errors.update(|es| es.retain(|e| e.file != name));
            store.warnings.update(|ws| {
                ws.retain(|w| w.file != name);
                if !loaded.warnings.is_empty() {
                    ws.push(FileWarnings {
                        file: name.to_string(),
                        warnings: loaded.warnings.list().to_vec(),
                    });
                }
            });
            added.extend(
                loaded
                    .traces
                    .into_iter()
                    .map(|t| (name.to_string(), Arc::new(t))),
            );
        }
        Err(message) => store.errors.update(|es| {
            es.retain(|e| e.file != name);
            es.push(FileProblem {
                file: name.to_string(),
                message,
            });
        }),
    }
}

/// Adds traces, merging one whose id is already loaded with the loaded copy,
/// and shows the result: the trace itself when one was added, the list when several.
pub fn add_traces(store: Store, added: Vec<(String, Arc<Trace>)>) {
    if added.is_empty() {
        return;
    }
    // One trace added (even from several files, merged): open it.
    let single = match added.first() {
        Some((_, first)) if added.iter().all(|(_, t)| t.id == first.id) => Some(first.id.to_hex()),
        _ => None,
    };
    let mut merged_from: Vec<(String, Warnings)> = Vec::new();
    store.traces.update(|ts| {
        // Trace id → position, built once: adding 50k traces to 50k is linear.
        let mut at: FxHashMap<TraceId, usize> =
            ts.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        for (file, trace) in added {
            match at.get(&trace.id).copied() {
                Some(pos) => {
                    let mut warnings = Warnings::default();
                    warnings.add(WarningKind::MergedAcrossFiles, || {
                        format!("trace {}", trace.id)
                    });
                    if let Some(merged) = merge(&[&ts[pos], &trace], &mut warnings) {
                        ts[pos] = Arc::new(merged);
                    }
                    merged_from.push((file, warnings));
                }
                None => {
                    at.insert(trace.id, ts.len());
                    ts.push(trace);
                }
            }
        }
    });
    if !merged_from.is_empty() {
        store.warnings.update(|ws| {
            for (file, warnings) in merged_from {
                match ws.iter_mut().find(|w| w.file == file) {
                    Some(w) => w.warnings.extend(warnings.list().iter().cloned()),
                    None => ws.push(FileWarnings {
                        file,
                        warnings: warnings.list().to_vec(),
                    }),
                }
            }
        });
    }
    // A link that names a trace (e.g. `?url=…#/trace/<id>`) keeps showing it.
    let route = store.route.get_untracked();
    let needed = route.trace_ids();
    let shown = !needed.is_empty()
        && store.traces.with_untracked(|ts| {
            needed
                .iter()
                .all(|id| ts.iter().any(|t| t.id.to_hex() == *id))
        });
    if shown {
        return;
    }
    match single {
        Some(id) => store.navigate(Route::Trace(id)),
        None => store.navigate(Route::Home),
    }
}

/// Loads the file named by `?url=` or `#url=` in the page address: http(s)
/// only, without cookies or a referrer, at most [`crate::worker::MAX_FILE_BYTES`],
/// given up after [`address::FETCH_IDLE_SECS`] without an answer or a byte.
/// Failures (refused address, network, CORS, HTTP status, size, time) are
/// explained in plain words under the address's name.
pub fn load_from_url(store: Store, raw: String) {
    LAST_ADDRESS.with(|last| *last.borrow_mut() = Some(raw.clone()));
    let name = address::quote(raw.trim());
    let url = match resolve_address(&raw) {
        Ok(url) => url,
        Err(message) => {
            accept(store, &name, Err(message), &mut Vec::new());
            return;
        }
    };
    store.loading.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        let body = download(&url, crate::worker::MAX_FILE_BYTES as u64).await;
        store.loading.update(|n| *n = n.saturating_sub(1));
        match body {
            // A Blob, which the browser may hold outside the page's memory:
            // the worker reads it and the keeper writes it.
            Ok(blob) => load_sources(
                store,
                vec![Source {
                    name,
                    blob,
                    keep: true,
                }],
            ),
            Err(message) => {
                let mut added = Vec::new();
                accept(store, &name, Err(message), &mut added);
            }
        }
    });
}

thread_local! {
    /// The address last loaded from the page address, so that going Back to
    /// a `#url=` entry does not download it again.
    static LAST_ADDRESS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// After a hash change: loads the address of a new `#url=` fragment (one
/// typed or pasted over the open page, which the browser does not reload).
/// True when it started a load.
pub fn load_from_new_fragment(store: Store, hash: &str) -> bool {
    let Some(raw) = address::address_in_fragment(hash) else {
        return false;
    };
    let known = LAST_ADDRESS.with(|last| last.borrow().as_deref() == Some(raw.as_str()));
    if !known {
        load_from_url(store, raw);
    }
    !known
}

/// The address as the browser will fetch it, after the same checks in
/// plain Rust ([`address::check_address`]) and on the browser's own reading
/// of it (a scheme the Rust check might read differently is still refused).
fn resolve_address(raw: &str) -> Result<String, String> {
    let cleaned = address::check_address(raw)?;
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .ok_or_else(|| String::from("the page has no address to resolve it against"))?;
    let url = web_sys::Url::new_with_base(&cleaned, &base)
        .map_err(|_| format!("\"{}\" is not a valid address", address::quote(&cleaned)))?;
    if !address::scheme_allowed(&url.protocol()) {
        return Err(address::not_http(url.protocol().trim_end_matches(':')));
    }
    if !url.username().is_empty() || !url.password().is_empty() {
        return Err(address::credentials_refused());
    }
    Ok(url.href())
}

/// Aborts a fetch when no answer or byte came for [`address::FETCH_IDLE_SECS`].
struct IdleTimer {
    controller: web_sys::AbortController,
    fired: Rc<Cell<bool>>,
    handle: Option<leptos::prelude::TimeoutHandle>,
}

impl IdleTimer {
    fn start(controller: web_sys::AbortController) -> IdleTimer {
        let mut timer = IdleTimer {
            controller,
            fired: Rc::new(Cell::new(false)),
            handle: None,
        };
        timer.restart();
        timer
    }

    /// Something arrived: the wait starts again.
    fn restart(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.clear();
        }
        let fired = Rc::clone(&self.fired);
        let controller = self.controller.clone();
        self.handle = set_timeout_with_handle(
            move || {
                fired.set(true);
                controller.abort();
            },
            Duration::from_secs(u64::from(address::FETCH_IDLE_SECS)),
        )
        .ok();
    }

    fn fired(&self) -> bool {
        self.fired.get()
    }
}

impl Drop for IdleTimer {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.clear();
        }
    }
}

/// Downloads `url` into a `Blob` (kept by the browser, not in this module's
/// memory), stopping past `cap_bytes`.
async fn download(url: &str, cap_bytes: u64) -> Result<web_sys::Blob, String> {
    let controller = web_sys::AbortController::new().map_err(|e| js_message(&e))?;
    let mut timer = IdleTimer::start(controller.clone());
    let init = web_sys::RequestInit::new();
    // A link must not make the viewer act as the user on another site, nor
    // tell it which page asked.
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
    init.set_signal(Some(&controller.signal()));
    let window = web_sys::window().ok_or_else(|| String::from("no window to fetch from"))?;
    // The address as given: no query added or re-encoded (signed links stay valid).
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|e| {
            if timer.fired() {
                address::timed_out(url)
            } else {
                address::fetch_failed(&js_message(&e))
            }
        })?;
    if !response.ok() {
        controller.abort();
        return Err(address::bad_status(
            response.status(),
            &response.status_text(),
        ));
    }
    let declared = address::declared_length(
        response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .as_deref(),
    );
    if let Err(message) = address::check_declared(declared, cap_bytes) {
        controller.abort();
        return Err(message);
    }
    let chunks = js_sys::Array::new();
    if let Some(body) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut received: u64 = 0;
        loop {
            let step = JsFuture::from(reader.read()).await.map_err(|e| {
                if timer.fired() {
                    address::timed_out(url)
                } else {
                    format!("the download broke off: {}", js_message(&e))
                }
            })?;
            timer.restart();
            let done = js_sys::Reflect::get(&step, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                break;
            }
            let Ok(chunk) = js_sys::Reflect::get(&step, &"value".into())
                .and_then(|v| v.dyn_into::<js_sys::Uint8Array>())
            else {
                controller.abort();
                return Err(String::from("the download sent something other than bytes"));
            };
            received += u64::from(chunk.length());
            if let Err(message) = address::check_received(received, cap_bytes) {
                controller.abort();
                return Err(message);
            }
            chunks.push(&chunk);
        }
    }
    web_sys::Blob::new_with_u8_array_sequence(&chunks).map_err(|e| js_message(&e))
}

/// The address a link gives: `?url=` in the query, else `#url=` in the
/// fragment (which never reaches the page's host).
pub fn url_parameter() -> Option<String> {
    let location = web_sys::window()?.location();
    let search = location.search().ok().unwrap_or_default();
    let from_query = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|params| params.get("url"))
        .filter(|u| !u.trim().is_empty());
    from_query.or_else(|| address::address_in_fragment(&location.hash().ok()?))
}

async fn read_bytes(file: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("could not read the file: {}", js_message(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Wraps the page so that files dropped anywhere are loaded.
#[component]
pub fn DropTarget(children: Children) -> impl IntoView {
    let store = expect_context::<Store>();
    let dragging = RwSignal::new(false);
    view! {
        <div
            class="app"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |ev: web_sys::DragEvent| {
                // Only when the pointer leaves the window, not when it crosses children.
                if ev.related_target().is_none() {
                    dragging.set(false);
                }
            }
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                let files = files_of(ev.data_transfer().and_then(|dt| dt.files()));
                load_files(store, files);
            }
        >
            {children()}
            <div class="drop-overlay">"Drop trace files to open them"</div>
        </div>
    }
}

/// The visible drop zone with the file picker.
#[component]
pub fn DropZone() -> impl IntoView {
    let store = expect_context::<Store>();
    let paste_open = RwSignal::new(false);
    view! {
        <div class="drop-zone" data-testid="drop-zone">
            <label class="button">
                "Open files…"
                <input
                    type="file"
                    multiple
                    data-testid="file-input"
                    on:change=move |ev| {
                        let input = event_target::<web_sys::HtmlInputElement>(&ev);
                        let files = files_of(input.files());
                        load_files(store, files);
                        // Let the same file be picked again after a fix.
                        input.set_value("");
                    }
                />
            </label>
            <button class="button" data-testid="paste-toggle" on:click=move |_| paste_open.update(|o| *o = !*o)>
                "Paste…"
            </button>
            <span class="hint">"or drop trace files anywhere"</span>
            {move || paste_open.get().then(|| view! { <PastePanel close=move || paste_open.set(false) /> })}
            {move || (store.loading.get() > 0).then(|| view! { <span class="loading">"Reading…"</span> })}
        </div>
    }
}

/// A text box to paste trace JSON (or console output) into.
#[component]
fn PastePanel(close: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let store = expect_context::<Store>();
    let text: NodeRef<leptos::html::Textarea> = NodeRef::new();
    let close_after = close.clone();
    let load = move |_| {
        if let Some(area) = text.get_untracked() {
            let value = area.value();
            if !value.trim().is_empty() {
                load_text(store, "pasted text", &value);
                close_after();
            }
        }
    };
    view! {
        <div class="paste-panel" data-testid="paste-panel">
            <textarea
                node_ref=text
                data-testid="paste-input"
                rows="10"
                placeholder="Paste a trace: Jaeger, OTLP, Zipkin JSON, or SDK console output"
            ></textarea>
            <div class="paste-actions">
                <button class="button primary" data-testid="paste-load" on:click=load>
                    "Load"
                </button>
                <button class="button" on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}

/// Errors and warnings per file.
#[component]
pub fn Messages() -> impl IntoView {
    let store = expect_context::<Store>();
    view! {
        <div class="messages">
            <For
                each=move || store.errors.get()
                key=|p| (p.file.clone(), p.message.clone())
                children=move |p| {
                    let file = p.file.clone();
                    view! {
                        <div class="load-error" role="alert" data-testid="load-error" data-file=p.file.clone()>
                            <span class="msg">
                                <strong>{p.file.clone()}</strong>
                                {format!(": {}", p.message)}
                            </span>
                            <button
                                class="dismiss"
                                title="Dismiss"
                                on:click=move |_| store.errors.update(|es| es.retain(|e| e.file != file))
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
            <For
                each=move || store.notes.get()
                key=|p| (p.file.clone(), p.message.clone())
                children=move |p| {
                    let file = p.file.clone();
                    let message = p.message.clone();
                    view! {
                        <div class="load-note" role="status" data-testid="load-note" data-file=p.file.clone()>
                            <span class="msg">
                                <strong>{p.file.clone()}</strong>
                                {format!(" {}", p.message)}
                            </span>
                            <button
                                class="dismiss"
                                title="Dismiss"
                                on:click=move |_| store.notes.update(|ns| ns.retain(|n| n.file != file || n.message != message))
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
            <For
                each=move || store.warnings.get()
                key=|w| (w.file.clone(), w.warnings.len())
                children=move |w| {
                    let total: u64 = w.warnings.iter().map(|x| x.count).sum();
                    view! {
                        <details class="load-warnings" data-testid="load-warnings" data-file=w.file.clone()>
                            <summary>
                                <strong>{w.file.clone()}</strong>
                                {format!(": read with {total} work-around{}", if total == 1 { "" } else { "s" })}
                            </summary>
                            <ul>
                                {w
                                    .warnings
                                    .iter()
                                    .map(|x| {
                                        view! {
                                            <li data-kind=format!("{:?}", x.kind)>
                                                {format!("{} × {} (e.g. {})", x.count, x.kind.describe(), x.example)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    }
                }
            />
        </div>
    }
}

/// The first page: what the viewer does and where to drop.
#[component]
pub fn Landing(missing: Option<String>) -> impl IntoView {
    view! {
        <section class="landing">
            {missing
                .map(|id| {
                    view! {
                        <p class="missing">
                            {format!("Trace {id} is not loaded. Drop the file that holds it.")}
                        </p>
                    }
                })}
            <h1>"Drop trace files here"</h1>
            <p>
                "Jaeger, OpenTelemetry OTLP (JSON and JSON Lines), Grafana Tempo, Zipkin v1/v2, "
                "AWS X-Ray, Chrome trace events, and the console output of the OpenTelemetry "
                "Python, Go and JavaScript SDKs. Several files at once are fine; a trace spread "
                "over several files is merged. Nothing leaves your browser."
            </p>
        </section>
    }
}

/// One bar per file still loading after about half a second: what the
/// worker is doing, how far it has got, and a button to stop it.
#[component]
pub fn LoadProgress() -> impl IntoView {
    let store = expect_context::<Store>();
    let shown = move || {
        store
            .loads
            .get()
            .into_iter()
            .filter(|l| l.shown)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="load-progress-list">
            <For
                each=shown
                key=|l| l.job
                children=move |l| {
                    let job = l.job;
                    let status = move || store.loads.with(|ls| ls.iter().find(|x| x.job == job).cloned());
                    let stage = move || status().map(|s| format!("{:?}", s.progress.stage)).unwrap_or_default();
                    // Reading has a known end; the later stages animate.
                    let value = move || {
                        status()
                            .filter(|s| s.progress.stage == Stage::Reading)
                            .map(|s| s.progress.bytes_read as f64)
                    };
                    let max = move || status().map_or(1.0, |s| s.progress.total_bytes.max(1) as f64);
                    let text = move || status().map(|s| describe(&s.progress)).unwrap_or_default();
                    view! {
                        <div class="load-progress" data-testid="load-progress" data-file=l.name.clone() data-stage=stage role="status">
                            <strong class="name">{l.name.clone()}</strong>
                            <progress data-testid="load-progress-bar" max=max value=value></progress>
                            <span class="what">{text}</span>
                            <button class="button" data-testid="load-cancel" on:click=move |_| workers::cancel(store, job)>
                                "Cancel"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}

/// "reading 120 of 768 MB", "building the tree of 1,000,000 spans".
fn describe(p: &Progress) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    match p.stage {
        Stage::Reading => format!(
            "reading {:.0} of {:.0} MB",
            mb(p.bytes_read),
            mb(p.total_bytes)
        ),
        Stage::Parsing => format!("parsing {:.0} MB of JSON…", mb(p.total_bytes)),
        Stage::Building => format!("building the tree of {} spans…", grouped(p.done)),
        Stage::Sending => format!("opening {} spans…", grouped(p.done)),
    }
}

/// 1234567 → "1,234,567".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
