//! The offline copy: registers the service worker the build writes
//! (`sw.js`, see `scripts/offline.mjs`) once the page has painted, and says
//! when a new version of the viewer has been installed (it opens from the
//! next visit; the page in use keeps running what it loaded).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// True once a new version has taken over from the one this page came from.
#[derive(Clone, Copy)]
pub struct NewVersion(pub RwSignal<bool>);

/// Registers `sw.js` (no-op where the browser has no service workers, or
/// the page is not served over http(s)).
pub fn start(new_version: NewVersion) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Absent outside a secure context (http:// beyond localhost) and in
    // some private modes: calling it would throw.
    let navigator = window.navigator();
    let has_workers = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .is_ok_and(|v| !v.is_undefined() && !v.is_null());
    if !has_workers {
        return;
    }
    let container = navigator.service_worker();
    // A page the worker already answered: a new worker is a new version.
    let controlled = container.controller().is_some();
    leptos::task::spawn_local(async move {
        let Ok(registered) = JsFuture::from(container.register("sw.js")).await else {
            return;
        };
        let Ok(registration) = registered.dyn_into::<web_sys::ServiceWorkerRegistration>() else {
            return;
        };
        if !controlled {
            return;
        }
        let on_update = Closure::<dyn Fn()>::new({
            let registration = registration.clone();
            move || {
                if let Some(worker) = registration.installing() {
                    note_when_active(&worker, new_version);
                }
            }
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        // An update found before the handler was set is installing already.
        if let Some(worker) = registration.installing() {
            note_when_active(&worker, new_version);
        }
    });
}

/// Shows the note once `worker` (a new version) has taken over.
fn note_when_active(worker: &web_sys::ServiceWorker, new_version: NewVersion) {
    let watched = worker.clone();
    let on_state = Closure::<dyn Fn()>::new(move || {
        if watched.state() == web_sys::ServiceWorkerState::Activated {
            new_version.0.try_set(true);
        }
    });
    worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

/// The note that a new version was installed (`data-testid="new-version"`).
#[component]
pub fn NewVersionNote() -> impl IntoView {
    let NewVersion(shown) = expect_context::<NewVersion>();
    move || {
        shown.get().then(|| {
            view! {
                <p class="new-version" role="status" data-testid="new-version">
                    "A new version of the viewer has been installed: it opens on your next visit or reload."
                    <button class="small" on:click=move |_| shown.set(false)>"OK"</button>
                </p>
            }
        })
    }
}
