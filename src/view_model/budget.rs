//! The memory budget across everything the page holds: it keeps every open
//! trace's model and every loaded log file in one WebAssembly memory (4 GiB
//! at most), and a file being read will add its model there too. So each
//! file, however it comes in (dropped, picked, pasted, posted, linked,
//! fetched from a backend, a log file), holds its share of the budget from
//! the moment it is admitted until its load ends, fails or is cancelled:
//!
//! ```text
//!   budget |------------------------------------------------|
//!   open   |=== traces + log files ===|
//!   loads              in flight      |-- a.json --|-- b.gz --|
//!   next file                                       needs |------| refused
//! ```
//!
//! A file that would not fit is refused before it is read, with a message
//! that gives the figures, instead of a crash halfway. A compressed file's
//! size says little about its model: it is decompressed against what is left
//! of the budget for it ([`Ledger::inflate_limit_bytes`]) and stopped there.

use crate::model::text::mb;

/// Model bytes the page holds at most (the rest of the 4 GiB is for the
/// page's own work: views, find, the hand-over from the worker).
pub const BUDGET_BYTES: u64 = 2_500_000_000;

/// Model bytes per byte of file, an upper estimate: measured from 0.57×
/// (JSON Lines) to 0.79× (long strings) on every generated shape.
pub const MODEL_PER_FILE_BYTE: f64 = 0.85;

/// The model bytes a file of `size_bytes` (uncompressed) needs, at most.
pub fn model_bytes_for(size_bytes: u64) -> u64 {
    (size_bytes as f64 * MODEL_PER_FILE_BYTE) as u64
}

/// A load's place in the [`Ledger`], from admission until it is released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(pub u64);

#[derive(Clone, Debug)]
struct InFlight {
    ticket: Ticket,
    model_bytes: u64,
}

/// The loads in flight and the share of the budget each holds; what is open
/// already (traces, log files) is passed in as `open_bytes`, measured on the
/// models themselves.
#[derive(Clone, Debug)]
pub struct Ledger {
    budget_bytes: u64,
    next: u64,
    in_flight: Vec<InFlight>,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::new(BUDGET_BYTES)
    }
}

impl Ledger {
    /// An empty ledger for a budget of `budget_bytes` model bytes.
    pub fn new(budget_bytes: u64) -> Ledger {
        Ledger {
            budget_bytes,
            next: 0,
            in_flight: Vec::new(),
        }
    }

    /// The budget, in model bytes.
    pub fn budget_bytes(&self) -> u64 {
        self.budget_bytes
    }

    /// Sets the budget (the page's debug hook lowers it for tests).
    pub fn set_budget_bytes(&mut self, budget_bytes: u64) {
        self.budget_bytes = budget_bytes;
    }

    /// Model bytes held by loads in flight.
    pub fn in_flight_bytes(&self) -> u64 {
        self.in_flight.iter().map(|f| f.model_bytes).sum()
    }

    /// Loads in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// For each file (name, size in bytes) in order, a ticket holding its
    /// share of the budget when it fits beside `open_bytes`, the loads in
    /// flight and the files admitted before it; else why not, in figures.
    pub fn admit(&mut self, open_bytes: u64, files: &[(&str, u64)]) -> Vec<Result<Ticket, String>> {
        files
            .iter()
            .map(|&(name, size_bytes)| {
                let need = model_bytes_for(size_bytes);
                let flight = self.in_flight_bytes();
                if open_bytes.saturating_add(flight).saturating_add(need) <= self.budget_bytes {
                    self.next += 1;
                    let ticket = Ticket(self.next);
                    self.in_flight.push(InFlight {
                        ticket,
                        model_bytes: need,
                    });
                    Ok(ticket)
                } else {
                    Err(self.refusal(name, size_bytes, open_bytes, flight))
                }
            })
            .collect()
    }

    /// Gives `ticket`'s share back (its load ended, failed or was cancelled).
    /// Releasing twice does nothing.
    pub fn release(&mut self, ticket: Ticket) {
        self.in_flight.retain(|f| f.ticket != ticket);
    }

    /// The file of `ticket` turned out to be `size_bytes` (a download that
    /// has brought that much, a file decompressing): its share grows to match
    /// when that fits, else it stays as it was and the answer says why not.
    /// A share never shrinks here.
    pub fn grow(
        &mut self,
        ticket: Ticket,
        name: &str,
        open_bytes: u64,
        size_bytes: u64,
    ) -> Result<(), String> {
        let need = model_bytes_for(size_bytes);
        let others = self.others_bytes(ticket);
        let Some(mine) = self.in_flight.iter_mut().find(|f| f.ticket == ticket) else {
            return Ok(());
        };
        if need <= mine.model_bytes {
            return Ok(());
        }
        if open_bytes.saturating_add(others).saturating_add(need) <= self.budget_bytes {
            mine.model_bytes = need;
            Ok(())
        } else {
            Err(self.refusal(name, size_bytes, open_bytes, others))
        }
    }

    /// The most bytes the file of `ticket` may decompress to: what the budget
    /// leaves beside `open_bytes` and the other loads in flight, as file bytes.
    pub fn inflate_limit_bytes(&self, ticket: Ticket, open_bytes: u64) -> u64 {
        let left = self
            .budget_bytes
            .saturating_sub(open_bytes)
            .saturating_sub(self.others_bytes(ticket));
        (left as f64 / MODEL_PER_FILE_BYTE) as u64
    }

    fn others_bytes(&self, ticket: Ticket) -> u64 {
        self.in_flight
            .iter()
            .filter(|f| f.ticket != ticket)
            .map(|f| f.model_bytes)
            .sum()
    }

    fn refusal(&self, name: &str, size_bytes: u64, open_bytes: u64, flight: u64) -> String {
        let held = if flight > 0 {
            format!(
                "the traces and log files open already hold {} and the files still loading {}",
                mb(open_bytes),
                mb(flight)
            )
        } else {
            format!(
                "the traces and log files open already hold {}",
                mb(open_bytes)
            )
        };
        format!(
            "not opened: {name} ({}) needs about {} of memory, and {held} of the {} this tab can keep. \
             Reload the page with fewer files (untick \"Keep files\" or use \"Forget\" first), then open it.",
            mb(size_bytes),
            mb(model_bytes_for(size_bytes)),
            mb(self.budget_bytes)
        )
    }
}

/// Model bytes the page holds already: the open traces (their shared pools
/// counted once) and the loaded log files.
pub fn open_bytes<'a>(
    traces: impl IntoIterator<Item = &'a crate::model::Trace>,
    logs: impl IntoIterator<Item = &'a crate::model::logs::LogFile>,
) -> u64 {
    let traces = crate::model::trace::model_bytes(traces) as u64;
    let logs: usize = logs.into_iter().map(|l| l.heap_bytes()).sum();
    traces.saturating_add(logs as u64)
}
