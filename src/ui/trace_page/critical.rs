//! The critical-path list under the header: its spans, earliest first, each
//! selectable; built when first opened.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{text, Trace};
use crate::ui::trace_page::state::Moves;
use crate::view_model::critical::CriticalPath;

/// Items of the critical-path list shown before "Show all".
const CRITICAL_SHOWN: usize = 100;

/// The spans on the critical path, earliest first, each selectable. The
/// list is built when it is first opened, and long lists stop at
/// [`CRITICAL_SHOWN`] items until "Show all" is pressed.
pub fn critical_list(trace: &Arc<Trace>, critical: &Arc<CriticalPath>) -> impl IntoView {
    let moves = expect_context::<Moves>();
    let count = critical.span_count();
    let total = critical.total_nanos();
    let end_us = critical
        .end_unix_nanos()
        .map(text::micros_attr)
        .unwrap_or_default();
    let open = RwSignal::new(false);
    let all = RwSignal::new(false);
    let (trace, critical) = (Arc::clone(trace), Arc::clone(critical));
    let items = move || {
        if !open.get() {
            return None;
        }
        let spans = critical.spans_in_order();
        let shown = if all.get() {
            spans.len()
        } else {
            CRITICAL_SHOWN
        };
        let rest = spans.len().saturating_sub(shown);
        let items = spans
            .into_iter()
            .take(shown)
            .map(|(ix, nanos)| {
                let name = trace
                    .spans
                    .get(ix.get())
                    .map(|s| format!("{}: {}", trace.str(s.raw.service), trace.str(s.raw.name)))
                    .unwrap_or_default();
                let trace = Arc::clone(&trace);
                view! {
                    <li>
                        <a href="#" data-testid="critical-item" on:click=move |ev| {
                            ev.prevent_default();
                            moves.open_in_timeline(&trace, ix);
                        }>{name}</a>
                        <span class="muted">{format!(" {}", text::duration(nanos))}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <ol>{items}</ol>
            {(rest > 0).then(|| view! {
                <button class="small" data-testid="critical-show-all" on:click=move |_| all.set(true)>
                    {format!("Show all {count} (+{rest})")}
                </button>
            })}
        })
    };
    view! {
        <details
            class="critical-list"
            data-testid="critical-path"
            data-count=count
            data-end-us=end_us
            on:toggle=move |ev| {
                let opened = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                open.set(opened);
            }
        >
            <summary>
                {format!(
                    "Critical path: {count} span{}, {}",
                    if count == 1 { "" } else { "s" },
                    text::duration(total),
                )}
            </summary>
            {items}
        </details>
    }
}
