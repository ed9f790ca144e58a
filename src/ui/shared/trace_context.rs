//! A pasted W3C trace context (in find or Paste) opens its trace and span.

use leptos::prelude::*;

use crate::model::trace_context::TraceContext;
use crate::ui::app_state::{Navigation, Traces};
use crate::view_model::route::Route;
use crate::view_model::trace_context::{land, Landing};

/// Opens `ctx`'s trace at its span when the trace is loaded (the page
/// changes, so nothing is said); else returns the decoded fields and which
/// trace to load, for the page to show.
pub fn follow(ctx: &TraceContext, traces: Traces, nav: Navigation) -> Option<String> {
    let (trace_loaded, span_loaded) =
        traces.with_untracked(|ts| match ts.iter().find(|t| t.id == ctx.trace_id) {
            None => (false, false),
            Some(t) => (
                true,
                ctx.parent_id
                    .is_some_and(|p| t.spans.iter().any(|s| s.raw.span_id == p)),
            ),
        });
    match land(ctx, trace_loaded, span_loaded) {
        Landing::Open(Route::Trace(id), state) => {
            nav.follow_link(&id, state);
            None
        }
        Landing::Open(..) => None,
        Landing::NotLoaded(message) => Some(format!("{}. {message}", decoded(ctx))),
    }
}

/// "Trace context: version 00, trace …" (what was read from the paste).
pub fn decoded(ctx: &TraceContext) -> String {
    format!("Trace context: {}", ctx.describe())
}

/// The line under find or Paste that says what a pasted trace context
/// decoded to and which trace to load (`data-testid=trace-context`).
pub fn context_note(note: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        note.get().map(|text| {
            view! { <p class="trace-context" role="status" data-testid="trace-context">{text}</p> }
        })
    }
}
