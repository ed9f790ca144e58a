//! The memory budget across loaded files: the page keeps every open trace's
//! model in one WebAssembly memory (4 GiB at most), so a file whose model
//! would not fit beside what is open is refused before it is read, with a
//! message that says how much is in use, instead of a crash halfway.

/// Model bytes the page holds at most (the rest of the 4 GiB is for the
/// page's own work: views, find, the hand-over from the worker).
pub const BUDGET_BYTES: u64 = 2_500_000_000;

/// Model bytes per byte of file, an upper estimate: measured from 0.57×
/// (JSON Lines) to 0.79× (long strings) on every generated shape.
pub const MODEL_PER_FILE_BYTE: f64 = 0.85;

/// For each file (name, size in bytes) in order, whether it fits beside
/// `in_use` model bytes and the files admitted before it, or why not.
pub fn admit(in_use: u64, files: &[(&str, u64)]) -> Vec<Result<(), String>> {
    let mut used = in_use;
    files
        .iter()
        .map(|&(name, size)| {
            let need = (size as f64 * MODEL_PER_FILE_BYTE) as u64;
            if used.saturating_add(need) <= BUDGET_BYTES {
                used = used.saturating_add(need);
                Ok(())
            } else {
                Err(format!(
                    "not opened: {name} ({}) needs about {} of memory, and the traces open already hold {} of the {} this tab can keep. Reload the page with fewer files (untick \"Keep files\" or use \"Forget\" first), then open it.",
                    mb(size),
                    mb(need),
                    mb(used),
                    mb(BUDGET_BYTES)
                ))
            }
        })
        .collect()
}

fn mb(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.1} GB", bytes as f64 / 1e9)
    } else {
        format!("{} MB", (bytes as f64 / 1e6).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_past_the_budget_are_refused_with_figures() {
        let gb = 1_000_000_000;
        let out = admit(0, &[("a.json", gb), ("b.json", gb), ("c.json", gb)]);
        assert!(out[0].is_ok() && out[1].is_ok());
        let e = out[2].clone().unwrap_err();
        assert!(e.contains("c.json (1.0 GB) needs about 850 MB"), "{e}");
        assert!(e.contains("hold 1.7 GB of the 2.5 GB"), "{e}");
        // A small file still fits where a large one did not.
        let out = admit(2 * gb, &[("big.json", gb), ("small.json", 10_000_000)]);
        assert!(out[0].is_err() && out[1].is_ok());
    }
}
