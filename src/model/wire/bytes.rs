//! The bytes under the protocol: a writer and a reader of little-endian
//! integers, strings and pool references. The reader never panics on a bad
//! message: every take is checked, and every count is bounded by what is left.

use crate::model::span::Range32;
use crate::model::strings::TextRef;

/// First bytes of every message, so that a stray message is not misread.
const MAGIC: &[u8; 4] = b"TVW1";

/// A message that is not one the other side sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError(pub &'static str);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed worker message: {}", self.0)
    }
}

/// Appends little-endian fields to a message that starts with [`MAGIC`].
pub(super) struct Writer {
    /// The message so far.
    pub(super) buf: Vec<u8>,
}

impl Writer {
    pub(super) fn with_capacity(n: usize) -> Writer {
        let mut buf = Vec::with_capacity(n);
        buf.extend_from_slice(MAGIC);
        Writer { buf }
    }

    pub(super) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(super) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    pub(super) fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.bytes(s.as_bytes());
    }

    pub(super) fn text(&mut self, t: TextRef) {
        self.u32(t.start);
        self.u32(t.len);
    }

    pub(super) fn opt_text(&mut self, t: Option<TextRef>) {
        match t {
            Some(t) => {
                self.u8(1);
                self.text(t);
            }
            None => self.u8(0),
        }
    }

    pub(super) fn range(&mut self, r: Range32) {
        self.u32(r.start);
        self.u32(r.end);
    }
}

/// Reads the fields a [`Writer`] wrote, every count bounded by the bytes left.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Result<Reader<'a>, WireError> {
        match bytes.strip_prefix(MAGIC) {
            Some(_) => Ok(Reader { bytes, pos: 4 }),
            None => Err(WireError("not a worker message")),
        }
    }

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(n).ok_or(WireError("too long"))?;
        let out = self
            .bytes
            .get(self.pos..end)
            .ok_or(WireError("cut short"))?;
        self.pos = end;
        Ok(out)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(super) fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32, WireError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(super) fn u64(&mut self) -> Result<u64, WireError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A count of items that take at least `min_size` bytes each: checked
    /// against what is left, so a bad count cannot ask for a huge allocation.
    pub(super) fn len(&mut self, min_size: usize) -> Result<usize, WireError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.bytes.len() - self.pos {
            return Err(WireError("count larger than the message"));
        }
        Ok(n)
    }

    pub(super) fn str(&mut self) -> Result<&'a str, WireError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| WireError("text is not UTF-8"))
    }

    pub(super) fn string(&mut self) -> Result<String, WireError> {
        Ok(self.str()?.to_string())
    }

    pub(super) fn text(&mut self) -> Result<TextRef, WireError> {
        Ok(TextRef {
            start: self.u32()?,
            len: self.u32()?,
        })
    }

    pub(super) fn opt_text(&mut self) -> Result<Option<TextRef>, WireError> {
        match self.u8()? {
            0 => Ok(None),
            _ => Ok(Some(self.text()?)),
        }
    }

    pub(super) fn range(&mut self) -> Result<Range32, WireError> {
        Ok(Range32 {
            start: self.u32()?,
            end: self.u32()?,
        })
    }

    /// True when every byte has been read.
    pub(super) fn is_at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}
