//! The leptos page. Components read the model through the [`Store`] context
//! and draw what `view_model` derives.

pub mod compare;
pub mod load;
pub mod shared;
pub mod trace_list;
pub mod trace_page;

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::links::LinkIndex;
use crate::model::many::filter_and_sort;
use crate::model::{Trace, TraceId, Warning};
use crate::view_model::address;
use crate::view_model::colours::{ServiceColours, TraceColours};
use crate::view_model::hash::{ListParams, PageState};

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
    /// `#/compare/<id A>...<id B>`.
    Compare(String, String),
    /// `#/baseline/<id>`: a trace against the traces with its root operation.
    Baseline(String),
}

/// A trace id as written in a hash: normalised when it parses.
fn id_of(text: &str) -> String {
    let id = text.split(['/', '?', '&']).next().unwrap_or("");
    match TraceId::parse(id) {
        Ok((tid, _)) => tid.to_hex(),
        Err(_) => id.to_ascii_lowercase(),
    }
}

impl Route {
    /// Reads a location hash such as `#/trace/abc`.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or("");
        if let Some(id) = path.strip_prefix("trace/") {
            Route::Trace(id_of(id))
        } else if let Some(pair) = path.strip_prefix("compare/") {
            match pair.split_once("...") {
                Some((a, b)) => Route::Compare(id_of(a), id_of(b)),
                None => Route::Home,
            }
        } else if let Some(id) = path.strip_prefix("baseline/") {
            Route::Baseline(id_of(id))
        } else {
            Route::Home
        }
    }

    /// The hash for this route.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => String::from("#/"),
            Route::Trace(id) => format!("#/trace/{id}"),
            Route::Compare(a, b) => format!("#/compare/{a}...{b}"),
            Route::Baseline(id) => format!("#/baseline/{id}"),
        }
    }

    /// The trace ids the page needs.
    pub fn trace_ids(&self) -> Vec<&str> {
        match self {
            Route::Home => Vec::new(),
            Route::Trace(id) | Route::Baseline(id) => vec![id.as_str()],
            Route::Compare(a, b) => vec![a.as_str(), b.as_str()],
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
    /// Notes about files that are open but not quite as usual (read on the
    /// page because no worker started; not kept for the next visit).
    pub notes: RwSignal<Vec<FileProblem>>,
    /// Current page.
    pub route: RwSignal<Route>,
    /// Files being read right now.
    pub loading: RwSignal<u32>,
    /// Progress of the files being read in workers.
    pub loads: RwSignal<Vec<load::workers::LoadStatus>>,
    /// The trace page's state from the URL hash, set when the hash changes
    /// while the same trace stays open (Back, a link to another span).
    pub page: RwSignal<PageState>,
    /// Links followed that "Back" can return from.
    pub link_jumps: RwSignal<u32>,
    /// Colour theme.
    pub theme: RwSignal<shared::theme::Theme>,
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

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
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
        route: RwSignal::new(Route::from_hash(&current_hash())),
        loading: RwSignal::new(0),
        loads: RwSignal::new(Vec::new()),
        page: RwSignal::new(trace_page::hash_page_state()),
        link_jumps: RwSignal::new(0),
        theme: RwSignal::new(shared::theme::saved()),
        list,
        shown,
        links,
        colours,
    };
    provide_context(store);
    shared::theme::apply(store.theme.get_untracked());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = current_hash();
        // A `#url=` typed over this page's address (the browser does not
        // reload the page): load it, and keep showing what is shown meanwhile.
        if load::loader::load_from_new_fragment(store, &hash) {
            return;
        }
        let route = Route::from_hash(&hash);
        if route == Route::Home {
            let params = ListParams::parse(hash.split_once('?').map_or("", |(_, p)| p));
            if store.list.with_untracked(|l| *l != params) {
                store.list.set(params);
            }
        }
        if store.route.get_untracked() == route {
            store.page.set(trace_page::hash_page_state());
        } else {
            store.route.set(route);
        }
    });
    on_cleanup(move || listener.remove());
    let url = load::loader::url_parameter();
    // Files kept from the last visit open again (a `?url=` file loads anew).
    load::keep::start(store, url.as_deref().map(|u| address::quote(u.trim())));
    match url {
        // `?url=<address>` or `#url=<address>`: load that file now.
        Some(url) => load::loader::load_from_url(store, url),
        // After the first paint, while the user finds a file.
        None => set_timeout(
            || {
                load::workers::warm_up();
                crate::worker::warmup::warm_up();
            },
            std::time::Duration::from_millis(50),
        ),
    }

    let find = move |id: &str| {
        store
            .traces
            .with(|ts| ts.iter().find(|t| t.id.to_hex() == id).cloned())
    };
    let page = move || match store.route.get() {
        Route::Trace(id) => match find(&id) {
            Some(trace) => view! { <trace_page::TracePage trace=trace /> }.into_any(),
            None => view! { <load::loader::Landing missing=Some(id) /> }.into_any(),
        },
        Route::Compare(a, b) => match (find(&a), find(&b)) {
            (Some(ta), Some(tb)) => view! { <compare::ComparePage a=ta b=tb /> }.into_any(),
            (None, _) => view! { <load::loader::Landing missing=Some(a) /> }.into_any(),
            (_, None) => view! { <load::loader::Landing missing=Some(b) /> }.into_any(),
        },
        Route::Baseline(id) => match find(&id) {
            Some(trace) => view! { <compare::BaselinePage trace=trace /> }.into_any(),
            None => view! { <load::loader::Landing missing=Some(id) /> }.into_any(),
        },
        Route::Home => {
            if store.traces.with(|t| t.is_empty()) {
                view! { <load::loader::Landing missing=None /> }.into_any()
            } else {
                view! { <trace_list::TraceList /> }.into_any()
            }
        }
    };

    view! {
        <load::loader::DropTarget>
            <header class="topbar">
                <a class="brand" href="#/">"Trace viewer"</a>
                <TracesLink />
                <load::loader::DropZone />
                <load::keep::KeepControls />
                <shared::theme::ThemeToggle />
            </header>
            <load::loader::LoadProgress />
            <load::loader::Messages />
            <main class="page">{page}</main>
        </load::loader::DropTarget>
    }
}

/// "N traces" link back to the list (keeping its filter), shown once
/// something is loaded; with a filter, how many pass it.
#[component]
fn TracesLink() -> impl IntoView {
    let store = expect_context::<Store>();
    move || {
        let n = store.traces.with(|t| t.len());
        let shown = store.shown.with(|s| s.indices.len());
        let href = format!("#/{}", store.list.with(|l| l.to_params()));
        (n > 0).then(|| {
            let text = if shown == n {
                format!("{n} trace{}", if n == 1 { "" } else { "s" })
            } else {
                format!("{shown} of {n} traces")
            };
            view! {
                <a class="nav-traces" href=href data-testid="trace-count" data-count=n data-shown=shown>
                    {text}
                </a>
            }
        })
    }
}
