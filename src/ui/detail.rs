//! The open span's detail: everything the file said about it, as text.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::span::Range32;
use crate::model::{format, Trace};
use crate::view_model::critical::CriticalPath;

/// The detail panel; empty until a span is selected.
#[component]
pub fn SpanDetail(
    trace: Arc<Trace>,
    selected: RwSignal<Option<u32>>,
    critical: Arc<CriticalPath>,
) -> impl IntoView {
    move || {
        let ix = selected.get()?;
        let view = detail_view(&trace, ix, selected, critical.nanos_of(ix))?;
        Some(view)
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
                        {trace.pools.value_text(&a.value)}
                        <span class="t">{a.value.type_name()}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <table class="kv">{rows}</table> }.into_any()
}

fn flags_text(flags: u32) -> String {
    let mut parts = Vec::new();
    if flags & 0x01 != 0 {
        parts.push("sampled");
    }
    if flags & 0x02 != 0 {
        parts.push("random trace id");
    }
    if flags & 0x100 != 0 {
        parts.push(if flags & 0x200 != 0 {
            "remote parent"
        } else {
            "local parent"
        });
    }
    let described = if parts.is_empty() {
        String::from("not sampled")
    } else {
        parts.join(", ")
    };
    format!("{:02x} ({described})", flags & 0xff)
}

fn detail_view(
    trace: &Arc<Trace>,
    ix: u32,
    selected: RwSignal<Option<u32>>,
    critical_nanos: u64,
) -> Option<AnyView> {
    let span = trace.spans.get(ix as usize)?;
    let raw = &span.raw;
    let pools = &trace.pools;
    let offset = raw.start_unix_nanos.saturating_sub(trace.start_unix_nanos);
    let parent_text = match (raw.parent_id, span.parent) {
        (None, _) => String::from("none (root)"),
        (Some(p), Some(_)) => p.to_hex(),
        (Some(p), None) => format!("{} (not in this trace)", p.to_hex()),
    };
    let status = match raw.status_message {
        Some(m) => format!("{} — {}", raw.status.as_str(), pools.text.get(m)),
        None => raw.status.as_str().to_string(),
    };
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
                    <span class="at">{format::duration(at)}</span>
                    " "
                    <strong>{trace.str(e.name).to_string()}</strong>
                    {nested_attr_table(trace, e.attrs)}
                </li>
            }
        })
        .collect_view();
    let links = pools
        .links(raw.links)
        .iter()
        .map(|l| {
            let target = (l.trace_id == trace.id)
                .then(|| trace.spans.iter().position(|s| s.raw.span_id == l.span_id))
                .flatten();
            let span_hex = l.span_id.to_hex();
            view! {
                <li class="link">
                    <span class="link-kind">{l.kind.as_str()}</span>
                    " "
                    {match target {
                        Some(t) => {
                            view! {
                                <a href="#" on:click=move |ev| {
                                    ev.prevent_default();
                                    selected.set(Some(t as u32));
                                }>{format!("span {span_hex}")}</a>
                            }
                                .into_any()
                        }
                        None => view! { <span>{format!("span {span_hex}")}</span> }.into_any(),
                    }}
                    {format!(" in trace {}", l.trace_id.to_hex())}
                    {l.trace_state.map(|ts| format!(" tracestate {}", pools.text.get(ts)))}
                    {nested_attr_table(trace, l.attrs)}
                </li>
            }
        })
        .collect_view();
    let n_events = raw.events.len();
    let n_links = raw.links.len();
    Some(
        view! {
            <aside class="span-detail" data-testid="span-detail" data-span-id=raw.span_id.to_hex()>
                <header>
                    <h3>
                        <span class="svc">{trace.str(raw.service).to_string()}</span>
                        " "
                        {trace.str(raw.name).to_string()}
                    </h3>
                    <button class="close" title="Close (Esc)" on:click=move |_| selected.set(None)>
                        "×"
                    </button>
                </header>
                <table class="facts">
                    {fact("Service", trace.str(raw.service).to_string())}
                    {fact("Operation", trace.str(raw.name).to_string())}
                    {fact("Kind", if raw.kind.as_str().is_empty() { String::from("unspecified") } else { raw.kind.as_str().to_string() })}
                    {fact("Status", status)}
                    {fact("Start", format!("+{} ({})", format::duration(offset), format::utc_time(raw.start_unix_nanos)))}
                    {fact("Duration", format::duration(raw.duration_nanos))}
                    {fact("Self time", format::duration(span.self_nanos))}
                    {fact(
                        "Critical path",
                        if critical_nanos == 0 { String::from("not on it") } else { format!("{} on it", format::duration(critical_nanos)) },
                    )}
                    {(span.skew_nanos != 0)
                        .then(|| fact("Clock skew", format!("moved {} to fit its parent", format::signed_duration(span.skew_nanos))))}
                    {fact("Depth", span.depth.to_string())}
                    {fact("Children", span.child_count.to_string())}
                </table>
                <h4>"Span context"</h4>
                <table class="facts ids">
                    {fact("Trace ID", raw.trace_id.to_hex())}
                    {fact("Span ID", raw.span_id.to_hex())}
                    {fact("Parent ID", parent_text)}
                    {fact("Trace state", raw.trace_state.map(|t| pools.text.get(t).to_string()).unwrap_or_else(|| String::from("none")))}
                    {fact("Flags", raw.flags.map(flags_text).unwrap_or_else(|| String::from("not given")))}
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
                <h4>{format!("Links and references ({n_links})")}</h4>
                <ul class="links">{links}</ul>
            </aside>
        }
        .into_any(),
    )
}
