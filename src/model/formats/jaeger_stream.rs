//! Jaeger's `data` (a list of traces) read span by span straight into the
//! sink: each span is deserialised, pooled and dropped before the next is
//! read, so no typed copy of the whole file is ever built. A trace's
//! `processes` follow its spans; [`TraceReader`] gives the spans their
//! services when the trace's object ends. Messages about a value of the
//! wrong type read as those of the typed reader would.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::jaeger::{JSpan, Processes, TraceReader};
use super::sink::Sink;

/// Reads the text of a `data` array into `sink`. On an error (a field of
/// the wrong type), the spans this call pushed are taken out again, so a
/// rejected value leaves no spans behind.
pub fn read(sink: &mut Sink, text: &str) -> Result<(), serde_json::Error> {
    let before = sink.spans.len();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Traces { sink: &mut *sink }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if result.is_err() {
        sink.spans.truncate(before);
    }
    result
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum TraceField {
    #[serde(rename = "spans")]
    Spans,
    #[serde(rename = "processes")]
    Processes,
    #[serde(other)]
    Other,
}

/// `[trace…]`.
struct Traces<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for Traces<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Traces<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(OneTrace { sink: self.sink })?
            .is_some()
        {}
        Ok(())
    }
}

/// `{"traceID": …, "spans": […], "processes": {…}}`.
struct OneTrace<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> DeserializeSeed<'de> for OneTrace<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneTrace<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct JTrace")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut trace = TraceReader::new(sink);
        let mut processes = Processes::default();
        while let Some(field) = map.next_key::<TraceField>()? {
            match field {
                TraceField::Spans => map.next_value_seed(Spans {
                    sink: &mut *sink,
                    trace: &mut trace,
                })?,
                TraceField::Processes => processes = map.next_value()?,
                TraceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        trace.finish(sink, &processes);
        Ok(())
    }
}

/// `[span…]`: each read into the sink as soon as it is deserialised.
struct Spans<'s, 'w, 't> {
    sink: &'s mut Sink<'w>,
    trace: &'t mut TraceReader,
}

impl<'de> DeserializeSeed<'de> for Spans<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Spans<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(span) = seq.next_element::<JSpan>()? {
            self.trace.read_span(self.sink, &span);
        }
        Ok(())
    }
}
