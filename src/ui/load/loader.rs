//! Reading files: in workers where the page can start them, else on the
//! page; refused up front when their model would not fit in memory.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::model::trace::model_bytes;
use crate::model::Trace;
use crate::ui::app_state::Loader;
use crate::ui::load::outcome::{accept, add_traces_then, loaded, Then};
use crate::ui::load::source::{read_on_page, Source};
use crate::ui::load::workers;
use crate::ui::shared::js::js_message;
use crate::view_model::budget;

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
        for source in sources {
            let outcome = read_on_page(&source.blob).await;
            loader.loading.files.update(|n| *n = n.saturating_sub(1));
            loaded(loader, &source, &outcome);
            accept(loader, &source.name, outcome, &mut added);
        }
        add_traces_then(loader, added, then);
    });
}

/// The sources whose model fits in memory beside the traces open (see
/// [`budget`]); the others get a message naming them.
fn within_budget(loader: Loader, sources: Vec<Source>) -> Vec<Source> {
    let in_use = loader
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
