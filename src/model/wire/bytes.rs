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

    /// A value that may be missing: 1 and what `write` writes, or 0.
    pub(super) fn opt<T>(&mut self, v: Option<T>, write: impl FnOnce(&mut Writer, T)) {
        match v {
            Some(v) => {
                self.u8(1);
                write(self, v);
            }
            None => self.u8(0),
        }
    }

    pub(super) fn opt_text(&mut self, t: Option<TextRef>) {
        self.opt(t, Writer::text);
    }

    pub(super) fn range(&mut self, r: Range32) {
        self.u32(r.start);
        self.u32(r.end);
    }
}

/// A message held somewhere a [`Reader`] cannot borrow from whole (on the
/// page: the buffer a worker transferred, outside wasm memory), read a
/// window at a time, so that it is never copied whole.
pub trait Source {
    /// The message's length in bytes.
    fn size(&self) -> usize;
    /// Copies the `out.len()` bytes at `at` into `out` (the reader asks
    /// only for bytes within [`Source::size`]).
    fn copy_to(&self, at: usize, out: &mut [u8]);
    /// Bytes copied at a time (a larger field: as large as it).
    fn window(&self) -> usize {
        1 << 20
    }
}

/// What a [`Reader`] reads from.
enum Held<'a> {
    /// The whole message, borrowed.
    Whole(&'a [u8]),
    /// A window of a message held elsewhere: `window` holds its bytes from
    /// `start` on.
    Windowed {
        source: &'a dyn Source,
        window: Vec<u8>,
        start: usize,
    },
}

/// Reads the fields a [`Writer`] wrote, every count bounded by the bytes left.
pub(super) struct Reader<'a> {
    held: Held<'a>,
    len: usize,
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Result<Reader<'a>, WireError> {
        match bytes.strip_prefix(MAGIC) {
            Some(_) => Ok(Reader {
                held: Held::Whole(bytes),
                len: bytes.len(),
                pos: 4,
            }),
            None => Err(WireError("not a worker message")),
        }
    }

    /// A reader of a message held in `source`, read a window at a time.
    pub(super) fn windowed(source: &'a dyn Source) -> Result<Reader<'a>, WireError> {
        let mut r = Reader {
            held: Held::Windowed {
                source,
                window: Vec::new(),
                start: 0,
            },
            len: source.size(),
            pos: 0,
        };
        match r.take(MAGIC.len()) {
            Ok(m) if m == MAGIC => Ok(r),
            _ => Err(WireError("not a worker message")),
        }
    }

    /// Moves past the next `n` bytes, if the message has them: where they
    /// start.
    #[inline]
    fn advance(&mut self, n: usize) -> Result<usize, WireError> {
        let at = self.pos;
        let end = at.checked_add(n).ok_or(WireError("too long"))?;
        if end > self.len {
            return Err(WireError("cut short"));
        }
        self.pos = end;
        Ok(at)
    }

    /// The next `n` bytes. Inlined into every field's read: the window is
    /// refilled out of line, once per window.
    #[inline]
    pub(super) fn take(&mut self, n: usize) -> Result<&[u8], WireError> {
        let at = self.advance(n)?;
        let end = at + n;
        let len = self.len;
        match &mut self.held {
            Held::Whole(bytes) => bytes.get(at..end).ok_or(WireError("cut short")),
            Held::Windowed {
                source,
                window,
                start,
            } => {
                if at < *start || end > *start + window.len() {
                    refill(*source, window, start, at, n, len);
                }
                window
                    .get(at - *start..end - *start)
                    .ok_or(WireError("cut short"))
            }
        }
    }

    #[inline]
    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    #[inline]
    pub(super) fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }

    #[inline]
    pub(super) fn u32(&mut self) -> Result<u32, WireError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    #[inline]
    pub(super) fn u64(&mut self) -> Result<u64, WireError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A count of items that take at least `min_size` bytes each: checked
    /// against what is left, so a bad count cannot ask for a huge allocation.
    pub(super) fn len(&mut self, min_size: usize) -> Result<usize, WireError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.len - self.pos {
            return Err(WireError("count larger than the message"));
        }
        Ok(n)
    }

    pub(super) fn str(&mut self) -> Result<&str, WireError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| WireError("text is not UTF-8"))
    }

    /// An owned string; one larger than a window is copied from a
    /// [`Source`] straight into it, not through the window.
    pub(super) fn string(&mut self) -> Result<String, WireError> {
        let n = self.u32()? as usize;
        let direct = matches!(&self.held, Held::Windowed { source, .. } if n > source.window());
        let bytes = if direct {
            let at = self.advance(n)?;
            let mut out = vec![0; n];
            if let Held::Windowed {
                source,
                window,
                start,
            } = &self.held
            {
                // What the window holds of it, then the rest from the source.
                let held = match at.checked_sub(*start) {
                    Some(from) => window.get(from..).unwrap_or_default(),
                    None => &[],
                };
                let held = &held[..held.len().min(n)];
                out[..held.len()].copy_from_slice(held);
                if let Some(rest) = out.get_mut(held.len()..) {
                    source.copy_to(at + held.len(), rest);
                }
            }
            out
        } else {
            self.take(n)?.to_vec()
        };
        String::from_utf8(bytes).map_err(|_| WireError("text is not UTF-8"))
    }

    pub(super) fn text(&mut self) -> Result<TextRef, WireError> {
        Ok(TextRef {
            start: self.u32()?,
            len: self.u32()?,
        })
    }

    /// What [`Writer::opt`] wrote: after a marker other than 0, what
    /// `read` reads.
    pub(super) fn opt<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, WireError>,
    ) -> Result<Option<T>, WireError> {
        match self.u8()? {
            0 => Ok(None),
            _ => read(self).map(Some),
        }
    }

    pub(super) fn opt_text(&mut self) -> Result<Option<TextRef>, WireError> {
        self.opt(Reader::text)
    }

    pub(super) fn range(&mut self) -> Result<Range32, WireError> {
        Ok(Range32 {
            start: self.u32()?,
            end: self.u32()?,
        })
    }

    /// True when every byte has been read.
    pub(super) fn is_at_end(&self) -> bool {
        self.pos == self.len
    }
}

/// Makes `window` hold the `n` bytes at `at` of a message of `len` bytes
/// held in `source` (and what follows, up to a window): what the window
/// holds from `at` on moves to its front, and only the bytes after it are
/// copied, so each byte is copied once.
#[cold]
#[inline(never)]
fn refill(
    source: &dyn Source,
    window: &mut Vec<u8>,
    start: &mut usize,
    at: usize,
    n: usize,
    len: usize,
) {
    let kept = if at >= *start {
        let from = (at - *start).min(window.len());
        window.copy_within(from.., 0);
        window.len() - from
    } else {
        0
    };
    let size = source.window().max(n).min(len - at);
    window.truncate(kept);
    window.resize(size, 0);
    if let Some(rest) = window.get_mut(kept..) {
        source.copy_to(at + kept, rest);
    }
    *start = at;
}
