//! The logs view of one trace (being built).

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::Trace;
use crate::ui::trace_page::state::TraceState;

/// The logs view.
#[component]
pub fn LogsView(trace: Arc<Trace>, st: TraceState) -> impl IntoView {
    let _ = (&trace, st);
    view! { <div class="logs-view"></div> }
}
