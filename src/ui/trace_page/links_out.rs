//! Links out from a span (docs/using.md: "Links out"): the "Links" section of the
//! span detail, and the editor behind the header's "Links…" button. The
//! templates and their rules are [`crate::view_model::links_out`]'s; the
//! list is the [`LinkTemplates`] handle, kept in local storage by [`save`].

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{SpanIx, Trace};
use crate::ui::app_state::LinkTemplates;
use crate::ui::shared::js::{js_message, local_storage};
use crate::view_model::links_out::{links_for_span, Draft, LinkTemplate, ScopeKind, PLACEHOLDERS};
use crate::view_model::links_out_list::{
    check_all, share_address, to_json, MAX_TEMPLATES, STORAGE_KEY,
};

/// Makes `list` the templates (the detail follows at once) and keeps it in
/// local storage.
pub fn save(templates: LinkTemplates, list: Vec<LinkTemplate>) {
    if let Some(storage) = local_storage() {
        let _ = if list.is_empty() {
            storage.remove_item(STORAGE_KEY)
        } else {
            storage.set_item(STORAGE_KEY, &to_json(&list))
        };
    }
    templates.set(list);
}

/// The "Links" section of span `ix`'s detail: each template that applies,
/// filled; nothing when none does.
pub fn links_section(trace: &Arc<Trace>, ix: SpanIx) -> impl IntoView {
    let templates = expect_context::<LinkTemplates>();
    let trace = Arc::clone(trace);
    move || {
        let links = templates.with(|ts| links_for_span(ts, &trace, ix));
        (!links.is_empty()).then(|| {
            let items = links
                .into_iter()
                .map(|l| {
                    let scope = if l.for_trace { "trace" } else { "span" };
                    let (label, url) = (l.label.clone(), l.url.clone());
                    view! {
                        <li class="link-out" data-scope=scope>
                            <a
                                data-testid="link-out"
                                data-template=label
                                href=url
                                title=l.url
                                target="_blank"
                                rel="noopener noreferrer"
                            >
                                {l.label}
                            </a>
                            {l.for_trace.then(|| view! {
                                <span class="link-kind" title="Filled from the whole trace">"trace"</span>
                            })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h4>"Links"</h4>
                <ul class="links-out" data-testid="links-out">{items}</ul>
            }
        })
    }
}

/// One row of the editor: each field its own signal, so typing redraws only it.
#[derive(Clone, Copy)]
struct Row {
    id: u32,
    label: RwSignal<String>,
    url: RwSignal<String>,
    scope: RwSignal<ScopeKind>,
    key: RwSignal<String>,
}

impl Row {
    fn new(id: u32, d: Draft) -> Row {
        Row {
            id,
            label: RwSignal::new(d.label),
            url: RwSignal::new(d.url),
            scope: RwSignal::new(d.scope),
            key: RwSignal::new(d.key),
        }
    }

    fn draft(self) -> Draft {
        Draft {
            label: self.label.get_untracked(),
            url: self.url.get_untracked(),
            scope: self.scope.get_untracked(),
            key: self.key.get_untracked(),
        }
    }
}

/// A text field bound to `value`.
fn field(
    value: RwSignal<String>,
    testid: &'static str,
    class: &'static str,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <input
            type="text"
            class=class
            data-testid=testid
            placeholder=hint
            aria-label=hint
            spellcheck="false"
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

fn row_view(r: Row, rows: RwSignal<Vec<Row>>) -> impl IntoView {
    let initial = r.scope.get_untracked();
    let options = ScopeKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=k == initial>{k.label()}</option> })
        .collect_view();
    view! {
        <div class="links-row" data-testid="links-row">
            {field(r.label, "links-label", "label", "Label")}
            {field(r.url, "links-url", "url", "https://…${trace_id}…")}
            <select
                class="small"
                data-testid="links-scope"
                aria-label="Shown for"
                on:change=move |ev| {
                    r.scope.set(ScopeKind::from_name(&event_target_value(&ev)).unwrap_or_default())
                }
            >
                {options}
            </select>
            {move || (r.scope.get() == ScopeKind::Key).then(|| field(r.key, "links-key", "key", "attribute key"))}
            <button
                class="small"
                data-testid="links-remove"
                title="Remove this link"
                on:click=move |_| rows.update(|rs| rs.retain(|x| x.id != r.id))
            >
                "×"
            </button>
        </div>
    }
}

/// The address of this page carrying `list` (`#links=…`), put on the clipboard.
fn copy_share_address(list: &[LinkTemplate]) -> Result<String, String> {
    let window = web_sys::window().ok_or_else(|| String::from("no window"))?;
    let here = window.location().href().map_err(|e| js_message(&e))?;
    let address = share_address(&here, list);
    // Best effort: the browser may refuse; the address is also shown.
    let _ = window.navigator().clipboard().write_text(&address);
    Ok(address)
}

/// "Links…" and the editor it opens: a row per template (label, address,
/// scope, key), Add, Save, Copy share link, and the placeholders.
#[component]
pub fn LinksEditor() -> impl IntoView {
    let templates = expect_context::<LinkTemplates>();
    let open = RwSignal::new(false);
    let rows: RwSignal<Vec<Row>> = RwSignal::new(Vec::new());
    let next_id = StoredValue::new(0u32);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let shared: RwSignal<Option<String>> = RwSignal::new(None);
    let new_row = move |d: Draft| {
        let id = next_id.get_value();
        next_id.set_value(id.wrapping_add(1));
        Row::new(id, d)
    };
    let start = move || {
        let mut list: Vec<Row> =
            templates.with_untracked(|ts| ts.iter().map(|t| new_row(t.draft())).collect());
        if list.is_empty() {
            list.push(new_row(Draft::default()));
        }
        rows.set(list);
        error.set(None);
        shared.set(None);
    };
    let checked = move || {
        check_all(&rows.with_untracked(|rs| rs.iter().map(|r| r.draft()).collect::<Vec<_>>()))
    };
    let on_save = move |_| match checked() {
        Ok(list) => {
            save(templates, list);
            open.set(false);
        }
        Err(e) => error.set(Some(e)),
    };
    let on_share = move |_| {
        shared.set(None);
        match checked().and_then(|list| {
            if list.is_empty() {
                Err(String::from("there is no link to share: write one first"))
            } else {
                copy_share_address(&list)
            }
        }) {
            Ok(address) => {
                error.set(None);
                shared.set(Some(address));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let panel = move || {
        open.get().then(|| {
            view! {
                <div class="links-editor" data-testid="links-editor" role="dialog" aria-label="Links out">
                    <p class="links-help" data-testid="links-help">
                        "Links from each span to your logs, metrics or code. Placeholders: "
                        <code>{PLACEHOLDERS}</code>
                        " (start and end in Unix milliseconds; values URL-encoded). A link whose values a span lacks is not shown; only http(s) addresses."
                    </p>
                    <div class="links-rows">
                        <For each=move || rows.get() key=|r| r.id children=move |r| row_view(r, rows) />
                    </div>
                    {move || error.get().map(|e| view! { <p class="links-error" role="alert" data-testid="links-error">{e}</p> })}
                    {move || shared.get().map(|a| view! {
                        <p class="links-shared" role="status">
                            "Copied: "
                            <input type="text" readonly data-testid="links-share-url" aria-label="Share link" prop:value=a />
                        </p>
                    })}
                    <div class="links-actions">
                        <button
                            class="small"
                            data-testid="links-add"
                            disabled=move || rows.with(|rs| rs.len() >= MAX_TEMPLATES)
                            on:click=move |_| rows.update(|rs| rs.push(new_row(Draft::default())))
                        >
                            "Add"
                        </button>
                        <button class="small" data-testid="links-share" title="Copy an address of this page that offers these links to whoever opens it" on:click=on_share>
                            "Copy share link"
                        </button>
                        <span class="spacer"></span>
                        <button class="small" data-testid="links-cancel" on:click=move |_| open.set(false)>"Cancel"</button>
                        <button class="button small primary" data-testid="links-save" on:click=on_save>"Save"</button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <button
            class="small"
            data-testid="links-edit"
            title="Links from spans to your logs, metrics or code"
            aria-expanded=move || if open.get() { "true" } else { "false" }
            on:click=move |_| {
                if !open.get_untracked() {
                    start();
                }
                open.update(|o| *o = !*o);
            }
        >
            "Links…"
        </button>
        {panel}
    }
}
