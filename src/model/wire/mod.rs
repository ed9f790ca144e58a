//! The loading worker's protocol: what the page and the worker say to each
//! other, as bytes.
//!
//! Files are read and parsed in a Web Worker so that the page stays
//! responsive. The worker sends progress while it works and, at the end, the
//! finished model: every vector of the arena and its pools written field by
//! field into one buffer that is transferred (not copied) to the page, which
//! reads it back without parsing any JSON again. Pure Rust, so the whole
//! protocol is tested natively; the page only moves the bytes.
//!
//! `protocol` holds the messages, `codec` writes a loaded file into one and
//! reads it back, `part` does the same for a part of a file a helper worker
//! read (see [`crate::model::formats::parallel`]), and `bytes` is the checked byte writer and reader under both.

mod bytes;
mod codec;
mod part;
mod protocol;

pub use crate::model::progress::Stage;
pub use bytes::{Source, WireError};
pub use protocol::{Progress, Reply, Request};
