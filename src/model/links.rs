//! Links across a set of loaded traces, indexed once: where each span is,
//! and which spans link to it. The span detail answers "where does this link
//! lead" and "linked from" with a lookup instead of a scan of every loaded
//! span per click.

use std::sync::Arc;

use super::hash::FxHashMap;
use super::span::LinkKind;
use super::{SpanId, Trace, TraceId};

/// A span that links to another: its trace, its id, and how it links.
pub type Incoming = (TraceId, SpanId, LinkKind);

/// Spans and incoming links of a set of traces.
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// Every span: (trace number in the set, arena index).
    spans: FxHashMap<(TraceId, SpanId), (u32, u32)>,
    /// Per linked-to span, the spans linking to it, in load order.
    incoming: FxHashMap<(TraceId, SpanId), Vec<Incoming>>,
}

impl LinkIndex {
    /// Indexes `traces`: linear in their spans and links.
    pub fn build(traces: &[Arc<Trace>]) -> LinkIndex {
        let total: usize = traces.iter().map(|t| t.spans.len()).sum();
        let mut index = LinkIndex {
            spans: FxHashMap::with_capacity_and_hasher(total, Default::default()),
            incoming: FxHashMap::default(),
        };
        for (n, t) in traces.iter().enumerate() {
            for (ix, s) in t.spans.iter().enumerate() {
                // The first copy of a span id wins, as elsewhere.
                index
                    .spans
                    .entry((t.id, s.raw.span_id))
                    .or_insert((n as u32, ix as u32));
                for l in t.links_beyond_parent(s) {
                    index
                        .incoming
                        .entry((l.trace_id, l.span_id))
                        .or_default()
                        .push((t.id, s.raw.span_id, l.kind));
                }
            }
        }
        index
    }

    /// Where span `span` of trace `trace` is: (trace number, arena index).
    pub fn locate(&self, trace: TraceId, span: SpanId) -> Option<(u32, u32)> {
        self.spans.get(&(trace, span)).copied()
    }

    /// The spans that link to span `span` of trace `trace`.
    pub fn linked_from(&self, trace: TraceId, span: SpanId) -> &[Incoming] {
        self.incoming.get(&(trace, span)).map_or(&[], Vec::as_slice)
    }
}
