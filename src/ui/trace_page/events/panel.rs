//! The panel of the selected event: when and where it happened, the whole
//! stack trace of an exception (pre-formatted, scrolling in its box), and
//! every attribute.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{text, Trace};
use crate::ui::shared::clock;
use crate::ui::trace_page::state::Moves;
use crate::view_model::events::EventIndex;

/// Most characters of a stack trace put on the page.
const STACK_CHARS: usize = 2_000_000;
/// Most characters of another attribute value put on the page.
const VALUE_CHARS: usize = 20_000;

/// `value` up to `max` characters, saying how many were left out.
fn bounded(value: &str, max: usize) -> String {
    let head = text::prefix(value, max);
    if head.len() < value.len() {
        let rest = value.chars().count() - head.chars().count();
        format!("{head}\n… ({rest} more characters)")
    } else {
        value.to_string()
    }
}

/// The panel of the entry at `position`; none when there is no such entry.
pub fn event_panel(
    trace: &Arc<Trace>,
    index: &EventIndex,
    position: usize,
    moves: Moves,
    selected: RwSignal<Option<u32>>,
) -> Option<AnyView> {
    let detail = index.detail(trace, position)?;
    let at_unix_nanos = index.entries.get(position)?.time_unix_nanos;
    let row = detail.row;
    let span = detail.span;
    let jump_trace = Arc::clone(trace);
    let exception = row.exception.clone().zip(detail.exception).map(|(line, (message, stack))| {
        view! {
            <h4>"Exception"</h4>
            <table class="facts">
                <tr>
                    <th>"Type"</th>
                    <td class="exc-type">{if line.type_name.is_empty() { String::from("(not given)") } else { line.type_name }}</td>
                </tr>
                <tr>
                    <th>"Message"</th>
                    <td>{bounded(&message, VALUE_CHARS)}</td>
                </tr>
                {line.escaped.map(|e| view! {
                    <tr>
                        <th>"Escaped the span"</th>
                        <td>{if e { "yes" } else { "no" }}</td>
                    </tr>
                })}
            </table>
            <h4>"Stack trace"</h4>
            {if stack.is_empty() {
                view! { <p class="none">"none recorded"</p> }.into_any()
            } else {
                view! { <pre class="stacktrace" data-testid="event-stacktrace">{bounded(&stack, STACK_CHARS)}</pre> }.into_any()
            }}
        }
    });
    let attrs = if detail.attrs.is_empty() {
        view! { <p class="none">"none"</p> }.into_any()
    } else {
        let rows = detail
            .attrs
            .into_iter()
            .map(|(k, v)| {
                view! {
                    <tr>
                        <th class="k">{k}</th>
                        <td class="v"><pre class="val">{bounded(&v, VALUE_CHARS)}</pre></td>
                    </tr>
                }
            })
            .collect_view();
        view! { <table class="kv">{rows}</table> }.into_any()
    };
    Some(
        view! {
            <aside class="span-detail event-detail" data-testid="event-detail" data-span-id=row.span_id.clone()>
                <header>
                    <h3>{row.name}</h3>
                    <button class="close" title="Close" on:click=move |_| selected.set(None)>
                        "×"
                    </button>
                </header>
                <table class="facts">
                    <tr>
                        <th>"Time"</th>
                        <td>{format!("{} from the trace start ({})", crate::model::text::signed_duration(row.offset_nanos), clock::absolute(at_unix_nanos))}</td>
                    </tr>
                    <tr>
                        <th>"Span"</th>
                        <td>
                            <button
                                class="link"
                                data-testid="event-detail-span"
                                title="Show this span in the timeline"
                                on:click=move |_| moves.open_in_timeline(&jump_trace, span)
                            >
                                <span class="svc">{row.service}</span>
                                " "
                                {row.operation}
                            </button>
                        </td>
                    </tr>
                    <tr>
                        <th>"Span ID"</th>
                        <td class="mono">{row.span_id.clone()}</td>
                    </tr>
                </table>
                {exception}
                <h4>"Attributes"</h4>
                {attrs}
            </aside>
        }
        .into_any(),
    )
}
