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

use regex_lite::Regex;

use super::span::{AttrValue, Pools, SpanKind, StatusCode};
use super::strings::{StrId, TextRef};
use super::trace::{TextExtent, Trace};

/// A parsed query. The empty query matches nothing (there is nothing to find).
#[derive(Clone, Debug, Default)]
pub struct Query {
    terms: Vec<Term>,
}

#[derive(Clone, Debug)]
enum Term {
    /// Lower-case text looked for anywhere.
    Text(String),
    Service(Pattern),
    Operation(Pattern),
    Attribute {
        key: String,
        value: Pattern,
    },
    Duration(Compare, u64),
    Status(StatusCode),
    Kind(SpanKind),
}

#[derive(Clone, Debug)]
enum Pattern {
    /// Equal, ignoring ASCII case.
    Equals(String),
    /// Equal, exactly.
    Exact(String),
    Regex(Regex),
}

impl Pattern {
    fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Equals(want) => text.eq_ignore_ascii_case(want),
            Pattern::Exact(want) => text == want,
            Pattern::Regex(re) => re.is_match(text),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
}

impl Compare {
    fn holds(self, value: u64, bound: u64) -> bool {
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
struct Token {
    text: String,
    literal: bool,
}

/// Splits on spaces outside double quotes; the quotes are removed.
fn tokens(query: &str) -> Vec<Token> {
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

fn term(token: &str) -> Result<Term, String> {
    // The first operator character splits field from value.
    let Some(at) = token.find(['=', '~', '<', '>']) else {
        return Ok(Term::Text(token.to_lowercase()));
    };
    let field = &token[..at];
    let rest = &token[at..];
    let (op, value) = ["<=", ">=", "=", "~", "<", ">"]
        .iter()
        .find_map(|op| rest.strip_prefix(op).map(|v| (*op, v)))
        .unwrap_or(("=", rest));
    if field.is_empty() {
        return Err(format!("`{token}` needs a field before `{op}`"));
    }
    let field_lower = field.to_ascii_lowercase();
    let ordered = matches!(op, "<" | ">" | "<=" | ">=");
    match field_lower.as_str() {
        "duration" | "dur" => {
            let nanos = parse_duration(value)
                .ok_or_else(|| format!("`{value}` is not a duration (try 50ms, 1.5s, 200us)"))?;
            let cmp = match op {
                "<" => Compare::Less,
                "<=" => Compare::LessOrEqual,
                ">" => Compare::Greater,
                ">=" => Compare::GreaterOrEqual,
                "=" => Compare::Equal,
                _ => return Err(String::from("compare durations with <, <=, >, >= or =")),
            };
            Ok(Term::Duration(cmp, nanos))
        }
        _ if ordered => Err(format!(
            "`{token}`: only duration can be compared with {op}"
        )),
        "service" | "svc" => Ok(Term::Service(pattern(op, value)?)),
        "op" | "operation" | "name" => Ok(Term::Operation(pattern(op, value)?)),
        "status" => match StatusCode::from_name(value) {
            Some(status) => Ok(Term::Status(status)),
            None => Err(format!("`{value}` is not a status (error, ok or unset)")),
        },
        "kind" => match SpanKind::from_name(value) {
            Some(kind) => Ok(Term::Kind(kind)),
            None => Err(format!(
                "`{value}` is not a span kind (server, client, producer, consumer, internal)"
            )),
        },
        _ => Ok(Term::Attribute {
            key: field.to_string(),
            value: pattern(op, value)?,
        }),
    }
}

/// True when `hay` contains `needle_lower` (already lower case), ignoring
/// ASCII case, without allocating.
fn contains_folded(hay: &str, needle_lower: &str) -> bool {
    let needle = needle_lower.as_bytes();
    let hay_bytes = hay.as_bytes();
    if needle.is_empty() {
        return true;
    }
    if !needle_lower.is_ascii() {
        return hay.to_lowercase().contains(needle_lower);
    }
    if needle.len() > hay_bytes.len() {
        return false;
    }
    let first = needle[0];
    hay_bytes
        .windows(needle.len())
        .any(|w| w[0].eq_ignore_ascii_case(&first) && w.eq_ignore_ascii_case(needle))
}

/// Per-string answers, computed once per distinct interned string.
struct StrCache {
    state: Vec<u8>,
}

impl StrCache {
    fn new(len: usize) -> StrCache {
        StrCache {
            state: vec![0; len],
        }
    }

    /// `f(item)`, remembered for `id`.
    fn test(&mut self, id: usize, f: impl FnOnce() -> bool) -> bool {
        match self.state.get(id) {
            Some(1) => false,
            Some(2) => true,
            _ => {
                let yes = f();
                if let Some(slot) = self.state.get_mut(id) {
                    *slot = if yes { 2 } else { 1 };
                }
                yes
            }
        }
    }
}

/// Where a text term occurs in a file's text pool, found in one pass over
/// the pool: a value contains the text when an occurrence starts inside it.
/// A million attribute values then cost a binary search each, not a scan.
struct TextHits {
    needle_len: u32,
    /// Byte offsets of every occurrence (ASCII case ignored), ascending.
    starts: Vec<u32>,
}

impl TextHits {
    /// `None` when the needle is not ASCII (values are then scanned one by one).
    fn find(pool: &str, needle_lower: &str) -> Option<TextHits> {
        let needle = needle_lower.as_bytes();
        if !needle_lower.is_ascii() || needle.is_empty() {
            return None;
        }
        let hay = pool.as_bytes();
        let (lo, hi) = (needle[0], needle[0].to_ascii_uppercase());
        let mut starts = Vec::new();
        for at in memchr::memchr2_iter(lo, hi, hay) {
            if hay
                .get(at..at + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
            {
                starts.push(at as u32);
            }
        }
        Some(TextHits {
            needle_len: needle.len() as u32,
            starts,
        })
    }

    /// True when an occurrence starts inside `e` (leaving room for the text).
    fn overlaps(&self, e: TextExtent) -> bool {
        e.start < e.end
            && self.within(TextRef {
                start: e.start,
                len: e.end - e.start,
            })
    }

    fn within(&self, t: TextRef) -> bool {
        if t.len < self.needle_len {
            return false;
        }
        let last = t.start + (t.len - self.needle_len);
        let i = self.starts.partition_point(|&h| h < t.start);
        self.starts.get(i).is_some_and(|&h| h <= last)
    }
}

/// What a term needs prepared for one file's pools.
struct TermState {
    /// Answers per interned string.
    strs: StrCache,
    /// Answers per resource (its attributes are shared by many spans).
    resources: StrCache,
    /// For text terms: where the text occurs in the text pool.
    hits: Option<TextHits>,
    /// For text terms: whether a number, a boolean or a span id could hold it.
    in_numbers: bool,
    in_bools: bool,
    in_ids: bool,
    /// For text terms: only text-valued attributes can hold the text (no
    /// interned name or key holds it, and it cannot be in a number), so a
    /// span's attributes are read only when an occurrence lies in its
    /// [`TextExtent`].
    values_only: bool,
}

impl TermState {
    fn new(term: &Term, pools: &Pools) -> TermState {
        let needle = match term {
            Term::Text(n) => Some(n.as_str()),
            _ => None,
        };
        let all = |f: fn(u8) -> bool| needle.is_some_and(|n| n.bytes().all(f));
        let hits = needle.and_then(|n| TextHits::find(pools.text.as_str(), n));
        let in_numbers = all(|b| b.is_ascii_digit() || b"-+.eE".contains(&b));
        let in_bools = needle.is_some_and(|n| "true".contains(n) || "false".contains(n));
        let in_names = needle.is_some_and(|n| pools.strings.iter().any(|s| contains_folded(s, n)));
        TermState {
            strs: StrCache::new(pools.strings.len()),
            resources: StrCache::new(pools.resources.len()),
            values_only: hits.is_some() && !in_numbers && !in_bools && !in_names,
            hits,
            in_numbers,
            in_bools,
            in_ids: all(|b| b.is_ascii_hexdigit()),
        }
    }
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
        let tokens = tokens(text);
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
                    term(&t.text)
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
    pub fn matches(&self, trace: &Trace) -> Vec<u32> {
        self.matcher().matches(trace)
    }

    /// A matcher that keeps its per-string answers across traces read from
    /// the same file (for filtering thousands of traces).
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher {
            query: self,
            pools: 0,
            caches: Vec::new(),
        }
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

/// Runs a [`Query`] over traces; see [`Query::matcher`].
pub struct Matcher<'q> {
    query: &'q Query,
    /// Address of the pools the caches were built for.
    pools: usize,
    caches: Vec<TermState>,
}

impl Matcher<'_> {
    fn prepare(&mut self, trace: &Trace) {
        let at = std::sync::Arc::as_ptr(&trace.pools) as usize;
        if at != self.pools || self.caches.len() != self.query.terms.len() {
            self.pools = at;
            self.caches = self
                .query
                .terms
                .iter()
                .map(|term| TermState::new(term, &trace.pools))
                .collect();
        }
    }

    fn span_matches(&mut self, trace: &Trace, ix: usize) -> bool {
        self.query
            .terms
            .iter()
            .zip(self.caches.iter_mut())
            .all(|(term, cache)| term_matches(term, cache, trace, ix))
    }

    /// Arena indices of the matching spans, in arena order.
    pub fn matches(&mut self, trace: &Trace) -> Vec<u32> {
        if self.query.terms.is_empty() {
            return Vec::new();
        }
        self.prepare(trace);
        (0..trace.spans.len())
            .filter(|&ix| self.span_matches(trace, ix))
            .map(|ix| ix as u32)
            .collect()
    }

    /// True when some span matches (the empty query: always).
    pub fn any(&mut self, trace: &Trace) -> bool {
        if self.query.terms.is_empty() {
            return true;
        }
        self.prepare(trace);
        (0..trace.spans.len()).any(|ix| self.span_matches(trace, ix))
    }
}

fn value_matches(pools: &Pools, value: &AttrValue, pattern: &Pattern) -> bool {
    match *value {
        AttrValue::Str(t) | AttrValue::Bytes(t) | AttrValue::Array(t) | AttrValue::Map(t) => {
            pattern.matches(pools.text.get(t))
        }
        _ => pattern.matches(&pools.value_text(value)),
    }
}

fn value_contains(pools: &Pools, value: &AttrValue, needle: &str, st: &TermState) -> bool {
    match *value {
        AttrValue::Str(t) | AttrValue::Bytes(t) | AttrValue::Array(t) | AttrValue::Map(t) => {
            match &st.hits {
                Some(hits) => hits.within(t),
                None => contains_folded(pools.text.get(t), needle),
            }
        }
        AttrValue::Empty => false,
        AttrValue::Bool(_) if !st.in_bools => false,
        AttrValue::Int(_) | AttrValue::Float(_) if !st.in_numbers => false,
        _ => contains_folded(&pools.value_text(value), needle),
    }
}

/// A span id as hex, without allocating.
fn hex(id: &super::ids::SpanId) -> [u8; 16] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 16];
    for (i, b) in id.0.iter().enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    out
}

fn term_matches(term: &Term, st: &mut TermState, trace: &Trace, ix: usize) -> bool {
    let Some(span) = trace.spans.get(ix) else {
        return false;
    };
    let raw = &span.raw;
    let pools = &*trace.pools;
    let resource_attrs = || {
        pools
            .resources
            .get(raw.resource as usize)
            .map(|r| pools.attrs(r.attrs))
            .unwrap_or(&[])
    };
    let str_is = |st: &mut TermState, id: StrId, f: &dyn Fn(&str) -> bool| {
        st.strs.test(id.0 as usize, || f(pools.strings.get(id)))
    };
    match term {
        Term::Service(p) => str_is(st, raw.service, &|s| p.matches(s)),
        Term::Operation(p) => str_is(st, raw.name, &|s| p.matches(s)),
        Term::Duration(cmp, bound) => cmp.holds(raw.duration_nanos, *bound),
        Term::Status(status) => raw.status == *status,
        Term::Kind(kind) => raw.kind == *kind,
        Term::Attribute { key, value } => {
            let hit = |a: &super::span::Attr| {
                pools.strings.get(a.key) == key.as_str() && value_matches(pools, &a.value, value)
            };
            pools.attrs(raw.attrs).iter().any(hit)
                || st
                    .resources
                    .test(raw.resource as usize, || resource_attrs().iter().any(hit))
        }
        Term::Text(needle) => {
            let in_str =
                |st: &mut TermState, id: StrId| str_is(st, id, &|s| contains_folded(s, needle));
            let in_attrs = |st: &mut TermState, attrs: &[super::span::Attr]| {
                attrs
                    .iter()
                    .any(|a| in_str(st, a.key) || value_contains(pools, &a.value, needle, st))
            };
            // Not `StrCache::test`: the answer needs `st` too.
            let resource_matches = |st: &mut TermState| {
                let r = raw.resource as usize;
                match st.resources.state.get(r) {
                    Some(1) => false,
                    Some(2) => true,
                    _ => {
                        let yes = in_attrs(st, resource_attrs());
                        if let Some(slot) = st.resources.state.get_mut(r) {
                            *slot = if yes { 2 } else { 1 };
                        }
                        yes
                    }
                }
            };
            let own_attrs = |st: &mut TermState| match (&st.hits, st.values_only) {
                (Some(hits), true) => {
                    trace.text_extents.get(ix).is_none_or(|e| hits.overlaps(*e))
                        && in_attrs(st, pools.attrs(raw.attrs))
                }
                _ => in_attrs(st, pools.attrs(raw.attrs)),
            };
            if st.values_only {
                // No name holds the text: only values, the resource and the id can.
                return own_attrs(st)
                    || resource_matches(st)
                    || (st.in_ids
                        && std::str::from_utf8(&hex(&raw.span_id))
                            .is_ok_and(|h| contains_folded(h, needle)));
            }
            in_str(st, raw.service)
                || in_str(st, raw.name)
                || own_attrs(st)
                || resource_matches(st)
                || pools.events(raw.events).iter().any(|e| in_str(st, e.name))
                || (st.in_ids
                    && std::str::from_utf8(&hex(&raw.span_id))
                        .is_ok_and(|h| contains_folded(h, needle)))
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn text_hits_find_values_holding_the_text_and_nothing_across_values() {
        let mut pool = crate::model::strings::TextPool::default();
        let a = pool.push("User-4242");
        let b = pool.push("xxuser-42");
        let c = pool.push("42abc");
        let d = pool.push("aaa");
        let hits = TextHits::find(pool.as_str(), "user-4242").expect("ascii");
        assert!(hits.within(a), "case is ignored");
        // "user-42" + "42abc" spell "user-4242" across two values: no match.
        assert!(!hits.within(b) && !hits.within(c));
        let aa = TextHits::find(pool.as_str(), "aa").expect("ascii");
        assert!(aa.within(d), "overlapping occurrences");
        assert!(
            TextHits::find(pool.as_str(), "ü").is_none(),
            "non-ASCII: scanned instead"
        );
    }

    #[test]
    fn folded_contains() {
        assert!(contains_folded("Checkout-Service", "checkout"));
        assert!(!contains_folded("cart", "checkout"));
        assert!(contains_folded("Größe", "grö"));
    }
}
