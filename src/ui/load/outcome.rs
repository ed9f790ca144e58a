//! What reading a file gave, applied to the page: its traces added (merged
//! with a loaded trace of the same id), or a message naming it; the file
//! kept for the next visit; the trace or the list shown.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::logs::LogFile;
use crate::model::{Loaded, Trace, TraceId};
use crate::ui::app_state::Loader;
use crate::ui::load::keep;
use crate::ui::load::source::Source;
use crate::view_model::adding::{add_traces as add, Added};
use crate::view_model::files::{add_warnings, set_problem, set_warnings};
use crate::view_model::route::after_adding;

/// Keeps a file that has just loaded, when it should be kept.
pub fn loaded(loader: Loader, source: &Source, outcome: &Result<Loaded, String>) {
    if source.keep && outcome.is_ok() {
        keep::keep(loader.messages, &source.name, source.blob.clone());
    }
}

/// Records what reading one file gave: its traces, or why it could not be read.
pub fn accept(
    loader: Loader,
    name: &str,
    outcome: Result<Loaded, String>,
    added: &mut Vec<(String, Arc<Trace>)>,
) {
    match outcome {
        Ok(loaded) => {
            loader
                .messages
                .errors
                .update(|es| es.retain(|e| e.file != name));
            loader
                .messages
                .warnings
                .update(|ws| set_warnings(ws, name, loaded.warnings.list()));
            if let Some(logs) = loaded.logs {
                let file = Arc::new(LogFile::new(name, logs));
                loader.logs.update(|fs| {
                    fs.retain(|f| f.name != name);
                    fs.push(file);
                });
            }
            added.extend(
                loaded
                    .traces
                    .into_iter()
                    .map(|t| (name.to_string(), Arc::new(t))),
            );
        }
        Err(message) => refuse(loader, name, message),
    }
}

/// Says why the file `name` could not be read (replacing what was said of
/// it before).
pub fn refuse(loader: Loader, name: &str, message: String) {
    loader
        .messages
        .errors
        .update(|es| set_problem(es, name, message));
}

thread_local! {
    /// Traces (32 hex digits) fetched in the background, as a search's
    /// results ticked: adding one does not leave the page shown.
    static QUIET: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The trace `trace_hex`, once added, is not shown by itself: the page
/// stays where it is (a search's results, fetched in the background).
pub fn add_quietly(trace_hex: &str) {
    QUIET.with(|q| q.borrow_mut().push(trace_hex.to_string()));
}

/// True (once) when `trace_hex` was to be added quietly.
fn take_quiet(trace_hex: &str) -> bool {
    QUIET.with(|q| {
        let mut quiet = q.borrow_mut();
        let at = quiet.iter().position(|id| id == trace_hex);
        at.map(|at| quiet.swap_remove(at)).is_some()
    })
}

/// Adds traces, merging one whose id is already loaded with the loaded copy,
/// and shows the result: the trace itself when one was added (unless it was
/// fetched in the background: [`add_quietly`]), the list when several.
pub fn add_traces(loader: Loader, added: Vec<(String, Arc<Trace>)>) {
    if added.is_empty() {
        return;
    }
    let Added { single, merged } = loader
        .traces
        .try_update(|ts| add(ts, added))
        .unwrap_or_default();
    if !merged.is_empty() {
        loader.messages.warnings.update(|ws| {
            for (file, warnings) in merged {
                add_warnings(ws, file, warnings.list());
            }
        });
    }
    if single.is_some_and(|id| take_quiet(&id.to_hex())) {
        return;
    }
    let route = loader.nav.route.get_untracked();
    let next = loader.traces.with_untracked(|ts| {
        let loaded: Vec<String> = ts.iter().map(|t| t.id.to_hex()).collect();
        after_adding(&route, single.map(|id| id.to_hex()), &loaded)
    });
    if let Some(route) = next {
        loader.nav.navigate(route);
    }
}

/// Told once a batch of files has been read and its traces added: the ids
/// of the traces it held, in order (empty when nothing could be read).
pub type Then = Box<dyn FnOnce(Vec<TraceId>)>;

/// [`add_traces`], then tells `then` which traces the batch held.
pub fn add_traces_then(loader: Loader, added: Vec<(String, Arc<Trace>)>, then: Then) {
    let ids = added.iter().map(|(_, t)| t.id).collect();
    add_traces(loader, added);
    then(ids);
}
