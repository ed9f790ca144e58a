//! Find in a trace: a query of space-separated terms, all of which a span
//! must match.
//!
//! ```text
//! checkout                 free text: service, operation, attribute keys and
//!                          values (span and resource), event names, span id
//! cart|payment             free text, either (Jaeger's uiFind terms become this)
//! service=cart             service name (case-insensitive)
//! op~^GET /api             operation matches a regular expression
//! http.status_code=500     an attribute of the span or its resource
//! duration>50ms            also >=, <, <=; units ns us µs ms s m
//! status=error             error, ok or unset
//! kind=server              server, client, producer, consumer, internal
//! log~timeout              a log record attached to the span matches (a
//!                          regular expression; log=text: the text, any case)
//! "two words"              quotes keep spaces: a term that starts with a quote
//!                          is plain text, operators and all ("a=b" finds a=b)
//! op="GET /a"              a quoted value keeps its spaces
//! ```
//!
//! Matching is one pass over the arena; the names of interned strings are
//! tested once per distinct string, not once per span.

mod matcher;
mod parse;

pub use matcher::{contains_folded, Matcher};
pub use parse::{parse_duration, MAX_QUERY_CHARS, MAX_TERMS};
use parse::{Pattern, Term};

use super::logs::{LogFile, TraceLogs};
use super::trace::{SpanIx, Trace};

/// A parsed query. The empty query matches nothing (there is nothing to find).
#[derive(Clone, Debug, Default)]
pub struct Query {
    terms: Vec<Term>,
    /// Per term: it is an alternative to the term before it (`a|b`), so the
    /// two form one clause, matched when either matches.
    or_previous: Vec<bool>,
    /// Per term: what it matches is excluded (`-term`, `service!=x`).
    negated: Vec<bool>,
}

impl Query {
    /// Parses a query; the message says which term is wrong and how.
    pub fn parse(text: &str) -> Result<Query, String> {
        let chars = text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(format!(
                "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are read"
            ));
        }
        let tokens = parse::tokens(text);
        if tokens.len() > MAX_TERMS {
            return Err(format!(
                "the query has {} terms; at most {MAX_TERMS} are read",
                tokens.len()
            ));
        }
        let mut terms = Vec::with_capacity(tokens.len());
        let mut or_previous = Vec::with_capacity(tokens.len());
        let mut negated = Vec::with_capacity(tokens.len());
        for t in &tokens {
            if t.literal {
                terms.push(Term::Text(t.text.to_lowercase()));
                or_previous.push(false);
                negated.push(false);
            } else if let Some(alternatives) = parse::alternatives(&t.text) {
                for (n, text) in alternatives.into_iter().enumerate() {
                    terms.push(Term::Text(text));
                    or_previous.push(n > 0);
                    negated.push(false);
                }
            } else {
                let (term, not) = parse::term(&t.text)?;
                terms.push(term);
                or_previous.push(false);
                negated.push(not);
            }
        }
        if terms.len() > MAX_TERMS {
            return Err(format!(
                "the query has {} terms; at most {MAX_TERMS} are read",
                terms.len()
            ));
        }
        Ok(Query {
            terms,
            or_previous,
            negated,
        })
    }

    /// True when there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Arena indices of the matching spans, in arena order.
    pub fn matches(&self, trace: &Trace) -> Vec<SpanIx> {
        self.matcher().matches(trace)
    }

    /// [`Query::matches`], with the log records attached to the trace for
    /// `log=` / `log~` terms.
    pub fn matches_with_logs(
        &self,
        trace: &Trace,
        logs: &TraceLogs,
        files: &[&LogFile],
    ) -> Vec<SpanIx> {
        self.matcher().matches_with_logs(trace, logs, files)
    }

    /// A matcher that keeps its per-string answers across traces read from
    /// the same file (for filtering thousands of traces).
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher::new(&self.terms, &self.or_previous, &self.negated)
    }

    /// Only spans of service `name` (exactly).
    pub fn service_is(name: &str) -> Query {
        Query {
            terms: vec![Term::Service(Pattern::Exact(name.to_string()))],
            or_previous: vec![false],
            negated: vec![false],
        }
    }

    /// Only spans with operation `name` (exactly).
    pub fn operation_is(name: &str) -> Query {
        Query {
            terms: vec![Term::Operation(Pattern::Exact(name.to_string()))],
            or_previous: vec![false],
            negated: vec![false],
        }
    }

    /// Both this query's terms and `other`'s, on the same span.
    pub fn and(mut self, other: Query) -> Query {
        self.terms.extend(other.terms);
        self.or_previous.extend(other.or_previous);
        self.negated.extend(other.negated);
        self
    }
}
