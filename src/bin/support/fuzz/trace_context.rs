//! Pasted trace context (`model::trace_context`, `view_model::trace_context`):
//! `traceparent` / `tracestate` lines and bare trace ids, mutated, read with
//! `TraceContext::parse`, described, and landed on a page. A context that
//! reads, written back as the headers, must read as the same context.

use trace_viewer::model::trace_context::TraceContext;
use trace_viewer::view_model::trace_context::{land, Landing};

use crate::fuzz_target::{mutate_text, Target};
use crate::rng::Rng;

/// The trace context's target.
pub fn target() -> Target {
    Target {
        name: "trace-context",
        what: "model::trace_context parse and describe, view_model::trace_context land",
        share: 1,
        seeds: SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect(),
        mutate,
        run,
        max_len: 8 << 10,
    }
}

const SEEDS: &[&str] = &[
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\ntracestate: rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
    "TraceParent=01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-future-field",
    "4bf92f3577b34da6a3ce929d0e0e4736",
    "tracestate=a=b\r\n  traceparent : ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "00-00000000000000000000000000000000-0000000000000000-01",
];

const TOKENS: &[&[u8]] = &[
    b"-",
    b"--",
    b"00",
    b"01",
    b"ff",
    b"FF",
    b"0",
    b"traceparent",
    b"tracestate",
    b":",
    b"=",
    b"\n",
    b"\r\n",
    b" ",
    b"\t",
    b"4bf92f3577b34da6a3ce929d0e0e4736",
    b"00f067aa0ba902b7",
    b"0000000000000000",
    b"+1",
    b"0x",
    b"\xc3\xa9",
    b"\xef\xbc\x90",
    b"\xff",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    mutate_text(rng, input, seeds, TOKENS);
}

fn run(input: &[u8]) -> Result<bool, String> {
    let text = String::from_utf8_lossy(input);
    let Some(ctx) = TraceContext::parse(&text) else {
        return Ok(false);
    };
    std::hint::black_box(ctx.describe());
    let pasted = written(&ctx);
    let again = TraceContext::parse(&pasted);
    if again.as_ref() != Some(&ctx) {
        return Err(format!(
            "{text:?} reads as {ctx:?}; written back as {pasted:?}, it reads as {again:?}"
        ));
    }
    let flags = input.first().copied().unwrap_or(0);
    match land(&ctx, flags & 1 == 1, flags & 2 == 2) {
        Landing::Open(route, state) => std::hint::black_box((route.to_hash(), state.to_params())),
        Landing::NotLoaded(message) => std::hint::black_box((message, String::new())),
    };
    Ok(true)
}

/// The headers that carry `ctx` (the bare id when it has no version).
fn written(ctx: &TraceContext) -> String {
    let mut out = match (ctx.version, ctx.parent_id, ctx.flags) {
        (Some(v), Some(p), Some(f)) => format!(
            "traceparent: {v:02x}-{}-{}-{f:02x}",
            ctx.trace_id.to_hex(),
            p.to_hex()
        ),
        _ => ctx.trace_id.to_hex(),
    };
    if let Some(state) = &ctx.trace_state {
        out.push_str("\ntracestate: ");
        out.push_str(state);
    }
    out
}
