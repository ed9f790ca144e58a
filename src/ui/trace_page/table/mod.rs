//! The span table view of one trace (being built).

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::Trace;
use crate::ui::trace_page::state::TraceState;

/// The span table view.
#[component]
pub fn SpanTableView(trace: Arc<Trace>, st: TraceState) -> impl IntoView {
    let _ = (&trace, st);
    view! { <div class="table-view"></div> }
}
