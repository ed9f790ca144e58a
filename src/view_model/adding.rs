//! Traces just read, added to those already loaded: a trace whose id is
//! loaded already is merged into it (its spans may have been split across
//! files), any other is appended; the caller learns whether the files held
//! one trace (to open it) and which files were merged (to say so).

use std::sync::Arc;

use crate::model::hash::FxHashMap;
use crate::model::merge::merge;
use crate::model::{Trace, TraceId, WarningKind, Warnings};

/// What adding traces did.
#[derive(Debug, Default)]
pub struct Added {
    /// The id of the one trace added, when every added trace had the same
    /// id (one file, or one trace's spans across several files).
    pub single: Option<TraceId>,
    /// Files whose trace was merged into a loaded one, with the warning.
    pub merged: Vec<(String, Warnings)>,
}

/// Adds `added` (file name, trace) to `loaded`, in order; a trace whose id is
/// loaded already is merged into it in place. Linear in both lengths.
pub fn add_traces(loaded: &mut Vec<Arc<Trace>>, added: Vec<(String, Arc<Trace>)>) -> Added {
    let single = match added.first() {
        Some((_, first)) if added.iter().all(|(_, t)| t.id == first.id) => Some(first.id),
        _ => None,
    };
    let mut merged = Vec::new();
    let mut at: FxHashMap<TraceId, usize> =
        loaded.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    for (file, trace) in added {
        match at.get(&trace.id).copied() {
            Some(pos) => {
                let mut warnings = Warnings::default();
                warnings.add(WarningKind::MergedAcrossFiles, || {
                    format!("trace {}", trace.id)
                });
                let both = loaded
                    .get(pos)
                    .and_then(|into| merge(&[into, &trace], &mut warnings));
                if let (Some(both), Some(slot)) = (both, loaded.get_mut(pos)) {
                    *slot = Arc::new(both);
                }
                merged.push((file, warnings));
            }
            None => {
                at.insert(trace.id, loaded.len());
                loaded.push(trace);
            }
        }
    }
    Added { single, merged }
}
