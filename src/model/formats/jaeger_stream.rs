//! Jaeger's `data` (a list of traces) read span by span straight into the
//! sink: each span is deserialised, pooled and dropped before the next is
//! read, so no typed copy of the whole file is ever built. A trace's
//! `processes` follow its spans; [`TraceReader`] gives the spans their
//! services when the trace's object ends. Messages about a value of the
//! wrong type read as those of the typed reader would.

use serde::de::{Deserializer, IgnoredAny, MapAccess};
use serde::Deserialize;

use super::jaeger::{JSpan, Processes, TraceReader};
use super::seeds::{all_or_nothing, whole_text, Each, Element, Fields, Object};
use super::sink::Sink;

/// Reads the text of a `data` array into `sink`; a rejected value (a field
/// of the wrong type) leaves no spans behind.
pub fn read(sink: &mut Sink, text: &str) -> Result<(), serde_json::Error> {
    all_or_nothing(sink, |sink| {
        whole_text(text, Each(Object(OneTrace { sink })))
    })
}

/// Reads the text of one trace's `spans` array (or a run of it) into
/// `sink` through `trace`, which gives them their processes when finished.
pub fn read_spans(
    sink: &mut Sink,
    trace: &mut TraceReader,
    text: &str,
) -> Result<(), serde_json::Error> {
    all_or_nothing(sink, |sink| whole_text(text, Each(OneSpan { sink, trace })))
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

/// `{"traceID": …, "spans": […], "processes": {…}}`, an element of `data`.
struct OneTrace<'s, 'w> {
    sink: &'s mut Sink<'w>,
}

impl<'de> Fields<'de> for OneTrace<'_, '_> {
    const EXPECTING: &'static str = "struct JTrace";
    fn read_fields<A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        let sink = &mut *self.sink;
        let mut trace = TraceReader::new(sink);
        let mut processes = Processes::default();
        while let Some(field) = map.next_key::<TraceField>()? {
            match field {
                TraceField::Spans => map.next_value_seed(Each(OneSpan {
                    sink: &mut *sink,
                    trace: &mut trace,
                }))?,
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

/// A span of `spans`, read into the sink as soon as it is deserialised.
struct OneSpan<'s, 'w, 't> {
    sink: &'s mut Sink<'w>,
    trace: &'t mut TraceReader,
}

impl<'de> Element<'de> for OneSpan<'_, '_, '_> {
    fn read<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let span = JSpan::deserialize(d)?;
        self.trace.read_span(self.sink, &span);
        Ok(())
    }
}
