//! Compressed files, told by their first bytes: which ones a browser
//! decompresses itself (gzip and zlib-wrapped deflate, through
//! `DecompressionStream`), and what to run for the others.

/// A compression a browser decompresses natively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip (`.gz`): `1f 8b`.
    Gzip,
    /// zlib-wrapped deflate (`.zz`, HTTP `deflate`): a two-byte header whose
    /// method is 8 and whose value is a multiple of 31.
    Deflate,
}

impl Compression {
    /// The format name `DecompressionStream` takes.
    pub fn stream_format(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Deflate => "deflate",
        }
    }
}

/// The compression `bytes` (a file's start) announce, when a browser can
/// undo it; `None` for anything else (text, or a compression it cannot).
pub fn inflatable(bytes: &[u8]) -> Option<Compression> {
    match bytes {
        [0x1f, 0x8b, ..] => Some(Compression::Gzip),
        // CMF: method 8 (deflate), window ≤ 32 KB; CMF·256 + FLG ≡ 0 (mod 31).
        [cmf, flg, ..]
            if cmf & 0x0f == 8
                && cmf >> 4 <= 7
                && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0 =>
        {
            Some(Compression::Deflate)
        }
        _ => None,
    }
}

/// Compressions told by magic bytes: the name in messages, and the command
/// that undoes each.
pub const KNOWN: [(&[u8], &str, &str); 5] = [
    (b"\x1f\x8b", "gzip", "gunzip FILE"),
    (b"\x28\xb5\x2f\xfd", "zstd", "zstd -d FILE"),
    (b"PK\x03\x04", "zip", "unzip FILE"),
    (b"BZh", "bzip2", "bunzip2 FILE"),
    (b"\xfd7zXZ\x00", "xz", "unxz FILE"),
];

/// Why the decompression of `name` (a `format` file: gzip, deflate) was
/// stopped after `limit_bytes` came out.
pub fn inflated_past(name: &str, format: &str, limit_bytes: u64) -> String {
    format!(
        "not opened: {name} is {format}-compressed and decompresses past what this tab can hold: \
         stopped after {} of decompressed data, all the room the memory budget has left for it \
         beside the traces open and the files loading. Close other files (reload with fewer), \
         or split it, then open it.",
        crate::model::text::mb(limit_bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_and_zlib_headers_are_told_and_json_is_not() {
        assert_eq!(inflatable(b"\x1f\x8b\x08\x00"), Some(Compression::Gzip));
        // The zlib headers every deflate level writes.
        for flg in [0x01, 0x5e, 0x9c, 0xda] {
            assert_eq!(
                inflatable(&[0x78, flg]),
                Some(Compression::Deflate),
                "78 {flg:02x}"
            );
        }
        assert_eq!(inflatable(&[0x78, 0x9d]), None, "not a multiple of 31");
        for text in [&b"{\"data\":[]}"[..], b"[", b"\xEF\xBB\xBF{", b"", b"x"] {
            assert_eq!(inflatable(text), None);
        }
        // zstd: no browser decompresses it.
        assert_eq!(inflatable(b"\x28\xb5\x2f\xfd"), None);
    }
}
