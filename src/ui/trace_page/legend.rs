//! The service legend: each service with its colour and span count.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::{text, Trace};
use crate::ui::trace_page::state::Folding;
use crate::view_model::colours::css_var;
use crate::view_model::legend::{legend_entries, LEGEND_MAX};

/// Services with their colours and span counts; clicking one hides or shows
/// its spans on the timeline. Past [`LEGEND_MAX`] services, the busiest are
/// shown and a filter finds the others.
pub fn legend(trace: &Arc<Trace>) -> impl IntoView {
    let hidden_services = expect_context::<Folding>().hidden_services;
    let total = trace.services.len();
    let filter = RwSignal::new(String::new());
    let entries_trace = Arc::clone(trace);
    let entries =
        Memo::new(move |_| filter.with(|f| legend_entries(&entries_trace, f, LEGEND_MAX)));
    let item_trace = Arc::clone(trace);
    let colours = crate::ui::app_state::trace_colours(trace);
    let items = move || {
        let (shown, _) = entries.get();
        shown
            .into_iter()
            .filter_map(|i| {
                let &(service, count) = item_trace.services.get(i)?;
                let name = item_trace.str(service).to_string();
                let attr_name = name.clone();
                let slot = colours.slot_at(i);
                let colour = css_var(slot);
                let hidden = move || hidden_services.with(|h| h.get(i).copied().unwrap_or(false));
                Some(view! {
                    <button
                        class="legend-item"
                        class:off=hidden
                        data-testid="legend-item"
                        data-service=attr_name
                        data-colour=slot
                        data-count=count
                        aria-pressed=move || (!hidden()).to_string()
                        title="Show or hide this service's spans"
                        on:click=move |_| {
                            hidden_services.update(|h| {
                                if let Some(x) = h.get_mut(i) {
                                    *x = !*x;
                                }
                            })
                        }
                    >
                        <span class="svc-swatch" style:background=colour></span>
                        {text::clip(&name, 60)}
                        <span class="muted">{format!(" {count}")}</span>
                    </button>
                })
            })
            .collect_view()
    };
    let more = move || {
        let (shown, matching) = entries.get();
        (matching > shown.len()).then(|| {
            view! {
                <span class="muted legend-more" data-testid="legend-more" data-count=matching - shown.len()>
                    {format!("+{} more", matching - shown.len())}
                </span>
            }
        })
    };
    let any_hidden = move || hidden_services.with(|h| h.iter().any(|x| *x));
    view! {
        <div class="legend" data-testid="service-legend" data-count=total>
            {(total > LEGEND_MAX).then(|| view! {
                <input
                    type="search"
                    class="legend-filter"
                    data-testid="legend-filter"
                    placeholder=format!("Filter {total} services")
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            })}
            {items}
            {more}
            {move || {
                any_hidden()
                    .then(|| {
                        view! {
                            <button
                                class="small"
                                on:click=move |_| hidden_services.update(|h| h.iter_mut().for_each(|x| *x = false))
                            >
                                "Show all"
                            </button>
                        }
                    })
            }}
        </div>
    }
}
