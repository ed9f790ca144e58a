//! Matching a query against a trace: one pass over the arena, the names of
//! interned strings tested once per distinct string and per file.

use std::sync::Arc;

use super::parse::{Pattern, Scope, Term};
use crate::model::logs::{LogFile, TraceLogs};
use crate::model::span::{AttrValue, Pools};
use crate::model::strings::{StrId, TextRef};
use crate::model::trace::{SpanIx, TextExtent, Trace};

/// True when `hay` contains `needle_lower` (already lower case), ignoring
/// ASCII case, without allocating.
pub fn contains_folded(hay: &str, needle_lower: &str) -> bool {
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

/// What a cache knows about one string or resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// Not tested yet.
    Unknown,
    /// Tested: it does not match.
    No,
    /// Tested: it matches.
    Yes,
}

/// Per-item answers (by interned string or resource index), computed once
/// per distinct item of one file's pools.
struct Answers {
    answers: Vec<Answer>,
}

impl Answers {
    fn new(len: usize) -> Answers {
        Answers {
            answers: vec![Answer::Unknown; len],
        }
    }

    /// The answer for `id`, when known.
    fn known(&self, id: usize) -> Option<bool> {
        match self.answers.get(id) {
            Some(Answer::Yes) => Some(true),
            Some(Answer::No) => Some(false),
            Some(Answer::Unknown) | None => None,
        }
    }

    /// Remembers the answer for `id`.
    fn remember(&mut self, id: usize, yes: bool) {
        if let Some(slot) = self.answers.get_mut(id) {
            *slot = if yes { Answer::Yes } else { Answer::No };
        }
    }

    /// `f()`, remembered for `id`.
    fn test(&mut self, id: usize, f: impl FnOnce() -> bool) -> bool {
        if let Some(known) = self.known(id) {
            return known;
        }
        let yes = f();
        self.remember(id, yes);
        yes
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
    ///
    /// The pool is searched for the needle's rarest byte (by a sample of
    /// the pool; both cases of a letter), each hit checked for the whole
    /// needle around it: `user-4242` is looked for at its `-` or a digit,
    /// not at every `u` of the text.
    fn find(pool: &str, needle_lower: &str) -> Option<TextHits> {
        let needle = needle_lower.as_bytes();
        if !needle_lower.is_ascii() || needle.is_empty() {
            return None;
        }
        let hay = pool.as_bytes();
        let at = rarest(hay, needle);
        let byte = *needle.get(at).or(needle.first())?;
        let (lo, hi) = (byte.to_ascii_lowercase(), byte.to_ascii_uppercase());
        let mut starts = Vec::new();
        let mut check = |pos: usize| {
            let Some(start) = pos.checked_sub(at) else {
                return;
            };
            if hay
                .get(start..start + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
            {
                starts.push(start as u32);
            }
        };
        if lo == hi {
            memchr::memchr_iter(lo, hay).for_each(&mut check);
        } else {
            memchr::memchr2_iter(lo, hi, hay).for_each(&mut check);
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

/// The index in `needle` of its byte seen least often (either case) in a
/// sample of `hay`: its start, middle and end, 16 KB each.
fn rarest(hay: &[u8], needle: &[u8]) -> usize {
    const SAMPLE: usize = 16 << 10;
    let mut counts = [0u32; 256];
    let mid = hay.len() / 2;
    for part in [
        hay.get(..SAMPLE.min(hay.len())),
        hay.get(mid..(mid + SAMPLE).min(hay.len())),
        hay.get(hay.len().saturating_sub(SAMPLE)..),
    ] {
        for &b in part.unwrap_or_default() {
            counts[b.to_ascii_lowercase() as usize] += 1;
        }
    }
    (0..needle.len())
        .min_by_key(|&i| {
            needle
                .get(i)
                .map_or(u32::MAX, |b| counts[b.to_ascii_lowercase() as usize])
        })
        .unwrap_or(0)
}

/// What a term needs prepared for one file's pools.
struct TermState {
    /// Answers per interned string.
    strs: Answers,
    /// Answers per resource (its attributes are shared by many spans).
    resources: Answers,
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
    /// For log terms: per span, one of its log records matches.
    log_hits: Vec<bool>,
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
            strs: Answers::new(pools.strings.len()),
            resources: Answers::new(pools.resources.len()),
            values_only: hits.is_some() && !in_numbers && !in_bools && !in_names,
            hits,
            in_numbers,
            in_bools,
            in_ids: all(|b| b.is_ascii_hexdigit()),
            log_hits: Vec::new(),
        }
    }
}

/// Runs a [`super::Query`] over traces; see [`super::Query::matcher`].
pub struct Matcher<'q> {
    /// The query's terms, all of whose clauses a span must match.
    terms: &'q [Term],
    /// Per term: it joins the clause of the term before it (`a|b`).
    or_previous: &'q [bool],
    /// Per term: what it matches is excluded.
    negated: &'q [bool],
    /// The pools the caches answer for (held, so they cannot be freed and
    /// another file's pools take their place).
    pools: Option<Arc<Pools>>,
    /// One per term of the query.
    caches: Vec<TermState>,
}

impl<'q> Matcher<'q> {
    /// A matcher for a query's `terms`, with nothing cached yet.
    pub(super) fn new(
        terms: &'q [Term],
        or_previous: &'q [bool],
        negated: &'q [bool],
    ) -> Matcher<'q> {
        Matcher {
            terms,
            or_previous,
            negated,
            pools: None,
            caches: Vec::new(),
        }
    }
}

impl Matcher<'_> {
    fn prepare(&mut self, trace: &Trace) {
        let same_pools = self
            .pools
            .as_ref()
            .is_some_and(|p| Arc::ptr_eq(p, &trace.pools));
        if !same_pools || self.caches.len() != self.terms.len() {
            self.pools = Some(Arc::clone(&trace.pools));
            self.caches = self
                .terms
                .iter()
                .map(|term| TermState::new(term, &trace.pools))
                .collect();
        }
    }

    /// Every clause has a matching term (a clause: a term and the
    /// alternatives after it).
    fn span_matches(&mut self, trace: &Trace, ix: usize) -> bool {
        let mut clause = false;
        for (i, (term, cache)) in self.terms.iter().zip(self.caches.iter_mut()).enumerate() {
            let joins = self.or_previous.get(i).copied().unwrap_or(false);
            if !joins {
                if i > 0 && !clause {
                    return false;
                }
                clause = false;
            }
            if !clause {
                let not = self.negated.get(i).copied().unwrap_or(false);
                clause = term_matches(term, cache, trace, ix) != not;
            }
        }
        clause
    }

    /// Arena indices of the matching spans, in arena order.
    pub fn matches(&mut self, trace: &Trace) -> Vec<SpanIx> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        self.prepare(trace);
        (0..trace.spans.len())
            .filter(|&ix| self.span_matches(trace, ix))
            .map(SpanIx::at)
            .collect()
    }

    /// [`Matcher::matches`], where `log=` and `log~` terms look at the log
    /// records `logs` attached to the trace's spans (read from `files`).
    pub fn matches_with_logs(
        &mut self,
        trace: &Trace,
        logs: &TraceLogs,
        files: &[&LogFile],
    ) -> Vec<SpanIx> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        self.prepare(trace);
        for (term, cache) in self.terms.iter().zip(self.caches.iter_mut()) {
            let Term::Log(pattern) = term else { continue };
            let mut hits = vec![false; trace.spans.len()];
            for e in &logs.entries {
                let Some(ix) = e.span else { continue };
                let Some(file) = files.get(e.file as usize) else {
                    continue;
                };
                if hits.get(ix.get()) == Some(&false)
                    && file
                        .record(e.record)
                        .is_some_and(|rec| pattern.matches(&file.body(rec)))
                {
                    hits[ix.get()] = true;
                }
            }
            cache.log_hits = hits;
        }
        let out = (0..trace.spans.len())
            .filter(|&ix| self.span_matches(trace, ix))
            .map(SpanIx::at)
            .collect();
        for cache in &mut self.caches {
            cache.log_hits = Vec::new();
        }
        out
    }

    /// True when some span matches (the empty query: always).
    pub fn any(&mut self, trace: &Trace) -> bool {
        if self.terms.is_empty() {
            return true;
        }
        self.prepare(trace);
        (0..trace.spans.len()).any(|ix| self.span_matches(trace, ix))
    }
}

fn value_matches(pools: &Pools, value: &AttrValue, pattern: &Pattern) -> bool {
    pattern.matches(&pools.value_str(value))
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
fn hex(id: &crate::model::ids::SpanId) -> [u8; 16] {
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
        Term::Log(_) => st.log_hits.get(ix).copied().unwrap_or(false),
        Term::Attribute {
            key,
            scope,
            value,
            differs,
        } => {
            // `span.http.method` is the span's `http.method` (or a key
            // written `span.http.method`).
            let short = match scope {
                Scope::Any => None,
                Scope::Span => key.get(5..),
                Scope::Resource => key.get(9..),
            };
            let key_is = |a: &crate::model::span::Attr| {
                let k = pools.strings.get(a.key);
                k == key.as_str() || short.is_some_and(|s| k == s)
            };
            let in_span = *scope != Scope::Resource;
            let in_resource = *scope != Scope::Span;
            let span_attrs = if in_span { pools.attrs(raw.attrs) } else { &[] };
            if *differs {
                // Held in its scope, and no value held fits.
                let mut held = false;
                let resource = if in_resource { resource_attrs() } else { &[] };
                for a in span_attrs.iter().chain(resource).filter(|a| key_is(a)) {
                    if value_matches(pools, &a.value, value) {
                        return false;
                    }
                    held = true;
                }
                return held;
            }
            let hit =
                |a: &crate::model::span::Attr| key_is(a) && value_matches(pools, &a.value, value);
            span_attrs.iter().any(hit)
                || (in_resource
                    && st
                        .resources
                        .test(raw.resource as usize, || resource_attrs().iter().any(hit)))
        }
        Term::Text(needle) => {
            let in_str =
                |st: &mut TermState, id: StrId| str_is(st, id, &|s| contains_folded(s, needle));
            let in_attrs = |st: &mut TermState, attrs: &[crate::model::span::Attr]| {
                attrs
                    .iter()
                    .any(|a| in_str(st, a.key) || value_contains(pools, &a.value, needle, st))
            };
            // Not `Answers::test`: the answer needs `st` too.
            let resource_matches = |st: &mut TermState| {
                let r = raw.resource as usize;
                if let Some(known) = st.resources.known(r) {
                    return known;
                }
                let yes = in_attrs(st, resource_attrs());
                st.resources.remember(r, yes);
                yes
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
    fn text_hits_from_the_rarest_byte_are_every_occurrence() {
        let text = "uuuu user-4242 USER-4242x uuser-424 -4242 user-4242user-4242";
        let mut pool = crate::model::strings::TextPool::default();
        pool.push(text);
        for needle in ["user-4242", "u", "42", "-", "r-4"] {
            let hits = TextHits::find(pool.as_str(), needle).expect("ascii");
            // Brute force: every offset holding the needle, case ignored.
            let brute: Vec<u32> = (0..text.len())
                .filter(|&i| {
                    text.get(i..i + needle.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(needle))
                })
                .map(|i| i as u32)
                .collect();
            assert_eq!(hits.starts, brute, "{needle}");
        }
    }

    #[test]
    fn folded_contains() {
        assert!(contains_folded("Checkout-Service", "checkout"));
        assert!(!contains_folded("cart", "checkout"));
        assert!(contains_folded("Größe", "grö"));
    }
}
