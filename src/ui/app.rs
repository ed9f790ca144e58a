//! The whole page: the top bar, the messages, and the page the route asks for.

use leptos::prelude::*;

use crate::ui::app_state::{
    current_hash, hash_page_state, provide_app_state, FoundTraces, ListState, Traces,
};
use crate::ui::{compare, load, shared, trace_list, trace_page};
use crate::view_model::address;
use crate::view_model::route::Route;
use crate::view_model::url_state::ListParams;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = provide_app_state(shared::theme::saved(), shared::clock::saved());
    shared::theme::apply(state.theme.get_untracked());
    let loader = state.loader;
    let (nav, traces, list) = (loader.nav, loader.traces, state.list.params);
    let consent = load::consent::Consent::new();
    provide_context(consent);
    load::download::Downloads::provide();
    let links_import = trace_page::links_import::LinksImport::provide();
    let listener = window_event_listener(leptos::ev::hashchange, move |ev| {
        let hash = current_hash();
        // `#links=` pasted over this page: ask, then show the page as it was.
        let before = ev.old_url();
        let before = before.split_once('#').map_or("#/", |(_, h)| h);
        if links_import.offer(&hash, format!("#{}", before.trim_start_matches('#'))) {
            return;
        }
        // A `#url=` typed over this page's address (the browser does not
        // reload the page): load it, and keep showing what is shown meanwhile.
        if load::download::load_from_new_fragment(loader, consent, &hash) {
            return;
        }
        // `#/trace/<id>?source=<backend>`: fetch it, unless it is loaded.
        load::backend::open_from_hash(loader, consent, &hash);
        let route = Route::from_hash(&hash);
        if route == Route::Home {
            let params = ListParams::from_hash(&hash);
            if list.with_untracked(|l| *l != params) {
                list.set(params);
            }
        }
        if nav.route.get_untracked() == route {
            nav.page.set(hash_page_state());
        } else {
            nav.route.set(route);
        }
    });
    on_cleanup(move || listener.remove());
    let url = load::download::url_parameter();
    let initial_hash = current_hash();
    // `#links=<json>` (a shared set of links out): ask before adding them.
    links_import.offer(&initial_hash, list.with_untracked(|l| l.to_hash()));
    // Files kept from the last visit open again (a `?url=` file, or a trace
    // from a backend, loads anew).
    load::keep::start(
        loader.messages,
        url.as_deref()
            .map(|u| address::quote(u.trim()))
            .or_else(|| load::backend::kept_name(&initial_hash)),
        move |sources| load::loader::load_sources(loader, sources),
    );
    // Another page may post traces (docs/embedding.md).
    load::post_message::start(loader, consent);
    // The offline copy of the page's own files, once the page has painted.
    let new_version = shared::offline::NewVersion(RwSignal::new(false));
    provide_context(new_version);
    set_timeout(
        move || shared::offline::start(new_version),
        std::time::Duration::from_millis(500),
    );
    // `#/trace/<id>?source=<backend>`: fetch that trace now.
    load::backend::open_from_hash(loader, consent, &initial_hash);
    match url {
        // `?url=<address>` or `#url=<address>`: load that file now.
        Some(url) => load::download::load_from_url(loader, consent, url),
        // After the first paint, while the user finds a file.
        None => set_timeout(
            || {
                leptos::task::spawn_local(async {
                    // The spare worker gets the compiled module, not its address.
                    let _ = load::reader::module().await;
                    load::workers::warm_up();
                    load::reader::warm_up().await;
                })
            },
            std::time::Duration::from_millis(50),
        ),
    }

    let found = expect_context::<FoundTraces>();
    // A memo: adding a trace (a background fetch among them) must not
    // rebuild the list page, only going from nothing to something.
    let nothing = Memo::new(move |_| traces.with(Vec::is_empty) && found.with(Option::is_none));
    let find = move |id: &str| traces.with(|ts| ts.iter().find(|t| t.id.to_hex() == id).cloned());
    let page = move || match nav.route.get() {
        Route::Trace(id) => match find(&id) {
            Some(trace) => view! { <trace_page::TracePage trace=trace /> }.into_any(),
            None => view! { <load::view::Landing missing=Some(id) /> }.into_any(),
        },
        Route::Compare(a, b) => match (find(&a), find(&b)) {
            (Some(ta), Some(tb)) => view! { <compare::ComparePage a=ta b=tb /> }.into_any(),
            (None, _) => view! { <load::view::Landing missing=Some(a) /> }.into_any(),
            (_, None) => view! { <load::view::Landing missing=Some(b) /> }.into_any(),
        },
        Route::Baseline(id) => match find(&id) {
            Some(trace) => view! { <compare::BaselinePage trace=trace /> }.into_any(),
            None => view! { <load::view::Landing missing=Some(id) /> }.into_any(),
        },
        Route::Home => {
            if nothing.get() {
                view! { <load::view::Landing missing=None /> }.into_any()
            } else {
                view! { <trace_list::TraceList /> }.into_any()
            }
        }
    };

    view! {
        <load::view::DropTarget>
            <header class="topbar">
                <a class="brand" href="#/">"Trace viewer"</a>
                <TracesLink />
                <load::view::DropZone />
                <load::keep::KeepControls />
                <load::consent::AllowedOrigins />
                <shared::clock::ZoneToggle />
                <shared::theme::ThemeToggle />
            </header>
            <load::consent::Prompts on_post=move |origin, answer| {
                load::post_message::answer(loader, consent, &origin, answer)
            } />
            <trace_page::links_import::LinksImportPrompt />
            <load::view::LoadProgress />
            <load::download::DownloadProgress />
            <load::reopen::ReopenPrompt />
            <shared::offline::NewVersionNote />
            <load::view::Messages />
            <main class="page">{page}</main>
        </load::view::DropTarget>
    }
}

/// "N traces" link back to the list (keeping its filter), shown once
/// something is loaded; with a filter, how many pass it.
#[component]
fn TracesLink() -> impl IntoView {
    let traces = expect_context::<Traces>();
    let list = expect_context::<ListState>();
    move || {
        let n = traces.with(|t| t.len());
        let shown = list.shown.with(|s| s.indices.len());
        let href = list.params.with(|l| l.to_hash());
        (n > 0).then(|| {
            let text = if shown == n {
                crate::model::text::counted(n as u64, "trace")
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
