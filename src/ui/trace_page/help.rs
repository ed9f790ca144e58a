//! The list of keyboard shortcuts (`?`).

use leptos::prelude::*;

use crate::ui::trace_page::state::TraceState;

const KEYS: [(&str, &str); 11] = [
    ("↑ ↓", "previous / next row"),
    ("← →", "collapse / expand, or go to parent / first child"),
    ("Enter", "open the span's detail"),
    ("Esc", "close the detail (or this help)"),
    ("/", "find in trace"),
    ("n  N", "next / previous match"),
    (
        "Enter  Shift+Enter",
        "in the find box: next / previous match",
    ),
    ("[  ]", "zoom in / out around the selected span"),
    ("0", "reset zoom"),
    (
        "t s f g a e l",
        "timeline, statistics, flame graph, service graph, span table, events, logs",
    ),
    ("?", "show or hide this help"),
];

pub fn help_overlay(st: TraceState) -> impl IntoView {
    move || {
        st.help.get().then(|| {
            let rows = KEYS
                .iter()
                .map(|(k, what)| view! { <tr><th><kbd>{*k}</kbd></th><td>{*what}</td></tr> })
                .collect_view();
            view! {
                <div class="help-backdrop" on:click=move |_| st.help.set(false)>
                    <div class="help" data-testid="keyboard-help" role="dialog" aria-label="Keyboard shortcuts">
                        <h3>"Keyboard"</h3>
                        <table>{rows}</table>
                    </div>
                </div>
            }
        })
    }
}
