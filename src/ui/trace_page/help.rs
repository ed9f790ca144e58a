//! The list of keyboard shortcuts and gestures (`?`), read from the one
//! key table in `view_model::keys`.

use leptos::prelude::*;

use crate::ui::trace_page::state::HelpShown;
use crate::view_model::keys::{GESTURES, KEYS};

/// The list of keys and gestures (from [`KEYS`] and [`GESTURES`]), shown
/// while the help is on.
pub fn help_overlay() -> impl IntoView {
    let help = expect_context::<HelpShown>();
    move || {
        help.get().then(|| {
            let keys = KEYS
                .iter()
                .map(|row| view! { <tr><th><kbd>{row.shown}</kbd></th><td>{row.does}</td></tr> })
                .collect_view();
            let gestures = GESTURES
                .iter()
                .map(|(g, does)| view! { <tr><th>{*g}</th><td>{*does}</td></tr> })
                .collect_view();
            view! {
                <div class="help-backdrop" on:click=move |_| help.set(false)>
                    <div class="help" data-testid="keyboard-help" role="dialog" aria-label="Keyboard shortcuts">
                        <h3>"Keyboard"</h3>
                        <table>{keys}</table>
                        <h3>"Mouse and touchpad"</h3>
                        <table>{gestures}</table>
                    </div>
                </div>
            }
        })
    }
}
