//! Opening a file by address: `?url=` and `#url=`, fetched without cookies
//! or a referrer, capped in size and time, every failure explained.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::ui::app_state::Loader;
use crate::ui::load::loader::load_sources;
use crate::ui::load::outcome::accept;
use crate::ui::load::source::Source;
use crate::ui::shared::js::js_message;
use crate::view_model::address::{self, DownloadFailure};

/// Loads the file named by `?url=` or `#url=` in the page address: http(s)
/// only, without cookies or a referrer, at most [`crate::worker::MAX_FILE_BYTES`],
/// given up after [`address::FETCH_IDLE_SECS`] without an answer or a byte.
/// Failures (refused address, network, CORS, HTTP status, size, time) are
/// explained in plain words under the address's name.
pub fn load_from_url(loader: Loader, raw: String) {
    LAST_ADDRESS.with(|last| *last.borrow_mut() = Some(raw.clone()));
    let name = address::quote(raw.trim());
    let url = match resolve_address(&raw) {
        Ok(url) => url.href(),
        Err(message) => {
            accept(loader, &name, Err(message), &mut Vec::new());
            return;
        }
    };
    loader.loading.files.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        let body = download(&url, crate::worker::MAX_FILE_BYTES as u64, None)
            .await
            .map_err(|failure| failure.message());
        loader.loading.files.update(|n| *n = n.saturating_sub(1));
        load_fetched(loader, name, body);
    });
}

/// Loads a file fetched from an address under `name`, kept like a dropped
/// one, or shows why it could not be fetched.
pub fn load_fetched(loader: Loader, name: String, body: Result<web_sys::Blob, String>) {
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
        Err(message) => accept(loader, &name, Err(message), &mut Vec::new()),
    }
}

thread_local! {
    /// The address last loaded from the page address, so that going Back to
    /// a `#url=` entry does not download it again.
    static LAST_ADDRESS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// After a hash change: loads the address of a new `#url=` fragment (one
/// typed or pasted over the open page, which the browser does not reload).
/// True when it started a load.
pub fn load_from_new_fragment(loader: Loader, hash: &str) -> bool {
    let Some(raw) = address::address_in_fragment(hash) else {
        return false;
    };
    let known = LAST_ADDRESS.with(|last| last.borrow().as_deref() == Some(raw.as_str()));
    if !known {
        load_from_url(loader, raw);
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
/// memory), stopping past `cap_bytes`; `accept` is the `Accept` header to
/// send, if any (a header browsers let any page send without asking the
/// server first).
pub async fn download(
    url: &str,
    cap_bytes: u64,
    accept: Option<&str>,
) -> Result<web_sys::Blob, DownloadFailure> {
    let other = |e: wasm_bindgen::JsValue| DownloadFailure::Other(js_message(&e));
    let controller = web_sys::AbortController::new().map_err(other)?;
    let mut timer = IdleTimer::start(controller.clone());
    let init = web_sys::RequestInit::new();
    if let Some(accept) = accept {
        let headers = web_sys::Headers::new().map_err(other)?;
        headers.set("accept", accept).map_err(other)?;
        init.set_headers(&headers);
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
        .map_err(|e| {
            if timer.fired() {
                DownloadFailure::Other(address::timed_out(url))
            } else {
                DownloadFailure::NoAnswer(js_message(&e))
            }
        })?;
    if !response.ok() {
        controller.abort();
        return Err(DownloadFailure::Status {
            status: response.status(),
            text: response.status_text(),
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
    if let Err(message) = address::check_declared(declared, cap_bytes) {
        controller.abort();
        return Err(DownloadFailure::Other(message));
    }
    let chunks = js_sys::Array::new();
    if let Some(body) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut received: u64 = 0;
        loop {
            let step = JsFuture::from(reader.read()).await.map_err(|e| {
                DownloadFailure::Other(if timer.fired() {
                    address::timed_out(url)
                } else {
                    format!("the download broke off: {}", js_message(&e))
                })
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
            if let Err(message) = address::check_received(received, cap_bytes) {
                controller.abort();
                return Err(DownloadFailure::Other(message));
            }
            chunks.push(&chunk);
        }
    }
    web_sys::Blob::new_with_u8_array_sequence(&chunks).map_err(other)
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
