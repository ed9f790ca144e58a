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
        Stage::Parsing if p.done > 1 => format!(
            "parsing {:.0} MB of JSON, {} workers at once…",
            mb(p.total_bytes),
            p.done
        ),
        Stage::Parsing => format!("parsing {:.0} MB of JSON…", mb(p.total_bytes)),
        Stage::Building => format!("building the tree of {} spans…", grouped(p.done)),
        Stage::Sending => format!("opening {} spans…", grouped(p.done)),
        Stage::Decompressing => format!(
            "decompressing {:.0} MB: {:.0} MB so far…",
            mb(p.total_bytes),
            mb(p.bytes_read)
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(stage: Stage, done: u64, bytes_read: u64) -> Progress {
        Progress {
            stage,
            done,
            total_bytes: 768_000_000,
            bytes_read,
        }
    }

    #[test]
    fn each_stage_says_how_far_it_got() {
        for (progress, said) in [
            (at(Stage::Reading, 0, 120_000_000), "reading 120 of 768 MB"),
            (
                at(Stage::Parsing, 0, 768_000_000),
                "parsing 768 MB of JSON…",
            ),
            (
                at(Stage::Parsing, 3, 768_000_000),
                "parsing 768 MB of JSON, 3 workers at once…",
            ),
            (
                at(Stage::Building, 1_000_000, 768_000_000),
                "building the tree of 1,000,000 spans…",
            ),
            (at(Stage::Sending, 999, 768_000_000), "opening 999 spans…"),
            // A 768 MB gzip file, 2 GB out so far: no end to show.
            (
                at(Stage::Decompressing, 0, 2_000_000_000),
                "decompressing 768 MB: 2000 MB so far…",
            ),
        ] {
            assert_eq!(describe(&progress), said);
        }
    }

    #[test]
    fn large_numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(12_345_678), "12,345,678");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }
}
