//! OTLP's `resourceSpans` read span by span straight into the sink: each
//! span is deserialised, pooled and dropped before the next is read, so no
//! typed copy of the whole file (about twice its size) is ever built.
//!
//! A resource or scope may come after its spans in the JSON (key order is
//! free): spans are pushed first with the unknown resource and scope 0, and
//! every span of the group is given its resource, service and scope when the
//! group's object ends. Messages about a value of the wrong type read as
//! those of the typed reader (`otlp.rs`) would.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::otlp::{push_resource, push_scope, read_span, OResource, OScope, OSpan};
use super::sink::Sink;

/// Reads the text of a `resourceSpans` array into `sink`. On an error
/// (a field of the wrong type), the spans this call pushed are taken out
/// again, so a rejected value leaves no spans behind.
pub fn read(sink: &mut Sink, text: &str) -> Result<(), serde_json::Error> {
    let before = sink.spans.len();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = ResourceSpansSeq { sink: &mut *sink }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if result.is_err() {
        sink.spans.truncate(before);
    }
    result
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ResourceField {
    #[serde(rename = "resource")]
    Resource,
    #[serde(
        rename = "scopeSpans",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans"
    )]
    ScopeSpans,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ScopeField {
    #[serde(
        rename = "scope",
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    Scope,
    #[serde(rename = "spans")]
    Spans,
    #[serde(other)]
    Other,
}

/// `[ResourceSpans…]`.
struct ResourceSpansSeq<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for ResourceSpansSeq<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourceSpansSeq<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(OneResourceSpans { sink: self.sink })?
            .is_some()
        {}
        Ok(())
    }
}

/// `{"resource": …, "scopeSpans": […]}`.
struct OneResourceSpans<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for OneResourceSpans<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneResourceSpans<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct ResourceSpans")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let first = sink.spans.len();
        let mut resource = None;
        while let Some(field) = map.next_key::<ResourceField>()? {
            match field {
                ResourceField::Resource => {
                    let r: Option<OResource> = map.next_value()?;
                    resource = Some(push_resource(sink, r.as_ref()));
                }
                ResourceField::ScopeSpans => {
                    map.next_value_seed(ScopeSpansSeq { sink: &mut *sink })?
                }
                ResourceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (resource, service) = match resource {
            Some(r) => r,
            None => push_resource(sink, None),
        };
        for span in sink.spans.get_mut(first..).unwrap_or_default() {
            span.parts.resource = resource;
            span.parts.service = service;
        }
        Ok(())
    }
}

/// `[ScopeSpans…]`.
struct ScopeSpansSeq<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for ScopeSpansSeq<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ScopeSpansSeq<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(OneScopeSpans { sink: self.sink })?
            .is_some()
        {}
        Ok(())
    }
}

/// `{"scope": …, "spans": […]}`.
struct OneScopeSpans<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for OneScopeSpans<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneScopeSpans<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct ScopeSpans")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let first = sink.spans.len();
        let mut scope = 0;
        while let Some(field) = map.next_key::<ScopeField>()? {
            match field {
                ScopeField::Scope => {
                    let s: Option<OScope> = map.next_value()?;
                    scope = push_scope(sink, s.as_ref());
                }
                ScopeField::Spans => map.next_value_seed(Spans { sink: &mut *sink })?,
                ScopeField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        for span in sink.spans.get_mut(first..).unwrap_or_default() {
            span.parts.scope = scope;
        }
        Ok(())
    }
}

/// `[Span…]`: each read into the sink as soon as it is deserialised.
struct Spans<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for Spans<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Spans<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Resource and scope are set when their objects end.
        let service = self.sink.unknown_service();
        while let Some(span) = seq.next_element::<OSpan>()? {
            read_span(self.sink, &span, 0, service, 0);
        }
        Ok(())
    }
}
