//! Views over many traces at once: what the slow (or failing) ones have in
//! common ([`why`]), their merged structure ([`structure`]), the calls between
//! their services ([`services`]) and their RED figures over time ([`red`]).
//!
//! Each view is an accumulator: [`add`](why::WhyBuilder::add) takes one trace
//! at a time and `finish` sorts what was gathered. The page feeds traces in
//! slices between frames, so it keeps painting while a view over a million
//! spans is built; a test feeds them all at once. Every accumulator costs
//! O(spans) to feed and O(n log n) to finish.

pub mod red;
pub mod services;
pub mod structure;
pub mod why;

use super::hash::FxHashMap;
use super::span::{AttrValue, Pools, SpanKind, StatusCode};
pub use super::stats::p50_p90;
use super::stats::percentile;
use super::strings::StrId;
use super::trace::Trace;

/// Which of the shown traces are "the selection" the rest is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Traces lasting at least this many nanoseconds.
    SlowerThan(u64),
    /// Traces with at least one error span.
    Errors,
}

impl Selection {
    /// True when `trace` is selected.
    pub fn holds(self, trace: &Trace) -> bool {
        match self {
            Selection::SlowerThan(nanos) => trace.duration_nanos() >= nanos,
            Selection::Errors => trace.error_count > 0,
        }
    }
}

/// The default threshold of [`Selection::SlowerThan`]: the p90 of the
/// traces' durations (0 for none).
pub fn default_slow_nanos<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> u64 {
    let mut durations: Vec<u64> = traces.into_iter().map(Trace::duration_nanos).collect();
    durations.sort_unstable();
    percentile(&durations, 90.0)
}

/// The key of the pseudo-attribute a span's status is counted under.
pub const STATUS_KEY: &str = "status";
/// The key of the pseudo-attribute a span's kind is counted under.
pub const KIND_KEY: &str = "kind";
/// The key of the pseudo-attribute a span's `service: operation` is counted under.
pub const NAME_KEY: &str = "name";

/// Lowercase name of a status, as the why view writes it.
fn status_name(status: StatusCode) -> &'static str {
    match status {
        StatusCode::Error => "error",
        StatusCode::Ok => "ok",
        StatusCode::Unset => "unset",
    }
}

/// Calls `f(key, value)` for every `key = value` a trace holds, as the why
/// view counts them: each span's attributes and its resource's attributes
/// (one key space: no `span.`/`resource.` prefix), its status (`status`),
/// its kind when given (`kind`) and its `service: operation` (`name`).
/// The same pair may be reported many times.
pub fn for_each_pair(trace: &Trace, mut f: impl FnMut(&str, &str)) {
    let pools = trace.pools.as_ref();
    let mut resources_seen: FxHashMap<u32, ()> = FxHashMap::default();
    for span in &trace.spans {
        let raw = &span.raw;
        for a in pools.attrs(raw.attrs) {
            f(pools.strings.get(a.key), &pools.value_str(&a.value));
        }
        if resources_seen.insert(raw.resource, ()).is_none() {
            if let Some(r) = pools.resources.get(raw.resource as usize) {
                for a in pools.attrs(r.attrs) {
                    f(pools.strings.get(a.key), &pools.value_str(&a.value));
                }
            }
        }
        f(STATUS_KEY, status_name(raw.status));
        if raw.kind != SpanKind::Unspecified {
            f(KIND_KEY, raw.kind.as_str());
        }
        f(
            NAME_KEY,
            &format!(
                "{}: {}",
                pools.strings.get(raw.service),
                pools.strings.get(raw.name)
            ),
        );
    }
}

/// True when `trace` holds `key = value` as [`for_each_pair`] reports it.
pub fn trace_holds(trace: &Trace, key: &str, value: &str) -> bool {
    let mut found = false;
    for_each_pair(trace, |k, v| found |= k == key && v == value);
    found
}

/// An attribute value as hashable identity within one pool (two equal
/// texts at different places are told apart; [`PairIds`] merges them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ValueKey {
    Text(u32, u32),
    Bool(bool),
    Int(i64),
    Float(u64),
    Empty,
}

fn value_key(v: &AttrValue) -> ValueKey {
    match *v {
        AttrValue::Str(t) | AttrValue::Bytes(t) | AttrValue::Array(t) | AttrValue::Map(t) => {
            ValueKey::Text(t.start, t.len)
        }
        AttrValue::Bool(b) => ValueKey::Bool(b),
        AttrValue::Int(i) => ValueKey::Int(i),
        AttrValue::Float(f) => ValueKey::Float(f.to_bits()),
        AttrValue::Empty => ValueKey::Empty,
    }
}

/// Numbers every distinct `key = value` (by text) across traces from many
/// files; within one file's pools it answers from a cache keyed by the
/// pools' own ids, so most pairs are looked up without building text.
#[derive(Default)]
pub struct PairIds {
    /// (key, value) texts, by pair id.
    pub pairs: Vec<(String, String)>,
    /// The key id of each pair.
    pub pair_key: Vec<u32>,
    /// Distinct keys, by key id.
    pub keys: Vec<String>,
    key_ids: FxHashMap<String, u32>,
    by_text: FxHashMap<(String, String), u32>,
    /// The pools the cache below belongs to.
    pools: usize,
    attr_cache: FxHashMap<(StrId, ValueKey), u32>,
    name_cache: FxHashMap<(StrId, StrId), u32>,
    fixed: FxHashMap<(&'static str, &'static str), u32>,
}

impl PairIds {
    fn id_of(&mut self, key: &str, value: &str) -> u32 {
        // Looked up by borrowed text first: most pairs are seen before.
        let probe = (key.to_string(), value.to_string());
        if let Some(&id) = self.by_text.get(&probe) {
            return id;
        }
        let id = self.pairs.len() as u32;
        let key_id = match self.key_ids.get(key) {
            Some(&k) => k,
            None => {
                let k = self.keys.len() as u32;
                self.keys.push(key.to_string());
                self.key_ids.insert(key.to_string(), k);
                k
            }
        };
        self.pairs.push(probe.clone());
        self.pair_key.push(key_id);
        self.by_text.insert(probe, id);
        id
    }

    fn switch_to(&mut self, pools: &Pools) {
        let at = pools as *const Pools as usize;
        if self.pools != at {
            self.pools = at;
            self.attr_cache.clear();
            self.name_cache.clear();
        }
    }

    fn attr(&mut self, pools: &Pools, key: StrId, value: &AttrValue) -> u32 {
        let k = (key, value_key(value));
        if let Some(&id) = self.attr_cache.get(&k) {
            return id;
        }
        let id = self.id_of(pools.strings.get(key), &pools.value_str(value));
        self.attr_cache.insert(k, id);
        id
    }

    fn fixed(&mut self, key: &'static str, value: &'static str) -> u32 {
        if let Some(&id) = self.fixed.get(&(key, value)) {
            return id;
        }
        let id = self.id_of(key, value);
        self.fixed.insert((key, value), id);
        id
    }

    fn name(&mut self, pools: &Pools, service: StrId, operation: StrId) -> u32 {
        if let Some(&id) = self.name_cache.get(&(service, operation)) {
            return id;
        }
        let text = format!(
            "{}: {}",
            pools.strings.get(service),
            pools.strings.get(operation)
        );
        let id = self.id_of(NAME_KEY, &text);
        self.name_cache.insert((service, operation), id);
        id
    }

    /// Calls `f(pair id, key id)` for every pair [`for_each_pair`] reports
    /// for `trace`.
    pub fn for_each(&mut self, trace: &Trace, mut f: impl FnMut(u32, u32)) {
        let pools = trace.pools.as_ref();
        self.switch_to(pools);
        let mut f =
            |pair: u32, keys: &[u32]| f(pair, keys.get(pair as usize).copied().unwrap_or(0));
        let mut resources_seen: FxHashMap<u32, ()> = FxHashMap::default();
        for span in &trace.spans {
            let raw = &span.raw;
            for a in pools.attrs(raw.attrs) {
                let id = self.attr(pools, a.key, &a.value);
                f(id, &self.pair_key);
            }
            if resources_seen.insert(raw.resource, ()).is_none() {
                if let Some(r) = pools.resources.get(raw.resource as usize) {
                    for a in pools.attrs(r.attrs) {
                        let id = self.attr(pools, a.key, &a.value);
                        f(id, &self.pair_key);
                    }
                }
            }
            let id = self.fixed(STATUS_KEY, status_name(raw.status));
            f(id, &self.pair_key);
            if raw.kind != SpanKind::Unspecified {
                let id = self.fixed(KIND_KEY, raw.kind.as_str());
                f(id, &self.pair_key);
            }
            let id = self.name(pools, raw.service, raw.name);
            f(id, &self.pair_key);
        }
    }
}

/// `service: operation` names numbered across traces of many files.
#[derive(Default)]
pub struct NameIds {
    /// (service, operation), by id.
    pub names: Vec<(String, String)>,
    by_text: FxHashMap<(String, String), u32>,
    pools: usize,
    cache: FxHashMap<(StrId, StrId), u32>,
}

impl NameIds {
    /// The id of `service: operation` of a span in `trace`.
    pub fn id(&mut self, trace: &Trace, service: StrId, operation: StrId) -> u32 {
        let at = trace.pools.as_ref() as *const Pools as usize;
        if self.pools != at {
            self.pools = at;
            self.cache.clear();
        }
        if let Some(&id) = self.cache.get(&(service, operation)) {
            return id;
        }
        let key = (
            trace.str(service).to_string(),
            trace.str(operation).to_string(),
        );
        let id = match self.by_text.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(key.clone());
                self.by_text.insert(key, id);
                id
            }
        };
        self.cache.insert((service, operation), id);
        id
    }
}
