//! The order the Jaeger and Zipkin writers go through traces in: every span
//! of every trace, one a step, with a step before the first trace, one after
//! each trace's last span and one after the last trace.

use crate::model::trace::{Span, Trace};

/// One step of a [`Walk`].
pub(super) enum Step<'t> {
    /// Before the first trace.
    Start,
    /// Span `n` of trace `trace` (`t`), after `before` spans in all.
    Span {
        trace: usize,
        t: &'t Trace,
        n: usize,
        s: &'t Span,
        before: u64,
    },
    /// After the last span of trace `trace` (`t`).
    TraceEnd { trace: usize, t: &'t Trace },
    /// After the last trace.
    End,
}

#[derive(Clone, Copy)]
enum At {
    Start,
    /// Span `span` of trace `trace` next.
    Span {
        trace: usize,
        span: usize,
    },
    Done,
}

/// Where a walk through every span of some traces stands.
pub(super) struct Walk<'t> {
    traces: &'t [&'t Trace],
    at: At,
    spans: u64,
}

impl<'t> Walk<'t> {
    /// A walk through every span of `traces`, in order.
    pub(super) fn new(traces: &'t [&'t Trace]) -> Walk<'t> {
        Walk {
            traces,
            at: At::Start,
            spans: 0,
        }
    }

    /// Span steps handed out so far.
    pub(super) fn spans(&self) -> u64 {
        self.spans
    }

    /// Hands the next step to `write`; false once the walk is over.
    pub(super) fn step(&mut self, write: impl FnOnce(Step<'t>)) -> bool {
        match self.next_step() {
            Some(step) => {
                write(step);
                true
            }
            None => false,
        }
    }

    /// The next step; `None` once [`Step::End`] was handed out.
    fn next_step(&mut self) -> Option<Step<'t>> {
        match self.at {
            At::Start => {
                self.at = At::Span { trace: 0, span: 0 };
                Some(Step::Start)
            }
            At::Span { trace, span: n } => {
                let Some(&t) = self.traces.get(trace) else {
                    self.at = At::Done;
                    return Some(Step::End);
                };
                match t.spans.get(n) {
                    Some(s) => {
                        let before = self.spans;
                        self.spans += 1;
                        self.at = At::Span { trace, span: n + 1 };
                        Some(Step::Span {
                            trace,
                            t,
                            n,
                            s,
                            before,
                        })
                    }
                    None => {
                        self.at = At::Span {
                            trace: trace + 1,
                            span: 0,
                        };
                        Some(Step::TraceEnd { trace, t })
                    }
                }
            }
            At::Done => None,
        }
    }
}
