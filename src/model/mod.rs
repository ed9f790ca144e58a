//! The trace model: pure Rust, no web crates. Readers, the span arena, and
//! the figures the viewer shows.

pub mod aggregate;
pub mod analysis;
mod build;
pub mod compare;
pub mod compression;
pub mod error;
pub mod export;
pub mod formats;
pub mod graph;
pub mod hash;
pub mod ids;
pub mod links;
pub mod logs;
pub mod many;
pub mod merge;
pub mod progress;
pub mod search;
pub mod skew;
pub mod span;
pub mod stats;
pub mod strings;
pub mod text;
pub mod trace;
pub mod trace_context;
pub mod warnings;
pub mod wire;

pub use error::LoadError;
pub use formats::{load, load_reporting, Format, Loaded};
pub use ids::{SpanId, TraceId};
pub use span::{Attr, AttrValue, Pools, RawSpan, SpanKind, StatusCode};
pub use trace::{Span, SpanIx, Trace, TraceIx};
pub use warnings::{Warning, WarningKind, Warnings};
