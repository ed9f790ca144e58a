//! The readers' module on the page's thread (`src/bin/reader.rs`): a whole
//! file read in one call, answered as a worker answers.

use crate::model::wire::Reply;

/// Reads a whole file in one pass on the calling thread (the page's, for a
/// small file) and encodes the answer a worker would send: the model, or
/// why the file could not be read.
pub fn read_here(bytes: &[u8]) -> Vec<u8> {
    match crate::model::load(bytes) {
        Ok(loaded) => Reply::Loaded { job: 0, loaded }.encode(),
        Err(e) => Reply::Failed {
            job: 0,
            message: e.to_string(),
        }
        .encode(),
    }
}
