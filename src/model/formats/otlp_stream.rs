//! OTLP's `resourceSpans` read span by span straight into the sink: each
//! span is deserialised, pooled and dropped before the next is read, so no
//! typed copy of the whole file (about twice its size) is ever built.
//!
//! A resource or scope may come after its spans in the JSON (key order is
//! free): spans are pushed first with the unknown resource and scope 0, and
//! every span of the group is given its resource, service and scope when the
//! group's object ends. Messages about a value of the wrong type read as
//! those of the typed reader (`otlp.rs`) would.

use serde::de::{Deserializer, IgnoredAny, MapAccess};
use serde::Deserialize;

use crate::model::strings::StrId;

use super::otlp::{push_resource, push_scope, read_span, OResource, OScope, OSpan};
use super::seeds::{all_or_nothing, whole_text, Each, Element, Fields, Object};
use super::sink::Sink;

/// Reads the text of a `resourceSpans` array into `sink`; a rejected value (a field
/// of the wrong type) leaves no spans behind.
pub fn read(sink: &mut Sink, text: &str) -> Result<(), serde_json::Error> {
    all_or_nothing(sink, |sink| {
        whole_text(text, Each(Object(OneResourceSpans { sink })))
    })
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

/// `{"resource": …, "scopeSpans": […]}`, an element of `resourceSpans`.
struct OneResourceSpans<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> Fields<'de> for OneResourceSpans<'_, '_> {
    const EXPECTING: &'static str = "struct ResourceSpans";
    fn read_fields<A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        let sink = &mut *self.sink;
        let first = sink.spans.len();
        let mut resource = None;
        while let Some(field) = map.next_key::<ResourceField>()? {
            match field {
                ResourceField::Resource => {
                    let r: Option<OResource> = map.next_value()?;
                    resource = Some(push_resource(sink, r.as_ref()));
                }
                ResourceField::ScopeSpans => {
                    map.next_value_seed(Each(Object(OneScopeSpans { sink: &mut *sink })))?
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

/// `{"scope": …, "spans": […]}`, an element of `scopeSpans`.
struct OneScopeSpans<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> Fields<'de> for OneScopeSpans<'_, '_> {
    const EXPECTING: &'static str = "struct ScopeSpans";
    fn read_fields<A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        let sink = &mut *self.sink;
        let first = sink.spans.len();
        let mut scope = 0;
        while let Some(field) = map.next_key::<ScopeField>()? {
            match field {
                ScopeField::Scope => {
                    let s: Option<OScope> = map.next_value()?;
                    scope = push_scope(sink, s.as_ref());
                }
                ScopeField::Spans => {
                    // Resource and scope are set when their objects end.
                    let service = sink.unknown_service();
                    map.next_value_seed(Each(OneSpan {
                        sink: &mut *sink,
                        service,
                    }))?
                }
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

/// A span of `spans`, read into the sink as soon as it is deserialised.
struct OneSpan<'s, 'w> {
    sink: &'s mut Sink<'w>,
    service: StrId,
}

impl<'de> Element<'de> for OneSpan<'_, '_> {
    fn read<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let span = OSpan::deserialize(d)?;
        read_span(self.sink, &span, 0, self.service, 0);
        Ok(())
    }
}
