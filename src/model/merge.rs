//! Merging traces that arrive in several files (a trace's spans exported by
//! several services, or a file exporter's rotated files): the spans of every
//! copy are copied into one set of pools and the trace is built again, so
//! exact copies drop out and parents found in another file link up.

use std::sync::Arc;

use super::hash::FxHashMap;
use super::span::{Attr, AttrValue, Pools, Range32, RawSpan, Resource, Scope, SpanParts};
use super::strings::StrId;
use super::trace::Trace;
use super::warnings::Warnings;

/// Copies spans from other pools into one, re-interning names and keeping
/// resources and scopes shared per source.
struct Importer {
    pools: Pools,
    spans: Vec<RawSpan>,
}

impl Importer {
    fn string(&mut self, from: &Pools, id: StrId) -> StrId {
        self.pools.strings.intern(from.strings.get(id))
    }

    fn attrs(&mut self, from: &Pools, r: Range32) -> Range32 {
        let start = self.pools.attrs.len();
        for a in from.attrs(r) {
            let key = self.string(from, a.key);
            let value = match a.value {
                AttrValue::Str(t) => AttrValue::Str(self.pools.text.push(from.text.get(t))),
                AttrValue::Bytes(t) => AttrValue::Bytes(self.pools.text.push(from.text.get(t))),
                AttrValue::Array(t) => AttrValue::Array(self.pools.text.push(from.text.get(t))),
                AttrValue::Map(t) => AttrValue::Map(self.pools.text.push(from.text.get(t))),
                other => other,
            };
            self.pools.attrs.push(Attr { key, value });
        }
        self.pools.attrs_since(start)
    }

    fn trace(&mut self, t: &Trace) {
        let from: &Pools = &t.pools;
        let mut resources: FxHashMap<u32, u32> = FxHashMap::default();
        let mut scopes: FxHashMap<u32, u32> = FxHashMap::default();
        for span in &t.spans {
            let raw = span.raw;
            let resource = match resources.get(&raw.resource) {
                Some(&r) => r,
                None => {
                    let old = from.resources.get(raw.resource as usize).copied();
                    let service = self.string(from, old.map_or(raw.service, |r| r.service));
                    let attrs = old.map_or(Range32::default(), |r| self.attrs(from, r.attrs));
                    self.pools.resources.push(Resource { service, attrs });
                    let r = (self.pools.resources.len() - 1) as u32;
                    resources.insert(raw.resource, r);
                    r
                }
            };
            let scope = match (raw.scope, scopes.get(&raw.scope)) {
                (0, _) => 0,
                (_, Some(&s)) => s,
                (old, None) => {
                    let s = from.scopes.get(old as usize).copied().unwrap_or_default();
                    let name = self.string(from, s.name);
                    let version = self.string(from, s.version);
                    self.pools.scopes.push(Scope { name, version });
                    let s = (self.pools.scopes.len() - 1) as u32;
                    scopes.insert(old, s);
                    s
                }
            };
            let attrs = self.attrs(from, raw.attrs);
            let events_start = self.pools.events.len() as u32;
            for e in from.events(raw.events) {
                let mut e = *e;
                e.name = self.string(from, e.name);
                e.attrs = self.attrs(from, e.attrs);
                self.pools.events.push(e);
            }
            let links_start = self.pools.links.len() as u32;
            for l in from.links(raw.links) {
                let mut l = *l;
                l.trace_state = l
                    .trace_state
                    .map(|ts| self.pools.text.push(from.text.get(ts)));
                l.attrs = self.attrs(from, l.attrs);
                self.pools.links.push(l);
            }
            let parts = SpanParts {
                name: self.string(from, raw.name),
                service: self.string(from, raw.service),
                resource,
                scope,
                attrs,
                events: self.pools.events_since(events_start),
                links: self.pools.links_since(links_start),
                status_message: raw
                    .status_message
                    .map(|m| self.pools.text.push(from.text.get(m))),
                trace_state: raw
                    .trace_state
                    .map(|ts| self.pools.text.push(from.text.get(ts))),
                ..raw.parts
            };
            let copy = RawSpan { parts, ..raw };
            self.spans.push(copy);
        }
    }
}

/// One trace from several copies of it (same trace id), built anew.
/// Returns `None` when `copies` is empty.
pub fn merge(copies: &[&Trace], warnings: &mut Warnings) -> Option<Trace> {
    let mut importer = Importer {
        pools: Pools::new(),
        spans: Vec::with_capacity(copies.iter().map(|t| t.spans.len()).sum()),
    };
    for t in copies {
        importer.trace(t);
    }
    let mut trace = Trace::build(Arc::new(importer.pools), importer.spans, warnings)?;
    trace.skewed_spans = super::skew::detect(&trace, warnings);
    Some(trace)
}
