//! The *Backend…* panel's search forms: Jaeger's (service and operation
//! lists asked of the server, tags, durations) and Tempo's (a TraceQL query,
//! with tag and value lists asked of the server that add a condition). A
//! search shows its results on the trace list, as summaries.

use leptos::prelude::*;

use crate::ui::load::backend_search;
use crate::ui::load::backend_state::{field, input, time_limit_search, Look, PanelState};
use crate::view_model::backend_search::{self as search, JaegerSearch, Query, TempoSearch, Window};
use crate::view_model::route::Route;

/// Asks the list at `url` (from the committed address) into `into`.
fn load_list(state: PanelState, what: &'static str, url: String, into: RwSignal<Vec<String>>) {
    let (loader, base) = (state.loader, state.committed.get_untracked());
    let Some(base) = base else {
        return;
    };
    state.ask(what, async move {
        let names = backend_search::names(loader, &base, &url).await?;
        into.try_set(names);
        Ok(())
    });
}

/// A `<select>` of `names`, after `all` (the empty value: none chosen).
fn picker(
    label: &'static str,
    testid: &'static str,
    all: &'static str,
    names: RwSignal<Vec<String>>,
    value: RwSignal<String>,
    on_change: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let options = move || {
        names.with(|ns| {
            ns.iter()
                .map(|n| view! { <option value=n.clone()>{n.clone()}</option> })
                .collect_view()
        })
    };
    view! {
        <label class="backend-field">
            <span>{label}</span>
            <select
                data-testid=testid
                data-count=move || names.with(Vec::len)
                prop:value=move || value.get()
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    on_change();
                }
            >
                <option value="">{all}</option>
                {options}
            </select>
        </label>
    }
}

/// Runs `query` over the time chosen, then shows the trace list.
fn search_now(state: PanelState, query: Query) {
    let (loader, found, nav) = (state.loader, state.found, state.nav);
    let Some(base) = state.prepare() else {
        return;
    };
    let now_us = (js_sys::Date::now() * 1_000.0) as u64;
    let window = Window::last(state.lookback_secs.get_untracked(), now_us);
    state.ask("Searching…", async move {
        backend_search::run(loader, found, base, query, window).await?;
        nav.navigate(Route::Home);
        state.done.try_set(true);
        Ok(())
    });
}

/// Jaeger's search: service, operation, tags, durations.
#[component]
pub fn JaegerForm() -> impl IntoView {
    let state = expect_context::<PanelState>();
    let services = RwSignal::new(Vec::<String>::new());
    let operations = RwSignal::new(Vec::<String>::new());
    let service = RwSignal::new(String::new());
    let operation = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let min = RwSignal::new(String::new());
    let max = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(base) = state.committed.get() {
            load_list(
                state,
                "Asking for the services…",
                search::services_url(&base),
                services,
            );
        }
    });
    let on_service = move || {
        operation.set(String::new());
        operations.set(Vec::new());
        let (name, base) = (service.get_untracked(), state.committed.get_untracked());
        if let (false, Some(base)) = (name.is_empty(), base) {
            let url = search::operations_url(&base, &name);
            load_list(state, "Asking for the operations…", url, operations);
        }
    };
    let submit = move || {
        let Some(limit) = state.limit() else {
            return;
        };
        let query = JaegerSearch {
            service: service.get_untracked(),
            operation: operation.get_untracked(),
            tags: tags.get_untracked(),
            min_duration: min.get_untracked(),
            max_duration: max.get_untracked(),
            limit,
        };
        search_now(state, Query::Jaeger(query));
    };
    view! {
        <div class="backend-row">
            {picker("Service", "backend-service", "Choose a service", services, service, on_service)}
            {picker("Operation", "backend-operation", "All operations", operations, operation, || {})}
        </div>
        <div class="backend-row">
            {field("Tags", "backend-tags", "error=true http.status_code=500", tags)}
            {field("Min duration", "backend-min", "100ms", min)}
            {field("Max duration", "backend-max", "2s", max)}
        </div>
        {time_limit_search(state, submit)}
    }
}

/// Tempo's search: a TraceQL query, with tag and value lists that add a
/// condition to it.
#[component]
pub fn TempoForm() -> impl IntoView {
    let state = expect_context::<PanelState>();
    let tags = RwSignal::new(Vec::<String>::new());
    let values = RwSignal::new(Vec::<String>::new());
    let tag = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let query = RwSignal::new(String::from("{}"));
    Effect::new(move |_| {
        if let Some(base) = state.committed.get() {
            load_list(state, "Asking for the tags…", search::tags_url(&base), tags);
        }
    });
    let on_tag = move || {
        value.set(String::new());
        values.set(Vec::new());
        let (name, base) = (tag.get_untracked(), state.committed.get_untracked());
        if let (false, Some(base)) = (name.is_empty(), base) {
            let url = search::tag_values_url(&base, &name);
            load_list(state, "Asking for the values…", url, values);
        }
    };
    let add = move |_| {
        let (t, v) = (tag.get_untracked(), value.get_untracked());
        if !t.is_empty() {
            query.update(|q| *q = search::add_condition(q, &t, &v));
        }
    };
    let submit = move || {
        let Some(limit) = state.limit() else {
            return;
        };
        let search = TempoSearch {
            query: query.get_untracked(),
            limit,
        };
        search_now(state, Query::Tempo(search));
    };
    view! {
        {input(
            Look {
                label: "TraceQL",
                testid: "backend-traceql",
                placeholder: "{ resource.service.name = \"api\" && status = error }",
                ..Look::default()
            },
            query,
            || {},
            submit,
        )}
        <div class="backend-row end">
            {picker("Tag", "backend-tag", "Choose a tag", tags, tag, on_tag)}
            {picker("Value", "backend-tag-value", "Choose a value", values, value, || {})}
            <button class="button" data-testid="backend-add-condition" on:click=add>
                "Add to query"
            </button>
        </div>
        {time_limit_search(state, submit)}
    }
}
