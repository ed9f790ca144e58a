//! The *Backend…* panel's searches, asked of Jaeger or Tempo: the lists the
//! form offers (services, operations, tags, values), the search, older
//! pages, and fetching the traces found. Every request carries the tab's
//! login for that backend only (see [`super::backend::headers_for`]); every
//! failure is said in words. The addresses and the reading of the answers
//! are [`crate::view_model::backend_search`]'s.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::ui::app_state::{FoundTraces, Loader};
use crate::ui::load::backend::{
    answers, fetch_and_add, headers_for, json_only, mixed_content, page_origin, signed,
};
use crate::ui::load::download::{download, resolve_address, DownloadJob};
use crate::ui::load::outcome::add_quietly;
use crate::ui::shared::js::js_message;
use crate::view_model::address::{self, DownloadFailure};
use crate::view_model::backend::{self, BackendTrace};
use crate::view_model::backend_answers::{self as answers, Found};
use crate::view_model::backend_search::{FoundSet, Query, Window};

/// How many traces "Fetch all" fetches at once.
const LANES: usize = 3;

/// Asks `url` of the backend at `base`: the answer's bytes (checked to be
/// JSON), or what went wrong in words.
async fn ask(loader: Loader, base: &str, url: &str) -> Result<Vec<u8>, String> {
    let resolved = resolve_address(url)?;
    if let Some(message) = mixed_content(&resolved) {
        return Err(message);
    }
    let href = resolved.href();
    let headers = headers_for(&href);
    let signed = signed(&headers);
    let job = DownloadJob::start(loader, &address::quote(&href));
    let answer = download(&href, &job, &headers).await;
    drop(job);
    let blob = match answer {
        Ok(blob) => blob,
        Err(DownloadFailure::Status { status, text, body }) => {
            let said = answers::server_said(&body);
            return Err(answers::failed(
                &href,
                status,
                &text,
                said.as_deref(),
                signed,
            ));
        }
        Err(DownloadFailure::NoAnswer(detail)) => {
            return Err(if answers(&href).await {
                backend::blocked_by_cors(base, &href, &page_origin())
            } else {
                backend::unreachable(base, &href, &detail)
            });
        }
        Err(DownloadFailure::Cancelled) => return Err(String::from("cancelled")),
        Err(DownloadFailure::Other(message)) => return Err(message),
    };
    let blob = json_only(&href, blob).await?;
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| js_message(&e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A list the form offers (services, operations, tag names or values).
pub async fn names(loader: Loader, base: &str, url: &str) -> Result<Vec<String>, String> {
    answers::names(&ask(loader, base, url).await?)
}

/// One page of `query`'s results over `window`.
pub async fn page(
    loader: Loader,
    base: &str,
    query: &Query,
    window: Window,
) -> Result<Vec<Found>, String> {
    let url = query.url(base, window)?;
    query.read(&ask(loader, base, &url).await?)
}

/// Runs `query` over `window` and shows what it found (replacing the last
/// search's results); the problem, if it failed.
pub async fn run(
    loader: Loader,
    found: FoundTraces,
    base: String,
    query: Query,
    window: Window,
) -> Result<(), String> {
    let results = page(loader, &base, &query, window).await?;
    found.set(Some(Arc::new(FoundSet::first(
        query, &base, window, results,
    ))));
    Ok(())
}

/// Asks for the page of results older than those shown; the problem, if
/// it failed.
pub async fn older(loader: Loader, found: FoundTraces) -> Result<(), String> {
    let Some(set) = found.get_untracked() else {
        return Ok(());
    };
    let Some(window) = set.older() else {
        return Ok(());
    };
    let results = page(loader, &set.base, &set.query, window).await?;
    let mut next = (*set).clone();
    next.add_page(results);
    next.window = Window {
        start_us: next.window.start_us,
        end_us: window.end_us,
    };
    found.set(Some(Arc::new(next)));
    Ok(())
}

/// Fetches the traces `ids` from `base` (those not loaded), [`LANES`] at
/// a time, in the background: the page stays where it is.
pub fn fetch(loader: Loader, base: &str, ids: &[String]) {
    let loaded: std::collections::HashSet<String> = loader
        .traces
        .with_untracked(|ts| ts.iter().map(|t| t.id.to_hex()).collect());
    let traces: Vec<BackendTrace> = ids
        .iter()
        .filter_map(|id| BackendTrace::new(base, id).ok())
        .filter(|t| !loaded.contains(&t.trace_hex))
        .collect();
    for trace in &traces {
        add_quietly(&trace.trace_hex);
    }
    for lane in 0..LANES {
        let mine: Vec<BackendTrace> = traces.iter().skip(lane).step_by(LANES).cloned().collect();
        if mine.is_empty() {
            continue;
        }
        leptos::task::spawn_local(async move {
            for trace in mine {
                fetch_and_add(loader, trace).await;
            }
        });
    }
}
