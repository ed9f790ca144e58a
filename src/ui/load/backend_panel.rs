//! The top bar's *Backend…* panel: the address of a Jaeger or Tempo server
//! (remembered in this browser) and a trace id, opened as
//! `#/trace/<id>?source=<address>`.

use leptos::prelude::*;

use crate::ui::app_state::Loader;
use crate::ui::load::backend::{save_address, saved_address, show};
use crate::view_model::backend::BackendTrace;

/// The address and trace-id fields, their problem if any, and *Open*.
#[component]
pub fn BackendPanel(
    /// Closes the panel.
    close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let address: NodeRef<leptos::html::Input> = NodeRef::new();
    let trace_id: NodeRef<leptos::html::Input> = NodeRef::new();
    let problem = RwSignal::new(None::<String>);
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let close_after = close.clone();
    let submit = move || {
        let (Some(address), Some(trace_id)) = (address.get_untracked(), trace_id.get_untracked())
        else {
            return;
        };
        match BackendTrace::new(&address.value(), &trace_id.value()) {
            Ok(trace) => {
                save_address(&trace.base);
                problem.set(None);
                show(loader, trace);
                close_after();
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    let on_key = {
        let submit = submit.clone();
        let close = close.clone();
        move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
            "Enter" => submit(),
            "Escape" => close(),
            _ => {}
        }
    };
    view! {
        <div class="paste-panel backend-panel" data-testid="backend-panel">
            <label class="backend-field">
                <span>"Jaeger or Tempo address"</span>
                <input
                    type="text"
                    node_ref=address
                    data-testid="backend-address"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder="http://localhost:16686 (Jaeger) or http://localhost:3200 (Tempo)"
                    value=saved_address()
                    on:keydown=on_key.clone()
                />
            </label>
            <label class="backend-field">
                <span>"Trace id"</span>
                <input
                    type="text"
                    node_ref=trace_id
                    data-testid="backend-trace-id"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="4bf92f3577b34da6a3ce929d0e0e4736"
                    on:keydown=on_key
                />
            </label>
            {move || {
                problem
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
                "Fetched by your browser from /api/traces/<id> (Jaeger, Tempo) or "
                "/api/v2/traces/<id> (Tempo). The server must allow this page's origin, "
                <code>{origin}</code>
                ", with CORS. The address is remembered in this browser."
            </p>
            <div class="paste-actions">
                <button class="button primary" data-testid="backend-open" on:click=move |_| submit()>
                    "Open"
                </button>
                <button class="button" on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}
