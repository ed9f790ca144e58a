//! Lenient serde helpers for wire quirks, in one place rather than at every use:
//! 64-bit integers as strings or numbers (exactly, past 2^53), `{low, high}`
//! longs, floats as `"NaN"`, enums as integers or names, loosely typed scalars.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A `u64` written as a JSON number (integer or float), a decimal string, or
/// `{"low":…,"high":…}` (two 32-bit halves, as old protobufjs wrote).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LenientU64(pub u64);

impl<'de> Deserialize<'de> for LenientU64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientU64;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an unsigned integer (number or string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientU64, E> {
                Ok(LenientU64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientU64, E> {
                u64::try_from(v).map(LenientU64).map_err(|_| {
                    E::custom(format!(
                        "negative value {v} where a time or count was expected"
                    ))
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientU64, E> {
                if v.is_finite() && v >= 0.0 {
                    Ok(LenientU64(v.round() as u64))
                } else {
                    Err(E::custom(format!("{v} where a time or count was expected")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientU64, E> {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(LenientU64(0));
                }
                if let Ok(n) = t.parse::<u64>() {
                    return Ok(LenientU64(n));
                }
                match t.parse::<f64>() {
                    Ok(f) => self.visit_f64(f),
                    Err(_) => Err(E::custom(format!("\"{v}\" is not a number"))),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientU64, E> {
                Ok(LenientU64(0))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LenientU64, A::Error> {
                let (mut low, mut high) = (0u64, 0u64);
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "low" => low = (map.next_value::<i64>()? as u64) & 0xffff_ffff,
                        "high" => high = (map.next_value::<i64>()? as u64) & 0xffff_ffff,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(LenientU64((high << 32) | low))
            }
        }
        d.deserialize_any(V)
    }
}

/// An `i64` written as a number or a decimal string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LenientI64(pub i64);

impl<'de> Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::I64(v) => Ok(LenientI64(v)),
            Scalar::U64(v) => Ok(LenientI64(v as i64)),
            Scalar::F64(v) => Ok(LenientI64(v as i64)),
            Scalar::Str(s) => s
                .trim()
                .parse::<i64>()
                .map(LenientI64)
                .map_err(|_| de::Error::custom(format!("\"{s}\" is not an integer"))),
            _ => Err(de::Error::custom("expected an integer")),
        }
    }
}

/// An `f64` written as a number or a string (including `"NaN"`, `"Infinity"`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LenientF64(pub f64);

impl<'de> Deserialize<'de> for LenientF64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::I64(v) => Ok(LenientF64(v as f64)),
            Scalar::U64(v) => Ok(LenientF64(v as f64)),
            Scalar::F64(v) => Ok(LenientF64(v)),
            Scalar::Str(s) => parse_f64(&s)
                .map(LenientF64)
                .ok_or_else(|| de::Error::custom(format!("\"{s}\" is not a number"))),
            _ => Err(de::Error::custom("expected a number")),
        }
    }
}

/// Reads a float, accepting the names proto3 JSON uses for non-finite values.
pub fn parse_f64(s: &str) -> Option<f64> {
    match s.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

/// An enum written as an integer or as a name.
#[derive(Clone, Debug, PartialEq)]
pub enum IntOrName<'a> {
    /// The integer form (what the OTLP spec requires).
    Int(i64),
    /// The name form (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`).
    Name(Cow<'a, str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for IntOrName<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::I64(v) => Ok(IntOrName::Int(v)),
            Scalar::U64(v) => Ok(IntOrName::Int(v as i64)),
            Scalar::F64(v) => Ok(IntOrName::Int(v as i64)),
            Scalar::Str(s) => match s.trim().parse::<i64>() {
                Ok(v) => Ok(IntOrName::Int(v)),
                Err(_) => Ok(IntOrName::Name(s)),
            },
            Scalar::Null => Ok(IntOrName::Int(0)),
            _ => Err(de::Error::custom("expected an enum integer or name")),
        }
    }
}

/// Any JSON scalar, borrowed where possible. Arrays and objects are kept as
/// their JSON text (rare in the places this is used, e.g. Jaeger tag values).
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// A boolean.
    Bool(bool),
    /// A negative integer (or any that fits `i64`).
    I64(i64),
    /// An unsigned integer past `i64::MAX`.
    U64(u64),
    /// A float.
    F64(f64),
    /// `null`.
    Null,
    /// An array or object, as JSON text.
    Compound(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'a>, E> {
                Ok(i64::try_from(v).map_or(Scalar::U64(v), Scalar::I64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar<'a>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Scalar::Compound(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar<'a>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Scalar::Compound(v.to_string()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}
