//! The page's state, shared through context: the loaded traces and what is
//! derived from them, what is said about each file, the route, the list's
//! filter and the theme. [`provide_app_state`] makes it, in one place (the
//! page and the component tests both call it).

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::links::LinkIndex;
use crate::model::many::filter_and_sort;
use crate::model::Trace;
use crate::view_model::colours::{ServiceColours, TraceColours};
use crate::view_model::files::{FileProblem, FileWarnings};
use crate::view_model::progress::LoadStatus;
use crate::view_model::route::Route;
use crate::view_model::theme::Theme;
use crate::view_model::url_state::{ListParams, PageState};

/// Application state shared through context.
#[derive(Clone, Copy)]
pub struct Store {
    /// Loaded traces, in the order they were loaded (each file's by start time).
    pub traces: RwSignal<Vec<Arc<Trace>>>,
    /// Files that could not be read.
    pub errors: RwSignal<Vec<FileProblem>>,
    /// Files read with work-arounds.
    pub warnings: RwSignal<Vec<FileWarnings>>,
    /// Notes about files that are open but not quite as usual (read on the
    /// page because no worker started; not kept for the next visit).
    pub notes: RwSignal<Vec<FileProblem>>,
    /// Current page.
    pub route: RwSignal<Route>,
    /// Files being read right now.
    pub loading: RwSignal<u32>,
    /// Progress of the files being read in workers.
    pub loads: RwSignal<Vec<LoadStatus>>,
    /// The trace page's state from the URL hash, set when the hash changes
    /// while the same trace stays open (Back, a link to another span).
    pub page: RwSignal<PageState>,
    /// Links followed that "Back" can return from.
    pub link_jumps: RwSignal<u32>,
    /// Colour theme.
    pub theme: RwSignal<Theme>,
    /// The trace list's filter, order and view.
    pub list: RwSignal<ListParams>,
    /// The traces passing the filter, in order.
    pub shown: Memo<Shown>,
    /// Where every loaded span is and what links to it: built once per set
    /// of traces, when a span's detail first needs it.
    pub links: Memo<Arc<LinkIndex>>,
    /// The colour of every loaded service, by name.
    pub colours: Memo<Arc<ServiceColours>>,
}

/// The colours of `trace`'s services among everything loaded (on its own
/// when there is no store, as in component tests).
pub fn trace_colours(trace: &Trace) -> TraceColours {
    match use_context::<Store>() {
        Some(store) => store.colours.with_untracked(|c| c.for_trace(trace)),
        None => TraceColours::alone(trace),
    }
}

/// Indices (into [`Store::traces`]) of the traces passing the list's filter,
/// in the list's order, or why the filter cannot be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// Indices, in order.
    pub indices: Arc<Vec<u32>>,
    /// The filter's problem, in words.
    pub error: Option<String>,
}

impl Store {
    /// Shows `route` by changing the URL hash (the hashchange listener follows it).
    pub fn navigate(&self, route: Route) {
        let hash = route.to_hash();
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            if location.hash().ok().as_deref() != Some(hash.as_str()) {
                let _ = location.set_hash(&hash);
            }
        }
        self.route.set(route);
    }

    /// Opens span `span_hex` of trace `trace_hex` as a new history entry, so
    /// that Back returns here. `state` is what else the target page shows.
    pub fn follow_link(&self, trace_hex: &str, state: PageState) {
        let hash = format!(
            "{}{}",
            Route::Trace(trace_hex.to_string()).to_hash(),
            state.to_params()
        );
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            self.link_jumps.update(|n| *n += 1);
            let _ = location.set_hash(&hash);
        }
    }
}

/// Shows `hash` in the address bar by replacing the current history entry
/// (no `hashchange`, no new entry: Back still leaves the page). Nothing
/// happens when the hash is already that.
pub fn replace_hash(hash: &str) {
    if current_hash() == hash {
        return;
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

/// The location hash, `#/…`.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page state in the current URL hash (the part after `?`).
pub fn hash_page_state() -> PageState {
    let hash = current_hash();
    PageState::parse(hash.split_once('?').map_or("", |(_, p)| p))
}

/// Makes the page's state from the address and provides it as context.
pub fn provide_app_state(theme: Theme) -> Store {
    let traces: RwSignal<Vec<Arc<Trace>>> = RwSignal::new(Vec::new());
    let initial_hash = current_hash();
    let list = RwSignal::new(match Route::from_hash(&initial_hash) {
        Route::Home => ListParams::parse(initial_hash.split_once('?').map_or("", |(_, p)| p)),
        _ => ListParams::default(),
    });
    let shown = Memo::new(move |_| {
        list.with(|l| match l.filter.compile() {
            Ok(filter) => traces.with(|ts| Shown {
                indices: Arc::new(filter_and_sort(ts, &filter, l.sort)),
                error: None,
            }),
            Err(e) => Shown {
                indices: Arc::new(traces.with(|ts| (0..ts.len() as u32).collect())),
                error: Some(e),
            },
        })
    });
    let links = Memo::new_with_compare(
        move |_| Arc::new(traces.with(|ts| LinkIndex::build(ts))),
        |_, _| true,
    );
    let colours = Memo::new(move |_| {
        Arc::new(traces.with(|ts| ServiceColours::of_traces(ts.iter().map(|t| t.as_ref()))))
    });
    let store = Store {
        traces,
        errors: RwSignal::new(Vec::new()),
        warnings: RwSignal::new(Vec::new()),
        notes: RwSignal::new(Vec::new()),
        route: RwSignal::new(Route::from_hash(&initial_hash)),
        loading: RwSignal::new(0),
        loads: RwSignal::new(Vec::new()),
        page: RwSignal::new(hash_page_state()),
        link_jumps: RwSignal::new(0),
        theme: RwSignal::new(theme),
        list,
        shown,
        links,
        colours,
    };
    provide_context(store);
    store
}
