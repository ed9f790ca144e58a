//! The events view of one trace: every span event in time order, exceptions
//! first-class (summary by type, type and message in the row, the stack
//! trace of the selected one in a panel), filters, and a jump to the span.

mod panel;

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{SpanIx, Trace};
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::ui::trace_page::state::Moves;
use crate::view_model::events::{EventIndex, EventRow, Filter};

/// Height of one row in CSS pixels (`.events-table td` in the stylesheet).
const ROW_PX: f64 = 27.0;
/// Exception types listed in the summary before the rest are counted.
const TYPES_SHOWN: usize = 40;

/// One row: time, span (a jump to it), event name, and the exception's
/// type, message and first stack line, or the attributes in short.
fn event_row(
    trace: &Arc<Trace>,
    moves: Moves,
    row: EventRow,
    span: SpanIx,
    position: u32,
    selected: RwSignal<Option<u32>>,
) -> impl IntoView {
    let trace = Arc::clone(trace);
    let is_exception = row.exception.is_some();
    let name = row.name.clone();
    let what = match row.exception {
        Some(e) => view! {
            <span class="exc-type" data-testid="event-exception-type">
                {if e.type_name.is_empty() { String::from("(no type)") } else { e.type_name }}
            </span>
            " "
            <span class="exc-message" data-testid="event-exception-message">{e.message}</span>
            " "
            <span class="exc-stack">{e.stack_line}</span>
        }
        .into_any(),
        None => view! { <span class="ev-attrs">{row.attrs}</span> }.into_any(),
    };
    view! {
        <tr
            class="event-row"
            class:exception=is_exception
            class:selected=move || selected.get() == Some(position)
            data-testid="event-row"
            data-time-us=row.offset_nanos.div_euclid(1000)
            data-span-id=row.span_id
            data-name=row.name.clone()
            data-exception=is_exception.to_string()
            on:click=move |_| selected.set(Some(position))
        >
            <td class="ev-time">{crate::model::text::signed_duration(row.offset_nanos)}</td>
            <td class="ev-span">
                <button
                    class="link"
                    data-testid="event-span"
                    title="Show this span in the timeline"
                    on:click=move |ev| {
                        ev.stop_propagation();
                        moves.open_in_timeline(&trace, span);
                    }
                >
                    <span class="svc">{row.service}</span>
                    " "
                    {row.operation}
                </button>
            </td>
            <td class="ev-name">{name}</td>
            <td class="ev-what">{what}</td>
        </tr>
    }
}

/// "N events, K exceptions" and one button per exception type that
/// filters to it (clicked again: all types).
fn summary(index: &EventIndex, type_filter: RwSignal<Option<String>>) -> impl IntoView {
    let (n, k) = (index.entries.len(), index.exception_count);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let types = index
        .types
        .iter()
        .take(TYPES_SHOWN)
        .map(|t| {
            let name = t.name.clone();
            let is_on = {
                let name = name.clone();
                move || type_filter.with(|f| f.as_deref() == Some(name.as_str()))
            };
            let label = if name.is_empty() {
                String::from("(no type)")
            } else {
                name.clone()
            };
            view! {
                <button
                    class="small exc-chip"
                    class:active=is_on.clone()
                    data-testid="events-type"
                    data-type=name.clone()
                    data-count=t.count
                    title="Show only exceptions of this type"
                    on:click=move |_| {
                        let on = is_on();
                        type_filter.set((!on).then(|| name.clone()));
                    }
                >
                    <span class="exc-type">{label}</span>
                    <span class="count">{t.count}</span>
                </button>
            }
        })
        .collect_view();
    let more = index.types.len().saturating_sub(TYPES_SHOWN);
    view! {
        <div class="events-summary" data-testid="events-summary">
            <span>
                <strong>{plural(n, "event", "events")}</strong>
                ", "
                <strong class:has-exceptions={k > 0}>{plural(k, "exception", "exceptions")}</strong>
            </span>
            {(k > 0).then(|| view! { <span class="muted">" by type:"</span> })}
            {types}
            {(more > 0).then(|| view! { <span class="muted">{format!("and {more} more types")}</span> })}
        </div>
    }
}

/// The events view.
#[component]
pub fn EventsView(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let moves = expect_context::<Moves>();
    let index = Arc::new(EventIndex::new(&trace));
    let total = index.entries.len();
    let exceptions = index.exception_count;
    let exceptions_only = RwSignal::new(false);
    let type_filter: RwSignal<Option<String>> = RwSignal::new(None);
    let text_filter = RwSignal::new(String::new());
    let selected: RwSignal<Option<u32>> = RwSignal::new(None);
    // The find query narrows the list to its spans' events when it reads.
    let by_find = Memo::new(move |_| {
        moves.found.with(|f| {
            (f.active && f.error.is_none()).then(|| (Arc::clone(&f.matches), f.matches.len()))
        })
    });
    let shown = {
        let (trace, index) = (Arc::clone(&trace), Arc::clone(&index));
        Memo::new(move |_| {
            let spans = by_find.get();
            let exception_type = type_filter.get();
            let text = text_filter.get();
            Arc::new(index.filter(
                &trace,
                &Filter {
                    exceptions_only: exceptions_only.get(),
                    exception_type: exception_type.as_deref(),
                    text: &text,
                    spans: spans.as_ref().map(|(m, _)| m.as_slice()),
                },
            ))
        })
    };
    let count = Signal::derive(move || shown.with(|s| s.len()));

    let rows_view = VirtualRows::new(ROW_PX, 20);
    // A new filter starts the list from its top.
    Effect::watch(
        move || shown.track(),
        move |_, _, _| rows_view.to_top(),
        false,
    );
    let rows = {
        let (trace, index) = (Arc::clone(&trace), Arc::clone(&index));
        move |range: std::ops::Range<usize>| {
            let shown = shown.get();
            shown
                .get(range)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&p| {
                    let entry = index.entries.get(p as usize)?;
                    let row = index.row(&trace, p as usize)?;
                    Some(event_row(&trace, moves, row, entry.span, p, selected))
                })
                .collect_view()
        }
    };
    let header = view! {
        <tr>
            <th class="ev-time">"Time"</th>
            <th class="ev-span">"Span"</th>
            <th class="ev-name">"Event"</th>
            <th class="ev-what">"Details"</th>
        </tr>
    };
    let find_note = move || {
        by_find.get().map(|(_, n)| {
            view! {
                <span class="events-find-note" data-testid="events-find-note">
                    {format!("Only events of the {n} span{} matching the find query", if n == 1 { "" } else { "s" })}
                </span>
            }
        })
    };
    let type_note = move || {
        type_filter.get().map(|t| {
            view! {
                <button class="small" data-testid="events-type-clear" title="Show every type" on:click=move |_| type_filter.set(None)>
                    {format!("Type: {} ×", if t.is_empty() { "(no type)" } else { &t })}
                </button>
            }
        })
    };
    let empty = move || {
        (count.get() == 0).then(|| {
            let text = if total == 0 {
                "This trace has no span events (logs, annotations or exceptions)."
            } else {
                "No event passes the filters."
            };
            view! { <p class="muted events-empty">{text}</p> }
        })
    };
    let panel = {
        let (trace, index) = (Arc::clone(&trace), Arc::clone(&index));
        move || {
            let p = selected.get()?;
            panel::event_panel(&trace, &index, p as usize, moves, selected)
        }
    };
    view! {
        <section
            class="events-view"
            data-testid="events-view"
            data-count=count
            data-total=total
            data-exceptions=exceptions
        >
            {summary(&index, type_filter)}
            <div class="events-tools">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="events-exceptions-only"
                        prop:checked=move || exceptions_only.get()
                        on:change=move |ev| exceptions_only.set(event_target_checked(&ev))
                    />
                    "Exceptions only"
                </label>
                <input
                    type="search"
                    class="events-filter"
                    data-testid="events-filter"
                    placeholder="Filter events: name, service, operation, attribute value"
                    prop:value=move || text_filter.get()
                    on:input=move |ev| text_filter.set(event_target_value(&ev))
                />
                {type_note}
                {find_note}
                <span class="row-count">{move || format!("{} of {total} events", count.get())}</span>
            </div>
            <div class="events-body">
                <VirtualTable rows_view=rows_view count=count header=header rows=rows scroll_class="events-scroll" class="events-table">
                    {empty}
                </VirtualTable>
                {panel}
            </div>
        </section>
    }
}
