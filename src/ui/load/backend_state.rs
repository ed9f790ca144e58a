//! What the *Backend…* panel's parts share: the fields every request needs
//! (address, API, login, time, limit), what is being asked, and what went
//! wrong.

use leptos::prelude::*;

use crate::ui::app_state::{FoundTraces, Loader, Navigation};
use crate::ui::load::backend::{keep_login, save_address, saved_address};
use crate::view_model::backend::base_address;
use crate::view_model::backend_login::{auth_header, AuthKind};
use crate::view_model::backend_search::{BackendKind, LOOKBACKS, MAX_LIMIT};

/// What the panel's parts share: the fields every request needs and what
/// the panel says.
#[derive(Clone, Copy)]
pub struct PanelState {
    /// Where answers go.
    pub loader: Loader,
    /// The search's results.
    pub found: FoundTraces,
    /// Where the page is.
    pub nav: Navigation,
    /// The address as typed.
    pub address: RwSignal<String>,
    /// The address the lists were asked of (set when the address is left
    /// or Enter is pressed, and when the panel opens with a saved one).
    pub committed: RwSignal<Option<String>>,
    /// The backend's API.
    pub kind: RwSignal<BackendKind>,
    /// The login as chosen.
    pub auth: RwSignal<AuthKind>,
    /// The user name (basic login).
    pub user: RwSignal<String>,
    /// The token or the password.
    pub secret: RwSignal<String>,
    /// How far back a search looks, in seconds.
    pub lookback_secs: RwSignal<u64>,
    /// How many traces a search asks for, as typed.
    pub limit: RwSignal<String>,
    /// What went wrong last.
    pub problem: RwSignal<Option<String>>,
    /// What is being asked now, in words.
    pub busy: RwSignal<Option<&'static str>>,
    /// The search found something: the panel closes.
    pub done: RwSignal<bool>,
    /// Bumped when the address or the API changes: answers to what was
    /// asked before no longer count.
    generation: RwSignal<u32>,
}

impl PanelState {
    /// The panel's state, starting from the address saved last.
    pub fn new(loader: Loader, found: FoundTraces) -> PanelState {
        let saved = saved_address();
        let committed = base_address(&saved).ok().map(|(base, _)| base);
        PanelState {
            loader,
            found,
            nav: loader.nav,
            kind: RwSignal::new(BackendKind::guess(&saved)),
            address: RwSignal::new(saved),
            committed: RwSignal::new(committed),
            auth: RwSignal::new(AuthKind::None),
            user: RwSignal::new(String::new()),
            secret: RwSignal::new(String::new()),
            lookback_secs: RwSignal::new(3_600),
            limit: RwSignal::new(String::from("20")),
            problem: RwSignal::new(None),
            busy: RwSignal::new(None),
            done: RwSignal::new(false),
            generation: RwSignal::new(0),
        }
    }

    /// The backend's base address, once the address and the login typed
    /// are checked; the login is kept for this tab (for that origin only)
    /// and the address for the next visit. `None` (with the problem said)
    /// when either is wrong.
    pub fn prepare(self) -> Option<String> {
        let checked = base_address(&self.address.get_untracked()).and_then(|(base, _)| {
            let header = auth_header(
                self.auth.get_untracked(),
                &self.user.get_untracked(),
                &self.secret.get_untracked(),
            )?;
            Ok((base, header))
        });
        match checked {
            Ok((base, header)) => {
                if let Some(header) = header {
                    keep_login(&base, Some(&header));
                }
                save_address(&base);
                self.problem.set(None);
                Some(base)
            }
            Err(message) => {
                self.problem.set(Some(message));
                None
            }
        }
    }

    /// The limit typed, checked.
    pub fn limit(self) -> Option<u32> {
        match self.limit.get_untracked().trim().parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Some(n),
            _ => {
                self.problem.set(Some(format!(
                    "the limit is a number of traces, 1 to {}",
                    MAX_LIMIT
                )));
                None
            }
        }
    }

    /// Runs `work` (a request) with `what` shown as being asked, and says
    /// its problem when it fails.
    pub fn ask(
        self,
        what: &'static str,
        work: impl std::future::Future<Output = Result<(), String>> + 'static,
    ) {
        self.busy.set(Some(what));
        let asked_in = self.generation.get_untracked();
        leptos::task::spawn_local(async move {
            let outcome = work.await;
            // The panel may have closed meanwhile (its signals are gone:
            // reading one would panic), or the address or API changed.
            if self.generation.try_get_untracked() != Some(asked_in) {
                return;
            }
            self.busy.try_set(None);
            if let Err(message) = outcome {
                self.problem.try_set(Some(message));
            }
        });
    }

    /// Starts afresh with `kind`: what was asked of the other API no
    /// longer counts.
    pub fn switch(self, kind: BackendKind) {
        if self.kind.get_untracked() != kind {
            self.forget_asked();
            self.kind.set(kind);
        }
    }

    /// What is being asked no longer counts.
    fn forget_asked(self) {
        self.generation.update(|g| *g = g.wrapping_add(1));
        self.busy.set(None);
        self.problem.set(None);
    }

    /// Asks the lists again: the address or the login changed.
    pub fn commit(self) {
        self.forget_asked();
        if let Some(base) = self.prepare() {
            self.committed.set(Some(base));
        }
    }
}

/// How a field of the panel looks: its label, test id and placeholder,
/// whether it hides what is typed (a token, a password) and whether it
/// takes the rest of its row.
#[derive(Clone, Copy, Default)]
pub struct Look {
    /// The label above it.
    pub label: &'static str,
    /// Its `data-testid`.
    pub testid: &'static str,
    /// Its placeholder.
    pub placeholder: &'static str,
    /// A password field.
    pub secret: bool,
    /// It takes the rest of its row.
    pub grow: bool,
}

/// A labelled field bound to `value`: `on_change` runs when it is left
/// (or Enter changed it), `on_enter` on every Enter.
pub fn input(
    look: Look,
    value: RwSignal<String>,
    on_change: impl Fn() + Clone + Send + Sync + 'static,
    on_enter: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="backend-field" class:grow=look.grow>
            <span>{look.label}</span>
            <input
                type=if look.secret { "password" } else { "text" }
                data-testid=look.testid
                autocomplete="off"
                spellcheck="false"
                placeholder=look.placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:change=move |_| on_change()
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        on_enter();
                    }
                }
            />
        </label>
    }
}

/// A labelled text field bound to `value`, nothing more.
pub fn field(
    label: &'static str,
    testid: &'static str,
    placeholder: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let look = Look {
        label,
        testid,
        placeholder,
        ..Look::default()
    };
    input(look, value, || {}, || {})
}

/// The search's time and limit, then its *Search* button (`submit`).
pub fn time_limit_search(
    state: PanelState,
    submit: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let lookbacks = LOOKBACKS
        .into_iter()
        .map(|(label, secs)| view! { <option value=secs.to_string()>{label}</option> })
        .collect_view();
    view! {
        <div class="backend-row end">
            <label class="backend-field">
                <span>"Time"</span>
                <select
                    data-testid="backend-lookback"
                    prop:value=move || state.lookback_secs.get().to_string()
                    on:change=move |ev| {
                        if let Ok(secs) = event_target_value(&ev).parse() {
                            state.lookback_secs.set(secs);
                        }
                    }
                >
                    {lookbacks}
                </select>
            </label>
            {field("Limit", "backend-limit", "20", state.limit)}
            <button class="button primary" data-testid="backend-search-button" on:click=move |_| submit()>
                "Search"
            </button>
        </div>
    }
}
