//! Writing JSON text straight into an [`Out`]: strings escaped as JSON
//! requires, numbers as the readers read them back, and OTLP `AnyValue`s,
//! including arrays and maps kept in the model as JSON text.

use std::fmt::Write as _;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::out::Out;
use crate::model::span::{AttrValue, Pools};

/// Appends `s` as a JSON string (quoted and escaped).
pub fn string(out: &mut Out, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escape);
        }
        plain = i + c.len_utf8();
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Appends `"key":` (the key escaped).
pub fn key(out: &mut Out, k: &str) {
    string(out, k);
    out.push(':');
}

/// Appends a float as JSON: the shortest text that reads back to the same
/// number, and proto3 JSON's names for the values JSON has no number for.
pub fn float(out: &mut Out, f: f64) {
    match serde_json::Number::from_f64(f) {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None if f.is_nan() => out.push_str("\"NaN\""),
        None if f > 0.0 => out.push_str("\"Infinity\""),
        None => out.push_str("\"-Infinity\""),
    }
}

/// Appends a value as an OTLP `AnyValue` (`{"stringValue":…}`, …). Arrays
/// and maps, which the model keeps as JSON text, become `arrayValue` and
/// `kvlistValue` again, members in their order; text that is not JSON
/// stays a string. Returns false in that case, so callers can count it.
pub fn any_value(out: &mut Out, pools: &Pools, v: &AttrValue) -> bool {
    match *v {
        AttrValue::Str(t) => {
            out.push_str("{\"stringValue\":");
            string(out, pools.text.get(t));
            out.push('}');
        }
        AttrValue::Bool(b) => {
            let _ = write!(out, "{{\"boolValue\":{b}}}");
        }
        AttrValue::Int(i) => {
            let _ = write!(out, "{{\"intValue\":\"{i}\"}}");
        }
        AttrValue::Float(f) => {
            out.push_str("{\"doubleValue\":");
            float(out, f);
            out.push('}');
        }
        AttrValue::Bytes(t) => {
            out.push_str("{\"bytesValue\":");
            string(out, pools.text.get(t));
            out.push('}');
        }
        AttrValue::Array(t) | AttrValue::Map(t) => {
            let text = pools.text.get(t);
            // Read once to know it is whole JSON, then again to write it:
            // what is written cannot be taken back (it may be in a part
            // already handed on).
            if serde_json::from_str::<IgnoredAny>(text).is_err() {
                out.push_str("{\"stringValue\":");
                string(out, text);
                out.push('}');
                return false;
            }
            // Read once already: this reading succeeds as that one did.
            let mut de = serde_json::Deserializer::from_str(text);
            let _ = AnyOut::first(out).deserialize(&mut de);
        }
        AttrValue::Empty => out.push_str("{}"),
    }
    true
}

/// Writes the JSON value it reads as an OTLP `AnyValue`, streaming, so that
/// object members keep their order; a comma first when it is not the first
/// of a list. Nesting is bounded by the JSON reader's own depth limit (128).
struct AnyOut<'o> {
    out: &'o mut Out,
    comma: bool,
}

impl<'o> AnyOut<'o> {
    fn first(out: &'o mut Out) -> AnyOut<'o> {
        AnyOut { out, comma: false }
    }

    /// The output, after the comma if one is due: called once a value is
    /// known to come (an array's end writes nothing).
    fn start(self) -> &'o mut Out {
        if self.comma {
            self.out.push(',');
        }
        self.out
    }
}

impl<'de> DeserializeSeed<'de> for AnyOut<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyOut<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<(), E> {
        let _ = write!(self.start(), "{{\"boolValue\":{b}}}");
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<(), E> {
        let _ = write!(self.start(), "{{\"intValue\":\"{i}\"}}");
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<(), E> {
        match i64::try_from(u) {
            Ok(i) => self.visit_i64(i),
            // Beyond int64: OTLP has no such integer; keep the digits.
            Err(_) => self.visit_str(&u.to_string()),
        }
    }

    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<(), E> {
        let out = self.start();
        out.push_str("{\"doubleValue\":");
        float(out, f);
        out.push('}');
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        let out = self.start();
        out.push_str("{\"stringValue\":");
        string(out, s);
        out.push('}');
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.start().push_str("{}");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.start();
        out.push_str("{\"arrayValue\":{\"values\":[");
        let mut comma = false;
        while seq
            .next_element_seed(AnyOut {
                out: &mut *out,
                comma,
            })?
            .is_some()
        {
            comma = true;
        }
        out.push_str("]}}");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.start();
        out.push_str("{\"kvlistValue\":{\"values\":[");
        let mut first = true;
        while let Some(k) = map.next_key::<std::borrow::Cow<str>>()? {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"key\":");
            string(out, &k);
            out.push_str(",\"value\":");
            map.next_value_seed(AnyOut::first(&mut *out))?;
            out.push('}');
        }
        out.push_str("]}}");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write` writes, as one text.
    fn text(write: impl FnOnce(&mut Out)) -> String {
        let mut out = Out::new(1 << 20);
        write(&mut out);
        out.take_rest().unwrap_or_default()
    }

    #[test]
    fn strings_are_escaped_as_json_reads_them() {
        let s = "a\"b\\c\nd\u{1}é😀";
        let out = text(|out| string(out, s));
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
    }

    #[test]
    fn floats_read_back_to_the_same_number() {
        for f in [0.1, 2.0, 1e300, -5e-324, f64::MAX] {
            let out = text(|out| float(out, f));
            assert_eq!(out.parse::<f64>().unwrap(), f, "{out}");
        }
        let out = text(|out| float(out, f64::NAN));
        assert_eq!(out, "\"NaN\"");
    }

    #[test]
    fn a_map_keeps_its_member_order_and_types() {
        let mut pools = Pools::new();
        let t = pools
            .text
            .push(r#"{"z": [1, 2.5, "x", null, true], "a": {}}"#);
        let out = text(|out| assert!(any_value(out, &pools, &AttrValue::Map(t))));
        assert_eq!(
            out,
            concat!(
                r#"{"kvlistValue":{"values":[{"key":"z","value":{"arrayValue":{"values":["#,
                r#"{"intValue":"1"},{"doubleValue":2.5},{"stringValue":"x"},{},{"boolValue":true}"#,
                r#"]}}},{"key":"a","value":{"kvlistValue":{"values":[]}}}]}}"#
            )
        );
    }

    #[test]
    fn text_that_is_not_json_stays_a_string() {
        let mut pools = Pools::new();
        let t = pools.text.push("[1, 2");
        let out = text(|out| assert!(!any_value(out, &pools, &AttrValue::Array(t))));
        assert_eq!(out, r#"{"stringValue":"[1, 2"}"#);
    }
}
