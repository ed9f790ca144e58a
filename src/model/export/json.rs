//! Writing JSON text straight into a `String`: strings escaped as JSON
//! requires, numbers as the readers read them back, and OTLP `AnyValue`s,
//! including arrays and maps kept in the model as JSON text.

use std::fmt::Write as _;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::span::{AttrValue, Pools};

/// Appends `s` as a JSON string (quoted and escaped).
pub fn string(out: &mut String, s: &str) {
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
pub fn key(out: &mut String, k: &str) {
    string(out, k);
    out.push(':');
}

/// Appends a float as JSON: the shortest text that reads back to the same
/// number, and proto3 JSON's names for the values JSON has no number for.
pub fn float(out: &mut String, f: f64) {
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
pub fn any_value(out: &mut String, pools: &Pools, v: &AttrValue) -> bool {
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
            let mark = out.len();
            let mut de = serde_json::Deserializer::from_str(text);
            let whole = AnyOut(out)
                .deserialize(&mut de)
                .and_then(|()| de.end())
                .is_ok();
            if !whole {
                out.truncate(mark);
                out.push_str("{\"stringValue\":");
                string(out, text);
                out.push('}');
                return false;
            }
        }
        AttrValue::Empty => out.push_str("{}"),
    }
    true
}

/// Writes the JSON value it reads as an OTLP `AnyValue`, streaming, so that
/// object members keep their order. Nesting is bounded by the JSON reader's
/// own depth limit (128).
struct AnyOut<'o>(&'o mut String);

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
        let _ = write!(self.0, "{{\"boolValue\":{b}}}");
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<(), E> {
        let _ = write!(self.0, "{{\"intValue\":\"{i}\"}}");
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
        self.0.push_str("{\"doubleValue\":");
        float(self.0, f);
        self.0.push('}');
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        self.0.push_str("{\"stringValue\":");
        string(self.0, s);
        self.0.push('}');
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.0.push_str("{}");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push_str("{\"arrayValue\":{\"values\":[");
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(AnyOut(self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push_str("]}}");
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push_str("{\"kvlistValue\":{\"values\":[");
        let mut first = true;
        while let Some(k) = map.next_key::<std::borrow::Cow<str>>()? {
            if !first {
                self.0.push(',');
            }
            first = false;
            self.0.push_str("{\"key\":");
            string(self.0, &k);
            self.0.push_str(",\"value\":");
            map.next_value_seed(AnyOut(self.0))?;
            self.0.push('}');
        }
        self.0.push_str("]}}");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_json_reads_them() {
        let text = "a\"b\\c\nd\u{1}é😀";
        let mut out = String::new();
        string(&mut out, text);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn floats_read_back_to_the_same_number() {
        for f in [0.1, 2.0, 1e300, -5e-324, f64::MAX] {
            let mut out = String::new();
            float(&mut out, f);
            assert_eq!(out.parse::<f64>().unwrap(), f, "{out}");
        }
        let mut out = String::new();
        float(&mut out, f64::NAN);
        assert_eq!(out, "\"NaN\"");
    }

    #[test]
    fn a_map_keeps_its_member_order_and_types() {
        let mut pools = Pools::new();
        let t = pools
            .text
            .push(r#"{"z": [1, 2.5, "x", null, true], "a": {}}"#);
        let mut out = String::new();
        assert!(any_value(&mut out, &pools, &AttrValue::Map(t)));
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
        let mut out = String::new();
        assert!(!any_value(&mut out, &pools, &AttrValue::Array(t)));
        assert_eq!(out, r#"{"stringValue":"[1, 2"}"#);
    }
}
