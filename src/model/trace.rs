//! The depth-first span arena: one [`Trace`] per trace id.
//!
//! Building is a series of passes over flat vectors (index ids, drop exact
//! copies, link parents, walk depth-first with an explicit stack, fold times).
//! Nothing recurses over the tree, so a 100k-deep chain is as cheap as a flat
//! one.

use std::sync::Arc;

use super::ids::TraceId;
use super::span::{Pools, RawSpan, StatusCode};
use super::strings::StrId;

/// Index into [`Trace::spans`], which is stored depth-first: the subtree of
/// `ix` is `ix..=subtree_end` of that span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpanIx(pub u32);

impl SpanIx {
    /// The span at arena position `i` (arenas hold at most `u32::MAX` spans).
    pub fn at(i: usize) -> SpanIx {
        SpanIx(i as u32)
    }

    /// As a `usize` for indexing.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// Index into a list of loaded traces (the page's, in load order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TraceIx(pub u32);

impl TraceIx {
    /// The trace at position `i`.
    pub fn at(i: usize) -> TraceIx {
        TraceIx(i as u32)
    }

    /// As a `usize` for indexing.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// A span placed in its trace's tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// What the reader delivered.
    pub raw: RawSpan,
    /// The parent in this trace, if it is present.
    pub parent: Option<SpanIx>,
    /// Root = 1.
    pub depth: u32,
    /// Last index of this span's subtree (itself when it has no children).
    pub subtree_end: u32,
    /// Direct children.
    pub child_count: u32,
    /// Duration not covered by any child (children clipped to this span).
    pub self_nanos: u64,
    /// How far clock-skew correction moved this span (0 when not corrected).
    pub skew_nanos: i64,
}

impl Span {
    /// End, nanoseconds since the Unix epoch.
    pub fn end_unix_nanos(&self) -> u64 {
        self.raw
            .start_unix_nanos
            .saturating_add(self.raw.duration_nanos)
    }

    /// True when the span's status is error.
    pub fn is_error(&self) -> bool {
        self.raw.status == StatusCode::Error
    }
}

/// One trace, its spans depth-first (children by start time), and its figures.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The trace id.
    pub id: TraceId,
    /// Strings, attributes, events, links of the file the trace came from.
    pub pools: Arc<Pools>,
    /// The arena, depth-first.
    pub spans: Vec<Span>,
    /// Earliest span start.
    pub start_unix_nanos: u64,
    /// Latest span end.
    pub end_unix_nanos: u64,
    /// Longest root-to-leaf chain, in spans.
    pub depth: u32,
    /// Spans whose status is error.
    pub error_count: u32,
    /// Distinct services with their span counts, sorted by name.
    pub services: Vec<(StrId, u32)>,
    /// Spans without a parent in the trace (true roots and orphans).
    pub root_count: u32,
    /// Spans that clock skew puts outside their parent (see [`super::skew`]).
    pub skewed_spans: u32,
    /// Per span (arena order): the stretch of the text pool its text-valued
    /// attributes lie in, so that find can skip spans whose text cannot hold
    /// a match without reading their attributes.
    pub text_extents: Vec<TextExtent>,
}

/// Byte range `start..end` of a text pool (empty when `start >= end`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextExtent {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// Bytes of memory a set of traces holds: every trace's arena, and each
/// pool once however many traces share it (traces read from one file do).
pub fn model_bytes<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> usize {
    let mut pools: super::hash::FxHashSet<*const Pools> = super::hash::FxHashSet::default();
    let mut bytes = 0usize;
    for t in traces {
        bytes += t.heap_bytes();
        if pools.insert(Arc::as_ptr(&t.pools)) {
            bytes += t.pools.heap_bytes();
        }
    }
    bytes
}

/// The [`TextExtent`] of each span's attributes.
pub fn text_extents(spans: &[Span], pools: &Pools) -> Vec<TextExtent> {
    use super::span::AttrValue;
    spans
        .iter()
        .map(|s| {
            let mut e = TextExtent {
                start: u32::MAX,
                end: 0,
            };
            for a in pools.attrs(s.raw.attrs) {
                if let AttrValue::Str(t)
                | AttrValue::Bytes(t)
                | AttrValue::Array(t)
                | AttrValue::Map(t) = a.value
                {
                    e.start = e.start.min(t.start);
                    e.end = e.end.max(t.start.saturating_add(t.len));
                }
            }
            e
        })
        .collect()
}

impl Trace {
    /// Latest end minus earliest start.
    pub fn duration_nanos(&self) -> u64 {
        self.end_unix_nanos.saturating_sub(self.start_unix_nanos)
    }

    /// Bytes of memory the arena holds, not counting the shared pools.
    pub fn heap_bytes(&self) -> usize {
        self.spans.capacity() * std::mem::size_of::<Span>()
            + self.services.capacity() * std::mem::size_of::<(StrId, u32)>()
            + self.text_extents.capacity() * std::mem::size_of::<TextExtent>()
    }

    /// The first root (earliest start).
    pub fn root(&self) -> Option<&Span> {
        self.spans.first()
    }

    /// The span at `ix`.
    pub fn span(&self, ix: SpanIx) -> Option<&Span> {
        self.spans.get(ix.get())
    }

    /// Interned text.
    pub fn str(&self, id: StrId) -> &str {
        self.pools.strings.get(id)
    }

    /// Index of the service among [`Trace::services`], for colouring.
    pub fn service_index(&self, service: StrId) -> usize {
        self.services
            .binary_search_by(|(s, _)| self.str(*s).cmp(self.str(service)))
            .unwrap_or(0)
    }

    /// Links and references of `span` other than the reference to its parent
    /// (Jaeger lists the parent among its references).
    pub fn links_beyond_parent<'a>(
        &'a self,
        span: &'a Span,
    ) -> impl Iterator<Item = &'a super::span::Link> + 'a {
        self.pools.links(span.raw.links).iter().filter(move |l| {
            !(l.kind != super::span::LinkKind::Link
                && l.trace_id == span.raw.trace_id
                && Some(l.span_id) == span.raw.parent_id)
        })
    }

    /// "root service: root operation", as the trace list shows it.
    pub fn name(&self) -> String {
        match self.root() {
            Some(root) => format!(
                "{}: {}",
                self.str(root.raw.service),
                self.str(root.raw.name)
            ),
            None => String::from("(empty trace)"),
        }
    }

    /// Direct children of `ix`, in start order.
    pub fn children(&self, ix: SpanIx) -> Children<'_> {
        let end = self.spans.get(ix.get()).map_or(0, |s| s.subtree_end);
        Children {
            spans: &self.spans,
            next: ix.0 + 1,
            end,
        }
    }
}

/// Iterator over the direct children of a span in the arena.
pub struct Children<'a> {
    spans: &'a [Span],
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = SpanIx;

    fn next(&mut self) -> Option<SpanIx> {
        if self.next > self.end {
            return None;
        }
        let ix = self.next;
        let span = self.spans.get(ix as usize)?;
        self.next = span.subtree_end + 1;
        Some(SpanIx(ix))
    }
}
