//! A labelled checkbox bound to one flag: the page's toggles ("Critical
//! path", "Group repeats", "Only matches", …).

use leptos::prelude::*;

/// `<label class="check">` around a checkbox that shows and flips `on`,
/// with the hook `data-testid=testid` on the box and `title` as its tip.
pub fn check(
    on: RwSignal<bool>,
    label: &'static str,
    title: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <label class="check" title=title>
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || on.get()
                on:change=move |_| on.update(|v| *v = !*v)
            />
            {label}
        </label>
    }
}
