//! The page's state, shared through context as narrow handles: the loaded
//! traces, what is said about each file, what is loading, where the page is,
//! the list's filter, the theme, the links out, and what is derived from the
//! traces (links, colours). [`provide_app_state`] makes them all, in one
//! place (the page and the component tests both call it); each component
//! asks only for the handles it uses.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::model::links::LinkIndex;
use crate::model::logs::LogFile;
use crate::model::many::filter_and_sort;
use crate::model::wire::{Progress, Stage};
use crate::model::{Trace, TraceIx};
use crate::ui::shared::js::local_storage;
use crate::view_model::backend_search::FoundSet;
use crate::view_model::clock::Zone;
use crate::view_model::colours::{ServiceColours, TraceColours};
use crate::view_model::files::{FileProblem, FileWarnings};
use crate::view_model::links_out::LinkTemplate;
use crate::view_model::links_out_list::{from_stored, STORAGE_KEY};
use crate::view_model::progress::LoadStatus;
use crate::view_model::route::Route;
use crate::view_model::theme::Theme;
use crate::view_model::url_state::{ListParams, PageState};

/// A context handle that is one signal or memo: reads go straight through.
macro_rules! handle {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name(pub $inner);

        impl std::ops::Deref for $name {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }
    };
}
pub(crate) use handle;

handle!(
    /// Loaded traces, in the order they were loaded (each file's by start time).
    Traces(RwSignal<Vec<Arc<Trace>>>)
);
handle!(
    /// Loaded log files, in the order they were loaded (a file loaded again
    /// replaces its earlier copy).
    LogFiles(RwSignal<Vec<Arc<LogFile>>>)
);
handle!(
    /// What the last backend search found: summaries, each trace fetched
    /// when it is opened or ticked (the *Backend…* panel's search).
    FoundTraces(RwSignal<Option<Arc<FoundSet>>>)
);
handle!(
    /// The colour theme.
    ThemeChoice(RwSignal<Theme>)
);
handle!(
    /// The clock absolute times are shown on (UTC or local).
    ZoneChoice(RwSignal<Zone>)
);
handle!(
    /// Where every loaded span is and what links to it: built once per set
    /// of traces, when a span's detail first needs it.
    Links(Memo<Arc<LinkIndex>>)
);
handle!(
    /// The colour of every loaded service, by name.
    Colours(Memo<Arc<ServiceColours>>)
);
handle!(
    /// The user's links out from a span (docs/using.md: "Links out"), as saved in
    /// local storage; the span detail draws from it, the editor writes it.
    LinkTemplates(RwSignal<Vec<LinkTemplate>>)
);

/// What is said about files: those that could not be read, those read with
/// work-arounds, and notes.
#[derive(Clone, Copy)]
pub struct FileMessages {
    /// Files that could not be read.
    pub errors: RwSignal<Vec<FileProblem>>,
    /// Files read with work-arounds.
    pub warnings: RwSignal<Vec<FileWarnings>>,
    /// Notes about files that are open but not quite as usual (read on the
    /// page because no worker started; not kept for the next visit).
    pub notes: RwSignal<Vec<FileProblem>>,
}

/// What is being read right now.
#[derive(Clone, Copy)]
pub struct Loading {
    /// Files being read.
    pub files: RwSignal<u32>,
    /// Progress of the files being read in workers.
    pub progress: RwSignal<Vec<LoadStatus>>,
}

impl Loading {
    /// `job` (the file `name`, `total_bytes` long) starts loading; its
    /// progress bar shows once it has run for `show_after`.
    pub fn started(self, job: u32, name: &str, total_bytes: u64, show_after: Duration) {
        self.files.update(|n| *n += 1);
        self.progress.update(|ls| {
            ls.push(LoadStatus {
                job,
                name: name.to_string(),
                progress: Progress {
                    stage: Stage::Reading,
                    done: 0,
                    total_bytes,
                    bytes_read: 0,
                },
                shown: false,
            })
        });
        let show = move || self.with_row(job, |l| l.shown = true);
        set_timeout(show, show_after);
    }

    /// `job` got as far as `progress`.
    pub fn advanced(self, job: u32, progress: Progress) {
        self.with_row(job, |l| l.progress = progress);
    }

    /// `job` is no longer loading (done, failed or cancelled).
    pub fn ended(self, job: u32) {
        self.files.update(|n| *n = n.saturating_sub(1));
        self.progress.update(|ls| ls.retain(|l| l.job != job));
    }

    fn with_row(self, job: u32, f: impl FnOnce(&mut LoadStatus)) {
        self.progress.update(|ls| {
            if let Some(l) = ls.iter_mut().find(|l| l.job == job) {
                f(l);
            }
        });
    }
}

/// Where the page is: the route, the trace page's state from the URL hash,
/// and the links followed.
#[derive(Clone, Copy)]
pub struct Navigation {
    /// Current page.
    pub route: RwSignal<Route>,
    /// The trace page's state from the URL hash, set when the hash changes
    /// while the same trace stays open (Back, a link to another span).
    pub page: RwSignal<PageState>,
    /// Links followed that "Back" can return from.
    pub link_jumps: RwSignal<u32>,
}

/// The trace list's filter, order and view, and the traces passing it.
#[derive(Clone, Copy)]
pub struct ListState {
    /// Filter, order and view.
    pub params: RwSignal<ListParams>,
    /// The traces passing the filter, in order.
    pub shown: Memo<Shown>,
}

/// What the loading code writes to: the traces, the files' messages, the
/// progress, and the route (to open what was loaded).
#[derive(Clone, Copy)]
pub struct Loader {
    /// Loaded traces.
    pub traces: Traces,
    /// Loaded log files.
    pub logs: LogFiles,
    /// What is said about files.
    pub messages: FileMessages,
    /// What is being read.
    pub loading: Loading,
    /// Where the page is.
    pub nav: Navigation,
}

/// Every handle, as [`provide_app_state`] made them (for the page itself).
#[derive(Clone, Copy)]
pub struct AppState {
    /// The loading code's handles (traces, messages, progress, route).
    pub loader: Loader,
    /// The colour theme.
    pub theme: ThemeChoice,
    /// The trace list's state.
    pub list: ListState,
}

/// The colours of `trace`'s services among everything loaded (on its own
/// outside the page, where no colours are provided).
pub fn trace_colours(trace: &Trace) -> TraceColours {
    match use_context::<Colours>() {
        Some(colours) => colours.with_untracked(|c| c.for_trace(trace)),
        None => TraceColours::alone(trace),
    }
}

/// Indices (into [`Traces`]) of the traces passing the list's filter,
/// in the list's order, or why the filter cannot be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// Indices, in order.
    pub indices: Arc<Vec<TraceIx>>,
    /// The filter's problem, in words.
    pub error: Option<String>,
}

impl Navigation {
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

/// Makes the page's state from the address and provides each handle as
/// context.
pub fn provide_app_state(theme: Theme, zone: Zone) -> AppState {
    let traces: RwSignal<Vec<Arc<Trace>>> = RwSignal::new(Vec::new());
    let initial_hash = current_hash();
    let params = RwSignal::new(match Route::from_hash(&initial_hash) {
        Route::Home => ListParams::from_hash(&initial_hash),
        _ => ListParams::default(),
    });
    let shown = Memo::new(move |_| {
        params.with(|l| match l.filter.compile() {
            Ok(filter) => traces.with(|ts| Shown {
                indices: Arc::new(filter_and_sort(ts, &filter, l.sort)),
                error: None,
            }),
            Err(e) => Shown {
                indices: Arc::new(traces.with(|ts| (0..ts.len()).map(TraceIx::at).collect())),
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
    let loader = Loader {
        traces: Traces(traces),
        logs: LogFiles(RwSignal::new(Vec::new())),
        messages: FileMessages {
            errors: RwSignal::new(Vec::new()),
            warnings: RwSignal::new(Vec::new()),
            notes: RwSignal::new(Vec::new()),
        },
        loading: Loading {
            files: RwSignal::new(0),
            progress: RwSignal::new(Vec::new()),
        },
        nav: Navigation {
            route: RwSignal::new(Route::from_hash(&initial_hash)),
            page: RwSignal::new(hash_page_state()),
            link_jumps: RwSignal::new(0),
        },
    };
    let state = AppState {
        loader,
        theme: ThemeChoice(RwSignal::new(theme)),
        list: ListState { params, shown },
    };
    provide_context(loader);
    provide_context(loader.traces);
    provide_context(loader.logs);
    provide_context(loader.messages);
    provide_context(loader.loading);
    provide_context(loader.nav);
    provide_context(state.theme);
    provide_context(ZoneChoice(RwSignal::new(zone)));
    provide_context(state.list);
    provide_context(FoundTraces(RwSignal::new(None)));
    provide_context(Links(links));
    provide_context(Colours(colours));
    let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    provide_context(LinkTemplates(RwSignal::new(from_stored(stored.as_deref()))));
    state
}
