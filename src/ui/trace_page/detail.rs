//! The open span's detail: everything the file said about it, as text.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::span::{LinkKind, Range32};
use crate::model::{text, SpanId, SpanIx, Trace, TraceId};
use crate::ui::app_state::{Links, Navigation};
use crate::ui::shared::clock;
use crate::ui::shared::export::copy_span_json;
use crate::ui::trace_page::links_out::links_section;
use crate::ui::trace_page::logs::span_logs_section;
use crate::ui::trace_page::state::{Moves, PageNow};
use crate::view_model::critical::CriticalPath;
use crate::view_model::span_facts;
use crate::view_model::url_state::PageState;

/// Values longer than this are folded behind their first characters.
const FOLD_CHARS: usize = 160;

/// The detail panel; empty until a span is opened.
#[component]
pub fn SpanDetail(
    /// The trace shown.
    trace: Arc<Trace>,
    /// The trace's critical path.
    critical: Arc<CriticalPath>,
) -> impl IntoView {
    let moves = expect_context::<Moves>();
    let selection = moves.selection;
    move || {
        if !selection.detail_open.get() {
            return None;
        }
        let ix = selection.selected.get()?;
        let view = detail_view(&trace, ix, moves, critical.nanos_of(ix))?;
        Some(view)
    }
}

/// Copies `text` to the clipboard (best effort: the browser may refuse).
fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Most characters an opened value shows before "Show all".
const OPEN_CHARS: usize = 20_000;
/// Most characters "Show all" puts on the page; past that, "copy" has the rest.
const ALL_CHARS: usize = 2_000_000;

/// A value as text: arrays and maps pretty-printed when long, long values
/// folded (first characters; opening shows more, "Show all" up to
/// [`ALL_CHARS`]), with a copy button that copies all of it. Always text
/// nodes, never markup. A 64 MB value costs the page a few hundred
/// characters until it is opened.
fn value_cell(text: String) -> impl IntoView {
    let text: Arc<str> = Arc::from(text);
    let copied = RwSignal::new(false);
    let copy_text = Arc::clone(&text);
    let button = view! {
        <button
            class="copy"
            data-testid="copy-value"
            title="Copy the value"
            on:click=move |_| {
                copy(&copy_text);
                copied.set(true);
            }
        >
            {move || if copied.get() { "copied" } else { "copy" }}
        </button>
    };
    let structured = text.len() > 60
        && text.len() <= OPEN_CHARS
        && (text.starts_with('[') || text.starts_with('{'));
    let shown: Arc<str> = if structured {
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .map_or_else(|| Arc::clone(&text), Arc::from)
    } else {
        Arc::clone(&text)
    };
    let long = shown.len() > FOLD_CHARS && text::prefix(&shown, FOLD_CHARS).len() < shown.len();
    let body = if long || shown.lines().nth(6).is_some() {
        let head = text::prefix(&shown, FOLD_CHARS).to_string();
        let total = shown.chars().count();
        let open = RwSignal::new(false);
        let all = RwSignal::new(false);
        let inner = move || {
            if !open.get() {
                return None;
            }
            let limit = if all.get() { ALL_CHARS } else { OPEN_CHARS };
            let part = text::prefix(&shown, limit);
            let cut = part.len() < shown.len();
            let rest = total - part.chars().count();
            Some(view! {
                <pre class="val">{part.to_string()}</pre>
                {(cut && !all.get()).then(|| view! {
                    <button class="small" data-testid="value-show-all" on:click=move |_| all.set(true)>
                        {format!("Show all ({rest} more characters)")}
                    </button>
                })}
                {(cut && all.get()).then(|| view! {
                    <p class="muted">{format!("{rest} more characters: copy the value to read them all.")}</p>
                })}
            })
        };
        view! {
            <details class="fold" data-testid="folded-value" on:toggle=move |ev| {
                open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open());
            }>
                <summary>
                    <span class="val">{head}</span>
                    <span class="muted">{format!(" … ({total} characters)")}</span>
                </summary>
                {inner}
            </details>
        }
        .into_any()
    } else if shown.contains('\n') {
        view! { <pre class="val">{shown.to_string()}</pre> }.into_any()
    } else {
        view! { <span class="val">{shown.to_string()}</span> }.into_any()
    };
    (body, button)
}

/// Whether span `span_id` of trace `trace_id` is among the loaded traces.
fn is_loaded(links: Links, trace_id: TraceId, span_id: SpanId) -> bool {
    links.with_untracked(|index| index.locate(trace_id, span_id).is_some())
}

/// A jump to span `span_id` of trace `trace_id`, as a link the user can follow
/// (and come Back from), or plain text when the span is not loaded.
fn jump(trace: &Arc<Trace>, trace_id: TraceId, span_id: SpanId) -> AnyView {
    let now = expect_context::<PageNow>();
    let links = expect_context::<Links>();
    let nav = expect_context::<Navigation>();
    let label = if trace_id == trace.id {
        format!("span {}", span_id.to_hex())
    } else {
        format!("span {} in trace {}", span_id.to_hex(), trace_id.to_hex())
    };
    if !is_loaded(links, trace_id, span_id) {
        return view! { <span>{label}" (not loaded)"</span> }.into_any();
    }
    let trace = Arc::clone(trace);
    view! {
        <a
            href="#"
            data-testid="link-jump"
            data-target-trace=trace_id.to_hex()
            data-target-span=span_id.to_hex()
            on:click=move |ev| {
                ev.prevent_default();
                let mut state = if trace_id == trace.id { now.get_untracked() } else { PageState::default() };
                state.span = Some(span_id.to_hex());
                nav.follow_link(&trace_id.to_hex(), state);
            }
        >
            {label}
        </a>
    }
    .into_any()
}

/// Links listed in the detail before the rest are summed up.
const LINKS_SHOWN: usize = 100;

/// Spans of any loaded trace that link to `span` (the first
/// [`LINKS_SHOWN`]), and how many do in all.
fn linked_from(
    links: Links,
    trace: &Trace,
    span: SpanId,
) -> (Vec<(TraceId, SpanId, LinkKind)>, usize) {
    links.with_untracked(|index| {
        let all = index.linked_from(trace.id, span);
        (all.iter().take(LINKS_SHOWN).copied().collect(), all.len())
    })
}

/// "Collapse children" (each child folded, so one level shows), "Expand
/// subtree" and "Focus subtree" for a span with children.
fn fold_buttons(trace: &Arc<Trace>, ix: SpanIx, moves: Moves) -> impl IntoView {
    let collapsed = moves.folding.collapsed;
    let (t1, t2, t3) = (Arc::clone(trace), Arc::clone(trace), Arc::clone(trace));
    view! {
        <p class="fold-actions">
            <button
                class="small"
                data-testid="collapse-children"
                on:click=move |_| {
                    collapsed.update(|c| {
                        if let Some(x) = c.get_mut(ix.get()) {
                            *x = false;
                        }
                        for child in t1.children(ix) {
                            let has_children = t1.span(child).is_some_and(|s| s.child_count > 0);
                            if let Some(x) = c.get_mut(child.get()) {
                                *x = has_children;
                            }
                        }
                    })
                }
            >
                "Collapse children"
            </button>
            <button
                class="small"
                data-testid="expand-subtree"
                on:click=move |_| {
                    let end = t2.span(ix).map_or(ix.0, |s| s.subtree_end) as usize;
                    collapsed.update(|c| {
                        if let Some(range) = c.get_mut(ix.get()..=end) {
                            range.iter_mut().for_each(|x| *x = false);
                        }
                    })
                }
            >
                "Expand subtree"
            </button>
            <button
                class="small"
                data-testid="focus-subtree"
                title="Show only this span's subtree (the timeline and the flame graph)"
                on:click=move |_| moves.focus_on(&t3, ix)
            >
                "Focus subtree"
            </button>
        </p>
    }
}

fn attr_table(trace: &Trace, attrs: Range32) -> AnyView {
    let list = trace.pools.attrs(attrs);
    if list.is_empty() {
        return view! { <p class="none">"none"</p> }.into_any();
    }
    nonempty_attr_table(trace, list)
}

/// Attributes of events and links: nothing at all when there are none.
fn nested_attr_table(trace: &Trace, attrs: Range32) -> Option<AnyView> {
    let list = trace.pools.attrs(attrs);
    (!list.is_empty()).then(|| nonempty_attr_table(trace, list))
}

fn nonempty_attr_table(trace: &Trace, list: &[crate::model::Attr]) -> AnyView {
    let rows = list
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <th class="k">{trace.str(a.key).to_string()}</th>
                    <td class="v">
                        {value_cell(trace.pools.value_text(&a.value))}
                        <span class="t">{a.value.type_name()}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <table class="kv">{rows}</table> }.into_any()
}

fn detail_view(
    trace: &Arc<Trace>,
    ix: SpanIx,
    moves: Moves,
    critical_nanos: u64,
) -> Option<AnyView> {
    let index = expect_context::<Links>();
    let span = trace.span(ix)?;
    let raw = &span.raw;
    let pools = &trace.pools;
    let offset = raw.start_unix_nanos.saturating_sub(trace.start_unix_nanos);
    let parent_text = span_facts::parent_text(span);
    let status = span_facts::status_text(trace, span);
    let resource = pools.resources.get(raw.resource as usize).copied();
    let scope = pools.scopes.get(raw.scope as usize).copied();
    let fact = |label: &'static str, value: String| {
        view! {
            <tr>
                <th>{label}</th>
                <td>{value}</td>
            </tr>
        }
    };
    let events = pools
        .events(raw.events)
        .iter()
        .map(|e| {
            let at = e.time_unix_nanos.saturating_sub(trace.start_unix_nanos);
            view! {
                <li class="event">
                    <span class="at">{text::duration(at)}</span>
                    " "
                    <strong>{trace.str(e.name).to_string()}</strong>
                    {nested_attr_table(trace, e.attrs)}
                </li>
            }
        })
        .collect_view();
    let links = trace
        .links_beyond_parent(span)
        .take(LINKS_SHOWN)
        .map(|l| {
            view! {
                <li class="link" data-testid="span-link">
                    <span class="link-kind">{l.kind.as_str()}</span>
                    " "
                    {jump(trace, l.trace_id, l.span_id)}
                    {l.trace_state.map(|ts| format!(" tracestate {}", pools.text.get(ts)))}
                    {nested_attr_table(trace, l.attrs)}
                </li>
            }
        })
        .collect_view();
    let (incoming, n_incoming) = linked_from(index, trace, raw.span_id);
    let incoming = incoming
        .into_iter()
        .map(|(t, s, kind)| {
            view! {
                <li class="link" data-testid="span-linked-from">
                    <span class="link-kind">{kind.as_str()}</span>
                    " from "
                    {jump(trace, t, s)}
                </li>
            }
        })
        .collect_view();
    let parent_ref = raw.parent_id.map(|p| {
        let kind = if raw.follows_from {
            "FOLLOWS_FROM"
        } else {
            "CHILD_OF"
        };
        view! {
            <li class="link" data-testid="span-parent-ref">
                <span class="link-kind">{kind}</span>
                " parent "
                {jump(trace, raw.trace_id, p)}
            </li>
        }
    });
    let notes = span_facts::notes(trace, ix);
    let n_notes = notes.len();
    let notes = notes
        .into_iter()
        .map(|n| view! { <li>{n}</li> })
        .collect_view();
    let n_events = raw.events.len();
    let n_links = trace.links_beyond_parent(span).count();
    let copied_json = RwSignal::new(false);
    Some(
        view! {
            <aside class="span-detail" data-testid="span-detail" data-span-id=raw.span_id.to_hex()>
                <header>
                    <h3>
                        <span class="svc">{trace.str(raw.service).to_string()}</span>
                        " "
                        {trace.str(raw.name).to_string()}
                    </h3>
                    <button
                        class="small"
                        data-testid="copy-span-json"
                        title="Copy this span, its resource and scope as an OTLP JSON document (Paste opens it again)"
                        on:click={
                            let trace = Arc::clone(trace);
                            move |_| copied_json.set(copy_span_json(&trace, ix))
                        }
                    >
                        {move || if copied_json.get() { "Copied" } else { "Copy as JSON" }}
                    </button>
                    <button class="close" title="Close (Esc)" on:click=move |_| moves.selection.detail_open.set(false)>
                        "×"
                    </button>
                </header>
                <table class="facts">
                    {fact("Service", trace.str(raw.service).to_string())}
                    {fact("Operation", trace.str(raw.name).to_string())}
                    {fact("Kind", if raw.kind.as_str().is_empty() { String::from("unspecified") } else { raw.kind.as_str().to_string() })}
                    {fact("Status", status)}
                    {fact("Start", format!("+{} ({})", text::duration(offset), clock::absolute(raw.start_unix_nanos)))}
                    {fact("Duration", text::duration(raw.duration_nanos))}
                    {fact("Self time", text::duration(span.self_nanos))}
                    {fact(
                        "Critical path",
                        if critical_nanos == 0 { String::from("not on it") } else { format!("{} on it", text::duration(critical_nanos)) },
                    )}
                    {(span.skew_nanos != 0)
                        .then(|| fact("Clock skew", format!("moved {} to fit its parent", text::signed_duration(span.skew_nanos))))}
                    {fact("Depth", span.depth.to_string())}
                    {fact("Children", span.child_count.to_string())}
                </table>
                {(span.child_count > 0).then(|| fold_buttons(trace, ix, moves))}
                {links_section(trace, ix)}
                <h4>"Span context"</h4>
                <table class="facts ids">
                    {fact("Trace ID", raw.trace_id.own_hex())}
                    {fact("Span ID", raw.span_id.to_hex())}
                    {fact("Parent ID", parent_text)}
                    {fact("Trace state", raw.trace_state.map(|t| pools.text.get(t).to_string()).unwrap_or_else(|| String::from("none")))}
                    {fact("Flags", raw.flags.map(span_facts::flags_text).unwrap_or_else(|| String::from("not given")))}
                </table>
                <h4>{format!("Attributes ({})", raw.attrs.len())}</h4>
                {attr_table(trace, raw.attrs)}
                <h4>"Resource"</h4>
                {resource.map(|r| attr_table(trace, r.attrs))}
                {scope
                    .filter(|s| !trace.str(s.name).is_empty())
                    .map(|s| {
                        view! {
                            <h4>"Instrumentation scope"</h4>
                            <p>{format!("{} {}", trace.str(s.name), trace.str(s.version))}</p>
                        }
                    })}
                <h4>{format!("Events ({n_events})")}</h4>
                <ul class="events">{events}</ul>
                {span_logs_section(trace, ix)}
                <h4>{format!("References and links ({})", n_links + usize::from(raw.parent_id.is_some()))}</h4>
                <ul class="links">{parent_ref}{links}</ul>
                {(n_links > LINKS_SHOWN).then(|| view! {
                    <p class="muted">{format!("and {} more", n_links - LINKS_SHOWN)}</p>
                })}
                {(n_incoming > 0)
                    .then(|| {
                        view! {
                            <h4>{format!("Linked from ({n_incoming})")}</h4>
                            <ul class="links">{incoming}</ul>
                            {(n_incoming > LINKS_SHOWN).then(|| view! {
                                <p class="muted">{format!("and {} more", n_incoming - LINKS_SHOWN)}</p>
                            })}
                        }
                    })}
                {(n_notes > 0)
                    .then(|| {
                        view! {
                            <h4>"Import notes"</h4>
                            <ul class="notes" data-testid="span-notes">{notes}</ul>
                        }
                    })}
            </aside>
        }
        .into_any(),
    )
}
