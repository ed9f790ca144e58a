//! Interned strings and a shared text pool.
//!
//! Service names, operation names and attribute keys repeat across thousands of
//! spans: each is stored once and referred to by a [`StrId`]. Attribute values
//! and other free text go into one growing [`TextPool`] buffer and are referred
//! to by a [`TextRef`], so building a trace allocates per file, not per span.

use super::hash::FxHashMap;

/// Index of an interned string in an [`Interner`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StrId(pub u32);

/// Deduplicating string table.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    index: FxHashMap<Box<str>, StrId>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// The id of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = StrId(self.strings.len() as u32);
        self.strings.push(s.into());
        self.index.insert(s.into(), id);
        id
    }

    /// The id of `s` if it was interned before.
    pub fn lookup(&self, s: &str) -> Option<StrId> {
        self.index.get(s).copied()
    }

    /// The text of `id` (empty for an id from another interner).
    pub fn get(&self, id: StrId) -> &str {
        self.strings.get(id.0 as usize).map_or("", |s| s)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// True when nothing has been interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Every string, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.strings.iter().map(|s| &**s)
    }

    /// Bytes held by the strings and their index (for memory figures).
    pub fn heap_bytes(&self) -> usize {
        let text: usize = self.strings.iter().map(|s| s.len()).sum();
        // Each string is held twice (list and index), plus the boxes and table slots.
        2 * text + self.strings.capacity() * 16 + self.index.capacity() * 24
    }
}

/// A slice of a [`TextPool`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct TextRef {
    /// Byte offset into the pool.
    pub start: u32,
    /// Length in bytes.
    pub len: u32,
}

/// One buffer holding many strings back to back.
#[derive(Debug, Default, Clone)]
pub struct TextPool {
    buf: String,
}

impl TextPool {
    /// Appends `s` and returns where it is.
    pub fn push(&mut self, s: &str) -> TextRef {
        let start = self.buf.len() as u32;
        self.buf.push_str(s);
        TextRef {
            start,
            len: s.len() as u32,
        }
    }

    /// The text at `r` (empty if `r` is out of range).
    pub fn get(&self, r: TextRef) -> &str {
        let start = r.start as usize;
        self.buf.get(start..start + r.len as usize).unwrap_or("")
    }

    /// Bytes held.
    pub fn len_bytes(&self) -> usize {
        self.buf.len()
    }

    /// The whole buffer.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// A pool holding `buf` (what [`TextPool::as_str`] gave).
    pub fn from_string(buf: String) -> TextPool {
        TextPool { buf }
    }
}
