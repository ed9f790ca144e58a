//! The events view of one trace (being built).

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::Trace;
use crate::ui::trace_page::state::TraceState;

/// The events view.
#[component]
pub fn EventsView(trace: Arc<Trace>, st: TraceState) -> impl IntoView {
    let _ = (&trace, st);
    view! { <div class="events-view"></div> }
}
