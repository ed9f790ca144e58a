//! Where a pasted trace context leads: the trace and span when they are
//! loaded, else a message saying which trace to load.

use crate::model::trace_context::TraceContext;
use crate::view_model::route::Route;
use crate::view_model::url_state::PageState;

/// What to do with a pasted trace context.
#[derive(Clone, Debug, PartialEq)]
pub enum Landing {
    /// Open this page (the trace, its span selected when it is there).
    Open(Route, PageState),
    /// The trace is not loaded: this says which one to load.
    NotLoaded(String),
}

/// Where `ctx` leads, given whether its trace is loaded and whether the
/// parent span is one of that trace's spans.
pub fn land(ctx: &TraceContext, trace_loaded: bool, span_loaded: bool) -> Landing {
    let id = ctx.trace_id.to_hex();
    if !trace_loaded {
        return Landing::NotLoaded(format!(
            "Trace {id} is not loaded: open its file, or fetch it from your Jaeger or Tempo (Backend…)."
        ));
    }
    let span = ctx.parent_id.filter(|_| span_loaded).map(|s| s.to_hex());
    Landing::Open(
        Route::Trace(id),
        PageState {
            span,
            ..PageState::default()
        },
    )
}
