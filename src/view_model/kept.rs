//! What the page does with the files kept from an earlier visit (see
//! `ui::load::keep`), decided from plain facts: whether to reopen them at
//! once or ask first, and which stored files nothing refers to any more.
//!
//! ```text
//!   last visit ended…            next visit
//!   normally                  →  reopens the kept files
//!   in a crash (the banner)   →  lists them (names, sizes), asks: reopen / skip
//!   while a load ran          →  the same (the tab may have run out of memory)
//!   skip                      →  asks again next time, until reopened or forgotten
//! ```

/// A stored file whose name says it was written less than this long ago may
/// still be being copied (by another tab of this page): not an orphan yet.
pub const FRESH_MS: u64 = 60 * 60 * 1000;

/// How the last visit ended, as the storage remembers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LastVisit {
    /// The crash banner was shown (a panic, or the wasm stopping), or an
    /// earlier visit asked and the user has not answered "reopen" since.
    pub asked_to_ask: bool,
    /// A load was running when the tab ended (it died mid-load).
    pub load_running: bool,
}

/// Whether to ask before reopening `kept` kept files (else reopen at once).
pub fn ask_first(last: LastVisit, kept: usize) -> bool {
    kept > 0 && (last.asked_to_ask || last.load_running)
}

/// When the stored name `stored` (`<ms since 1970, hex>-<n>`) was made, if it
/// is one of ours.
fn written_at_ms(stored: &str) -> Option<u64> {
    let (hex, n) = stored.split_once('-')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// The stored files in the folder (`in_folder`) that the list of kept files
/// (`listed`) does not name, except those written in the last [`FRESH_MS`]
/// (they may still be being copied); sorted.
pub fn orphans(listed: &[&str], in_folder: &[String], now_ms: u64) -> Vec<String> {
    let mut out: Vec<String> = in_folder
        .iter()
        .filter(|name| !listed.contains(&name.as_str()))
        .filter(|name| written_at_ms(name).is_none_or(|at| now_ms.saturating_sub(at) >= FRESH_MS))
        .cloned()
        .collect();
    out.sort();
    out
}

/// The prompt's lines: each kept file's name and size.
pub fn listed(files: &[(String, u64)]) -> Vec<String> {
    files
        .iter()
        .map(|(name, size)| format!("{name} ({})", crate::model::text::mb(*size)))
        .collect()
}
