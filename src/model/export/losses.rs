//! What Jaeger and Zipkin cannot hold of a trace, counted as it is written.

/// What a target could not hold, counted over everything written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Losses {
    /// Span or event times that are not whole microseconds (rounded down).
    pub sub_micro_times: u64,
    /// Spans starting in the first microsecond of 1970, whose timestamp
    /// Zipkin reads as missing (the reader then places them by their parent).
    pub zero_starts: u64,
    /// Links left out (Zipkin has none).
    pub links: u64,
    /// OpenTelemetry links written as FOLLOWS_FROM references (Jaeger).
    pub links_as_references: u64,
    /// Link attributes and trace states left out (Jaeger references hold ids only).
    pub link_details: u64,
    /// Events whose attributes were left out (Zipkin annotations are text).
    pub event_attributes: u64,
    /// Attribute values written as text although they had a type.
    pub typed_values: u64,
    /// Array or map values whose text is not JSON, written as strings.
    pub not_json: u64,
    /// Repeated attribute keys left out (Zipkin tags are a map).
    pub repeated_keys: u64,
    /// Spans of kind internal, which Zipkin writes as no kind.
    pub internal_kinds: u64,
    /// OK statuses, and status messages of spans that did not fail.
    pub statuses: u64,
    /// Spans whose instrumentation scope was left out.
    pub scopes: u64,
    /// Resource attributes left out (Zipkin keeps the service and address).
    pub resource_attributes: u64,
    /// Spans whose W3C trace flags or trace state were left out.
    pub trace_context: u64,
}

impl Losses {
    /// One line per kind of loss, for the note beside the download.
    pub fn lines(&self) -> Vec<String> {
        let items: [(u64, &str); 14] = [
            (
                self.sub_micro_times,
                "Times rounded down to whole microseconds",
            ),
            (
                self.zero_starts,
                "Spans starting at time 0, which Zipkin reads as no timestamp",
            ),
            (self.links, "Span links left out"),
            (
                self.links_as_references,
                "Span links written as FOLLOWS_FROM references",
            ),
            (
                self.link_details,
                "Link attributes or trace states left out",
            ),
            (self.event_attributes, "Events without their attributes"),
            (self.typed_values, "Typed attribute values written as text"),
            (
                self.not_json,
                "Array or map values that are not JSON, written as text",
            ),
            (self.repeated_keys, "Repeated attribute keys left out"),
            (self.internal_kinds, "Internal span kinds left out"),
            (self.statuses, "OK statuses or status messages left out"),
            (self.scopes, "Instrumentation scopes left out"),
            (self.resource_attributes, "Resource attributes left out"),
            (self.trace_context, "Trace flags or trace states left out"),
        ];
        items
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{what}: {n}"))
            .collect()
    }

    /// True when nothing was lost.
    pub fn is_empty(&self) -> bool {
        *self == Losses::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_lost_says_nothing() {
        assert!(Losses::default().lines().is_empty());
        let losses = Losses {
            links: 3,
            ..Losses::default()
        };
        assert_eq!(losses.lines(), vec!["Span links left out: 3"]);
    }
}
