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
                number_text(v, LenientU64, |f| self.visit_f64(f))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientU64, E> {
                Ok(LenientU64(0))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LenientU64, A::Error> {
                low_high(map).map(LenientU64)
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `{"low":…,"high":…}`: two 32-bit halves of a `u64`, as old
/// protobufjs wrote longs.
fn low_high<'de, A: MapAccess<'de>>(mut map: A) -> Result<u64, A::Error> {
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
    Ok((high << 32) | low)
}

/// A time in the unit of its field, wide and signed so that nothing wraps on
/// the way in: a time before 1970 is negative, one past 2554 (in
/// nanoseconds) is above `u64::MAX`. Written as a JSON integer of any sign, a
/// float, a decimal string, or `{"low":…,"high":…}`; `null` and `""` are 0.
/// [`super::times::span_times`] brings it into the model's range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LenientTime(pub i128);

impl<'de> Deserialize<'de> for LenientTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time (number or string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientTime, E> {
                Ok(LenientTime(i128::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientTime, E> {
                Ok(LenientTime(i128::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientTime, E> {
                if v.is_finite() {
                    // `as` saturates: 1e300 becomes i128::MAX, not a wrapped value.
                    Ok(LenientTime(v.round() as i128))
                } else {
                    Err(E::custom(format!("{v} where a time was expected")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientTime, E> {
                number_text(v, LenientTime, |f| self.visit_f64(f))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientTime, E> {
                Ok(LenientTime(0))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LenientTime, A::Error> {
                low_high(map).map(|v| LenientTime(i128::from(v)))
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

/// A number written as text: blank is 0, an integer as `int` takes it,
/// else a decimal through `float`; anything else is an error.
fn number_text<I: std::str::FromStr + Default, T, E: de::Error>(
    v: &str,
    int: impl Fn(I) -> T,
    float: impl FnOnce(f64) -> Result<T, E>,
) -> Result<T, E> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(int(I::default()));
    }
    if let Ok(n) = t.parse::<I>() {
        return Ok(int(n));
    }
    match t.parse::<f64>() {
        Ok(f) => float(f),
        Err(_) => Err(E::custom(format!("\"{v}\" is not a number"))),
    }
}

/// The value of an enum a file writes as an integer or a name: the integer
/// through `from_int`, the name through `from_name`; the default when
/// missing or an unknown name.
pub fn enum_value<T: Default>(
    v: Option<&IntOrName>,
    from_int: impl FnOnce(i64) -> T,
    from_name: impl FnOnce(&str) -> Option<T>,
) -> T {
    match v {
        None => T::default(),
        Some(IntOrName::Int(i)) => from_int(*i),
        Some(IntOrName::Name(n)) => from_name(n).unwrap_or_default(),
    }
}

/// `Scalar::Null`, for `#[serde(default = "null_scalar")]` on a value that
/// may be missing.
pub fn null_scalar<'a>() -> Scalar<'a> {
    Scalar::Null
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

/// A JSON object read in file order into pairs, values as [`Scalar`]s
/// (Zipkin tags, Python attribute maps).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pairs<'a>(pub Vec<(Cow<'a, str>, Scalar<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Pairs<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let value = map.next_value::<Scalar<'de>>()?;
                    out.push((key, value));
                }
                Ok(Pairs(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Pairs<'a>, E> {
                Ok(Pairs(Vec::new()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Reads an RFC 3339 / ISO 8601 date-time (`2026-11-22T06:31:01.756159Z`,
/// `…+02:00`, up to nanosecond digits) as nanoseconds since the Unix epoch,
/// negative before 1970.
pub fn parse_rfc3339(s: &str) -> Option<i128> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut nanos: i64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = b.get(start..i)?;
        for k in 0..9 {
            nanos = nanos * 10 + digits.get(k).map_or(0, |d| i64::from(d - b'0'));
        }
    }
    let offset_secs: i64 = match b.get(i) {
        None | Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let h = num(i + 1..i + 3)?;
            let m = num(i + 4..i + 6).or_else(|| num(i + 3..i + 5)).unwrap_or(0);
            let v = h * 3600 + m * 60;
            if *sign == b'+' {
                v
            } else {
                -v
            }
        }
        Some(_) => return None,
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Years are four digits, so every term is small; i128 holds the
    // nanoseconds of year 0 and of year 9999 alike.
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Replaces the bare tokens `NaN`, `Infinity` and `-Infinity` outside strings
/// (Python's `json.dumps` writes them) with JSON strings, so the text parses.
/// Borrows when there is nothing to replace.
pub fn quote_non_finite(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut in_string = false;
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        let token = [&b"-Infinity"[..], b"Infinity", b"NaN"]
            .into_iter()
            .find(|t| b[i..].starts_with(t));
        if let Some(t) = token {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
            o.push_str(&text[copied..i]);
            o.push('"');
            o.push_str(&text[i..i + t.len()]);
            o.push('"');
            i += t.len();
            copied = i;
            continue;
        }
        i += 1;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}
