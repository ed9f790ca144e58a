//! The memory budget's ledger on the page (see [`crate::view_model::budget`]):
//! every file, however it comes in, holds its share from admission until
//! its load ends, fails or is cancelled.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::app_state::Loader;
use crate::view_model::budget::{self, Ledger, Ticket};

thread_local! {
    static LEDGER: RefCell<Ledger> = RefCell::new(Ledger::default());
}

/// A file's share of the memory budget, held from admission until the load
/// ends (dropping it gives the share back: on success, failure or cancel).
pub struct Reservation {
    ticket: Ticket,
    name: String,
}

impl Reservation {
    /// The file turned out to be `size_bytes` (a download that has brought
    /// that much so far, a file decompressing): the share grows to match, or
    /// the answer says, with figures and the file's name, why it cannot (then
    /// stop the download and show the message).
    pub fn grow_to(&self, loader: Loader, size_bytes: u64) -> Result<(), String> {
        let open = open_bytes(loader);
        LEDGER.with(|l| {
            l.borrow_mut()
                .grow(self.ticket, &self.name, open, size_bytes)
        })
    }

    /// The most bytes this file may decompress to (see
    /// [`Ledger::inflate_limit_bytes`]).
    pub fn inflate_limit_bytes(&self, loader: Loader) -> u64 {
        let open = open_bytes(loader);
        LEDGER.with(|l| l.borrow().inflate_limit_bytes(self.ticket, open))
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let idle = LEDGER.with(|l| {
            let mut ledger = l.borrow_mut();
            ledger.release(self.ticket);
            ledger.in_flight() == 0
        });
        if idle {
            crate::ui::load::reopen::mark_loading(false);
        }
    }
}

/// Model bytes the page holds: open traces and loaded log files.
fn open_bytes(loader: Loader) -> u64 {
    loader.traces.with_untracked(|ts| {
        loader.logs.with_untracked(|ls| {
            budget::open_bytes(ts.iter().map(Arc::as_ref), ls.iter().map(Arc::as_ref))
        })
    })
}

/// For each file (name, size in bytes), in order: a share of the memory
/// budget held for it while it loads, or why it does not fit (a message
/// naming it, with figures, for the page to show). Every way in goes
/// through here: files dropped, picked and pasted (via [`crate::ui::load::loader::load_sources`]);
/// posted files before they are read, and link and backend downloads from
/// `Content-Length` before they start ([`Reservation::grow_to`] while the
/// bytes come). Drop the reservation just before handing the bytes to
/// [`crate::ui::load::loader::load_sources`], which admits them again as a file of known size.
pub fn admit_bytes(loader: Loader, files: &[(&str, u64)]) -> Vec<Result<Reservation, String>> {
    let open = open_bytes(loader);
    let verdicts = LEDGER.with(|l| l.borrow_mut().admit(open, files));
    if verdicts.iter().any(Result::is_ok) {
        // A crash from here until every load ends makes the next visit ask
        // before reopening the kept files.
        crate::ui::load::reopen::mark_loading(true);
    }
    verdicts
        .into_iter()
        .zip(files)
        .map(|(verdict, (name, _))| {
            verdict.map(|ticket| Reservation {
                ticket,
                name: name.to_string(),
            })
        })
        .collect()
}

/// Sets the memory budget (model bytes), for tests (the `?debug` hook).
pub fn set_budget_bytes(budget_bytes: u64) {
    LEDGER.with(|l| l.borrow_mut().set_budget_bytes(budget_bytes));
}
