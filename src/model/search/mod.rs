//! Find in a trace: a query of space-separated terms, all of which a span
//! must match.
//!
//! ```text
//! checkout                 free text: service, operation, attribute keys and
//!                          values (span and resource), event names, span id
//! service=cart             service name (case-insensitive)
//! op~^GET /api             operation matches a regular expression
//! http.status_code=500     an attribute of the span or its resource
//! duration>50ms            also >=, <, <=; units ns us µs ms s m
//! status=error             error, ok or unset
//! kind=server              server, client, producer, consumer, internal
//! "two words"              quotes keep spaces: a term that starts with a quote
//!                          is plain text, operators and all ("a=b" finds a=b)
//! op="GET /a"              a quoted value keeps its spaces
//! ```
//!
//! Matching is one pass over the arena; the names of interned strings are
//! tested once per distinct string, not once per span.

mod matcher;
mod parse;

pub use matcher::Matcher;
pub use parse::{parse_duration, MAX_QUERY_CHARS, MAX_TERMS};
use parse::{Pattern, Term};

use super::trace::{SpanIx, Trace};

/// A parsed query. The empty query matches nothing (there is nothing to find).
#[derive(Clone, Debug, Default)]
pub struct Query {
    terms: Vec<Term>,
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
        let terms = tokens
            .iter()
            .map(|t| {
                if t.literal {
                    Ok(Term::Text(t.text.to_lowercase()))
                } else {
                    parse::term(&t.text)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Query { terms })
    }

    /// True when there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Arena indices of the matching spans, in arena order.
    pub fn matches(&self, trace: &Trace) -> Vec<SpanIx> {
        self.matcher().matches(trace)
    }

    /// A matcher that keeps its per-string answers across traces read from
    /// the same file (for filtering thousands of traces).
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher::new(&self.terms)
    }

    /// Only spans of service `name` (exactly).
    pub fn service_is(name: &str) -> Query {
        Query {
            terms: vec![Term::Service(Pattern::Exact(name.to_string()))],
        }
    }

    /// Only spans with operation `name` (exactly).
    pub fn operation_is(name: &str) -> Query {
        Query {
            terms: vec![Term::Operation(Pattern::Exact(name.to_string()))],
        }
    }

    /// Both this query's terms and `other`'s, on the same span.
    pub fn and(mut self, other: Query) -> Query {
        self.terms.extend(other.terms);
        self
    }
}
