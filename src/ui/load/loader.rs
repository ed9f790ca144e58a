//! Reading files: in workers where the page can start them, else on the
//! page (the load queue decides: [`crate::ui::load::workers`]); refused up
//! front when their model would not fit in memory beside what is open and
//! what is loading (one ledger for every way in: see
//! [`crate::ui::load::reserve`]).

use wasm_bindgen::JsValue;

use crate::ui::app_state::Loader;
use crate::ui::load::outcome::{refuse, Then};
pub use crate::ui::load::reserve::{admit_bytes, set_budget_bytes, Reservation};
use crate::ui::load::source::Source;
use crate::ui::load::workers;
use crate::ui::shared::js::js_message;
use crate::worker::{too_large, MAX_FILE_BYTES};

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
    let sources = sources
        .into_iter()
        .filter(|s| {
            let size = s.blob.size();
            let fits = size <= MAX_FILE_BYTES;
            if !fits {
                refuse(loader, &s.name, too_large(size));
            }
            fits
        })
        .collect();
    let sources = within_budget(loader, sources);
    if sources.is_empty() {
        then(Vec::new());
        return;
    }
    workers::load(loader, sources, then);
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
            Err(message) => refuse(loader, &source.name, message),
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
        Err(e) => refuse(loader, name, js_message(&e)),
    }
}
