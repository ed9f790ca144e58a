//! Why slow: the shown traces split into a selection (at least a duration,
//! or with errors) and the rest; every `key = value` ranked by how much more
//! often the selection holds it, and where the selection's extra time goes.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::aggregate::why::{WhyBuilder, WhyReport};
use crate::model::aggregate::Selection;
use crate::model::search::parse_duration;
use crate::model::text;
use crate::ui::app_state::{ListState, Traces};
use crate::ui::trace_list::sliced::{progress_note, Sliced};
use crate::ui::trace_list::views::{show_in_list, shown_traces};

/// Rows shown at first; more on request.
const FIRST_ROWS: usize = 100;
/// Self-time rows shown.
const TIME_ROWS: usize = 25;

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// A bar of `share` (0–1), as wide as the share.
fn bar(share: f64, class: &'static str) -> impl IntoView {
    let width = format!("{:.1}%", (share * 100.0).clamp(0.0, 100.0));
    view! { <span class=format!("share-bar {class}")><span style:width=width></span></span> }
}

/// The why view. `threshold` is the selection's shortest duration (the
/// address's, else the p90 of the shown traces), `None` when it selects
/// the traces with errors ([`super::plots::why_threshold`]).
#[component]
pub fn WhyView(threshold: Memo<Option<u64>>) -> impl IntoView {
    let (list, traces) = (expect_context::<ListState>(), expect_context::<Traces>());
    let sliced: Sliced<WhyReport> = Sliced::new();
    let runner = sliced.clone();
    Effect::new(move |_| {
        let shown = shown_traces(list, traces);
        let selection = match threshold.get() {
            Some(nanos) => Selection::SlowerThan(nanos),
            None => Selection::Errors,
        };
        let input = shown.into_iter().map(|t| {
            let selected = selection.holds(&t);
            (t, selected)
        });
        runner.run(
            input.collect(),
            WhyBuilder::new(),
            |b, t, selected| b.add(t, selected),
            WhyBuilder::finish,
        );
    });
    let controls = move || {
        let errors = list.params.with(|l| l.why_errors);
        let typed = threshold.get().map(text::duration).unwrap_or_default();
        view! {
            <div class="why-controls">
                <label class="check">
                    <input
                        type="radio"
                        name="why-mode"
                        data-testid="why-mode-slow"
                        prop:checked=!errors
                        on:change=move |_| list.params.update(|l| l.why_errors = false)
                    />
                    "Traces at least "
                </label>
                <input
                    type="text"
                    class="why-slow"
                    data-testid="why-slow"
                    title="A duration such as 250ms or 1.5s; or drag across the histogram or the scatter plot"
                    prop:value=typed
                    disabled=errors
                    on:change=move |ev| {
                        if let Some(nanos) = parse_duration(&event_target_value(&ev)) {
                            list.params.update(|l| l.slow_us = Some(nanos / 1000));
                        }
                    }
                />
                " long "
                <span class="muted">{move || list.params.with(|l| l.slow_us.is_none()).then_some("(the p90) ")}</span>
                <label class="check">
                    <input
                        type="radio"
                        name="why-mode"
                        data-testid="why-mode-errors"
                        prop:checked=errors
                        on:change=move |_| list.params.update(|l| l.why_errors = true)
                    />
                    "Traces with errors"
                </label>
                <span class="muted">" against the other shown traces. Drag across the histogram or the scatter plot to set the duration."</span>
            </div>
        }
    };
    let result = sliced.result;
    let report = move || result.get().map(|r| report_view(list, r));
    view! {
        <section class="why">
            {controls}
            {progress_note(&sliced)}
            {report}
        </section>
    }
}

fn report_view(list: ListState, r: Arc<WhyReport>) -> impl IntoView {
    let shown = RwSignal::new(FIRST_ROWS);
    let total = r.rows.len();
    let summary = format!(
        "{} selected, {} other traces. {} of the pairs they hold are more common in the selection.",
        r.selected, r.rest, total
    );
    let rows = {
        let r = Arc::clone(&r);
        move || {
            let n = shown.get();
            r.rows
                .iter()
                .take(n)
                .map(|row| {
                    let (s, o) = (r.selected_share(row), r.rest_share(row));
                    let (key, value) = (row.key.clone(), row.value.clone());
                    let has = format!("{key}={value}");
                    let label = format!("{key} = {value}");
                    view! {
                        <tr
                            class="why-row"
                            data-testid="why-row"
                            data-key=key
                            data-value=value
                            data-selected=row.selected
                            data-rest=row.rest
                            title="Show the traces holding it"
                            on:click=move |_| {
                                let has = has.clone();
                                show_in_list(list, move |l| l.filter.has = has)
                            }
                        >
                            <td class="pair">{label}</td>
                            <td class="shares">
                                {bar(s, "selected")}
                                {bar(o, "rest")}
                            </td>
                            <td class="num">{format!("{} ({})", row.selected, percent(s))}</td>
                            <td class="num">{format!("{} ({})", row.rest, percent(o))}</td>
                            <td class="num">{format!("+{:.0} %", (s - o) * 100.0)}</td>
                        </tr>
                    }
                })
                .collect_view()
        }
    };
    let more = move || {
        (shown.get() < total).then(|| {
            view! {
                <button class="small" data-testid="why-more" on:click=move |_| shown.update(|n| *n += FIRST_ROWS)>
                    {format!("Show more ({} left)", total - shown.get_untracked())}
                </button>
            }
        })
    };
    let folded = r
        .folded
        .iter()
        .map(|f| {
            view! {
                <li data-testid="why-folded" data-key=f.key.clone() data-values=f.values data-traces=f.traces>
                    <code>{f.key.clone()}</code>
                    {format!(": {} values in {} traces, nearly one per trace; not ranked", f.values, f.traces)}
                </li>
            }
        })
        .collect_view();
    let time = r
        .time
        .iter()
        .take(TIME_ROWS)
        .filter(|t| t.extra_nanos() > 0.0)
        .map(|t| {
            let name = format!("{}: {}", t.service, t.operation);
            let (sel, rest) = (t.selected_mean_nanos, t.rest_mean_nanos);
            view! {
                <tr
                    data-testid="why-time-row"
                    data-name=name.clone()
                    data-selected-us=text::micros_attr(sel.round() as u64)
                    data-rest-us=text::micros_attr(rest.round() as u64)
                >
                    <td>{name.clone()}</td>
                    <td class="num">{text::duration(sel.round() as u64)}</td>
                    <td class="num">{text::duration(rest.round() as u64)}</td>
                    <td class="num">{format!("+{}", text::duration((sel - rest).round() as u64))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="why-report" data-testid="why-view" data-selected=r.selected data-rest=r.rest>
            <p class="muted">{summary} " Click a row to list the traces holding it."</p>
            <table class="why-table">
                <thead>
                    <tr>
                        <th>"Holds"</th>
                        <th>"Selected / rest"</th>
                        <th class="num">"Selected"</th>
                        <th class="num">"Rest"</th>
                        <th class="num">"Difference"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {more}
            <ul class="why-folded">{folded}</ul>
            <h4>"Where the extra time goes"</h4>
            <p class="muted">"Self time per service and operation, mean per trace: the selection against the rest."</p>
            <table class="why-time">
                <thead>
                    <tr>
                        <th>"Service: operation"</th>
                        <th class="num">"Selected"</th>
                        <th class="num">"Rest"</th>
                        <th class="num">"Extra"</th>
                    </tr>
                </thead>
                <tbody>{time}</tbody>
            </table>
        </div>
    }
}
