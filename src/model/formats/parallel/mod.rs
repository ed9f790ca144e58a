//! One large file read by several workers at once.
//!
//! A fast scan ([`plan`]) finds where a single Jaeger or OTLP document can
//! be cut: between the elements of its `resourceSpans` (or `batches`), of
//! its `data`, or, when `data` holds one trace, of that trace's `spans`.
//! Each run of elements is read on its own ([`read_part`], a worker's job)
//! into pools of its own; [`join`] appends the parts in file order with
//! every index re-mapped and builds the traces once. The result is the one
//! reading the whole file in one pass gives (the tests compare them byte
//! for byte): warnings add up, and a part that would need anything a
//! single pass shares across the file (an id generated for a bad one, a
//! warning counted once per file, a process embedded in a span) is
//! refused, and the caller reads the file in one pass instead.
//!
//! ```text
//!  {"resourceSpans":[ e1, e2, e3, e4, e5, e6 ]}
//!                     └─run 1─┘  └─run 2──┘ …    read_part, one per worker
//!                     pools₁      pools₂
//!                         └── join: pools₁ + re-mapped pools₂ … ──> build
//! ```

mod join;
mod scan;

use std::cell::RefCell;
use std::ops::Range;

use super::detect::{self, Dialect};
use super::jaeger::{Processes, TraceReader};
use super::loaded::{Format, Loaded};
use super::otlp_keys::{OTHER_SIGNALS, RESOURCE_SPANS, SCOPE_SPANS};
use super::sink::Sink;
use super::{jaeger_stream, otlp_logs, otlp_stream, text_of};
use crate::model::error::LoadError;
use crate::model::progress::Stage;
use crate::model::span::{Pools, RawSpan};
use crate::model::warnings::{WarningKind, Warnings};
use join::Scopes;

/// What the runs of a [`Plan`] are elements of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// OTLP `resourceSpans` (or `batches`, `resource_spans`).
    OtlpResourceSpans,
    /// Jaeger `data`: whole traces.
    JaegerTraces,
    /// The `spans` of the one trace of a Jaeger `data`.
    JaegerSpans,
}

impl PartKind {
    /// Every kind, in declaration order (the wire format numbers them by it).
    pub const ALL: [PartKind; 3] = [
        PartKind::OtlpResourceSpans,
        PartKind::JaegerTraces,
        PartKind::JaegerSpans,
    ];

    fn format(self) -> Format {
        match self {
            PartKind::OtlpResourceSpans => Format::Otlp,
            PartKind::JaegerTraces | PartKind::JaegerSpans => Format::Jaeger,
        }
    }
}

/// Where a file is cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// What the runs hold.
    pub kind: PartKind,
    /// Byte ranges of the file, in order: each a run of whole elements of
    /// one array, without its brackets (read as `[` run `]`).
    pub runs: Vec<Range<usize>>,
    /// The one trace's `processes` object (for [`PartKind::JaegerSpans`]).
    processes: Option<Range<usize>>,
    /// The array was read through to find the cuts (not found near their
    /// places: several traces, or a key seen twice).
    pub read_through: bool,
}

/// Files smaller than this are read in one pass: cutting them gains less
/// than a worker's round trip costs.
pub const MIN_BYTES: usize = 4 << 20;

/// Where `bytes` (a whole file) can be cut into at most `parts` runs, or
/// `None` when it is read in one pass: not one Jaeger or OTLP document,
/// logs among its spans, one element only, or anything unusual.
///
/// The cuts are first looked for near where they should fall, without
/// reading the file through ([`scan::cut_near`]): the array's end from the
/// file's tail, each cut at the first element start after its share. Only
/// when that finds nothing (several traces in `data`, a key seen twice…) is
/// the array scanned through ([`scan::cut_array`]). Either way a wrong cut
/// cannot pass: a run that does not hold whole elements fails to read, and
/// the file is then read in one pass.
pub fn plan(bytes: &[u8], parts: usize) -> Option<Plan> {
    if parts < 2 {
        return None;
    }
    let text = text_of(bytes).ok()?;
    if detect::detect(text.trim_start()) != Dialect::Envelopes
        || !super::envelope::reads_span_by_span(text)
        || otlp_logs::holds_logs(text)
    {
        return None;
    }
    let b = text.as_bytes();
    // The span array's key must be in the file once only: else another
    // array of spans may end where this one seems to (counted once a key).
    let once: RefCell<Vec<(&str, bool)>> = RefCell::new(Vec::new());
    let key_once = |key: &'static str| {
        let known = once
            .borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, o)| *o);
        known.unwrap_or_else(|| {
            let quoted = format!("\"{key}\"");
            let yes = memchr::memmem::find_iter(b, quoted.as_bytes())
                .take(2)
                .count()
                == 1;
            once.borrow_mut().push((key, yes));
            yes
        })
    };
    // Set when no end can do (the key is there twice): stop trying.
    let hopeless = std::cell::Cell::new(false);
    let mut plan = scan::array_end_candidates(b)
        .take_while(|_| !hopeless.get())
        .find_map(|end| {
            walk(b, &|key, at| {
                // Between traces only by scanning: their spans start alike.
                let key = match key {
                    "spans" => "spans",
                    _ => *RESOURCE_SPANS.iter().find(|k| **k == key)?,
                };
                if !key_once(key) {
                    hopeless.set(true);
                    return None;
                }
                scan::cut_near(b, at, end, parts)
            })
        })
        .or_else(|| {
            let mut plan = walk(b, &|_, at| scan::cut_array(b, at, parts, b.len() - at))?;
            plan.read_through = true;
            Some(plan)
        })
        .filter(|p| p.runs.len() >= 2)?;
    // Ranges count from the file's first byte (after a byte-order mark).
    let base = bytes.len() - text.len();
    for r in plan.runs.iter_mut().chain(&mut plan.processes) {
        *r = r.start + base..r.end + base;
    }
    Some(plan)
}

/// Keys of the shapes a document may have besides one Jaeger `data` or
/// one OTLP `resourceSpans` (and the spellings in `otlp_keys`): such a
/// document is read in one pass.
const ONE_PASS_KEYS: [&str; 6] = [
    "spans",
    "processes",
    "result",
    "trace",
    "summaries",
    "resource",
];

/// How a span array is cut: given its key and where its value starts.
type Cutter<'c> = dyn Fn(&str, usize) -> Option<scan::Cut> + 'c;

/// The document's one span array, cut by `cut`; `None` when the document
/// is not one object whose keys are those of one Jaeger or OTLP document.
fn walk(b: &[u8], cut: &Cutter) -> Option<Plan> {
    let mut found: Option<Plan> = None;
    let end = scan::members(b, 0, |key, at| {
        let span_array = key == "data" || RESOURCE_SPANS.contains(&key);
        if span_array && found.is_none() {
            let (plan, end) = if key == "data" {
                jaeger_data(b, at, cut)?
            } else {
                let c = cut(key, at)?;
                (Plan::of(PartKind::OtlpResourceSpans, c.runs), c.end)
            };
            found = Some(plan);
            return Some(end);
        }
        // A second span array, or another shape a document may have: read
        // in one pass.
        let other_shape = span_array
            || ONE_PASS_KEYS.contains(&key)
            || SCOPE_SPANS.contains(&key)
            || OTHER_SIGNALS.contains(&key);
        if other_shape {
            None
        } else {
            scan::value_end(b, at)
        }
    })?;
    // Nothing after the document (a stream of documents is read in one pass).
    b.get(end..)?
        .iter()
        .all(u8::is_ascii_whitespace)
        .then_some(found)
        .flatten()
}

/// Jaeger's `data` at `at`, cut: inside its one trace's `spans` when it
/// holds one trace (looked at in the same pass), else between traces.
fn jaeger_data(b: &[u8], at: usize, cut: &Cutter) -> Option<(Plan, usize)> {
    let open = scan::skip_space(b, at);
    if b.get(open) != Some(&b'[') {
        return None;
    }
    let first = scan::skip_space(b, open + 1);
    if b.get(first) == Some(&b'{') {
        let (mut spans, mut processes) = (None, None);
        let trace_end = scan::members(b, first, |key, at| match key {
            "spans" if spans.is_none() => {
                let c = cut(key, at)?;
                spans = Some(c.runs);
                Some(c.end)
            }
            "processes" if processes.is_none() => {
                let end = scan::value_end(b, at)?;
                processes = Some(at..end);
                Some(end)
            }
            "spans" | "processes" => None,
            _ => scan::value_end(b, at),
        })?;
        let after = scan::skip_space(b, trace_end);
        if b.get(after) == Some(&b']') {
            let plan = Plan {
                kind: PartKind::JaegerSpans,
                runs: spans?,
                processes,
                read_through: false,
            };
            return Some((plan, after + 1));
        }
    }
    // Several traces: cut between them.
    let c = cut("data", open)?;
    Some((Plan::of(PartKind::JaegerTraces, c.runs), c.end))
}

impl Plan {
    fn of(kind: PartKind, runs: Vec<Range<usize>>) -> Plan {
        Plan {
            kind,
            runs,
            processes: None,
            read_through: false,
        }
    }
}

/// A run read on its own.
#[derive(Clone, Debug, Default)]
pub struct Part {
    /// Its pools.
    pub pools: Pools,
    /// Its spans, in file order.
    pub spans: Vec<RawSpan>,
    /// For [`PartKind::JaegerSpans`]: the process keys its spans name, in
    /// order of first use, and each span's index into them.
    pub process_keys: Vec<String>,
    /// Each span's index into `process_keys`.
    pub span_keys: Vec<u32>,
    /// What was worked around reading it.
    pub warnings: Warnings,
}

/// The text a worker reads for `run` of `bytes`: the run in brackets.
pub fn run_text(bytes: &[u8], run: &Range<usize>) -> Vec<u8> {
    let inner = bytes.get(run.clone()).unwrap_or_default();
    let mut out = Vec::with_capacity(inner.len() + 2);
    out.push(b'[');
    out.extend_from_slice(inner);
    out.push(b']');
    out
}

/// Reads one run (its text from [`run_text`], or a worker's copy of it),
/// or `None` when the part cannot be joined as a single pass would have
/// read it (see the module's notes): the caller then reads in one pass.
pub fn read_part(kind: PartKind, text: &[u8]) -> Option<Part> {
    let text = std::str::from_utf8(text).ok()?;
    let mut warnings = Warnings::default();
    let mut sink = Sink::new(&mut warnings);
    let mut keys = (Vec::new(), Vec::new());
    match kind {
        PartKind::OtlpResourceSpans => otlp_stream::read(&mut sink, text).ok()?,
        PartKind::JaegerTraces => jaeger_stream::read(&mut sink, text).ok()?,
        PartKind::JaegerSpans => {
            let mut trace = TraceReader::new(&sink);
            jaeger_stream::read_spans(&mut sink, &mut trace, text).ok()?;
            keys = trace.into_keys()?;
        }
    }
    if sink.generated_ids() > 0 {
        return None;
    }
    let (pools, spans) = sink.finish();
    let (process_keys, span_keys) = keys;
    // A short trace id is warned once per file, not once per part.
    (warnings.count(WarningKind::ShortTraceIds) == 0).then_some(Part {
        pools,
        spans,
        process_keys,
        span_keys,
        warnings,
    })
}

/// The parts of `plan` (read from `bytes`, in order) joined and built into
/// the file's traces, equal to [`super::load`]'s; `None` when a part is
/// missing or was refused (read in one pass then).
pub fn join(
    bytes: &[u8],
    plan: &Plan,
    parts: Vec<Option<Part>>,
    report: &mut dyn FnMut(Stage, u64),
) -> Option<Result<Loaded, LoadError>> {
    let mut parts = parts.into_iter();
    let first = parts.next()??;
    let Part {
        mut pools,
        mut spans,
        mut process_keys,
        mut span_keys,
        mut warnings,
    } = first;
    let scopes = match plan.kind {
        PartKind::JaegerSpans => Scopes::OncePerName,
        _ => Scopes::Each,
    };
    for part in parts {
        let part = part?;
        join::append(&mut pools, &mut spans, &part.pools, &part.spans, scopes);
        warnings.absorb(&part.warnings);
        // Process keys: numbered again in order of first use.
        let ix: Vec<u32> = part
            .process_keys
            .into_iter()
            .map(|key| match process_keys.iter().position(|k| *k == key) {
                Some(i) => i as u32,
                None => {
                    process_keys.push(key);
                    process_keys.len() as u32 - 1
                }
            })
            .collect();
        span_keys.extend(
            part.span_keys
                .iter()
                .map(|&k| ix.get(k as usize).copied().unwrap_or(k)),
        );
    }
    if plan.kind == PartKind::JaegerSpans {
        let processes: Processes = match &plan.processes {
            Some(r) => serde_json::from_slice(bytes.get(r.clone())?).ok()?,
            None => Processes::default(),
        };
        let mut sink = Sink::new(&mut warnings);
        sink.pools = pools;
        sink.spans = spans;
        TraceReader::resumed(process_keys, span_keys).finish(&mut sink, &processes);
        (pools, spans) = sink.finish();
    }
    let read = match super::loaded::finish(plan.kind.format(), pools, spans, warnings) {
        Ok(read) => read,
        Err(e) => return Some(Err(e)),
    };
    report(Stage::Building, read.spans.len() as u64);
    Some(Ok(super::built(read, None)))
}

/// Reads `bytes` cut into at most `parts` runs, each by `read_runs` (which
/// may read them on as many threads, and must give them back in order);
/// `None` when the file is not cut (read it with [`super::load`]).
pub fn load_cut(
    bytes: &[u8],
    parts: usize,
    read_runs: impl FnOnce(PartKind, Vec<Vec<u8>>) -> Vec<Option<Part>>,
) -> Option<Result<Loaded, LoadError>> {
    let plan = plan(bytes, parts)?;
    let texts = plan.runs.iter().map(|r| run_text(bytes, r)).collect();
    let parts = read_runs(plan.kind, texts);
    join(bytes, &plan, parts, &mut |_, _| {})
}
