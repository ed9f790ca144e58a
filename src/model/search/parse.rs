//! The query language: terms split on spaces outside quotes, each a field,
//! an operator and a value, or free text (see the module above for the table).

use regex_lite::Regex;

use crate::model::span::{SpanKind, StatusCode};

/// One term of a query: what a span must have.
#[derive(Clone, Debug)]
pub(super) enum Term {
    /// Lower-case text looked for anywhere.
    Text(String),
    /// The service name.
    Service(Pattern),
    /// The operation name.
    Operation(Pattern),
    /// An attribute of the span or its resource.
    Attribute {
        /// Its key, exactly.
        key: String,
        /// Where it is looked for (`span.key`, `resource.key`, or both).
        scope: Scope,
        /// What its value must be.
        value: Pattern,
        /// `key!=value`, `key!~re`: the key is held (in its scope) and none
        /// of its values fits.
        differs: bool,
    },
    /// The duration against a bound in nanoseconds.
    Duration(Compare, u64),
    /// The status.
    Status(StatusCode),
    /// The span kind.
    Kind(SpanKind),
    /// The body of a log record attached to the span.
    Log(Pattern),
}

/// Where an attribute term looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// The span's attributes and its resource's (a plain `key`).
    Any,
    /// The span's own (`span.key`).
    Span,
    /// The resource's (`resource.key`).
    Resource,
}

/// How a value is compared with what was typed.
#[derive(Clone, Debug)]
pub(super) enum Pattern {
    /// Equal, ignoring ASCII case.
    Equals(String),
    /// Equal, exactly.
    Exact(String),
    /// Matches a regular expression.
    Regex(Regex),
}

impl Pattern {
    /// True when `text` fits.
    pub(super) fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Equals(want) => text.eq_ignore_ascii_case(want),
            Pattern::Exact(want) => text == want,
            Pattern::Regex(re) => re.is_match(text),
        }
    }
}

/// A comparison of a duration with a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Compare {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
    /// `=`
    Equal,
}

impl Compare {
    /// True when `value` compares with `bound` as asked.
    pub(super) fn holds(self, value: u64, bound: u64) -> bool {
        match self {
            Compare::Less => value < bound,
            Compare::LessOrEqual => value <= bound,
            Compare::Greater => value > bound,
            Compare::GreaterOrEqual => value >= bound,
            Compare::Equal => value == bound,
        }
    }
}

/// Parses `50ms`, `1.5s`, `200us`, `750` (milliseconds when no unit) into
/// nanoseconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let scale = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "" | "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        _ => return None,
    };
    let nanos = value * scale;
    (nanos.is_finite() && nanos >= 0.0).then_some(nanos.round() as u64)
}

/// One term as typed: its text without the quotes, and whether it began
/// with a quote (then it is literal text, whatever it holds).
#[derive(Debug, PartialEq)]
pub(super) struct Token {
    /// The text, quotes removed.
    pub(super) text: String,
    /// It began with a quote.
    pub(super) literal: bool,
}

/// Splits on spaces outside double quotes; the quotes are removed.
pub(super) fn tokens(query: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    let mut literal = false;
    for c in query.chars() {
        match c {
            '"' => {
                literal |= !started;
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(Token {
                        text: std::mem::take(&mut current),
                        literal,
                    });
                    started = false;
                    literal = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(Token {
            text: current,
            literal,
        });
    }
    out
}

/// Longest query read, in characters (a link can carry any length).
pub const MAX_QUERY_CHARS: usize = 2_000;
/// Most terms in one query.
pub const MAX_TERMS: usize = 32;
/// Most memory one compiled regular expression may take.
const MAX_REGEX_BYTES: usize = 1 << 20;

fn pattern(op: &str, value: &str) -> Result<Pattern, String> {
    if op == "~" {
        regex_lite::RegexBuilder::new(value)
            .size_limit(MAX_REGEX_BYTES)
            .nest_limit(64)
            .build()
            .map(Pattern::Regex)
            .map_err(|e| format!("`{value}` is not a valid regular expression: {e}"))
    } else {
        Ok(Pattern::Equals(value.to_string()))
    }
}

/// One unquoted term: a field, an operator and a value, or free text.
/// The alternatives of a free-text term written `a|b|c` (lower-cased, the
/// empty ones left out); `None` for any other term. A term with an operator
/// (`op~a|b`) keeps its `|` for the regular expression.
pub(super) fn alternatives(token: &str) -> Option<Vec<String>> {
    if !token.contains('|') || token.contains(['=', '~', '<', '>']) {
        return None;
    }
    let parts: Vec<String> = token
        .split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// Where the operator of `token` starts: the first `=`, `~`, `<`, `>`, or
/// a `!` followed by `=` or `~`.
fn operator_at(token: &str) -> Option<usize> {
    token.char_indices().map(|(i, _)| i).find(|&i| {
        let rest = token.get(i..).unwrap_or("");
        rest.starts_with(['=', '~', '<', '>']) || rest.starts_with("!=") || rest.starts_with("!~")
    })
}

/// One unquoted term: a field, an operator and a value, or free text; and
/// whether what it matches is excluded (`-term`, and `field!=value` for the
/// fields every span has).
pub(super) fn term(token: &str) -> Result<(Term, bool), String> {
    // `-term`: spans the term matches are left out (`--x` is text).
    if let Some(rest) = token.strip_prefix('-') {
        if !rest.is_empty() && !rest.starts_with('-') {
            let (t, negated) = plain_term(rest)?;
            return Ok((t, !negated));
        }
    }
    plain_term(token)
}

fn plain_term(token: &str) -> Result<(Term, bool), String> {
    // The first operator splits field from value.
    let Some(at) = operator_at(token) else {
        if token.len() > 1 && token.ends_with('!') {
            return Err(format!(
                "`{token}`: `!` needs `=` or `~` after it (key!=value, key!~regex), or quote the text"
            ));
        }
        return Ok((Term::Text(token.to_lowercase()), false));
    };
    let field = &token[..at];
    let rest = &token[at..];
    let (op, value) = ["!=", "!~", "<=", ">=", "=", "~", "<", ">"]
        .iter()
        .find_map(|op| rest.strip_prefix(op).map(|v| (*op, v)))
        .unwrap_or(("=", rest));
    if field.is_empty() {
        return Err(format!("`{token}` needs a field before `{op}`"));
    }
    let negated = op.starts_with('!');
    let base_op = op.trim_start_matches('!');
    let field_lower = field.to_ascii_lowercase();
    let ordered = matches!(op, "<" | ">" | "<=" | ">=");
    let not = |t: Term| Ok((t, negated));
    match field_lower.as_str() {
        "duration" | "dur" => {
            let nanos = parse_duration(value)
                .ok_or_else(|| format!("`{value}` is not a duration (try 50ms, 1.5s, 200us)"))?;
            let cmp = match op {
                "<" => Compare::Less,
                "<=" => Compare::LessOrEqual,
                ">" => Compare::Greater,
                ">=" => Compare::GreaterOrEqual,
                "=" | "!=" => Compare::Equal,
                _ => return Err(String::from("compare durations with <, <=, >, >=, = or !=")),
            };
            not(Term::Duration(cmp, nanos))
        }
        _ if ordered => Err(format!(
            "`{token}`: only duration can be compared with {op}"
        )),
        "service" | "svc" => not(Term::Service(pattern(base_op, value)?)),
        "op" | "operation" | "name" => not(Term::Operation(pattern(base_op, value)?)),
        "status" => match StatusCode::from_name(value) {
            Some(status) => not(Term::Status(status)),
            None => Err(format!("`{value}` is not a status (error, ok or unset)")),
        },
        // `log=text` finds the text in a body (any case); `log~re` a match.
        "log" | "logs" => {
            if base_op == "~" {
                not(Term::Log(pattern(base_op, value)?))
            } else {
                pattern("~", &format!("(?i){}", regex_lite::escape(value)))
                    .and_then(|p| not(Term::Log(p)))
            }
        }
        "kind" => match SpanKind::from_name(value) {
            Some(kind) => not(Term::Kind(kind)),
            None => Err(format!(
                "`{value}` is not a span kind (server, client, producer, consumer, internal)"
            )),
        },
        _ => {
            // Tempo's scopes: `span.key` and `resource.key` (a key written
            // whole, such as OpenTracing's `span.kind`, is found too).
            let lower = field.to_ascii_lowercase();
            let scope = if lower.starts_with("span.") && field.len() > 5 {
                Scope::Span
            } else if lower.starts_with("resource.") && field.len() > 9 {
                Scope::Resource
            } else {
                Scope::Any
            };
            Ok((
                Term::Attribute {
                    key: field.to_string(),
                    scope,
                    value: pattern(base_op, value)?,
                    differs: negated,
                },
                false,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Query;
    use super::*;

    #[test]
    fn durations_with_units() {
        assert_eq!(parse_duration("50ms"), Some(50_000_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("200us"), Some(200_000));
        assert_eq!(parse_duration("200µs"), Some(200_000));
        assert_eq!(parse_duration("7"), Some(7_000_000));
        assert_eq!(parse_duration("2m"), Some(120_000_000_000));
        assert_eq!(parse_duration("fast"), None);
        assert_eq!(parse_duration("5 parsecs"), None);
    }

    #[test]
    fn quoted_terms_keep_spaces() {
        let t = |text: &str, literal| Token {
            text: text.to_string(),
            literal,
        };
        assert_eq!(
            tokens(r#"op="GET /a"  x "a=b c""#),
            vec![t("op=GET /a", false), t("x", false), t("a=b c", true)]
        );
    }

    #[test]
    fn bad_terms_say_what_is_wrong() {
        assert!(Query::parse("duration>soon").unwrap_err().contains("soon"));
        assert!(Query::parse("op~(")
            .unwrap_err()
            .contains("regular expression"));
        assert!(Query::parse("status=broken")
            .unwrap_err()
            .contains("broken"));
        assert!(Query::parse("service>3")
            .unwrap_err()
            .contains("only duration"));
        assert!(Query::parse("=x").is_err());
        assert!(Query::parse("").map(|q| q.is_empty()).unwrap_or(false));
    }
}
