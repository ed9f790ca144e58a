//! The loaded traces: a filter, the long-tail plots, and the list (only the
//! rows in view exist), or the RED table. Two traces ticked can be compared.

mod found;
mod hidpi;
pub mod plots;
pub mod red;
mod red_time;
mod services;
mod sliced;
mod structure;
mod views;
mod why;

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::many::{services_and_operations, SortBy, TraceFilter};
use crate::model::text;
use crate::ui::app_state::current_hash;
use crate::ui::app_state::replace_hash;
use crate::ui::app_state::{ListState, Navigation, Traces};
use crate::ui::shared::clock;
use crate::ui::shared::export::{export_buttons, Pick};
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::ui::trace_list::plots::{DurationHistogram, Point, Scatter};
use crate::ui::trace_list::red::RedTable;
use crate::view_model::choices;
use crate::view_model::route::Route;
use crate::view_model::url_state::ListView;

/// Height of one list row, in CSS pixels (`.trace-list td` in the stylesheet).
const ROW_PX: f64 = 30.0;

/// A text field of the filter, written back on every keystroke.
fn text_field(
    list: ListState,
    testid: &'static str,
    placeholder: &'static str,
    get: fn(&TraceFilter) -> &String,
    set: fn(&mut TraceFilter, String),
) -> impl IntoView {
    view! {
        <input
            type="search"
            data-testid=testid
            placeholder=placeholder
            prop:value=move || list.params.with(|l| get(&l.filter).clone())
            on:input=move |ev| {
                let v = event_target_value(&ev);
                list.params.update(|l| set(&mut l.filter, v));
            }
        />
    }
}

/// A picker of one name among `names` (a service, an operation): a
/// `<select>` when there are few, else a text field suggesting the names
/// that contain what was typed (see [`choices`]). Its options are rebuilt
/// when the names change, not when another field of the filter does.
fn name_picker(
    testid: &'static str,
    all_label: &'static str,
    names: Memo<Arc<Vec<String>>>,
    value: Memo<String>,
    set: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let list = names.get();
        if list.len() <= choices::SELECT_MAX {
            let options = list
                .iter()
                .map(|n| {
                    let (v, text) = (n.clone(), n.clone());
                    view! { <option value=v>{text}</option> }
                })
                .collect_view();
            view! {
                <select data-testid=testid prop:value=move || value.get() on:change=move |ev| set(event_target_value(&ev))>
                    <option value="">{all_label}</option>
                    {options}
                </select>
            }
            .into_any()
        } else {
            let typed = RwSignal::new(value.get_untracked());
            let list_id = format!("{testid}-names");
            let suggest = move || {
                let list = names.get();
                let (shown, _) =
                    typed.with(|t| choices::suggestions(&list, t, choices::SUGGEST_MAX));
                shown
                    .into_iter()
                    .map(|n| view! { <option value=n.to_string()></option> })
                    .collect_view()
            };
            view! {
                <input
                    type="search"
                    data-testid=testid
                    list=list_id.clone()
                    placeholder=format!("{all_label} ({})", list.len())
                    prop:value=move || value.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                    on:change=move |ev| set(event_target_value(&ev))
                />
                <datalist id=list_id>{suggest}</datalist>
            }
            .into_any()
        }
    }
}

/// The filter bar.
fn filter_bar(list: ListState, traces: Traces) -> impl IntoView {
    let names = Memo::new(move |_| Arc::new(traces.with(|ts| services_and_operations(ts))));
    let service = Memo::new(move |_| list.params.with(|l| l.filter.service.clone()));
    let operation = Memo::new(move |_| list.params.with(|l| l.filter.operation.clone()));
    let services = Memo::new(move |_| {
        Arc::new(names.with(|n| n.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>()))
    });
    let operations = Memo::new(move |_| {
        let service = service.get();
        let mut ops: Vec<String> = names.with(|n| {
            n.iter()
                .filter(|(s, _)| service.is_empty() || *s == service)
                .flat_map(|(_, ops)| ops.iter().cloned())
                .collect()
        });
        ops.sort_unstable();
        ops.dedup();
        Arc::new(ops)
    });
    let sort_options = SortBy::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
        .collect_view();
    view! {
        <div class="filter-bar">
            {name_picker("filter-service", "All services", services, service, move |v| {
                list.params.update(|l| {
                    l.filter.service = v;
                    l.filter.operation.clear();
                })
            })}
            {name_picker("filter-operation", "All operations", operations, operation, move |v| {
                list.params.update(|l| l.filter.operation = v)
            })}
            {text_field(list, "filter-attribute", "key=value", |f| &f.attribute, |f, v| f.attribute = v)}
            {text_field(list, "filter-min", "min duration", |f| &f.min_duration, |f, v| f.min_duration = v)}
            {text_field(list, "filter-max", "max duration", |f| &f.max_duration, |f, v| f.max_duration = v)}
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="filter-errors"
                    prop:checked=move || list.params.with(|l| l.filter.errors_only)
                    on:change=move |_| list.params.update(|l| l.filter.errors_only = !l.filter.errors_only)
                />
                "Errors only"
            </label>
            {text_field(list, "filter-text", "text, trace id or find query", |f| &f.text, |f, v| f.text = v)}
            <select
                data-testid="sort-by"
                prop:value=move || list.params.with(|l| l.sort.as_str())
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    list.params.update(|l| l.sort = SortBy::from_name(&v).unwrap_or_default());
                }
            >
                {sort_options}
            </select>
            {move || {
                (!list.params.with(|l| l.filter.is_empty()))
                    .then(|| {
                        view! {
                            <button class="small" data-testid="filter-clear" on:click=move |_| list.params.update(|l| l.filter = TraceFilter::default())>
                                "Clear"
                            </button>
                        }
                    })
            }}
            {move || list.shown.with(|s| s.error.clone()).map(|e| view! { <span class="filter-error" role="alert" data-testid="filter-error">{e}</span> })}
            {chip(list, "has", "holds", |f| &mut f.has)}
            {chip(list, "call", "calls", |f| &mut f.call)}
            {chip(list, "path", "on path", |f| &mut f.path)}
            {chip(list, "window", "a span starts in", |f| &mut f.window)}
        </div>
    }
}

/// What a view's click narrowed the list to, with a button to remove it.
fn chip(
    list: ListState,
    name: &'static str,
    label: &'static str,
    field: fn(&mut TraceFilter) -> &mut String,
) -> impl IntoView {
    move || {
        let mut filter = list.params.with(|l| l.filter.clone());
        let value = field(&mut filter).clone();
        (!value.is_empty()).then(|| {
            let shown = if name == "window" {
                window_text(&value)
            } else {
                value.clone()
            };
            view! {
                <span class="chip" data-testid="filter-chip" data-name=name data-value=value>
                    {format!("{label} {shown}")}
                    <button
                        class="chip-x"
                        title="Remove"
                        data-testid="filter-chip-remove"
                        on:click=move |_| list.params.update(|l| field(&mut l.filter).clear())
                    >
                        "×"
                    </button>
                </span>
            }
        })
    }
}

/// A window `<from µs>-<to µs>` in words: its start and length.
fn window_text(value: &str) -> String {
    match crate::model::many::parse_window(value) {
        Some((from, to)) => format!("{} + {}", clock::absolute(from), text::duration(to - from)),
        None => value.to_string(),
    }
}

/// The list page: filter, plots, list or RED table.
#[component]
pub fn TraceList() -> impl IntoView {
    let (list, traces) = (expect_context::<ListState>(), expect_context::<Traces>());
    // The hash follows the filter (replacing the entry: Back leaves the list).
    Effect::new(move |_| {
        let hash = list.params.with(|l| l.to_hash());
        // A page opened without a hash keeps its plain address.
        if !(hash == "#/" && current_hash().is_empty()) {
            replace_hash(&hash);
        }
    });
    let points = Memo::new(move |_| {
        let shown = list.shown.with(|s| Arc::clone(&s.indices));
        traces.with(|ts| {
            Arc::new(
                shown
                    .iter()
                    .filter_map(|&i| {
                        let t = ts.get(i.get())?;
                        Some(Point {
                            start_us: t.start_unix_nanos as f64 / 1000.0,
                            duration_nanos: t.duration_nanos(),
                            error: t.error_count > 0,
                            trace: i,
                        })
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });
    let durations = Memo::new(move |_| {
        Arc::new(points.with(|p| p.iter().map(|p| p.duration_nanos).collect::<Vec<_>>()))
    });
    // The why view's threshold, one for the view and both plots.
    let threshold = plots::why_threshold(list, durations);
    // A memo: changing the filter must not rebuild the list (and lose its ticks).
    let open = Memo::new(move |_| list.params.with(|l| l.view));
    let tabs = ListView::ALL
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            view! {
                <button
                    class="tab"
                    class:active=move || open.get() == v
                    data-testid=format!("list-tab-{}", v.name())
                    title=format!("{} ({})", v.label(), i + 1)
                    on:click=move |_| list.params.update(|l| l.view = v)
                >
                    {v.label()}
                </button>
            }
        })
        .collect_view();
    let empty = Memo::new(move |_| traces.with(Vec::is_empty));
    view! {
        <section class="list-page">
            <found::FoundList />
            {move || {
                empty
                    .get()
                    .then(|| {
                        view! {
                            <p class="muted" data-testid="found-hint">
                                "Tick a trace above to fetch it, or open it; fetched traces are listed here, with the views over them."
                            </p>
                        }
                    })
            }}
            <div class="list-body" class:hidden=move || empty.get()>
            {filter_bar(list, traces)}
            <div class="plots">
                <Scatter points=points threshold=threshold />
                <DurationHistogram durations=durations threshold=threshold />
            </div>
            <nav class="view-tabs">{tabs}</nav>
            {move || match open.get() {
                ListView::Traces => view! { <TraceRows /> }.into_any(),
                ListView::Red => view! { <red_time::RedOverTimeView /> <RedTable /> }.into_any(),
                ListView::Why => view! { <why::WhyView threshold=threshold /> }.into_any(),
                ListView::Structure => view! { <structure::StructureView /> }.into_any(),
                ListView::Services => view! { <services::ServicesView /> }.into_any(),
            }}
            </div>
        </section>
    }
}

/// The virtualised list, with a tick box per row for comparing.
#[component]
fn TraceRows() -> impl IntoView {
    let (list, traces, nav) = (
        expect_context::<ListState>(),
        expect_context::<Traces>(),
        expect_context::<Navigation>(),
    );
    let picked: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let rows_view = VirtualRows::new(ROW_PX, 15);
    let count = Signal::derive(move || list.shown.with(|s| s.indices.len()));
    let rows = move |range: std::ops::Range<usize>| {
        let shown = list.shown.with(|s| Arc::clone(&s.indices));
        let traces = traces.get();
        shown
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| traces.get(i.get()).cloned())
            .map(|t| {
                let id = t.id.to_hex();
                let short = t.id.short();
                let target = Route::Trace(id.clone());
                let errors = t.error_count;
                let start = t.start_unix_nanos;
                let check_id = id.clone();
                let is_picked = {
                    let id = id.clone();
                    move || picked.with(|p| p.contains(&id))
                };
                view! {
                    <tr
                        class="trace-row"
                        class:has-errors={errors > 0}
                        data-testid="trace-row"
                        data-trace-id=id.clone()
                        data-span-count=t.spans.len()
                        data-service-count=t.services.len()
                        data-depth=t.depth
                        data-duration-us=text::micros_attr(t.duration_nanos())
                        data-error-count=errors
                        data-start-us=text::micros_attr(t.start_unix_nanos)
                        on:click=move |_| nav.navigate(target.clone())
                    >
                        <td class="pick" on:click=|ev| ev.stop_propagation()>
                            <input
                                type="checkbox"
                                data-testid="compare-check"
                                title="Tick two traces to compare them"
                                prop:checked=is_picked
                                on:change=move |_| {
                                    picked.update(|p| {
                                        if let Some(pos) = p.iter().position(|x| *x == check_id) {
                                            p.remove(pos);
                                        } else {
                                            p.push(check_id.clone());
                                            if p.len() > 2 {
                                                p.remove(0);
                                            }
                                        }
                                    })
                                }
                            />
                        </td>
                        <td class="name">
                            <a href=Route::Trace(id.clone()).to_hash() data-testid="trace-name">{t.name()}</a>
                            <span class="trace-id">{short}</span>
                        </td>
                        <td class="num">{t.spans.len()}</td>
                        <td class="num">{t.services.len()}</td>
                        <td class="num">{t.depth}</td>
                        <td class="num">{text::duration(t.duration_nanos())}</td>
                        <td class="num errors">{errors}</td>
                        <td>{move || clock::absolute(start)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let compare = move |_| {
        let p = picked.get_untracked();
        if let [a, b] = p.as_slice() {
            nav.navigate(Route::Compare(a.clone(), b.clone()));
        }
    };
    // Export writes the ticked traces, else every trace the filter shows.
    let pick: Pick = Arc::new(move || {
        let ticked = picked.get_untracked();
        let shown = list.shown.with_untracked(|s| Arc::clone(&s.indices));
        traces.with_untracked(|ts| {
            if ticked.is_empty() {
                shown
                    .iter()
                    .filter_map(|&i| ts.get(i.get()).cloned())
                    .collect()
            } else {
                ticked
                    .iter()
                    .filter_map(|id| ts.iter().find(|t| t.id.to_hex() == *id).cloned())
                    .collect()
            }
        })
    });
    let export_label = Signal::derive(move || match picked.with(|p| p.len()) {
        0 => format!("Download the {} shown:", count.get()),
        n => format!("Download the {n} ticked:"),
    });
    let header = view! {
        <tr>
            <th></th>
            <th>"Trace"</th>
            <th class="num">"Spans"</th>
            <th class="num">"Services"</th>
            <th class="num">"Depth"</th>
            <th class="num">"Duration"</th>
            <th class="num">"Errors"</th>
            <th>"Start"</th>
        </tr>
    };
    view! {
        <div class="compare-bar">
            <button class="small" data-testid="compare-button" disabled=move || picked.with(|p| p.len() != 2) on:click=compare>
                {move || format!("Compare {} of 2 ticked", picked.with(|p| p.len()))}
            </button>
            <span class="muted">{move || format!("{} shown", count.get())}</span>
            {export_buttons(pick, "list-", export_label)}
        </div>
        <VirtualTable rows_view=rows_view count=count header=header rows=rows scroll_class="trace-list" />
    }
}
