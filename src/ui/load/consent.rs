//! The prompts that stand between the page and what comes from outside it:
//! files another page posts, and addresses a link makes the page fetch. The
//! rules and the words are [`crate::view_model::consent`]'s; this module
//! holds what waits for an answer and draws the prompts.

use std::cell::RefCell;

use leptos::prelude::*;

use crate::ui::shared::js::local_storage;
use crate::view_model::consent::{Origins, ALLOWED_ORIGINS_KEY};

/// A prompt about files another page posted: one per origin, covering every
/// message from it that waits.
#[derive(Clone, Debug, PartialEq)]
pub struct PostPrompt {
    /// The sender's origin.
    pub origin: String,
    /// What the prompt says.
    pub text: String,
}

/// A prompt about an address a link gave.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkPrompt {
    /// Which prompt (answers find their action by it).
    pub id: u32,
    /// The host it would fetch from.
    pub host: String,
    /// What the prompt says.
    pub text: String,
}

/// The prompts shown, and the origins the user has answered for.
#[derive(Clone, Copy)]
pub struct Consent {
    /// Posted files waiting, one prompt per origin.
    pub posts: RwSignal<Vec<PostPrompt>>,
    /// Link addresses waiting.
    pub links: RwSignal<Vec<LinkPrompt>>,
    /// The origins answered for (always allowed, this visit).
    pub origins: RwSignal<Origins>,
}

/// What happens once a prompt is answered: `true` for yes, and for posted
/// files whether the user ticked "keep".
type LinkAction = Box<dyn FnOnce(bool)>;

thread_local! {
    /// The actions of the link prompts shown, by id.
    static LINK_ACTIONS: RefCell<Vec<(u32, LinkAction)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl Consent {
    /// The handle, with the always-allowed origins read from local storage.
    pub fn new() -> Consent {
        let stored = local_storage()
            .and_then(|s| s.get_item(ALLOWED_ORIGINS_KEY).ok().flatten())
            .unwrap_or_default();
        Consent {
            posts: RwSignal::new(Vec::new()),
            links: RwSignal::new(Vec::new()),
            origins: RwSignal::new(Origins::from_stored(&stored)),
        }
    }

    /// Changes the origins and keeps the always-allowed ones in local storage.
    pub fn update_origins(self, change: impl FnOnce(&mut Origins)) {
        self.origins.update(change);
        let stored = self.origins.with_untracked(Origins::stored);
        if let Some(storage) = local_storage() {
            let _ = if stored.is_empty() {
                storage.remove_item(ALLOWED_ORIGINS_KEY)
            } else {
                storage.set_item(ALLOWED_ORIGINS_KEY, &stored)
            };
        }
    }

    /// Shows a prompt about a link's address; `answered` runs with the
    /// user's answer (and never runs if the page goes first).
    pub fn ask_link(self, host: String, text: String, answered: impl FnOnce(bool) + 'static) {
        let id = NEXT_ID.with(|n| {
            n.set(n.get().wrapping_add(1));
            n.get()
        });
        LINK_ACTIONS.with(|a| a.borrow_mut().push((id, Box::new(answered))));
        self.links
            .update(|ls| ls.push(LinkPrompt { id, host, text }));
    }

    fn answer_link(self, id: u32, yes: bool) {
        self.links.update(|ls| ls.retain(|l| l.id != id));
        let action = LINK_ACTIONS.with(|a| {
            let mut actions = a.borrow_mut();
            let at = actions.iter().position(|(i, _)| *i == id)?;
            Some(actions.swap_remove(at).1)
        });
        if let Some(action) = action {
            action(yes);
        }
    }
}

impl Default for Consent {
    fn default() -> Self {
        Consent::new()
    }
}

/// What the user answered about an origin's posted files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostAnswer {
    /// Allow this visit.
    Once {
        /// Keep the files for the next visit.
        keep: bool,
    },
    /// Allow from now on.
    Always {
        /// Keep the files for the next visit.
        keep: bool,
    },
    /// Deny this visit.
    Deny,
}

/// The prompts waiting for an answer, above the page's messages.
#[component]
pub fn Prompts(
    /// Told the answer about an origin's posted files.
    on_post: impl Fn(String, PostAnswer) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let consent = expect_context::<Consent>();
    view! {
        <div class="consent-list">
            <For
                each=move || consent.posts.get()
                key=|p| (p.origin.clone(), p.text.clone())
                children=move |p| {
                    let keep = RwSignal::new(false);
                    let answer = {
                        let on_post = on_post.clone();
                        let origin = p.origin.clone();
                        move |a: PostAnswer| on_post(origin.clone(), a)
                    };
                    let (once, always, deny) = (answer.clone(), answer.clone(), answer);
                    view! {
                        <div class="consent" role="alertdialog" data-testid="post-consent" data-origin=p.origin.clone()>
                            <span class="msg">{p.text.clone()}</span>
                            <label class="keep-posted" title="Keep these files in this browser's storage, so that a reload reopens them">
                                <input type="checkbox" data-testid="post-consent-keep" on:change=move |ev| keep.set(event_target_checked(&ev)) />
                                "Keep them"
                            </label>
                            <button class="button primary" data-testid="post-consent-allow" on:click=move |_| once(PostAnswer::Once { keep: keep.get_untracked() })>
                                "Allow once"
                            </button>
                            <button class="button" data-testid="post-consent-always" on:click=move |_| always(PostAnswer::Always { keep: keep.get_untracked() })>
                                "Always allow this origin"
                            </button>
                            <button class="button" data-testid="post-consent-deny" on:click=move |_| deny(PostAnswer::Deny)>
                                "Deny"
                            </button>
                        </div>
                    }
                }
            />
            <For
                each=move || consent.links.get()
                key=|l| l.id
                children=move |l| {
                    let id = l.id;
                    view! {
                        <div class="consent" role="alertdialog" data-testid="link-consent" data-host=l.host.clone()>
                            <span class="msg">{l.text.clone()}</span>
                            <button class="button primary" data-testid="link-consent-allow" on:click=move |_| consent.answer_link(id, true)>
                                "Download"
                            </button>
                            <button class="button" data-testid="link-consent-deny" on:click=move |_| consent.answer_link(id, false)>
                                "Don't"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}

/// The origins always allowed to post files, each with a button that stops
/// allowing it; shown in the top bar beside the kept files once there is one.
#[component]
pub fn AllowedOrigins() -> impl IntoView {
    let consent = expect_context::<Consent>();
    move || {
        let always = consent.origins.with(|o| o.always.clone());
        (!always.is_empty()).then(|| {
            let n = always.len();
            view! {
                <details class="allowed-origins" data-testid="allowed-origins" data-count=n>
                    <summary title="Pages that may open files in this viewer without asking">
                        {format!("{n} allowed page{}", if n == 1 { "" } else { "s" })}
                    </summary>
                    <ul>
                        {always
                            .into_iter()
                            .map(|origin| {
                                let revoke = origin.clone();
                                let attr = origin.clone();
                                view! {
                                    <li data-testid="allowed-origin" data-origin=attr>
                                        <span>{origin}</span>
                                        <button
                                            class="small"
                                            data-testid="allowed-origin-revoke"
                                            title="Ask again before this page opens files here"
                                            on:click=move |_| consent.update_origins(|o| o.revoke(&revoke))
                                        >
                                            "Revoke"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </details>
            }
        })
    }
}
