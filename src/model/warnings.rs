//! What was worked around while reading a file: data, not exceptions.

/// A kind of problem that the reader could work around.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// A span's parent id names a span that is not in the trace: shown as an extra root.
    MissingParent,
    /// Several different spans share one span id: all are kept.
    DuplicateSpanId,
    /// A span appeared more than once, identically: the copies were dropped.
    ExactDuplicateSpan,
    /// Parent links form a cycle: the cycle was broken at one span.
    ParentCycle,
    /// A span's own id was missing, empty, all-zero or unreadable: an id was generated.
    InvalidSpanId,
    /// A trace id was missing, empty, all-zero or unreadable.
    InvalidTraceId,
    /// A parent or reference id was unreadable: treated as no parent.
    InvalidParentId,
    /// A span ends before it starts: its duration was set to zero.
    NegativeDuration,
    /// Ids were written as base64 rather than hex.
    Base64Ids,
    /// Ids were written as base64 of their hex text.
    Base64OfHexIds,
    /// 64-bit trace ids, left-padded to 128 bits.
    ShortTraceIds,
    /// Log or metric records in a mixed file-exporter stream were skipped.
    SkippedOtherSignal,
    /// A JSON value in a stream was not a trace record and was skipped.
    SkippedUnknownValue,
    /// A line of a stream was not valid JSON and was skipped.
    SkippedBadLine,
    /// The stream ends in the middle of a value; what came before was read.
    TruncatedTail,
    /// A Zipkin client and server shared one span id: the server half got its own.
    SharedSpanId,
    /// A span without a start time: started with its parent.
    MissingTimestamp,
    /// A span without a duration (Zipkin's late or incomplete data): shown as 0.
    MissingDuration,
    /// A time that could not be read: set to 0.
    UnreadableTime,
    /// Bare `NaN` / `Infinity` (not JSON) were read as text.
    NonFiniteNumbers,
    /// The format has no ids: trace and span ids were generated.
    GeneratedIds,
    /// Events that are not spans (counters, flows, samples) were skipped.
    SkippedEvents,
    /// Output of Node's `util.inspect` (not JSON) was read on a best-effort basis.
    NotJsonBestEffort,
    /// The exporter dropped attributes, events or links (its limits were hit).
    DroppedByExporter,
    /// A trace already loaded from another file got more spans from this one.
    MergedAcrossFiles,
    /// A child on another service lies outside its parent: the clocks differ.
    ClockSkew,
    /// A span starts before 1970 (a negative time in the file): its start was set to 1970.
    StartBeforeEpoch,
    /// A span lasts over 100 years (an overflowing end time): its duration was clamped to 100 years.
    OverlongDuration,
}

impl WarningKind {
    /// Every kind, in declaration order (the wire format numbers them by it).
    pub const ALL: [WarningKind; 28] = [
        WarningKind::MissingParent,
        WarningKind::DuplicateSpanId,
        WarningKind::ExactDuplicateSpan,
        WarningKind::ParentCycle,
        WarningKind::InvalidSpanId,
        WarningKind::InvalidTraceId,
        WarningKind::InvalidParentId,
        WarningKind::NegativeDuration,
        WarningKind::Base64Ids,
        WarningKind::Base64OfHexIds,
        WarningKind::ShortTraceIds,
        WarningKind::SkippedOtherSignal,
        WarningKind::SkippedUnknownValue,
        WarningKind::SkippedBadLine,
        WarningKind::TruncatedTail,
        WarningKind::SharedSpanId,
        WarningKind::MissingTimestamp,
        WarningKind::MissingDuration,
        WarningKind::UnreadableTime,
        WarningKind::NonFiniteNumbers,
        WarningKind::GeneratedIds,
        WarningKind::SkippedEvents,
        WarningKind::NotJsonBestEffort,
        WarningKind::DroppedByExporter,
        WarningKind::MergedAcrossFiles,
        WarningKind::ClockSkew,
        WarningKind::StartBeforeEpoch,
        WarningKind::OverlongDuration,
    ];

    /// One sentence a user can act on.
    pub fn describe(self) -> &'static str {
        match self {
            WarningKind::MissingParent => {
                "span's parent is not in the file; shown as an extra root"
            }
            WarningKind::DuplicateSpanId => "different spans share one span id; all are kept",
            WarningKind::ExactDuplicateSpan => "identical copies of a span were dropped",
            WarningKind::ParentCycle => "parent links form a cycle; broken to show the spans",
            WarningKind::InvalidSpanId => "span with a missing or invalid span id; given a generated id",
            WarningKind::InvalidTraceId => "span with a missing or invalid trace id; grouped under a trace id generated for the file",
            WarningKind::InvalidParentId => "unreadable parent id; span treated as a root",
            WarningKind::NegativeDuration => "span ends before it starts; duration set to 0",
            WarningKind::Base64Ids => "ids written in base64 were read as bytes",
            WarningKind::Base64OfHexIds => "ids written as base64 of their hex text were decoded",
            WarningKind::ShortTraceIds => {
                "64-bit trace id left-padded to 128 bits (counted once per trace)"
            }
            WarningKind::SkippedOtherSignal => {
                "log or metric records skipped (only spans are shown)"
            }
            WarningKind::SkippedUnknownValue => "JSON value that is not a trace record skipped",
            WarningKind::SkippedBadLine => "line that is not valid JSON skipped",
            WarningKind::SharedSpanId => {
                "client and server halves shared one span id; the server half is shown as the client's child"
            }
            WarningKind::MissingTimestamp => "span without a start time; placed at its parent's start",
            WarningKind::MissingDuration => "span without a duration (incomplete data); shown as 0",
            WarningKind::UnreadableTime => "unreadable time; set to the epoch",
            WarningKind::NonFiniteNumbers => "bare NaN or Infinity (not valid JSON) read as text values",
            WarningKind::GeneratedIds => "the format has no ids; trace and span ids were generated",
            WarningKind::SkippedEvents => "events that are not spans (counters, flows, samples) skipped",
            WarningKind::ClockSkew => {
                "clock skew: a span on another service lies outside its parent (the trace page can correct it)"
            }
            WarningKind::StartBeforeEpoch => {
                "span starts before 1970 (a negative time); its start was moved to 1970"
            }
            WarningKind::OverlongDuration => "span lasts over 100 years; clamped to 100 years",
            WarningKind::MergedAcrossFiles => "trace also in an earlier file; the spans were merged",
            WarningKind::DroppedByExporter => {
                "attributes, events or links the exporter dropped (its limits were hit); they are not in the file"
            }
            WarningKind::NotJsonBestEffort => {
                "Node util.inspect output (not JSON) read best-effort; values it cut off ([Object]) are missing"
            }
            WarningKind::TruncatedTail => {
                "the file ends in the middle of a record; the records before it were read"
            }
        }
    }
}

/// One kind of problem, how often it happened and the first example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What happened.
    pub kind: WarningKind,
    /// How many times.
    pub count: u64,
    /// The first occurrence, e.g. a span id.
    pub example: String,
}

/// Warnings aggregated by kind, in the order first seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    list: Vec<Warning>,
}

impl Warnings {
    /// Records one occurrence; `example` is built only for the first.
    pub fn add(&mut self, kind: WarningKind, example: impl FnOnce() -> String) {
        if let Some(w) = self.list.iter_mut().find(|w| w.kind == kind) {
            w.count = w.count.saturating_add(1);
        } else {
            self.list.push(Warning {
                kind,
                count: 1,
                example: super::error::shorten(&example(), super::error::QUOTE_CHARS),
            });
        }
    }

    /// Records `count` occurrences at once (nothing when `count` is 0).
    pub fn add_count(&mut self, kind: WarningKind, count: u64, example: impl FnOnce() -> String) {
        if count == 0 {
            return;
        }
        self.add(kind, example);
        if let Some(w) = self.list.iter_mut().find(|w| w.kind == kind) {
            w.count = w.count.saturating_add(count - 1);
        }
    }

    /// Adds `other`'s warnings after these: counts summed, a kind new here
    /// keeping `other`'s example (as if `other`'s occurrences came next).
    pub fn absorb(&mut self, other: &Warnings) {
        for w in &other.list {
            match self.list.iter_mut().find(|mine| mine.kind == w.kind) {
                Some(mine) => mine.count = mine.count.saturating_add(w.count),
                None => self.list.push(w.clone()),
            }
        }
    }

    /// Warnings as [`Warnings::list`] gave them (the first of each kind counts).
    pub fn from_list(list: Vec<Warning>) -> Warnings {
        let mut warnings = Warnings::default();
        for w in list {
            if warnings.count(w.kind) == 0 && w.count > 0 {
                warnings.list.push(w);
            }
        }
        warnings
    }

    /// All warnings, first seen first.
    pub fn list(&self) -> &[Warning] {
        &self.list
    }

    /// The count for one kind (0 when it never happened).
    pub fn count(&self, kind: WarningKind) -> u64 {
        self.list
            .iter()
            .find(|w| w.kind == kind)
            .map_or(0, |w| w.count)
    }

    /// True when nothing was worked around.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
