//! The spellings of OTLP's container keys, one table: the protobuf JSON
//! mapping's (`resourceSpans`), the field names some exporters write
//! (`resource_spans`), and the older names (`batches`,
//! `instrumentationLibrarySpans`). The readers' serde attributes must list
//! the same spellings (serde takes only literals); `tests/quirks.rs` reads a
//! document with each spelling of this table, so the two cannot drift. The
//! scans that find a file's parts and tell its dialect use the table itself.

/// A document's list of resource groups.
pub const RESOURCE_SPANS: [&str; 3] = ["resourceSpans", "resource_spans", "batches"];

/// A resource group's list of scope groups.
pub const SCOPE_SPANS: [&str; 4] = [
    "scopeSpans",
    "scope_spans",
    "instrumentationLibrarySpans",
    "instrumentation_library_spans",
];

/// The other signals a Collector file may hold beside spans.
pub const OTHER_SIGNALS: [&str; 4] = [
    "resourceLogs",
    "resource_logs",
    "resourceMetrics",
    "resource_metrics",
];
