//! Light and dark themes: the system setting by default, switchable, the
//! choice remembered in local storage. The stylesheet keys off
//! `<html data-theme>` (absent = follow the system).

use leptos::prelude::*;

use crate::ui::app_state::ThemeChoice;
use crate::ui::shared::js::local_storage;
use crate::view_model::theme::Theme;

const KEY: &str = "trace-viewer-theme";

/// The theme saved by an earlier visit.
pub fn saved() -> Theme {
    Theme::from_saved(
        local_storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .as_deref(),
    )
}

/// True when the page is dark now.
fn is_dark(theme: Theme) -> bool {
    match theme {
        Theme::Light => false,
        Theme::Dark => true,
        Theme::System => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// Sets `<html data-theme>` and remembers the choice.
pub fn apply(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let name = theme.saved_name();
    match name {
        Some(n) => {
            let _ = root.set_attribute("data-theme", n);
        }
        None => {
            let _ = root.remove_attribute("data-theme");
        }
    }
    if let Some(s) = local_storage() {
        let _ = match name {
            Some(n) => s.set_item(KEY, n),
            None => s.remove_item(KEY),
        };
    }
}

/// The switch in the top bar: flips between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<ThemeChoice>();
    let dark = move || is_dark(theme.get());
    view! {
        <button
            class="small theme-toggle"
            data-testid="theme-toggle"
            title="Switch between light and dark"
            on:click=move |_| {
                let next = if is_dark(theme.get_untracked()) { Theme::Light } else { Theme::Dark };
                apply(next);
                theme.set(next);
            }
        >
            {move || if dark() { "☀ Light" } else { "☾ Dark" }}
        </button>
    }
}
