//! What the views over many traces share: the traces the list shows, and
//! a click that opens the list narrowed to what was clicked.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::Trace;
use crate::ui::app_state::{ListState, Traces};
use crate::view_model::url_state::{ListParams, ListView};

/// The traces the list's filter shows, in its order.
pub fn shown_traces(list: ListState, traces: Traces) -> Vec<Arc<Trace>> {
    let shown = list.shown.with(|s| Arc::clone(&s.indices));
    traces.with(|ts| {
        shown
            .iter()
            .filter_map(|&i| ts.get(i.get()).cloned())
            .collect()
    })
}

/// Opens the list of traces with the filter changed by `narrow`, as a new
/// history entry (Back returns to the view).
pub fn show_in_list(list: ListState, narrow: impl FnOnce(&mut ListParams)) {
    let mut next = list.params.get_untracked();
    narrow(&mut next);
    next.view = ListView::Traces;
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = location.set_hash(&next.to_hash());
    }
}
