//! Joining parts read apart into the pools and spans one reader would have
//! made: each later part's strings are interned into the first part's pool
//! in their own first-use order, and its text, attributes, events, links,
//! resources and scopes are appended with every index shifted. Interning in
//! part order gives the same ids as one pass over the whole file, because
//! one pass makes exactly the calls of the parts, in the same order.

use crate::model::span::{Attr, AttrValue, Pools, Range32, RawSpan, Resource, Scope};
use crate::model::strings::{StrId, TextRef};

/// How a later part's indices move into the joined pools.
struct Shift {
    strings: Vec<StrId>,
    text: u32,
    attrs: u32,
    events: u32,
    links: u32,
    resources: u32,
    /// Each of the part's scopes' index in the joined pools.
    scopes: Vec<u32>,
}

impl Shift {
    fn string(&self, id: StrId) -> StrId {
        self.strings.get(id.0 as usize).copied().unwrap_or_default()
    }

    fn text(&self, r: TextRef) -> TextRef {
        TextRef {
            start: r.start + self.text,
            len: r.len,
        }
    }

    /// An empty range stays `0..0` (see [`Range32::since`]).
    fn range(r: Range32, by: u32) -> Range32 {
        Range32::since(r.start + by, r.end + by)
    }

    fn value(&self, v: AttrValue) -> AttrValue {
        match v {
            AttrValue::Str(t) => AttrValue::Str(self.text(t)),
            AttrValue::Bytes(t) => AttrValue::Bytes(self.text(t)),
            AttrValue::Array(t) => AttrValue::Array(self.text(t)),
            AttrValue::Map(t) => AttrValue::Map(self.text(t)),
            other => other,
        }
    }
}

/// Scopes made through a per-trace cache (one Jaeger trace cut into parts)
/// are made once per name and version across the parts; otherwise every
/// scope a part made is its own (OTLP makes one per `scopeSpans`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scopes {
    Each,
    OncePerName,
}

/// Appends `part` (its pools and spans) to `pools` and `spans`.
pub(super) fn append(
    pools: &mut Pools,
    spans: &mut Vec<RawSpan>,
    part_pools: &Pools,
    part_spans: &[RawSpan],
    scopes: Scopes,
) {
    let strings: Vec<StrId> = part_pools
        .strings
        .iter()
        .map(|s| pools.strings.intern(s))
        .collect();
    let mut shift = Shift {
        strings,
        text: pools.text.len_bytes() as u32,
        attrs: pools.attrs.len() as u32,
        events: pools.events.len() as u32,
        links: pools.links.len() as u32,
        resources: pools.resources.len() as u32,
        scopes: Vec::with_capacity(part_pools.scopes.len()),
    };
    // Scope 0 is the empty scope of every pool.
    shift.scopes.push(0);
    for s in part_pools.scopes.iter().skip(1) {
        let scope = Scope {
            name: shift.string(s.name),
            version: shift.string(s.version),
        };
        let known = match scopes {
            Scopes::OncePerName => pools.scopes.iter().skip(1).position(|&k| k == scope),
            Scopes::Each => None,
        };
        shift.scopes.push(match known {
            Some(i) => i as u32 + 1,
            None => {
                pools.scopes.push(scope);
                pools.scopes.len() as u32 - 1
            }
        });
    }
    pools.text.push(part_pools.text.as_str());
    pools.attrs.extend(part_pools.attrs.iter().map(|a| Attr {
        key: shift.string(a.key),
        value: shift.value(a.value),
    }));
    pools.events.extend(part_pools.events.iter().map(|e| {
        let mut e = *e;
        e.name = shift.string(e.name);
        e.attrs = Shift::range(e.attrs, shift.attrs);
        e
    }));
    pools.links.extend(part_pools.links.iter().map(|l| {
        let mut l = *l;
        l.trace_state = l.trace_state.map(|t| shift.text(t));
        l.attrs = Shift::range(l.attrs, shift.attrs);
        l
    }));
    pools
        .resources
        .extend(part_pools.resources.iter().map(|r| Resource {
            service: shift.string(r.service),
            attrs: Shift::range(r.attrs, shift.attrs),
        }));
    spans.extend(part_spans.iter().map(|s| {
        let mut s = *s;
        let p = &mut s.parts;
        p.name = shift.string(p.name);
        p.service = shift.string(p.service);
        p.resource += shift.resources;
        p.scope = shift.scopes.get(p.scope as usize).copied().unwrap_or(0);
        p.status_message = p.status_message.map(|t| shift.text(t));
        p.trace_state = p.trace_state.map(|t| shift.text(t));
        p.attrs = Shift::range(p.attrs, shift.attrs);
        p.events = Shift::range(p.events, shift.events);
        p.links = Shift::range(p.links, shift.links);
        s
    }));
}
