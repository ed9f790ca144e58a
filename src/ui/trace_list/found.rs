//! What a backend search found (the *Backend…* panel), above the loaded
//! traces: one summary per trace, not yet fetched; a trace is fetched when
//! it is opened or ticked (or with *Fetch all*), and then it is one of the
//! loaded traces every list view works on. *Older results* asks the next
//! page.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::text;
use crate::ui::app_state::{FoundTraces, Loader};
use crate::ui::load::backend::fetching;
use crate::ui::load::backend_search;
use crate::ui::shared::clock;
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::view_model::backend::{trace_id, BackendTrace};
use crate::view_model::backend_answers::Found;
use crate::view_model::backend_search::FoundSet;

/// Height of one row, in CSS pixels (`.found-list td` in the stylesheet).
const ROW_PX: f64 = 30.0;

/// Where a found trace is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fetch {
    /// Only its summary is here.
    Found,
    /// Being fetched.
    Fetching,
    /// Loaded: it is in the list below.
    Loaded,
    /// Fetching failed (the messages above say why).
    Failed,
}

impl Fetch {
    fn name(self) -> &'static str {
        match self {
            Fetch::Found => "found",
            Fetch::Fetching => "fetching",
            Fetch::Loaded => "loaded",
            Fetch::Failed => "failed",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Fetch::Found => "",
            Fetch::Fetching => "fetching…",
            Fetch::Loaded => "fetched",
            Fetch::Failed => "failed",
        }
    }
}

/// The ids (32 hex digits) of the loaded traces, once per change of them.
type LoadedIds = Memo<Arc<HashSet<String>>>;

/// Where `found` (from `base`) is now; tracks the loaded ids, the loading
/// and the messages.
fn fetch_state(loader: Loader, loaded: LoadedIds, base: &str, found: &Found) -> Fetch {
    if loaded.with(|ids| ids.contains(&found.trace_hex)) {
        return Fetch::Loaded;
    }
    let Ok(trace) = BackendTrace::new(base, &found.trace_hex) else {
        return Fetch::Failed;
    };
    let name = trace.name();
    loader.loading.files.track();
    if fetching(&name) {
        return Fetch::Fetching;
    }
    let failed = loader
        .messages
        .errors
        .with(|es| es.iter().any(|e| e.file == name));
    if failed {
        Fetch::Failed
    } else {
        Fetch::Found
    }
}

fn number(n: Option<u64>) -> String {
    n.map_or_else(|| String::from("–"), |n| n.to_string())
}

/// One found trace's row.
fn row(loader: Loader, loaded: LoadedIds, base: Arc<str>, found: Found) -> impl IntoView {
    let state = {
        let (base, found) = (Arc::clone(&base), found.clone());
        Memo::new(move |_| fetch_state(loader, loaded, &base, &found))
    };
    let href = BackendTrace::new(&base, &found.trace_hex)
        .map(|t| t.hash())
        .unwrap_or_default();
    let id = found.trace_hex.clone();
    let short = trace_id(&id).map(|t| t.short()).unwrap_or_default();
    let start = found.start_unix_nanos;
    let duration = found.duration_nanos;
    let pick = move |_| {
        if state.get_untracked() != Fetch::Loaded {
            backend_search::fetch(loader, &base, std::slice::from_ref(&id));
        }
    };
    view! {
        <tr
            class="found-row"
            data-testid="found-row"
            data-trace-id=found.trace_hex.clone()
            data-state=move || state.get().name()
            data-span-count=found.span_count
            data-duration-us=duration.map(text::micros_attr)
            data-start-us=text::micros_attr(start)
        >
            <td class="pick">
                <input
                    type="checkbox"
                    data-testid="found-fetch"
                    title="Tick to fetch this trace"
                    prop:checked=move || matches!(state.get(), Fetch::Loaded | Fetch::Fetching)
                    prop:disabled=move || matches!(state.get(), Fetch::Loaded | Fetch::Fetching)
                    on:change=pick
                />
            </td>
            <td class="name">
                <a href=href data-testid="found-name">{found.root.clone()}</a>
                <span class="trace-id">{short}</span>
            </td>
            <td class="num">{number(found.span_count)}</td>
            <td class="num">{number(found.service_count)}</td>
            <td class="num">{duration.map_or_else(|| String::from("–"), text::duration)}</td>
            <td class="num errors">{number(found.error_count)}</td>
            <td>{move || clock::absolute(start)}</td>
            <td class="muted">{move || state.get().words()}</td>
        </tr>
    }
}

/// The search's results, with *Fetch all*, *Older results* and *Clear*.
#[component]
pub fn FoundList() -> impl IntoView {
    let (found, loader) = (expect_context::<FoundTraces>(), expect_context::<Loader>());
    move || {
        found
            .get()
            .map(|set| view! { <FoundTable set=set found=found loader=loader /> })
    }
}

#[component]
fn FoundTable(set: Arc<FoundSet>, found: FoundTraces, loader: Loader) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let base: Arc<str> = Arc::from(set.base.as_str());
    let count = set.results.len();
    let loaded: LoadedIds = Memo::new(move |_| {
        Arc::new(
            loader
                .traces
                .with(|ts| ts.iter().map(|t| t.id.to_hex()).collect()),
        )
    });
    let fetched = {
        let set = Arc::clone(&set);
        Memo::new(move |_| {
            loaded.with(|ids| {
                set.results
                    .iter()
                    .filter(|f| ids.contains(&f.trace_hex))
                    .count()
            })
        })
    };
    let rows_view = VirtualRows::new(ROW_PX, 10);
    let rows = {
        let (set, base) = (Arc::clone(&set), Arc::clone(&base));
        move |range: std::ops::Range<usize>| {
            set.results
                .get(range)
                .unwrap_or(&[])
                .iter()
                .map(|f| row(loader, loaded, Arc::clone(&base), f.clone()))
                .collect_view()
        }
    };
    let fetch_all = {
        let (set, base) = (Arc::clone(&set), Arc::clone(&base));
        move |_| {
            let ids: Vec<String> = set.results.iter().map(|f| f.trace_hex.clone()).collect();
            backend_search::fetch(loader, &base, &ids);
        }
    };
    let older = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = backend_search::older(loader, found).await;
            busy.set(false);
            problem.set(outcome.err());
        });
    };
    let has_older = set.older().is_some();
    let header = view! {
        <tr>
            <th></th>
            <th>"Trace"</th>
            <th class="num">"Spans"</th>
            <th class="num">"Services"</th>
            <th class="num">"Duration"</th>
            <th class="num">"Errors"</th>
            <th>"Start"</th>
            <th></th>
        </tr>
    };
    let heading = format!(
        "Found on {} ({}): {}",
        set.base,
        set.query.kind().label(),
        set.query.describe()
    );
    view! {
        <section class="found" data-testid="found">
            <div class="compare-bar">
                <strong class="found-what" title=heading.clone()>{heading.clone()}</strong>
                <span
                    class="muted"
                    data-testid="found-status"
                    data-count=count
                    data-fetched=move || fetched.get()
                >
                    {move || format!("{}, {} fetched", text::counted(count as u64, "trace"), fetched.get())}
                </span>
                <button
                    class="small"
                    data-testid="found-fetch-all"
                    disabled=move || fetched.get() == count
                    on:click=fetch_all
                >
                    {format!("Fetch all {count}")}
                </button>
                {has_older
                    .then(|| {
                        view! {
                            <button class="small" data-testid="found-older" disabled=move || busy.get() on:click=older>
                                "Older results"
                            </button>
                        }
                    })}
                <button class="small" data-testid="found-clear" on:click=move |_| found.set(None)>
                    "Clear"
                </button>
            </div>
            {move || problem.get().map(|p| view! { <p class="backend-problem" role="alert" data-testid="found-error">{p}</p> })}
            {(count == 0)
                .then(|| {
                    view! {
                        <p class="muted" data-testid="found-none">
                            "Nothing found: widen the time, or loosen the search."
                        </p>
                    }
                })}
            <VirtualTable rows_view=rows_view count=Signal::derive(move || count) header=header rows=rows scroll_class="trace-list found-list" />
        </section>
    }
}
