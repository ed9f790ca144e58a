//! The span table view: one row per span, sortable by every column, limited
//! to the find query's matches, with attribute columns the user picks. Only
//! the rows in view are built; a click opens the span in the timeline.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use leptos::html;
use leptos::prelude::*;

use crate::model::strings::StrId;
use crate::model::{SpanIx, Trace};
use crate::ui::shared::table::{sortable_header, VirtualTable};
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::ui::trace_page::state::Moves;
use crate::view_model::sorting::Sorting;
use crate::view_model::span_table::{
    attr_choices, count_text, default_sorting, is_text, row, row_order, AttrChoice, Column,
    FIXED_COLUMNS,
};

/// How the table of a trace was left: coming back to it (after a row click
/// opened the timeline) finds it sorted and with the columns as it was.
struct Layout {
    trace: Weak<Trace>,
    sorting: Sorting<Column>,
    picked: Vec<StrId>,
}

thread_local! {
    static LAST_LAYOUT: RefCell<Option<Layout>> = const { RefCell::new(None) };
}

/// The layout `trace`'s table was left in, if it was the last one shown.
fn last_layout(trace: &Arc<Trace>) -> Option<(Sorting<Column>, Vec<StrId>)> {
    LAST_LAYOUT.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|l| Weak::ptr_eq(&l.trace, &Arc::downgrade(trace)))
            .map(|l| (l.sorting, l.picked.clone()))
    })
}

/// Height of one table row in CSS pixels (`.span-table td` in the stylesheet).
const ROW_PX: f64 = 27.0;

/// Header cells of the picked attribute columns: sortable, each with a ×.
fn attr_headers(
    trace: &Arc<Trace>,
    picked: RwSignal<Vec<StrId>>,
    sorting: RwSignal<Sorting<Column>>,
    choices: &Arc<Vec<AttrChoice>>,
) -> impl Fn() -> AnyView + Send + Sync + 'static {
    let (trace, choices) = (Arc::clone(trace), Arc::clone(choices));
    move || {
        picked
            .get()
            .into_iter()
            .map(|key| {
                let column = Column::Attr(key);
                let text = is_text(column, &choices);
                let label = trace.str(key).to_string();
                view! {
                    <th
                        class="attr-col"
                        class:num=!text
                        data-testid="span-table-sort"
                        data-column=label.clone()
                        on:click=move |_| sorting.update(|s| *s = s.clicked(column, text))
                    >
                        {label.clone()}
                        {move || sorting.get().arrow(column)}
                        <button
                            class="remove-col"
                            data-testid="span-table-remove-column"
                            data-key=label.clone()
                            title=format!("Remove the column {label}")
                            on:click=move |ev| {
                                ev.stop_propagation();
                                picked.update(|p| p.retain(|k| *k != key));
                                if sorting.get_untracked().column == column {
                                    sorting.set(default_sorting());
                                }
                            }
                        >
                            "×"
                        </button>
                    </th>
                }
            })
            .collect_view()
            .into_any()
    }
}

/// The `<select>` that adds an attribute column: keys not yet shown, the
/// most common first, each with its span count.
fn column_picker(
    trace: &Arc<Trace>,
    picked: RwSignal<Vec<StrId>>,
    choices: &Arc<Vec<AttrChoice>>,
) -> impl IntoView {
    let select: NodeRef<html::Select> = NodeRef::new();
    let (options_trace, choices) = (Arc::clone(trace), Arc::clone(choices));
    let options = move || {
        let shown = picked.get();
        choices
            .iter()
            .filter(|c| !shown.contains(&c.key))
            .map(|c| {
                let key = options_trace.str(c.key).to_string();
                view! { <option value=key.clone()>{format!("{key} ({})", c.spans)}</option> }
            })
            .collect_view()
    };
    let trace = Arc::clone(trace);
    view! {
        <select
            class="small"
            data-testid="span-table-add-column"
            title="Add a column showing an attribute of each span (or of its resource)"
            node_ref=select
            on:change=move |ev| {
                let value = event_target_value(&ev);
                if let Some(key) = trace.pools.strings.lookup(&value) {
                    picked.update(|p| {
                        if !p.contains(&key) {
                            p.push(key);
                        }
                    });
                }
                if let Some(el) = select.get_untracked() {
                    el.set_value("");
                }
            }
        >
            <option value="">"Add attribute column…"</option>
            {options}
        </select>
    }
}

/// The span table view.
#[component]
pub fn SpanTableView(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let moves = expect_context::<Moves>();
    let total = trace.spans.len();
    let (sorting, picked) = last_layout(&trace).unwrap_or((default_sorting(), Vec::new()));
    let sorting = RwSignal::new(sorting);
    let picked: RwSignal<Vec<StrId>> = RwSignal::new(picked);
    {
        let trace = Arc::downgrade(&trace);
        Effect::new(move |_| {
            let layout = Layout {
                trace: trace.clone(),
                sorting: sorting.get(),
                picked: picked.get(),
            };
            LAST_LAYOUT.with(|last| *last.borrow_mut() = Some(layout));
        });
    }
    let choices = Arc::new(attr_choices(&trace));
    // Sorted once per change of order or find; cells are made only for
    // the rows in view.
    let order = {
        let trace = Arc::clone(&trace);
        Memo::new(move |_| {
            let sorting = sorting.get();
            moves.found.with(|f| {
                let only = f.active.then_some(f.matches.as_slice());
                Arc::new(row_order(&trace, sorting, only))
            })
        })
    };
    let filtered = Signal::derive(move || moves.found.with(|f| f.active));
    let count = Signal::derive(move || order.with(|o| o.len()));
    let rows_view = VirtualRows::new(ROW_PX, 20);
    // Once mounted: the selected span's row in view (back from the
    // timeline, it is the row that was clicked).
    let element = rows_view.element();
    Effect::new(move |_| {
        if element.get().is_some() {
            let selected = moves.selection.selected.get_untracked();
            let at =
                selected.and_then(|ix| order.with_untracked(|o| o.iter().position(|&r| r == ix)));
            if let Some(at) = at {
                rows_view.show_row(at);
            }
        }
    });
    // A new order starts at the top.
    Effect::watch(
        move || order.track(),
        move |_, _, _| rows_view.to_top(),
        false,
    );
    let header = view! {
        <tr>
            {sortable_header(&FIXED_COLUMNS, sorting, "span-table-sort")}
            {attr_headers(&trace, picked, sorting, &choices)}
        </tr>
    };
    let (rows_trace, rows_choices) = (Arc::clone(&trace), Arc::clone(&choices));
    let rows = move |range: std::ops::Range<usize>| {
        let ixs: Vec<SpanIx> = order.with(|o| o.get(range).unwrap_or(&[]).to_vec());
        let keys = picked.get();
        ixs.into_iter()
            .filter_map(|ix| row(&rows_trace, ix, &keys))
            .map(|r| {
                let ix = r.ix;
                let trace = Arc::clone(&rows_trace);
                let mut fixed = r.fixed.into_iter();
                let mut cell = move || fixed.next().unwrap_or_default();
                let (service, operation, start, duration, self_time, status, kind) =
                    (cell(), cell(), cell(), cell(), cell(), cell(), cell());
                let attrs = keys
                    .iter()
                    .zip(r.attrs)
                    .map(|(&k, value)| {
                        view! {
                            <td
                                class="attr-col"
                                class:num=!is_text(Column::Attr(k), &rows_choices)
                                data-testid="span-table-attr"
                                data-key=trace.str(k).to_string()
                            >
                                {value}
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr
                        data-testid="span-table-row"
                        data-span-id=r.span_id
                        data-duration-us=r.duration_us
                        data-self-us=r.self_us
                        data-start-us=r.start_us
                        class:error=r.error
                        class:selected=move || moves.selection.selected.get() == Some(ix)
                        on:click={
                            let trace = Arc::clone(&trace);
                            move |_| {
                                moves.open_in_timeline(&trace, ix);
                            }
                        }
                    >
                        <td class="svc">{service}</td>
                        <td class="op">{operation}</td>
                        <td class="num">{start}</td>
                        <td class="num">{duration}</td>
                        <td class="num">{self_time}</td>
                        <td class="status">
                            <span class="status-cell">
                                {r.error.then(|| view! { <span class="error-mark" title="Error">"!"</span> })}
                                {status}
                            </span>
                        </td>
                        <td>{(!kind.is_empty()).then(|| view! { <span class="kind">{kind}</span> })}</td>
                        {attrs}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="span-table-view">
            <div class="span-table-bar">
                <span class="row-count" data-testid="span-table-count">
                    {move || count_text(count.get(), total, filtered.get())}
                </span>
                {column_picker(&trace, picked, &choices)}
            </div>
            <VirtualTable
                rows_view=rows_view
                count=count
                header=header
                rows=rows
                scroll_class="stats-view span-table"
                {..}
                data-testid="span-table"
                data-count=move || count.get()
                data-total=total
            />
        </div>
    }
}
