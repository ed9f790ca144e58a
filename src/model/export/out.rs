//! The text an exporter writes, cut into parts of bounded size as it is
//! written, so that no single buffer grows with the trace.
//!
//! ```text
//! pushed   |--span--|--span--|---a long string---|--span--|
//! parts    |------ part ------|------ part ------|- rest -|
//!                             ^ cut anywhere, at a character boundary
//! ```
//! A part is cut when the next piece would not fit, inside a piece if need
//! be (one long attribute is spread over several parts): concatenated, the
//! parts are the text, and each is valid UTF-8 of at most `part_bytes`.

use std::collections::VecDeque;

/// Where exporters write: full parts queued, the current one filling.
#[derive(Debug)]
pub struct Out {
    part_bytes: usize,
    filling: String,
    full: VecDeque<String>,
}

impl Out {
    /// Parts of at most `part_bytes` bytes (at least 4, one character).
    pub fn new(part_bytes: usize) -> Out {
        Out {
            part_bytes: part_bytes.max(4),
            filling: String::new(),
            full: VecDeque::new(),
        }
    }

    /// Appends `s`, cutting a part off whenever the current one is full.
    pub fn push_str(&mut self, s: &str) {
        let mut rest = s;
        while !rest.is_empty() {
            let room = self.part_bytes - self.filling.len();
            if rest.len() <= room {
                self.make_room(rest.len());
                self.filling.push_str(rest);
                return;
            }
            let cut = floor_char_boundary(rest, room);
            if cut > 0 {
                self.make_room(cut);
                self.filling.push_str(&rest[..cut]);
                rest = &rest[cut..];
            }
            // Full, or the next character does not fit: the part is done.
            // (An empty part always has room for a character.)
            self.cut();
        }
    }

    /// Appends one character.
    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// The oldest full part, if one is ready.
    pub fn take_full(&mut self) -> Option<String> {
        self.full.pop_front()
    }

    /// Every part left, the one filling last (none when it is empty).
    pub fn take_rest(&mut self) -> Option<String> {
        self.cut();
        self.full.pop_front()
    }

    /// Room for `extra` more bytes (that fit the part): doubling as a
    /// `String` does, but never past `part_bytes`, so that no part asks
    /// for more memory than its size.
    fn make_room(&mut self, extra: usize) {
        let need = self.filling.len() + extra;
        if need > self.filling.capacity() {
            let want = need
                .max(self.filling.capacity().saturating_mul(2))
                .max(256)
                .min(self.part_bytes);
            self.filling.reserve_exact(want - self.filling.len());
        }
    }

    fn cut(&mut self) {
        if !self.filling.is_empty() {
            self.full.push_back(std::mem::take(&mut self.filling));
        }
    }
}

impl std::fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// The largest `i <= at` that is a character boundary of `s`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(part_bytes: usize, pieces: &[&str]) -> Vec<String> {
        let mut out = Out::new(part_bytes);
        for p in pieces {
            out.push_str(p);
        }
        let mut parts = Vec::new();
        while let Some(p) = out.take_full() {
            parts.push(p);
        }
        parts.extend(out.take_rest());
        while let Some(p) = out.take_full() {
            parts.push(p);
        }
        parts
    }

    #[test]
    fn parts_are_bounded_cut_at_characters_and_make_the_text() {
        let pieces = ["{\"a\":", "\"é😀 long text of many bytes\"", "}", "", "ß"];
        let text: String = pieces.concat();
        for size in [4, 5, 7, 16, 1000] {
            let got = parts(size, &pieces);
            assert_eq!(got.concat(), text, "size {size}");
            assert!(
                got.iter().all(|p| !p.is_empty() && p.len() <= size),
                "{got:?}"
            );
        }
        assert_eq!(parts(1000, &pieces), vec![text]);
        assert!(parts(8, &[]).is_empty());
    }

    #[test]
    fn a_part_never_grows_past_its_size() {
        let mut out = Out::new(1000);
        for _ in 0..1000 {
            out.push_str("abc");
            assert!(out.filling.capacity() <= 1000);
        }
    }
}
