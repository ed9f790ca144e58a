//! Clock skew: a child on another service that starts before its parent or
//! ends after it was timed by another clock. As Jaeger's `ClockSkew`
//! adjuster does, the child (and its subtree on the same service) is shifted
//! so that it fits its parent, centred when it is shorter:
//!
//! ```text
//! parent (svc A)        |----------------|
//! child  (svc B)  |--------|                 starts 4 before the parent
//! adjusted              |  |--------|  |    centred: (16 - 10) / 2 = 3 in
//! ```
//!
//! A child longer than its parent is moved to start with it. Spans on the
//! same service as their parent inherit the parent's shift. Unlike Jaeger,
//! a child that merely ends after its parent is left alone (async work and
//! messaging do that) unless it is a server answering a client.

use std::sync::Arc;

use super::span::{Pools, SpanKind};
use super::trace::{SpanIx, Trace};
use super::warnings::{WarningKind, Warnings};

/// The shift each span needs, in nanoseconds (0 for most), by arena index.
pub fn shifts(trace: &Trace) -> Vec<i64> {
    let mut shift = vec![0i64; trace.spans.len()];
    // Depth-first order: every parent is visited before its children.
    for (i, span) in trace.spans.iter().enumerate() {
        let Some(p) = span.parent else { continue };
        let Some(parent) = trace.span(p) else {
            continue;
        };
        let parent_shift = shift.get(p.get()).copied().unwrap_or(0);
        // In i128: times span all of u64, shifts all of i64; nothing wraps.
        let own = if parent.raw.service == span.raw.service {
            i128::from(parent_shift)
        } else {
            let p_start = i128::from(parent.raw.start_unix_nanos) + i128::from(parent_shift);
            let p_dur = i128::from(parent.raw.duration_nanos);
            let c_start = i128::from(span.raw.start_unix_nanos);
            let c_dur = i128::from(span.raw.duration_nanos);
            // A child may outlive its parent (async work, messaging), but it
            // cannot start before it, and a server cannot answer after its
            // client got the answer.
            let starts_before = c_start < p_start;
            let rpc_outlives = parent.raw.kind == SpanKind::Client
                && span.raw.kind == SpanKind::Server
                && c_start + c_dur > p_start + p_dur;
            if !(starts_before || rpc_outlives) {
                0
            } else if c_dur > p_dur {
                p_start - c_start
            } else {
                p_start + (p_dur - c_dur) / 2 - c_start
            }
        };
        if let Some(slot) = shift.get_mut(i) {
            *slot = i64::try_from(own).unwrap_or(if own < 0 { i64::MIN } else { i64::MAX });
        }
    }
    shift
}

/// `time_unix_nanos` moved by `shift_nanos`, kept within 1970..=u64::MAX.
fn shifted(time_unix_nanos: u64, shift_nanos: i64) -> u64 {
    let t = i128::from(time_unix_nanos) + i128::from(shift_nanos);
    u64::try_from(t.max(0)).unwrap_or(u64::MAX)
}

/// Notes the spans that need a shift of their own (not inherited).
pub fn detect(trace: &Trace, warnings: &mut Warnings) -> u32 {
    let shift = shifts(trace);
    let mut count = 0;
    for (i, span) in trace.spans.iter().enumerate() {
        let own = match span.parent {
            Some(p) => shift[i] != shift.get(p.get()).copied().unwrap_or(0),
            None => false,
        };
        if own {
            count += 1;
            let parent_service = span
                .parent
                .and_then(|p| trace.span(p))
                .map_or("", |p| trace.str(p.raw.service));
            warnings.add(WarningKind::ClockSkew, || {
                format!(
                    "span {} on {} is off its parent on {} by {}",
                    span.raw.span_id,
                    trace.str(span.raw.service),
                    parent_service,
                    super::text::signed_duration(shift[i])
                )
            });
        }
    }
    count
}

impl Trace {
    /// The same trace with clock skew corrected; each moved span records its
    /// shift in [`super::trace::Span::skew_nanos`].
    pub fn skew_corrected(&self) -> Trace {
        let shift = shifts(self);
        let mut pools: Pools = (*self.pools).clone();
        let mut raws = Vec::with_capacity(self.spans.len());
        for (span, &d) in self.spans.iter().zip(&shift) {
            let mut raw = span.raw;
            raw.start_unix_nanos = shifted(raw.start_unix_nanos, d);
            if d != 0 {
                for e in pools
                    .events
                    .get_mut(raw.events.as_range())
                    .into_iter()
                    .flatten()
                {
                    e.time_unix_nanos = shifted(e.time_unix_nanos, d);
                }
            }
            raws.push(raw);
        }
        let mut ignored = Warnings::default();
        let mut fixed = match Trace::build(Arc::new(pools), raws, &mut ignored) {
            Some(t) => t,
            None => return self.clone(),
        };
        // Record each span's shift by its id (the order may have changed).
        let by_id: super::hash::FxHashMap<(super::ids::SpanId, u64), i64> = self
            .spans
            .iter()
            .zip(&shift)
            .map(|(s, &d)| ((s.raw.span_id, shifted(s.raw.start_unix_nanos, d)), d))
            .collect();
        for s in &mut fixed.spans {
            s.skew_nanos = by_id
                .get(&(s.raw.span_id, s.raw.start_unix_nanos))
                .copied()
                .unwrap_or(0);
        }
        fixed.skewed_spans = 0;
        fixed
    }

    /// Index helper for tests and the UI.
    pub fn ix_of(&self, span_id: super::ids::SpanId) -> Option<SpanIx> {
        self.spans
            .iter()
            .position(|s| s.raw.span_id == span_id)
            .map(|i| SpanIx(i as u32))
    }
}
