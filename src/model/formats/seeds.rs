//! The serde plumbing of the span-by-span readers (`otlp_stream`,
//! `jaeger_stream`): a JSON array whose elements are read one at a time by
//! the same reader, and a JSON object read field by field. A reader holds
//! `&mut Sink`, so it reads each element through `&mut self` and is never
//! consumed, which is why serde's own `DeserializeSeed` does not do here.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::sink::Sink;

/// Reads the whole of `text` with `seed`: one value and nothing after it.
pub(super) fn whole_text<'de, S>(text: &'de str, seed: S) -> Result<(), serde_json::Error>
where
    S: DeserializeSeed<'de, Value = ()>,
{
    let mut de = serde_json::Deserializer::from_str(text);
    seed.deserialize(&mut de)?;
    de.end()
}

/// Runs `read` on `sink`; if it fails, the spans it pushed are taken out
/// again, so a rejected value leaves no spans behind.
pub(super) fn all_or_nothing<E>(
    sink: &mut Sink,
    read: impl FnOnce(&mut Sink) -> Result<(), E>,
) -> Result<(), E> {
    let before = sink.spans.len();
    let result = read(sink);
    if result.is_err() {
        sink.spans.truncate(before);
    }
    result
}

/// Reads one element of an array (`d` is on it).
pub(super) trait Element<'de> {
    fn read<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error>;
}

/// Reads an object's fields, one key at a time.
pub(super) trait Fields<'de> {
    /// What a value of the wrong type was expected to be, as the typed
    /// reader would say it (`struct JTrace`).
    const EXPECTING: &'static str;
    fn read_fields<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
}

/// A JSON array, each element read by `E`.
pub(super) struct Each<E>(pub E);

impl<'de, E: Element<'de>> DeserializeSeed<'de> for Each<E> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, E: Element<'de>> Visitor<'de> for Each<E> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(One(&mut self.0))?.is_some() {}
        Ok(())
    }
}

/// One element, read by the array's reader.
struct One<'e, E>(&'e mut E);

impl<'de, E: Element<'de>> DeserializeSeed<'de> for One<'_, E> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.read(d)
    }
}

/// A JSON object whose fields `F` reads (an array's element, or a value).
pub(super) struct Object<F>(pub F);

impl<'de, F: Fields<'de>> Element<'de> for Object<F> {
    fn read<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(ObjectVisitor(&mut self.0, PhantomData))
    }
}

struct ObjectVisitor<'f, 'de, F>(&'f mut F, PhantomData<&'de ()>);

impl<'de, F: Fields<'de>> Visitor<'de> for ObjectVisitor<'_, 'de, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(F::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.read_fields(map)
    }
}
