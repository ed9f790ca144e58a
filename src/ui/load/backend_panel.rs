//! The top bar's *Backend…* panel: the address of a Jaeger or Tempo server
//! (remembered in this browser), its API, an optional login (kept for this
//! tab only), a search ([`super::backend_form`]) and a trace id, opened as
//! `#/trace/<id>?source=<address>`.

use leptos::prelude::*;

use crate::ui::app_state::{FoundTraces, Loader};
use crate::ui::load::backend::{keep_login, kept_login, show};
use crate::ui::load::backend_form::{JaegerForm, TempoForm};
use crate::ui::load::backend_state::{field, input, Look, PanelState};
use crate::view_model::backend::BackendTrace;
use crate::view_model::backend_login::{auth_origin, AuthKind};
use crate::view_model::backend_search::BackendKind;

/// The address, API, login, search and trace-id fields, what is wrong if
/// anything, and *Open*.
#[component]
pub fn BackendPanel(
    /// Closes the panel.
    close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let state = PanelState::new(loader, expect_context::<FoundTraces>());
    provide_context(state);
    let trace_id = RwSignal::new(String::new());
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let close_after = close.clone();
    Effect::new(move |_| {
        if state.done.get() {
            close_after();
        }
    });
    let open = move || {
        let trace = BackendTrace::new(&state.address.get_untracked(), &trace_id.get_untracked());
        match trace {
            Ok(trace) => {
                if state.prepare().is_some() {
                    show(loader, trace);
                    state.done.set(true);
                }
            }
            Err(message) => state.problem.set(Some(message)),
        }
    };
    let on_key = {
        let close = close.clone();
        move |ev: web_sys::KeyboardEvent| {
            if ev.key() == "Escape" {
                close();
            }
        }
    };
    let commit = move || state.commit();
    let kinds = BackendKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.label()>{k.label()}</option> })
        .collect_view();
    let auths = AuthKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.name()>{k.label()}</option> })
        .collect_view();
    let kept = move || {
        state.committed.get();
        let origin = kept_login().and_then(|k| auth_origin(&k).map(str::to_string))?;
        Some(view! {
            <span class="hint" data-testid="backend-login-kept">
                {format!("A login is kept for {origin} in this tab. ")}
                <button
                    class="link-button"
                    data-testid="backend-login-forget"
                    on:click=move |_| {
                        keep_login("", None);
                        state.committed.update(|_| {});
                    }
                >
                    "Forget it"
                </button>
            </span>
        })
    };
    view! {
        <div class="paste-panel backend-panel" data-testid="backend-panel" on:keydown=on_key>
            <div class="backend-row">
                <label class="backend-field grow">
                    <span>"Jaeger or Tempo address"</span>
                    <input
                        type="text"
                        data-testid="backend-address"
                        inputmode="url"
                        autocomplete="url"
                        spellcheck="false"
                        placeholder="http://localhost:16686 (Jaeger) or http://localhost:3200 (Tempo)"
                        prop:value=move || state.address.get()
                        on:input=move |ev| state.address.set(event_target_value(&ev))
                        on:change=move |_| {
                            state.switch(BackendKind::guess(&state.address.get_untracked()));
                            state.commit();
                        }
                    />
                </label>
                <label class="backend-field">
                    <span>"API"</span>
                    <select
                        data-testid="backend-kind"
                        prop:value=move || state.kind.get().label()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            let kind = BackendKind::ALL.into_iter().find(|k| k.label() == v);
                            state.switch(kind.unwrap_or_default());
                        }
                    >
                        {kinds}
                    </select>
                </label>
            </div>
            <div class="backend-row">
                <label class="backend-field">
                    <span>"Login"</span>
                    <select
                        data-testid="backend-auth"
                        prop:value=move || state.auth.get().name()
                        on:change=move |ev| state.auth.set(AuthKind::from_name(&event_target_value(&ev)))
                    >
                        {auths}
                    </select>
                </label>
                {move || match state.auth.get() {
                    AuthKind::None => kept().into_any(),
                    AuthKind::Bearer => {
                        let look = Look { label: "Token", testid: "backend-token", secret: true, grow: true, ..Look::default() };
                        input(look, state.secret, commit, || {}).into_any()
                    }
                    AuthKind::Basic => {
                        let look = Look { label: "Password", testid: "backend-password", secret: true, ..Look::default() };
                        view! {
                            {field("User", "backend-user", "", state.user)}
                            {input(look, state.secret, commit, || {})}
                        }
                        .into_any()
                    }
                }}
            </div>
            <fieldset class="backend-search" data-testid="backend-search">
                <legend>{move || format!("Search {}", state.kind.get().label())}</legend>
                {move || match state.kind.get() {
                    BackendKind::Jaeger => view! { <JaegerForm /> }.into_any(),
                    BackendKind::Tempo => view! { <TempoForm /> }.into_any(),
                }}
            </fieldset>
            <div class="backend-row end">
                {input(
                    Look {
                        label: "Or open one trace by id",
                        testid: "backend-trace-id",
                        placeholder: "4bf92f3577b34da6a3ce929d0e0e4736",
                        grow: true,
                        ..Look::default()
                    },
                    trace_id,
                    || {},
                    open,
                )}
                <button class="button" data-testid="backend-open" on:click=move |_| open()>
                    "Open"
                </button>
            </div>
            {move || state.busy.get().map(|what| view! { <p class="hint busy" data-testid="backend-busy">{what}</p> })}
            {move || {
                state
                    .problem
                    .get()
                    .map(|message| {
                        view! {
                            <p class="backend-problem" role="alert" data-testid="backend-error">
                                {message}
                            </p>
                        }
                    })
            }}
            <p class="hint">
                "Asked by your browser, from this page. The server must allow this page's origin, "
                <code>{origin}</code>
                ", with CORS. The address is remembered in this browser; a login is kept for this \
                 tab only and sent only to that address."
            </p>
            <div class="paste-actions">
                <button class="button" on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}
