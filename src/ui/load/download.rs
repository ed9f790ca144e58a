//! Opening a file by address: `?url=` and `#url=`, fetched without cookies
//! or a referrer, asked about first when on another origin, held to the
//! memory budget and capped in time, cancellable, every failure explained.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::ui::app_state::Loader;
use crate::ui::load::consent::Consent;
use crate::ui::load::loader::{admit_bytes, load_sources};
use crate::ui::load::outcome::refuse;
use crate::ui::load::reserve::Reservation;
use crate::ui::load::source::Source;
use crate::ui::shared::js::js_message;
use crate::view_model::address::{self, DownloadFailure};
use crate::view_model::consent::{
    deadline_passed, link_needs_asking, link_prompt, redirect_refused,
};

/// Loads the file named by `?url=` or `#url=` in the page address: http(s)
/// only, without cookies or a referrer, within the memory budget, given up
/// after [`address::FETCH_IDLE_SECS`] without an answer or a byte and after
/// [`address::FETCH_TOTAL_SECS`] in all. An address on another origin than
/// the page's is fetched only once the user says so (the link's author
/// chose it, not the user). Failures (refused address, network, CORS, HTTP
/// status, redirect, size, time) are explained in plain words under the
/// address's name.
pub fn load_from_url(loader: Loader, consent: Consent, raw: String) {
    LAST_ADDRESS.with(|last| *last.borrow_mut() = Some(raw.clone()));
    // A link may name several files (a trace and its logs): each is asked
    // about and fetched on its own.
    for one in address::each_address(&raw) {
        load_one(loader, consent, one);
    }
}

fn load_one(loader: Loader, consent: Consent, raw: &str) {
    let name = address::quote(raw.trim());
    let url = match resolve_address(raw) {
        Ok(url) => url,
        Err(message) => {
            refuse(loader, &name, message);
            return;
        }
    };
    let href = url.href();
    if !needs_asking(&url) {
        start_download(loader, name, href);
        return;
    }
    let (host, path) = (url.host(), url.pathname());
    consent.ask_link(host.clone(), link_prompt(&host, &path), move |yes| {
        if yes {
            approve(&href);
            start_download(loader, name, href);
        }
    });
}

fn start_download(loader: Loader, name: String, url: String) {
    let job = DownloadJob::start(loader, &name);
    leptos::task::spawn_local(async move {
        let body = download(&url, &job, &[]).await;
        drop(job);
        load_fetched(loader, name, body);
    });
}

/// How much of an error answer is read: enough for a backend's message.
const ANSWER_START_BYTES: u32 = 4096;

/// The first [`ANSWER_START_BYTES`] of an answer's body, as text (lossy).
async fn answer_start(response: &web_sys::Response) -> String {
    let Some(body) = response.body() else {
        return String::new();
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    while bytes.len() < ANSWER_START_BYTES as usize {
        let Ok(step) = JsFuture::from(reader.read()).await else {
            break;
        };
        let chunk = js_sys::Reflect::get(&step, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok());
        let Some(chunk) = chunk else {
            break; // done
        };
        let room = ANSWER_START_BYTES.saturating_sub(bytes.len() as u32);
        let part = chunk.subarray(0, chunk.length().min(room));
        bytes.extend(part.to_vec());
    }
    let _ = JsFuture::from(reader.cancel()).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Loads a file fetched from an address under `name`, kept like a dropped
/// one, or shows why it could not be fetched (nothing, when the user
/// cancelled it).
pub fn load_fetched(loader: Loader, name: String, body: Result<web_sys::Blob, DownloadFailure>) {
    match body {
        // A Blob, which the browser may hold outside the page's memory:
        // the worker reads it and the keeper writes it.
        Ok(blob) => load_sources(
            loader,
            vec![Source {
                name,
                blob,
                keep: true,
            }],
        ),
        Err(DownloadFailure::Cancelled) => {}
        Err(failure) => refuse(loader, &name, failure.message()),
    }
}

thread_local! {
    /// The address last loaded from the page address, so that going Back to
    /// a `#url=` entry does not download it again.
    static LAST_ADDRESS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Session storage key of the addresses (or, for backends, origins) the
/// user allowed in this tab: a reload does not ask again, a new tab does.
const APPROVED_KEY: &str = "trace-viewer:approved-addresses";

fn approved() -> Vec<String> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(APPROVED_KEY).ok().flatten())
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// True when fetching `url` needs the user's say first: it is on another
/// origin than the page's and was not allowed in this tab.
pub fn needs_asking(url: &web_sys::Url) -> bool {
    let page = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let known = approved()
        .iter()
        .any(|x| *x == url.href() || *x == url.origin());
    link_needs_asking(&page, &url.origin()) && !known
}

/// Remembers in this tab that the user allowed `address` (an address, or
/// an origin to allow all of it).
pub fn approve(address: &str) {
    let mut list = approved();
    if list.iter().any(|x| x == address) || address.contains(['\n', '\r']) {
        return;
    }
    list.push(address.to_string());
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.set_item(APPROVED_KEY, &list.join("\n"));
    }
}

/// After a hash change: loads the address of a new `#url=` fragment (one
/// typed or pasted over the open page, which the browser does not reload).
/// True when it started a load.
pub fn load_from_new_fragment(loader: Loader, consent: Consent, hash: &str) -> bool {
    let Some(raw) = address::address_in_fragment(hash) else {
        return false;
    };
    let known = LAST_ADDRESS.with(|last| last.borrow().as_deref() == Some(raw.as_str()));
    if !known {
        load_from_url(loader, consent, raw);
    }
    !known
}

/// The address as the browser will fetch it, after the same checks in
/// plain Rust ([`address::check_address`]) and on the browser's own reading
/// of it (a scheme the Rust check might read differently is still refused).
pub fn resolve_address(raw: &str) -> Result<web_sys::Url, String> {
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
    Ok(url)
}

/// Aborts a fetch when no answer or byte came for [`address::FETCH_IDLE_SECS`].
struct IdleTimer {
    controller: web_sys::AbortController,
    fired: Rc<Cell<bool>>,
    handle: Cell<Option<leptos::prelude::TimeoutHandle>>,
}

impl IdleTimer {
    fn start(controller: web_sys::AbortController) -> IdleTimer {
        let timer = IdleTimer {
            controller,
            fired: Rc::new(Cell::new(false)),
            handle: Cell::new(None),
        };
        timer.restart();
        timer
    }

    /// Something arrived: the wait starts again.
    fn restart(&self) {
        if let Some(handle) = self.handle.take() {
            handle.clear();
        }
        let fired = Rc::clone(&self.fired);
        let controller = self.controller.clone();
        self.handle.set(
            set_timeout_with_handle(
                move || {
                    fired.set(true);
                    controller.abort();
                },
                Duration::from_secs(u64::from(address::FETCH_IDLE_SECS)),
            )
            .ok(),
        );
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
/// memory) for `job`: stopped when the job is cancelled, when its size (as
/// declared, then as received) does not fit the budget, when no byte came
/// for [`address::FETCH_IDLE_SECS`] or it took [`address::FETCH_TOTAL_SECS`]
/// in all, and when it was redirected to another origin. `accept` is the
/// `Accept` header to send, if any (a header browsers let any page send
/// without asking the server first).
pub async fn download(
    url: &str,
    job: &DownloadJob,
    headers: &[(&'static str, String)],
) -> Result<web_sys::Blob, DownloadFailure> {
    let other = |e: wasm_bindgen::JsValue| DownloadFailure::Other(js_message(&e));
    let controller = web_sys::AbortController::new().map_err(other)?;
    job.watch(&controller);
    let timer = IdleTimer::start(controller.clone());
    let deadline = Deadline::start(controller.clone());
    // Why the download stopped, when it was stopped rather than broken off.
    let stopped = |broken: DownloadFailure| {
        if job.cancelled() {
            DownloadFailure::Cancelled
        } else if deadline.passed() {
            DownloadFailure::Other(deadline_passed(address::FETCH_TOTAL_SECS))
        } else if timer.fired() {
            DownloadFailure::Other(address::timed_out(url))
        } else {
            broken
        }
    };
    let init = web_sys::RequestInit::new();
    if !headers.is_empty() {
        let sent = web_sys::Headers::new().map_err(other)?;
        for (name, value) in headers {
            sent.set(name, value).map_err(other)?;
        }
        init.set_headers(&sent);
    }
    // A link must not make the viewer act as the user on another site, nor
    // tell it which page asked.
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
    init.set_signal(Some(&controller.signal()));
    let window = web_sys::window()
        .ok_or_else(|| DownloadFailure::Other(String::from("no window to fetch from")))?;
    // The address as given: no query added or re-encoded (signed links stay valid).
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|e| stopped(DownloadFailure::NoAnswer(js_message(&e))))?;
    if response.redirected() {
        let origin = |u: &str| web_sys::Url::new(u).map(|u| u.origin()).unwrap_or_default();
        let (from, to) = (origin(url), origin(&response.url()));
        if from != to {
            controller.abort();
            return Err(DownloadFailure::Other(redirect_refused(&from, &to)));
        }
    }
    if !response.ok() {
        let body = answer_start(&response).await;
        controller.abort();
        return Err(DownloadFailure::Status {
            status: response.status(),
            text: response.status_text(),
            body,
        });
    }
    let declared = address::declared_length(
        response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .as_deref(),
    );
    let cap_bytes = crate::worker::MAX_FILE_BYTES as u64;
    if let Err(message) = address::check_declared(declared, cap_bytes)
        .and_then(|()| declared.map_or(Ok(()), |size| job.fits(size)))
    {
        controller.abort();
        return Err(DownloadFailure::Other(message));
    }
    job.progress(0, declared);
    let chunks = js_sys::Array::new();
    if let Some(body) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut received: u64 = 0;
        loop {
            let step = JsFuture::from(reader.read()).await.map_err(|e| {
                stopped(DownloadFailure::Other(format!(
                    "the download broke off: {}",
                    js_message(&e)
                )))
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
                return Err(DownloadFailure::Other(String::from(
                    "the download sent something other than bytes",
                )));
            };
            received += u64::from(chunk.length());
            if let Err(message) =
                address::check_received(received, cap_bytes).and_then(|()| job.fits(received))
            {
                controller.abort();
                return Err(DownloadFailure::Other(message));
            }
            chunks.push(&chunk);
            job.progress(received, declared);
        }
    }
    if job.cancelled() {
        return Err(DownloadFailure::Cancelled);
    }
    web_sys::Blob::new_with_u8_array_sequence(&chunks).map_err(other)
}

/// Aborts a fetch once it has taken [`address::FETCH_TOTAL_SECS`] in all.
struct Deadline {
    passed: Rc<Cell<bool>>,
    handle: Option<leptos::prelude::TimeoutHandle>,
}

impl Deadline {
    fn start(controller: web_sys::AbortController) -> Deadline {
        let passed = Rc::new(Cell::new(false));
        let flag = Rc::clone(&passed);
        let handle = set_timeout_with_handle(
            move || {
                flag.set(true);
                controller.abort();
            },
            Duration::from_secs(u64::from(address::FETCH_TOTAL_SECS)),
        )
        .ok();
        Deadline { passed, handle }
    }

    fn passed(&self) -> bool {
        self.passed.get()
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.clear();
        }
    }
}

/// A download shown on the page while it runs, with a button to cancel it.
#[derive(Clone, Debug, PartialEq)]
pub struct DownloadStatus {
    /// Which download.
    pub id: u32,
    /// The name it will be known by.
    pub name: String,
    /// Bytes received so far.
    pub received: u64,
    /// The size the server declared, if it did.
    pub total: Option<u64>,
}

/// The downloads running now.
#[derive(Clone, Copy)]
pub struct Downloads(pub RwSignal<Vec<DownloadStatus>>);

struct Running {
    id: u32,
    controller: Option<web_sys::AbortController>,
    cancelled: bool,
}

thread_local! {
    static RUNNING: std::cell::RefCell<Vec<Running>> = const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_DOWNLOAD: Cell<u32> = const { Cell::new(0) };
    static DOWNLOADS: Cell<Option<Downloads>> = const { Cell::new(None) };
}

impl Downloads {
    /// The page's list of downloads, which every download from now on joins.
    pub fn provide() -> Downloads {
        let downloads = Downloads(RwSignal::new(Vec::new()));
        DOWNLOADS.with(|d| d.set(Some(downloads)));
        provide_context(downloads);
        downloads
    }
}

/// One download (of one or more addresses, one after another) from start to
/// end: shown while it runs, cancellable, and held to the memory budget
/// beside the traces open when it started. Ends when dropped.
pub struct DownloadJob {
    id: u32,
    name: String,
    downloads: Option<Downloads>,
    loader: Loader,
    /// The file's share of the budget, once its size is known.
    reservation: std::cell::RefCell<Option<Reservation>>,
}

impl DownloadJob {
    /// Starts showing a download of the file to be known as `name`.
    pub fn start(loader: Loader, name: &str) -> DownloadJob {
        let id = NEXT_DOWNLOAD.with(|n| {
            n.set(n.get().wrapping_add(1));
            n.get()
        });
        RUNNING.with(|r| {
            r.borrow_mut().push(Running {
                id,
                controller: None,
                cancelled: false,
            })
        });
        let downloads = DOWNLOADS.with(Cell::get);
        if let Some(downloads) = downloads {
            downloads.0.update(|ds| {
                ds.push(DownloadStatus {
                    id,
                    name: name.to_string(),
                    received: 0,
                    total: None,
                })
            });
        }
        DownloadJob {
            id,
            name: name.to_string(),
            downloads,
            loader,
            reservation: std::cell::RefCell::new(None),
        }
    }

    /// Whether `bytes` of file fit the memory budget, or why not.
    fn fits(&self, bytes: u64) -> Result<(), String> {
        let mut held = self.reservation.borrow_mut();
        if let Some(reservation) = held.as_ref() {
            return reservation.grow_to(self.loader, bytes);
        }
        let admitted = admit_bytes(self.loader, &[(self.name.as_str(), bytes)]).pop();
        match admitted {
            Some(Ok(reservation)) => {
                *held = Some(reservation);
                Ok(())
            }
            Some(Err(message)) => Err(message),
            None => Ok(()),
        }
    }

    /// The controller of the request running now, for Cancel.
    fn watch(&self, controller: &web_sys::AbortController) {
        RUNNING.with(|r| {
            if let Some(run) = r.borrow_mut().iter_mut().find(|x| x.id == self.id) {
                run.controller = Some(controller.clone());
            }
        });
    }

    fn cancelled(&self) -> bool {
        RUNNING.with(|r| r.borrow().iter().any(|x| x.id == self.id && x.cancelled))
    }

    fn progress(&self, received: u64, total: Option<u64>) {
        if let Some(downloads) = self.downloads {
            downloads.0.update(|ds| {
                if let Some(d) = ds.iter_mut().find(|d| d.id == self.id) {
                    d.received = received;
                    d.total = total;
                }
            });
        }
    }
}

impl Drop for DownloadJob {
    fn drop(&mut self) {
        RUNNING.with(|r| r.borrow_mut().retain(|x| x.id != self.id));
        if let Some(downloads) = self.downloads {
            downloads.0.update(|ds| ds.retain(|d| d.id != self.id));
        }
    }
}

/// Stops download `id`; what is open stays as it was.
pub fn cancel(id: u32) {
    RUNNING.with(|r| {
        if let Some(run) = r.borrow_mut().iter_mut().find(|x| x.id == id) {
            run.cancelled = true;
            if let Some(controller) = &run.controller {
                controller.abort();
            }
        }
    });
}

/// One bar per running download: how much has come, and Cancel.
#[component]
pub fn DownloadProgress() -> impl IntoView {
    let downloads = expect_context::<Downloads>();
    view! {
        <div class="load-progress-list">
            <For
                each=move || downloads.0.get()
                key=|d| d.id
                children=move |d| {
                    let id = d.id;
                    let status = move || downloads.0.with(|ds| ds.iter().find(|x| x.id == id).cloned());
                    let received = move || status().map_or(0, |s| s.received);
                    let total = move || status().and_then(|s| s.total);
                    let text = move || match total() {
                        Some(t) => format!("downloading: {} of {}", address::size_text(received()), address::size_text(t)),
                        None => format!("downloading: {}", address::size_text(received())),
                    };
                    view! {
                        <div class="load-progress" data-testid="download-progress" data-file=d.name.clone() role="status">
                            <strong class="name">{d.name.clone()}</strong>
                            <progress max=move || total().unwrap_or(1) as f64 value=move || total().map(|_| received() as f64)></progress>
                            <span class="what">{text}</span>
                            <button class="button" data-testid="download-cancel" on:click=move |_| cancel(id)>
                                "Cancel"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
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
