//! Giving traces back: the model written as OTLP JSON (lossless: reading it
//! back builds the same model), as the Jaeger query API's JSON and as
//! Zipkin v2, with a count of what each of those two cannot hold.

mod jaeger;
pub mod json;
mod losses;
mod otlp;
mod zipkin;

pub use losses::Losses;

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

/// Writes `traces` in `target`'s format.
pub fn export(target: Target, traces: &[&Trace]) -> Export {
    let mut text = String::new();
    let mut losses = Losses::default();
    match target {
        Target::Otlp => otlp::write(&mut text, traces, &mut losses),
        Target::Jaeger => jaeger::write(&mut text, traces, &mut losses),
        Target::Zipkin => zipkin::write(&mut text, traces, &mut losses),
    }
    Export { text, losses }
}

/// One span as a whole OTLP JSON document (its resource and scope with it),
/// indented for reading: what "Copy as JSON" puts on the clipboard, and
/// what Paste opens again. Empty when `ix` is not in the trace.
pub fn span_json(trace: &Trace, ix: SpanIx) -> String {
    if trace.span(ix).is_none() {
        return String::new();
    }
    let mut text = String::new();
    otlp::write_spans(&mut text, trace, &[ix.0], &mut Losses::default());
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
