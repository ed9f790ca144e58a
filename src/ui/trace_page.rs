//! One trace: its header figures, the timeline and the span detail.

use std::sync::Arc;

use leptos::prelude::*;

use super::detail::SpanDetail;
use super::timeline::Timeline;
use crate::model::{format, Trace};

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
            <div class="trace-body">
                <Timeline trace=Arc::clone(&trace) selected=selected />
                <SpanDetail trace=Arc::clone(&trace) selected=selected />
            </div>
        </section>
    }
}
