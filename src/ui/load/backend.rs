//! Opening a trace from a Jaeger or Tempo server, `#/trace/<id>?source=<base>`:
//! fetched by the browser (no cookies, no referrer), read like a dropped
//! file, and every failure explained; a request blocked by CORS says how to
//! allow this page's origin. The addresses and the words are
//! [`crate::view_model::backend`]'s.

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::ui::app_state::{current_hash, Loader};
use crate::ui::load::consent::Consent;
use crate::ui::load::download::{
    approve, download, load_fetched, needs_asking, resolve_address, DownloadJob,
};
use crate::ui::load::outcome::refuse;
use crate::ui::shared::js::{js_message, local_storage};
use crate::view_model::address::{self, DownloadFailure};
use crate::view_model::backend::{self, BackendTrace, SAVED_ADDRESS_KEY};
use crate::view_model::backend_login as login;
use crate::view_model::consent::backend_prompt;
use crate::view_model::route::Route;
use crate::view_model::url_state::PageState;

/// What the backends are asked to answer in (Tempo could answer protobuf).
const ACCEPT_JSON: &str = "application/json";

/// How long the second, opaque request that tells "blocked" from "not
/// there" may take.
const PROBE_SECS: u64 = 10;

thread_local! {
    /// Names of the backend traces being fetched now: asking again meanwhile
    /// (the address changing back and forth) starts no second download.
    static IN_FLIGHT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The backend address `hash` names with `source=` on a trace page, if any.
pub fn source_in(hash: &str) -> Option<String> {
    if !matches!(Route::from_hash(hash), Route::Trace(_)) {
        return None;
    }
    PageState::parse(hash.split_once('?').map_or("", |(_, p)| p)).source
}

/// Fetches the trace `hash` names from its backend (`#/trace/<id>?source=…`)
/// unless it is loaded or being fetched; a backend the user has not named
/// on this page (in the panel, now or on an earlier visit) is asked about
/// first, as a link made the page fetch it. True when the hash names a backend.
pub fn open_from_hash(loader: Loader, consent: Consent, hash: &str) -> bool {
    let (Route::Trace(id), Some(source)) = (Route::from_hash(hash), source_in(hash)) else {
        return false;
    };
    match BackendTrace::new(&source, &id) {
        Ok(trace) => ask_then_open(loader, consent, trace),
        Err(message) => refuse(loader, &address::quote(source.trim()), message),
    }
    true
}

/// The name a kept copy of the trace `hash` fetches has (so that a reload
/// fetches it anew instead of reopening the copy beside it).
pub fn kept_name(hash: &str) -> Option<String> {
    let (Route::Trace(id), Some(source)) = (Route::from_hash(hash), source_in(hash)) else {
        return None;
    };
    BackendTrace::new(&source, &id).ok().map(|t| t.name())
}

/// Opens `trace` once the user allows its backend, unless the user named
/// that backend here already (this visit's answers, the panel's saved
/// address) or it is on the page's own origin.
fn ask_then_open(loader: Loader, consent: Consent, trace: BackendTrace) {
    let loaded = loader
        .traces
        .with_untracked(|ts| ts.iter().any(|t| t.id.to_hex() == trace.trace_hex));
    if loaded {
        return; // nothing to fetch, nothing to ask
    }
    let [first, _] = trace.urls();
    let Ok(url) = resolve_address(&first) else {
        open(loader, trace); // says why it cannot be fetched, fetching nothing
        return;
    };
    let saved = resolve_address(&saved_address()).map(|u| u.origin()).ok();
    if saved.as_deref() == Some(url.origin().as_str()) || !needs_asking(&url) {
        open(loader, trace);
        return;
    }
    let (host, path) = (url.host(), url.pathname());
    let text = backend_prompt(&host, &path, &trace.trace_hex);
    let origin = url.origin();
    consent.ask_link(host, text, move |yes| {
        if yes {
            approve(&origin);
            open(loader, trace);
        }
    });
}

/// Shows `trace`'s page (the user named its backend in the panel),
/// fetching it from its backend unless it is loaded.
pub fn show(loader: Loader, trace: BackendTrace) {
    if let Ok(url) = resolve_address(&trace.urls()[0]) {
        approve(&url.origin());
    }
    let hash = trace.hash();
    let location = web_sys::window().map(|w| w.location());
    match location {
        // The hash change opens it (see `open_from_hash`), and Back returns.
        Some(location) if current_hash() != hash => {
            let _ = location.set_hash(&hash);
        }
        _ => open(loader, trace),
    }
}

/// Fetches `trace` and adds it, unless a trace with its id is loaded or it
/// is being fetched already.
pub fn open(loader: Loader, trace: BackendTrace) {
    leptos::task::spawn_local(fetch_and_add(loader, trace));
}

/// Whether the trace of `name` ([`BackendTrace::name`]) is being fetched.
pub fn fetching(name: &str) -> bool {
    IN_FLIGHT.with(|f| f.borrow().iter().any(|n| n == name))
}

/// [`open`], done once the trace is fetched (and handed to be read) or
/// failed.
pub async fn fetch_and_add(loader: Loader, trace: BackendTrace) {
    let name = trace.name();
    let loaded = loader
        .traces
        .with_untracked(|ts| ts.iter().any(|t| t.id.to_hex() == trace.trace_hex));
    if loaded || fetching(&name) {
        return;
    }
    IN_FLIGHT.with(|f| f.borrow_mut().push(name.clone()));
    // What an earlier try said no longer stands while this one runs.
    loader
        .messages
        .errors
        .update(|es| es.retain(|e| e.file != name));
    loader.loading.files.update(|n| *n += 1);
    let job = DownloadJob::start(loader, &name);
    let body = fetch_trace(&trace, &job).await;
    drop(job);
    loader.loading.files.update(|n| *n = n.saturating_sub(1));
    IN_FLIGHT.with(|f| f.borrow_mut().retain(|n| *n != name));
    load_fetched(loader, name, body);
}

/// Asks Jaeger's (and Tempo v1's) `/api/traces/<id>`, then on a 404
/// Tempo's `/api/v2/traces/<id>`; the answer, checked to be JSON, or why
/// there is none (nothing to say when the user cancelled it).
async fn fetch_trace(
    trace: &BackendTrace,
    job: &DownloadJob,
) -> Result<web_sys::Blob, DownloadFailure> {
    fetch_trace_from(trace, job).await.map_err(|e| match e {
        Fetched::Cancelled => DownloadFailure::Cancelled,
        Fetched::Failed(message) => DownloadFailure::Other(message),
    })
}

/// Why [`fetch_trace_from`] has no trace.
enum Fetched {
    Cancelled,
    Failed(String),
}

impl From<String> for Fetched {
    fn from(message: String) -> Fetched {
        Fetched::Failed(message)
    }
}

async fn fetch_trace_from(
    trace: &BackendTrace,
    job: &DownloadJob,
) -> Result<web_sys::Blob, Fetched> {
    let [first, second] = trace.urls();
    let first = resolve_address(&first)?;
    if let Some(message) = mixed_content(&first) {
        return Err(message.into());
    }
    let first = first.href();
    let headers = headers_for(&first);
    let signed = signed(&headers);
    match download(&first, job, &headers).await {
        Ok(blob) => Ok(json_only(&first, blob).await?),
        Err(DownloadFailure::Cancelled) => Err(Fetched::Cancelled),
        Err(DownloadFailure::Status { status: 404, .. }) => {
            let second = resolve_address(&second)?.href();
            match download(&second, job, &headers_for(&second)).await {
                Ok(blob) => Ok(json_only(&second, blob)
                    .await
                    .map_err(|_| backend::not_found(trace))?),
                Err(DownloadFailure::Cancelled) => Err(Fetched::Cancelled),
                Err(_) => Err(backend::not_found(trace).into()),
            }
        }
        Err(DownloadFailure::Status { status, text, .. }) => {
            Err(backend::bad_status(trace, &first, status, &text, signed).into())
        }
        Err(DownloadFailure::NoAnswer(detail)) => {
            if answers(&first).await {
                Err(backend::blocked_by_cors(&trace.base, &first, &page_origin()).into())
            } else {
                Err(backend::unreachable(&trace.base, &first, &detail).into())
            }
        }
        Err(DownloadFailure::Other(message)) => Err(message.into()),
    }
}

/// Why the browser will not let this page read `url` (an http:// backend
/// from an https:// page), if it will not.
pub(super) fn mixed_content(url: &web_sys::Url) -> Option<String> {
    let page = web_sys::window()?.location().protocol().ok()?;
    backend::mixed_content(&page, &url.protocol(), &url.hostname())
}

/// The blob, when its first characters are JSON's.
pub(super) async fn json_only(url: &str, blob: web_sys::Blob) -> Result<web_sys::Blob, String> {
    let head = blob
        .slice_with_i32_and_i32(0, 512)
        .map_err(|e| js_message(&e))?;
    let text = JsFuture::from(head.text())
        .await
        .map_err(|e| js_message(&e))?
        .as_string()
        .unwrap_or_default();
    backend::check_json_start(url, &text).map(|()| blob)
}

/// True when the server at `url` answers at all: a request whose answer
/// this page may not read (`no-cors`), which the browser lets through where
/// it withheld the readable one. Stopped as soon as the answer starts.
pub(super) async fn answers(url: &str) -> bool {
    let Ok(controller) = web_sys::AbortController::new() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::NoCors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
    init.set_signal(Some(&controller.signal()));
    let Some(window) = web_sys::window() else {
        return false;
    };
    let stop = controller.clone();
    let timer = set_timeout_with_handle(move || stop.abort(), Duration::from_secs(PROBE_SECS));
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await;
    if let Ok(timer) = timer {
        timer.clear();
    }
    controller.abort();
    answer.is_ok()
}

/// This page's origin, as servers must name it in `Access-Control-Allow-Origin`.
pub(super) fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// What every request to a backend sends: JSON asked for (Tempo could
/// answer protobuf), and the login kept for this tab when `url` is on the
/// origin it was given for (never anywhere else).
pub fn headers_for(url: &str) -> Vec<(&'static str, String)> {
    let mut headers = vec![("accept", String::from(ACCEPT_JSON))];
    let origin = web_sys::Url::new(url)
        .map(|u| u.origin())
        .unwrap_or_default();
    if let Some(header) = kept_login().and_then(|kept| login::auth_for(&kept, &origin)) {
        headers.push(("authorization", header));
    }
    headers
}

/// Whether `headers` ([`headers_for`]) carry a login.
pub fn signed(headers: &[(&'static str, String)]) -> bool {
    headers.iter().any(|(name, _)| *name == "authorization")
}

/// The login kept for this tab (`<origin>\n<header>`), if any.
pub fn kept_login() -> Option<String> {
    session_storage().and_then(|s| s.get_item(login::AUTH_KEY).ok().flatten())
}

/// Keeps `header` as the login for `base`'s origin in this tab only
/// (session storage: gone when the tab closes), or forgets the login.
pub fn keep_login(base: &str, header: Option<&str>) {
    let Some(storage) = session_storage() else {
        return;
    };
    let origin = resolve_address(base).map(|u| u.origin()).ok();
    match (header, origin) {
        (Some(header), Some(origin)) => {
            let _ = storage.set_item(login::AUTH_KEY, &login::stored_auth(&origin, header));
        }
        _ => {
            let _ = storage.remove_item(login::AUTH_KEY);
        }
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The backend address opened last from the panel.
pub fn saved_address() -> String {
    local_storage()
        .and_then(|s| s.get_item(SAVED_ADDRESS_KEY).ok().flatten())
        .unwrap_or_default()
}

/// Remembers the backend address for the next visit.
pub fn save_address(base: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(SAVED_ADDRESS_KEY, base);
    }
}
