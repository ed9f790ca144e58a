//! Pasted W3C trace context: what it decodes to, and where it leads.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::trace_context::TraceContext;
use trace_viewer::view_model::route::Route;
use trace_viewer::view_model::trace_context::{land, Landing};

const HEADER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn a_traceparent_decodes_however_it_is_pasted() {
    let want = TraceContext::parse(HEADER).unwrap();
    assert_eq!(want.version, Some(0));
    assert_eq!(want.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(want.parent_id.unwrap().to_hex(), "00f067aa0ba902b7");
    assert_eq!(want.flags, Some(1));
    for pasted in [
        format!("traceparent: {HEADER}"),
        format!("  Traceparent:{HEADER}\n"),
        format!("traceparent={HEADER}"),
    ] {
        assert_eq!(
            TraceContext::parse(&pasted).as_ref(),
            Some(&want),
            "{pasted:?}"
        );
    }
    let with_state = TraceContext::parse(&format!(
        "traceparent: {HEADER}\ntracestate: congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"
    ))
    .unwrap();
    assert_eq!(
        with_state.trace_state.as_deref(),
        Some("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
    );
    assert_eq!(
        with_state.describe(),
        "version 00, trace 4bf92f3577b34da6a3ce929d0e0e4736, parent span 00f067aa0ba902b7, \
         flags 01 (sampled), tracestate congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"
    );
    let unsampled =
        TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").unwrap();
    assert!(unsampled.describe().contains("flags 00 (not sampled)"));
}

#[test]
fn a_bare_trace_id_is_a_trace_without_a_span() {
    let ctx = TraceContext::parse(" 4BF92F3577B34DA6A3CE929D0E0E4736 ").unwrap();
    assert_eq!(ctx.version, None);
    assert_eq!(ctx.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(ctx.parent_id, None);
    assert_eq!(ctx.describe(), "trace 4bf92f3577b34da6a3ce929d0e0e4736");
}

#[test]
fn what_the_specification_calls_invalid_is_not_a_trace_context() {
    for bad in [
        "",
        "checkout",
        "00f067aa0ba902b7", // a span id: find's business
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // 00 has four fields
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // short span id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // one-digit flags
        "{\"traceId\": \"4bf92f3577b34da6a3ce929d0e0e4736\"}",
    ] {
        assert_eq!(TraceContext::parse(bad), None, "{bad:?}");
    }
    // A later version may add fields after the four.
    assert!(
        TraceContext::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future")
            .is_some()
    );
}

#[test]
fn a_loaded_trace_opens_at_its_span_and_a_missing_one_says_which_to_load() {
    let ctx = TraceContext::parse(HEADER).unwrap();
    let id = "4bf92f3577b34da6a3ce929d0e0e4736".to_string();
    match land(&ctx, true, true) {
        Landing::Open(route, state) => {
            assert_eq!(route, Route::Trace(id.clone()));
            assert_eq!(state.span.as_deref(), Some("00f067aa0ba902b7"));
        }
        other => panic!("{other:?}"),
    }
    // The span is not in the trace: the trace opens, nothing selected.
    match land(&ctx, true, false) {
        Landing::Open(route, state) => {
            assert_eq!(route, Route::Trace(id.clone()));
            assert_eq!(state.span, None);
        }
        other => panic!("{other:?}"),
    }
    match land(&ctx, false, false) {
        Landing::NotLoaded(message) => assert!(message.contains(&id), "{message}"),
        other => panic!("{other:?}"),
    }
}
