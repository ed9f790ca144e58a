//! Reading files: in workers where the page can start them, else on the
//! page; refused up front when their model would not fit in memory beside
//! what is open and what is loading (one ledger for every way in: see
//! [`crate::ui::load::reserve`]).

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::model::Trace;
use crate::ui::app_state::Loader;
use crate::ui::load::outcome::{accept, add_traces_then, loaded, Then};
pub use crate::ui::load::reserve::{admit_bytes, set_budget_bytes, Reservation};
use crate::ui::load::source::{read_on_page, Source};
use crate::ui::load::workers;
use crate::ui::shared::js::js_message;

/// Reads the files (in workers where the page can start them, so that the
/// page stays responsive) and adds their traces.
pub fn load_files(loader: Loader, files: Vec<web_sys::File>) {
    let sources = files
        .into_iter()
        .map(|f| Source {
            name: f.name(),
            blob: f.into(),
            keep: true,
        })
        .collect();
    load_sources(loader, sources);
}

/// Reads `sources` (in workers where possible) and adds their traces as one batch.
pub fn load_sources(loader: Loader, sources: Vec<Source>) {
    load_sources_then(loader, sources, Box::new(|_| {}));
}

/// [`load_sources`], then tells `then` which traces the batch held.
pub fn load_sources_then(loader: Loader, sources: Vec<Source>, then: Then) {
    let sources = within_budget(loader, sources);
    if sources.is_empty() {
        then(Vec::new());
        return;
    }
    if workers::available() {
        workers::load_in_workers(loader, sources, then);
        return;
    }
    loader.loading.files.update(|n| *n += sources.len() as u32);
    leptos::task::spawn_local(async move {
        let mut added: Vec<(String, Arc<Trace>)> = Vec::new();
        let mut held = Vec::new();
        for (source, reservation) in sources {
            let limit = reservation.inflate_limit_bytes(loader);
            let outcome = read_on_page(&source.blob, &source.name, limit).await;
            loader.loading.files.update(|n| *n = n.saturating_sub(1));
            loaded(loader, &source, &outcome);
            accept(loader, &source.name, outcome, &mut added);
            held.push(reservation);
        }
        add_traces_then(loader, added, then);
        drop(held);
    });
}

/// The sources whose model fits in memory beside what is open and what is
/// loading (see [`crate::view_model::budget`]), each with its share; the others get a message
/// naming them.
fn within_budget(loader: Loader, sources: Vec<Source>) -> Vec<(Source, Reservation)> {
    let sizes: Vec<(&str, u64)> = sources
        .iter()
        .map(|s| (s.name.as_str(), s.blob.size() as u64))
        .collect();
    let verdicts = admit_bytes(loader, &sizes);
    let mut kept = Vec::new();
    for (source, verdict) in sources.into_iter().zip(verdicts) {
        match verdict {
            Ok(reservation) => kept.push((source, reservation)),
            Err(message) => accept(loader, &source.name, Err(message), &mut Vec::new()),
        }
    }
    kept
}

/// Loads text the user pasted: as a file (a Blob), read in a worker like a
/// dropped one, so a large paste neither blocks the page nor is parsed
/// where the page's memory is.
pub fn load_text(loader: Loader, name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    match web_sys::Blob::new_with_str_sequence(&parts) {
        Ok(blob) => load_sources(
            loader,
            vec![Source {
                name: name.to_string(),
                blob,
                keep: true,
            }],
        ),
        Err(e) => {
            let mut added = Vec::new();
            accept(loader, name, Err(js_message(&e)), &mut added);
        }
    }
}
