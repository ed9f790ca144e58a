//! The leptos page. Components read the model through the [`Store`] context
//! and draw what `view_model` derives.

pub mod canvas;
pub mod detail;
pub mod flame;
pub mod graph;
pub mod loader;
pub mod minimap;
pub mod panic;
pub mod state;
pub mod stats;
pub mod theme;
pub mod timeline;
pub mod trace_list;
pub mod trace_page;
pub mod warmup;

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{Trace, TraceId, Warning};
use crate::view_model::hash::PageState;

/// A file that could not be read, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct FileProblem {
    /// File name as the user gave it.
    pub file: String,
    /// What went wrong, in words.
    pub message: String,
}

/// What was worked around while reading one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileWarnings {
    /// File name.
    pub file: String,
    /// The warnings, aggregated by kind.
    pub warnings: Vec<Warning>,
}

/// Which page is shown, from the URL hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `#/`: the landing page, or the trace list when traces are loaded.
    Home,
    /// `#/trace/<id>`.
    Trace(String),
}

impl Route {
    /// Reads a location hash such as `#/trace/abc`.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        match path.strip_prefix("trace/") {
            Some(id) => {
                let id = id.split(['/', '?', '&']).next().unwrap_or("");
                match TraceId::parse(id) {
                    Ok((tid, _)) => Route::Trace(tid.to_hex()),
                    Err(_) => Route::Trace(id.to_ascii_lowercase()),
                }
            }
            None => Route::Home,
        }
    }

    /// The hash for this route.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => String::from("#/"),
            Route::Trace(id) => format!("#/trace/{id}"),
        }
    }
}

/// Application state shared through context.
#[derive(Clone, Copy)]
pub struct Store {
    /// Loaded traces, in the order they were loaded (each file's by start time).
    pub traces: RwSignal<Vec<Arc<Trace>>>,
    /// Files that could not be read.
    pub errors: RwSignal<Vec<FileProblem>>,
    /// Files read with work-arounds.
    pub warnings: RwSignal<Vec<FileWarnings>>,
    /// Current page.
    pub route: RwSignal<Route>,
    /// Files being read right now.
    pub loading: RwSignal<u32>,
    /// The trace page's state from the URL hash, set when the hash changes
    /// while the same trace stays open (Back, a link to another span).
    pub page: RwSignal<PageState>,
    /// Links followed that "Back" can return from.
    pub link_jumps: RwSignal<u32>,
    /// Colour theme.
    pub theme: RwSignal<theme::Theme>,
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

/// The location hash, `#/…`.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let store = Store {
        traces: RwSignal::new(Vec::new()),
        errors: RwSignal::new(Vec::new()),
        warnings: RwSignal::new(Vec::new()),
        route: RwSignal::new(Route::from_hash(&current_hash())),
        loading: RwSignal::new(0),
        page: RwSignal::new(trace_page::hash_page_state()),
        link_jumps: RwSignal::new(0),
        theme: RwSignal::new(theme::saved()),
    };
    provide_context(store);
    theme::apply(store.theme.get_untracked());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let route = Route::from_hash(&current_hash());
        if store.route.get_untracked() == route {
            store.page.set(trace_page::hash_page_state());
        } else {
            store.route.set(route);
        }
    });
    on_cleanup(move || listener.remove());
    match loader::url_parameter() {
        // `?url=<address>`: load that file now.
        Some(url) => loader::load_from_url(store, url),
        // After the first paint, while the user finds a file.
        None => set_timeout(warmup::warm_up, std::time::Duration::from_millis(50)),
    }

    let page = move || match store.route.get() {
        Route::Trace(id) => {
            let found = store
                .traces
                .with(|ts| ts.iter().find(|t| t.id.to_hex() == id).cloned());
            match found {
                Some(trace) => view! { <trace_page::TracePage trace=trace /> }.into_any(),
                None => view! { <loader::Landing missing=Some(id) /> }.into_any(),
            }
        }
        Route::Home => {
            if store.traces.with(|t| t.is_empty()) {
                view! { <loader::Landing missing=None /> }.into_any()
            } else {
                view! { <trace_list::TraceList /> }.into_any()
            }
        }
    };

    view! {
        <loader::DropTarget>
            <header class="topbar">
                <a class="brand" href="#/">"Trace viewer"</a>
                <TracesLink />
                <loader::DropZone />
                <theme::ThemeToggle />
            </header>
            <loader::Messages />
            <main class="page">{page}</main>
        </loader::DropTarget>
    }
}

/// "N traces" link back to the list, shown once something is loaded.
#[component]
fn TracesLink() -> impl IntoView {
    let store = expect_context::<Store>();
    move || {
        let n = store.traces.with(|t| t.len());
        (n > 0).then(|| {
            view! {
                <a class="nav-traces" href="#/" data-testid="trace-count" data-count=n data-shown=n>
                    {format!("{n} trace{}", if n == 1 { "" } else { "s" })}
                </a>
            }
        })
    }
}
