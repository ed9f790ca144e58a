//! Trace and span identifiers, stored as bytes.
//!
//! Producers spell ids in many ways (hex of any case, `0x` prefixes, short
//! 64-bit trace ids, base64). They all end up here as fixed-size byte arrays;
//! the canonical text form is lowercase hex (32 chars for traces, 16 for spans).

use std::fmt;

/// A 16-byte trace id. Shorter ids are left-padded with zero bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TraceId(pub [u8; 16]);

/// An 8-byte span id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpanId(pub [u8; 8]);

/// How an id's text was read, so that unusual spellings can be reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdSpelling {
    /// Plain hex of the full width (any case).
    Hex,
    /// Hex shorter than the full width, left-padded with zeros.
    ShortHex,
    /// Base64 (standard or URL-safe, padded or not).
    Base64,
    /// Base64 of the hex text (opentelemetry-swift once did this).
    Base64OfHex,
}

/// Why an id's text could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdProblem {
    /// Empty text: protocols use it for "no id".
    Empty,
    /// All bytes zero: invalid by W3C trace context, used by some SDKs for "no parent".
    AllZero,
    /// Neither hex nor base64 of the right size.
    Malformed,
}

impl TraceId {
    /// Reads a trace id from text; see [`parse_id_bytes`].
    pub fn parse(text: &str) -> Result<(TraceId, IdSpelling), IdProblem> {
        parse_id(text).map(|(bytes, spelling)| (TraceId(bytes), spelling))
    }

    /// True when every byte is zero.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&b| b == 0)
    }

    /// Lowercase hex, always 32 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The short form people see in lists and pickers, the one rule for the
    /// whole page: the first 7 hex digits of the id at its own width, as
    /// Jaeger UI shows them. A 64-bit id (upper half zero, as Jaeger and
    /// Zipkin write them) counts from its 16 digits, not from the padding.
    pub fn short(&self) -> String {
        self.own_hex()[..7].to_string()
    }

    /// Lowercase hex at the id's own width: 16 digits for a 64-bit id (upper
    /// half zero), else 32. For people; `data-*` hooks keep [`to_hex`].
    ///
    /// [`to_hex`]: TraceId::to_hex
    pub fn own_hex(&self) -> String {
        if self.0[..8].iter().all(|&b| b == 0) {
            hex(&self.0[8..])
        } else {
            hex(&self.0)
        }
    }
}

impl SpanId {
    /// Reads a span id from text; see [`parse_id_bytes`].
    pub fn parse(text: &str) -> Result<(SpanId, IdSpelling), IdProblem> {
        parse_id(text).map(|(bytes, spelling)| (SpanId(bytes), spelling))
    }

    /// Lowercase hex, always 16 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The id as a number, handy for generators and hashing.
    pub fn from_u64(value: u64) -> SpanId {
        SpanId(value.to_be_bytes())
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Reads an id of `N` bytes; see [`parse_id_bytes`].
fn parse_id<const N: usize>(text: &str) -> Result<([u8; N], IdSpelling), IdProblem> {
    let mut out = [0u8; N];
    let spelling = parse_id_bytes(text, &mut out)?;
    Ok((out, spelling))
}

/// Reads an id into `out` (16 or 8 bytes).
///
/// Accepts hex of any case with an optional `0x` prefix (shorter hex is
/// left-padded, longer hex keeps its right-most bytes, as W3C trace context
/// says), and base64 that decodes to exactly `out.len()` bytes.
pub fn parse_id_bytes(text: &str, out: &mut [u8]) -> Result<IdSpelling, IdProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IdProblem::Empty);
    }
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let width = out.len() * 2;
    let spelling = if !digits.is_empty() && digits.bytes().all(|c| hex_val(c).is_some()) {
        // Right-most `width` digits, left-padded with zeros.
        let bytes = digits.as_bytes();
        let keep = &bytes[bytes.len().saturating_sub(width)..];
        out.fill(0);
        let mut pos = width; // nibble position from the right end
        for &c in keep.iter().rev() {
            pos -= 1;
            let v = hex_val(c).unwrap_or(0);
            let byte = &mut out[pos / 2];
            if pos % 2 == 1 {
                *byte |= v;
            } else {
                *byte |= v << 4;
            }
        }
        if digits.len() < width {
            IdSpelling::ShortHex
        } else {
            IdSpelling::Hex
        }
    } else if decode_base64(text, out) {
        IdSpelling::Base64
    } else if decode_base64_of_hex(text, out) {
        IdSpelling::Base64OfHex
    } else {
        return Err(IdProblem::Malformed);
    };
    if out.iter().all(|&b| b == 0) {
        return Err(IdProblem::AllZero);
    }
    Ok(spelling)
}

/// Base64 whose bytes are the hex digits of the id.
fn decode_base64_of_hex(text: &str, out: &mut [u8]) -> bool {
    let mut digits = [0u8; 32];
    let Some(digits) = digits.get_mut(..out.len() * 2) else {
        return false;
    };
    if !decode_base64(text, digits) {
        return false;
    }
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        match (
            pair.first().copied().and_then(hex_val),
            pair.get(1).copied().and_then(hex_val),
            out.get_mut(i),
        ) {
            (Some(hi), Some(lo), Some(slot)) => *slot = (hi << 4) | lo,
            _ => return false,
        }
    }
    true
}

fn base64_val(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64 (standard or URL-safe, padding optional) into `out`;
/// false unless the text decodes to exactly `out.len()` bytes.
fn decode_base64(text: &str, out: &mut [u8]) -> bool {
    let body = text.trim_end_matches('=');
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut n = 0usize;
    for c in body.bytes() {
        let Some(v) = base64_val(c) else {
            return false;
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let Some(slot) = out.get_mut(n) else {
                return false;
            };
            *slot = (acc >> bits) as u8;
            n += 1;
        }
    }
    n == out.len()
}
