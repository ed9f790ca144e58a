//! The readers' module: every reader and the model builder, apart from the
//! page's module, which links no reader. The loading workers run it (its
//! `main` answers their messages), and the page runs one instance of it on
//! its own thread for small files (through the functions exported here), so
//! a file of a few spans opens without a worker's round trip.

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    trace_viewer::worker::panic::install();
    // On the page's thread there is nothing to serve: the page calls the
    // exported functions below.
    if web_sys::window().is_none() {
        trace_viewer::worker::serve();
    }
}

/// Reads a whole file: the answer a worker would send, encoded
/// (`model::wire::Reply::Loaded`, or `Failed` with the reason).
#[wasm_bindgen]
pub fn read_file(bytes: &[u8]) -> Vec<u8> {
    trace_viewer::worker::on_page::read_here(bytes)
}

/// One round of getting the readers up to speed (see `worker::warmup`):
/// the page calls it a few times, each in its own task.
#[wasm_bindgen]
pub fn warm_up_once() {
    trace_viewer::worker::warmup::warm_up_once();
}

/// The answer for a synthetic trace, for the page to warm up with.
#[wasm_bindgen]
pub fn sample_reply() -> Vec<u8> {
    trace_viewer::worker::warmup::sample_reply()
}

/// Panics, for the page's debug hook (`workers("panic-on-page")`): a panic
/// in the readers on the page's thread fails that file, not the page.
#[wasm_bindgen]
pub fn panic_for_test() {
    panic!("a panic forced by the page's debug hook (?debug), in the readers on the page's thread");
}
