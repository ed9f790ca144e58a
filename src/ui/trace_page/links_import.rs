//! Link templates an address brings (`#links=<json>`, made by the editor's
//! "Copy share link"). They come from outside the page, so they are shown
//! first and added only on "Add them"; either answer takes `links=` out of
//! the address again.

use leptos::prelude::*;

use crate::ui::app_state::{replace_hash, LinkTemplates};
use crate::ui::trace_page::links_out::save;
use crate::view_model::links_out::{LinkTemplate, Scope};
use crate::view_model::links_out_list::{from_json, import_text, json_in_fragment, merge};

/// What an address offered, waiting for the user's answer.
#[derive(Clone, Debug)]
struct Offer {
    /// The templates, or why they cannot be read.
    templates: Result<Vec<LinkTemplate>, String>,
    /// The hash to show once answered.
    restore: String,
    /// Why adding failed (the list would grow past its limit).
    error: Option<String>,
}

/// The prompt's handle, provided by the page.
#[derive(Clone, Copy)]
pub struct LinksImport {
    offer: RwSignal<Option<Offer>>,
    templates: LinkTemplates,
}

impl LinksImport {
    /// Makes the handle and provides it (after the app state).
    pub fn provide() -> LinksImport {
        let handle = LinksImport {
            offer: RwSignal::new(None),
            templates: expect_context::<LinkTemplates>(),
        };
        provide_context(handle);
        handle
    }

    /// Shows the prompt when `hash` is `#links=…`; true when it was.
    /// `restore` is the hash to show once the user has answered.
    pub fn offer(self, hash: &str, restore: String) -> bool {
        let Some(json) = json_in_fragment(hash) else {
            return false;
        };
        self.offer.set(Some(Offer {
            templates: from_json(&json),
            restore,
            error: None,
        }));
        true
    }

    fn answer(self, add: bool) {
        let Some(offer) = self.offer.get_untracked() else {
            return;
        };
        if let (true, Ok(incoming)) = (add, &offer.templates) {
            let templates = self.templates;
            match templates.with_untracked(|stored| merge(stored, incoming)) {
                Ok((list, _)) => save(templates, list),
                Err(e) => {
                    self.offer.set(Some(Offer {
                        error: Some(e),
                        ..offer
                    }));
                    return;
                }
            }
        }
        self.offer.set(None);
        replace_hash(&offer.restore);
    }
}

fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::Trace => String::from("for the trace"),
        Scope::Span => String::from("for every span"),
        Scope::Key(key) => format!("for spans with {key}"),
    }
}

/// The prompt, above the page's messages, while an address's templates wait.
#[component]
pub fn LinksImportPrompt() -> impl IntoView {
    let handle = expect_context::<LinksImport>();
    move || {
        let offer = handle.offer.get()?;
        let (text, items, readable) = match &offer.templates {
            Ok(list) => (
                import_text(list.len()),
                list.iter()
                    .map(|t| {
                        view! {
                            <li data-testid="links-import-item" data-template=t.label().to_string()>
                                <strong>{t.label().to_string()}</strong>
                                " "
                                <span class="muted">{scope_text(t.scope())}</span>
                                <code class="links-import-url">{t.url().to_string()}</code>
                            </li>
                        }
                    })
                    .collect_view()
                    .into_any(),
                true,
            ),
            Err(e) => (
                format!("This address carries link templates that cannot be read: {e}"),
                ().into_any(),
                false,
            ),
        };
        Some(view! {
            <div class="consent links-import" role="alertdialog" data-testid="links-import-prompt">
                <div class="msg">
                    <p>{text}</p>
                    <ul class="links-import-list">{items}</ul>
                    {offer.error.map(|e| view! { <p class="links-error" role="alert" data-testid="links-import-error">{e}</p> })}
                </div>
                {readable.then(|| view! {
                    <button class="button primary" data-testid="links-import-accept" on:click=move |_| handle.answer(true)>
                        "Add them"
                    </button>
                })}
                <button class="button" data-testid="links-import-ignore" on:click=move |_| handle.answer(false)>
                    "Ignore"
                </button>
            </div>
        })
    }
}
