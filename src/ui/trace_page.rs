//! One trace: its header figures, the timeline and the span detail.

use std::sync::Arc;

use leptos::prelude::*;

use super::detail::SpanDetail;
use super::stats::StatsView;
use super::timeline::Timeline;
use crate::model::analysis::critical_path;
use crate::model::{format, Trace};
use crate::view_model::critical::CriticalPath;

/// The spans on the critical path, earliest first, each selectable.
fn critical_list(
    trace: &Trace,
    critical: &CriticalPath,
    selected: RwSignal<Option<u32>>,
) -> impl IntoView {
    let spans = critical.spans_in_order();
    let count = spans.len();
    let items = spans
        .into_iter()
        .map(|(ix, nanos)| {
            let name = trace
                .spans
                .get(ix as usize)
                .map(|s| format!("{}: {}", trace.str(s.raw.service), trace.str(s.raw.name)))
                .unwrap_or_default();
            view! {
                <li>
                    <a href="#" data-testid="critical-item" on:click=move |ev| {
                        ev.prevent_default();
                        selected.set(Some(ix));
                    }>{name}</a>
                    <span class="muted">{format!(" {}", format::duration(nanos))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="critical-list" data-testid="critical-path" data-count=count>
            <summary>
                {format!(
                    "Critical path: {count} span{}, {}",
                    if count == 1 { "" } else { "s" },
                    format::duration(critical.total_nanos()),
                )}
            </summary>
            <ol>{items}</ol>
        </details>
    }
}

/// The trace page: the trace as recorded, or with clock skew corrected.
#[component]
pub fn TracePage(trace: Arc<Trace>) -> impl IntoView {
    let corrected = RwSignal::new(false);
    let skewed = trace.skewed_spans;
    move || {
        let shown = if corrected.get() {
            Arc::new(trace.skew_corrected())
        } else {
            Arc::clone(&trace)
        };
        view! { <TraceView trace=shown corrected=corrected skewed=skewed /> }
    }
}

/// Header, timeline and detail of one (possibly corrected) trace.
#[component]
fn TraceView(trace: Arc<Trace>, corrected: RwSignal<bool>, skewed: u32) -> impl IntoView {
    let selected: RwSignal<Option<u32>> = RwSignal::new(None);
    let critical = Arc::new(CriticalPath::new(critical_path(&trace)));
    let path_list = critical_list(&trace, &critical, selected);
    let stats_shown = RwSignal::new(false);
    let trace_for_stats = Arc::clone(&trace);
    let trace_for_body = Arc::clone(&trace);
    let t = &trace;
    let id = t.id.to_hex();
    view! {
        <section class="trace-page">
            <div class="trace-header" data-testid="trace-header" data-trace-id=id.clone()>
                <h2 class="trace-title">
                    {t.name()} <span class="trace-id">{id.clone()}</span>
                </h2>
                <dl class="figures">
                    <div data-testid="trace-start" data-start-us=format::micros_attr(t.start_unix_nanos)>
                        <dt>"Trace Start"</dt>
                        <dd>{format::utc_time(t.start_unix_nanos)}</dd>
                    </div>
                    <div data-testid="trace-duration" data-duration-us=format::micros_attr(t.duration_nanos())>
                        <dt>"Duration"</dt>
                        <dd>{format::duration(t.duration_nanos())}</dd>
                    </div>
                    <div data-testid="trace-services" data-count=t.services.len()>
                        <dt>"Services"</dt>
                        <dd>{t.services.len()}</dd>
                    </div>
                    <div data-testid="trace-depth" data-depth=t.depth>
                        <dt>"Depth"</dt>
                        <dd>{t.depth}</dd>
                    </div>
                    <div data-testid="trace-total-spans" data-count=t.spans.len()>
                        <dt>"Total Spans"</dt>
                        <dd>{t.spans.len()}</dd>
                    </div>
                    <div data-testid="trace-errors" data-count=t.error_count class:has-errors={t.error_count > 0}>
                        <dt>"Errors"</dt>
                        <dd>{t.error_count}</dd>
                    </div>
                </dl>
                {(skewed > 0)
                    .then(|| {
                        view! {
                            <div class="skew-note" data-testid="clock-skew">
                                {move || {
                                    if corrected.get() {
                                        format!("Clock skew corrected on {skewed} span{}.", if skewed == 1 { "" } else { "s" })
                                    } else {
                                        format!(
                                            "{skewed} span{} on another service lie outside their parent: their clocks differ.",
                                            if skewed == 1 { "" } else { "s" },
                                        )
                                    }
                                }}
                                <button
                                    class="small"
                                    data-testid="clock-skew-toggle"
                                    on:click=move |_| corrected.update(|c| *c = !*c)
                                >
                                    {move || if corrected.get() { "Show recorded times" } else { "Correct clock skew" }}
                                </button>
                            </div>
                        }
                    })}
            </div>
            {path_list}
            <nav class="view-tabs">
                <button
                    class="tab"
                    class:active=move || !stats_shown.get()
                    data-testid="view-tab-timeline"
                    on:click=move |_| stats_shown.set(false)
                >
                    "Timeline"
                </button>
                <button
                    class="tab"
                    class:active=move || stats_shown.get()
                    data-testid="view-tab-stats"
                    on:click=move |_| stats_shown.set(true)
                >
                    "Statistics"
                </button>
            </nav>
            {move || {
                if stats_shown.get() {
                    view! { <StatsView trace=Arc::clone(&trace_for_stats) /> }.into_any()
                } else {
                    view! {
                        <div class="trace-body">
                            <Timeline trace=Arc::clone(&trace_for_body) selected=selected critical=Arc::clone(&critical) />
                            <SpanDetail trace=Arc::clone(&trace_for_body) selected=selected critical=Arc::clone(&critical) />
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
