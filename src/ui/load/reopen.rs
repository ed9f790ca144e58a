//! No crash loop: a file that runs the tab out of memory must not be
//! reopened on its own at every later visit. Two marks in local storage say
//! how the last visit ended — the crash banner was shown ([`ASK_KEY`], set
//! by [`mark_crashed`]), or a load was running ([`RUNNING_KEY`], set while
//! any file holds a share of the memory budget) — and after either the
//! next visit lists the kept files and asks ([`ReopenPrompt`]) instead of
//! reopening them (the decision: [`crate::view_model::kept`]). Skipping
//! opens an empty page and keeps the files; the question comes back on
//! later visits until they are reopened or forgotten.

use std::cell::RefCell;

use leptos::prelude::*;

use crate::ui::shared::js::local_storage;
use crate::view_model::kept::{listed, LastVisit};

/// Set when the crash banner was shown, or a visit asked and the user has
/// not said "reopen" since.
const ASK_KEY: &str = "trace-viewer-ask-reopen";
/// Set while a load runs.
const RUNNING_KEY: &str = "trace-viewer-load-running";

fn set(key: &str, on: bool) {
    if let Some(storage) = local_storage() {
        let _ = if on {
            storage.set_item(key, "1")
        } else {
            storage.remove_item(key)
        };
    }
}

fn is_set(key: &str) -> bool {
    local_storage().is_some_and(|s| s.get_item(key).ok().flatten().is_some())
}

/// The crash banner is shown: the next visit asks before reopening.
pub fn mark_crashed() {
    set(ASK_KEY, true);
}

/// Loads started (`true`) or all ended (`false`).
pub fn mark_loading(running: bool) {
    set(RUNNING_KEY, running);
}

/// Nothing is kept any more (forgotten): nothing to ask about.
pub fn clear_ask() {
    set(ASK_KEY, false);
}

/// How the last visit ended; read once at start. A load that was running
/// then becomes a question kept until answered.
pub fn last_visit() -> LastVisit {
    let last = LastVisit {
        asked_to_ask: is_set(ASK_KEY),
        load_running: is_set(RUNNING_KEY),
    };
    if last.load_running {
        set(ASK_KEY, true);
        set(RUNNING_KEY, false);
    }
    last
}

/// The kept files waiting for an answer (name, size), empty when none.
#[derive(Clone, Copy)]
pub struct ReopenAsk(pub RwSignal<Vec<(String, u64)>>);

thread_local! {
    /// What "Reopen" does.
    static PENDING: RefCell<Option<Box<dyn FnOnce()>>> = RefCell::new(None);
}

/// Provides the prompt's state (empty).
pub fn provide() -> ReopenAsk {
    let ask = ReopenAsk(RwSignal::new(Vec::new()));
    provide_context(ask);
    ask
}

/// Shows the prompt for `files`; "Reopen" runs `reopen`.
pub fn ask(ask: ReopenAsk, files: Vec<(String, u64)>, reopen: Box<dyn FnOnce()>) {
    PENDING.with(|p| *p.borrow_mut() = Some(reopen));
    ask.0.set(files);
}

/// The prompt after a crash: the kept files and "Reopen them" / "Start empty".
#[component]
pub fn ReopenPrompt() -> impl IntoView {
    let Some(ReopenAsk(files)) = use_context::<ReopenAsk>() else {
        return ().into_any();
    };
    let allow = move |_| {
        clear_ask();
        files.set(Vec::new());
        if let Some(reopen) = PENDING.with(|p| p.borrow_mut().take()) {
            reopen();
        }
    };
    let skip = move |_| {
        files.set(Vec::new());
        PENDING.with(|p| p.borrow_mut().take());
    };
    (move || {
        let shown = files.get();
        (!shown.is_empty()).then(|| {
            let n = shown.len();
            let items = listed(&shown)
                .into_iter()
                .map(|line| view! { <li data-testid="reopen-file">{line}</li> })
                .collect_view();
            view! {
                <div class="reopen-prompt" role="alertdialog" data-testid="reopen-prompt" data-count=n>
                    <p>
                        <strong>"The last visit ended in a crash or while a file was loading. "</strong>
                        {if n == 1 {
                            String::from("This file is kept in this browser (never uploaded); reopen it?")
                        } else {
                            format!("These {n} files are kept in this browser (never uploaded); reopen them?")
                        }}
                    </p>
                    <ul>{items}</ul>
                    <p class="muted">"If one of them made the tab run out of memory, start empty and use \u{201c}Forget\u{201d}, or open fewer files."</p>
                    <button class="button" data-testid="reopen-allow" on:click=allow>
                        "Reopen"
                    </button>
                    " "
                    <button class="button" data-testid="reopen-skip" on:click=skip>
                        "Start empty (keep them)"
                    </button>
                </div>
            }
        })
    })
    .into_any()
}
