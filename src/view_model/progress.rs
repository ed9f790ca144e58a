//! The words under a file still loading.

use crate::model::wire::{Progress, Stage};

/// A load the page shows progress for.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadStatus {
    /// Job number.
    pub job: u32,
    /// File name.
    pub name: String,
    /// Last progress reported.
    pub progress: Progress,
    /// True once it has run longer than the delay before progress shows.
    pub shown: bool,
}

/// "reading 120 of 768 MB", "building the tree of 1,000,000 spans".
pub fn describe(p: &Progress) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    match p.stage {
        Stage::Reading => format!(
            "reading {:.0} of {:.0} MB",
            mb(p.bytes_read),
            mb(p.total_bytes)
        ),
        Stage::Parsing => format!("parsing {:.0} MB of JSON…", mb(p.total_bytes)),
        Stage::Building => format!("building the tree of {} spans…", grouped(p.done)),
        Stage::Sending => format!("opening {} spans…", grouped(p.done)),
    }
}

/// 1234567 → "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
