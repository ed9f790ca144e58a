//! Giving traces back: the model written as OTLP JSON (lossless: reading it
//! back builds the same model), as the Jaeger query API's JSON and as
//! Zipkin v2, with a count of what each of those two cannot hold.
//!
//! The text is written in parts ([`Writer`]): each at most [`PART_BYTES`],
//! one at a time, so that a page can hand each to the browser and paint
//! between them, and no buffer grows with the trace.

mod jaeger;
pub mod json;
mod losses;
mod otlp;
pub mod out;
mod walk;
mod zipkin;

pub use losses::Losses;
pub use out::Out;

use walk::Walk;

use crate::model::trace::{SpanIx, Trace};

/// A format traces can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// OTLP JSON as the specification writes it: hex ids, integer enums.
    Otlp,
    /// The Jaeger query API's `{"data":[trace…]}`.
    Jaeger,
    /// A Zipkin v2 list of spans.
    Zipkin,
}

impl Target {
    /// Every target, in the order the page offers them.
    pub const ALL: [Target; 3] = [Target::Otlp, Target::Jaeger, Target::Zipkin];

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            Target::Otlp => "OTLP JSON",
            Target::Jaeger => "Jaeger JSON",
            Target::Zipkin => "Zipkin v2 JSON",
        }
    }

    /// Short name, used in file names and `data-testid` hooks.
    pub fn slug(self) -> &'static str {
        match self {
            Target::Otlp => "otlp",
            Target::Jaeger => "jaeger",
            Target::Zipkin => "zipkin",
        }
    }

    /// The download's file name: `<stem>.<slug>.json`.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}.{}.json", self.slug())
    }
}

/// Traces written in one format, and what that format could not hold.
#[derive(Clone, Debug)]
pub struct Export {
    /// The file's text.
    pub text: String,
    /// What was left out or changed.
    pub losses: Losses,
}

/// The largest part a [`Writer`] hands out: 4 MiB of text.
pub const PART_BYTES: usize = 4 << 20;

/// Writes traces in one format, a part at a time: each part is the text's
/// next at most [`PART_BYTES`] bytes (cut at a character), and the parts
/// in order are the whole file, byte for byte what [`export`] returns.
///
/// ```text
/// let mut w = Writer::new(Target::Zipkin, &traces);
/// while let Some(part) = w.next_part() { /* hand it on; w.spans_written() */ }
/// w.losses()   // complete once next_part returned None
/// ```
pub struct Writer<'t> {
    cursor: Cursor<'t>,
    out: Out,
    losses: Losses,
    spans_total: u64,
    complete: bool,
}

/// One format's place in the writing.
enum Cursor<'t> {
    Otlp(otlp::Cursor<'t>),
    Jaeger(Walk<'t>, jaeger::Writing),
    Zipkin(Walk<'t>),
}

impl<'t> Writer<'t> {
    /// Writes every span of `traces` as `target`, in parts of [`PART_BYTES`].
    pub fn new(target: Target, traces: &'t [&'t Trace]) -> Writer<'t> {
        Writer::with_part_bytes(target, traces, PART_BYTES)
    }

    /// As [`Writer::new`], in parts of at most `part_bytes` (at least 4).
    pub fn with_part_bytes(
        target: Target,
        traces: &'t [&'t Trace],
        part_bytes: usize,
    ) -> Writer<'t> {
        let cursor = match target {
            Target::Otlp => Cursor::Otlp(otlp::Cursor::new(traces)),
            Target::Jaeger => Cursor::Jaeger(Walk::new(traces), jaeger::Writing::default()),
            Target::Zipkin => Cursor::Zipkin(Walk::new(traces)),
        };
        Writer {
            cursor,
            out: Out::new(part_bytes),
            losses: Losses::default(),
            spans_total: traces.iter().map(|t| t.spans.len() as u64).sum(),
            complete: false,
        }
    }

    /// The next part of the text; `None` once all of it was handed out.
    pub fn next_part(&mut self) -> Option<String> {
        loop {
            if let Some(part) = self.out.take_full() {
                return Some(part);
            }
            if self.complete {
                return self.out.take_rest();
            }
            let more = match &mut self.cursor {
                Cursor::Otlp(c) => c.step(&mut self.out, &mut self.losses),
                Cursor::Jaeger(walk, w) => {
                    walk.step(|step| w.write(step, &mut self.out, &mut self.losses))
                }
                Cursor::Zipkin(walk) => {
                    walk.step(|step| zipkin::write(step, &mut self.out, &mut self.losses))
                }
            };
            self.complete = !more;
        }
    }

    /// Spans written so far (into the parts handed out, or the one filling).
    pub fn spans_written(&self) -> u64 {
        match &self.cursor {
            Cursor::Otlp(c) => c.written(),
            Cursor::Jaeger(walk, _) | Cursor::Zipkin(walk) => walk.spans(),
        }
    }

    /// Spans to write in all.
    pub fn spans_total(&self) -> u64 {
        self.spans_total
    }

    /// What the format could not hold, of what was written so far: all of
    /// it once [`Writer::next_part`] returned `None`.
    pub fn losses(&self) -> &Losses {
        &self.losses
    }
}

impl Iterator for Writer<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        self.next_part()
    }
}

/// Writes `traces` in `target`'s format, as one text: the parts of a
/// [`Writer`], joined. For small exports; the page writes in parts.
pub fn export(target: Target, traces: &[&Trace]) -> Export {
    let mut writer = Writer::new(target, traces);
    let mut text = String::new();
    for part in writer.by_ref() {
        text.push_str(&part);
    }
    Export {
        text,
        losses: writer.losses,
    }
}

/// One span as a whole OTLP JSON document (its resource and scope with it),
/// indented for reading: what "Copy as JSON" puts on the clipboard, and
/// what Paste opens again. Empty when `ix` is not in the trace.
pub fn span_json(trace: &Trace, ix: SpanIx) -> String {
    if trace.span(ix).is_none() {
        return String::new();
    }
    let traces = [trace];
    let ixs = [ix.0];
    let mut cursor = otlp::Cursor::spans(&traces, &ixs);
    let mut out = Out::new(PART_BYTES);
    let mut losses = Losses::default();
    while cursor.step(&mut out, &mut losses) {}
    let mut text = String::new();
    while let Some(part) = out.take_rest() {
        text.push_str(&part);
    }
    match serde_json::from_str::<Box<serde_json::value::RawValue>>(&text) {
        Ok(_) => indent(&text),
        Err(_) => text,
    }
}

/// Re-indents compact JSON text (two spaces a level), leaving strings as
/// they are. Object members keep their order.
fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Empty containers stay on one line.
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indenting_keeps_the_value_and_its_strings() {
        let compact = r#"{"a":[1,{"b":"x,{y}: \"z\""}],"c":{},"d":[]}"#;
        let pretty = indent(compact);
        let a: serde_json::Value = serde_json::from_str(compact).unwrap();
        let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(a, b);
        assert!(pretty.contains("\n  \"a\": [\n    1,"), "{pretty}");
        assert!(pretty.contains("\"c\": {}"), "{pretty}");
    }
}
