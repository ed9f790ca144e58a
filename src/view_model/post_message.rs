//! The postMessage API (docs/embedding.md): another
//! page opens the viewer, waits for [`READY`], posts [`OPEN`] with files,
//! and is answered [`OPENED`]. This module reads an open message from what
//! the page found in it (the page reduces each JavaScript value to what it
//! is, [`Found`]) and decides where to go once its traces are loaded. It
//! never sees the files' bytes: those go to the loader as they are.

use std::sync::Arc;

use crate::model::{SpanId, Trace, TraceId};
use crate::view_model::consent::unique_names;
use crate::view_model::files::FileProblem;
use crate::view_model::route::Route;
use crate::view_model::url_state::PageState;

/// `type` of the message the viewer posts to its opener (and to its parent
/// when framed) once it listens.
pub const READY: &str = "trace-viewer:ready";
/// `type` of the message that opens files.
pub const OPEN: &str = "trace-viewer:open";
/// `type` of the answer to an [`OPEN`] message.
pub const OPENED: &str = "trace-viewer:opened";
/// The version of the messages this viewer posts and reads.
pub const VERSION: u32 = 1;
/// File names are cut to this many characters.
const MAX_NAME_CHARS: usize = 200;
/// Files one message may open.
pub const MAX_FILES: usize = 64;
/// Perfetto UI's handshake (`'PING'` → `'PONG'`), which the viewer answers
/// too, so tools that open traces in Perfetto can open them here.
pub const PERFETTO_PING: &str = "PING";
/// The viewer's answer to [`PERFETTO_PING`].
pub const PERFETTO_PONG: &str = "PONG";

/// One field of a message, as the page found it.
#[derive(Clone, Debug, PartialEq)]
pub enum Found<T> {
    /// Not there (or `undefined`).
    Absent,
    /// There, but not of a kind this field takes: what it is instead
    /// ("number", "object", …), for the message.
    Wrong(String),
    /// There, and of the kind it takes.
    Is(T),
}

/// What a file's `data` is, among the kinds the viewer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataKind {
    /// A string: the file's text.
    Text,
    /// An `ArrayBuffer` or a typed array / `DataView` on one: the file's bytes.
    Bytes,
    /// A `Blob` or `File`.
    Blob,
}

/// A `{name, data}` entry, as found.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundFile {
    /// `name`.
    pub name: Found<String>,
    /// `data`.
    pub data: Found<DataKind>,
}

/// An open message's fields, as found (its `type` was [`OPEN`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FoundOpen {
    /// `version`.
    pub version: Found<f64>,
    /// `files`: each entry an object (else what it is).
    pub files: Found<Vec<Found<FoundFile>>>,
    /// The message's own `name` and `data`: the one-file form.
    pub single: FoundFile,
    /// `select.traceId` and `select.spanId`.
    pub select: (Found<String>, Found<String>),
    /// `keep`.
    pub keep: Found<bool>,
}

/// An open message, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Open {
    /// Per entry, in order: its name (unique within the message) and, when
    /// its data can be read, `Ok`; else why not.
    pub files: Vec<(String, Result<(), String>)>,
    /// What to open once the files are loaded.
    pub select: Selection,
    /// The sender does not object to the files being kept for the next
    /// visit (false when the message says `keep: false`). Posted files are
    /// kept only when the user also ticks "Keep" in the prompt.
    pub keep: bool,
    /// What in the message was not understood but did not stop it
    /// (a `select` that is not an id).
    pub problems: Vec<String>,
}

/// What the message asks to open once its files are loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// The trace.
    pub trace: Option<TraceId>,
    /// The span.
    pub span: Option<SpanId>,
}

/// Where to go once the files are loaded: a trace, and a span in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The trace, 32 hex.
    pub trace: String,
    /// The span, 16 hex, when it is in that trace.
    pub span: Option<String>,
}

impl Target {
    /// The address of the trace page showing it: `#/trace/<id>?span=<id>`.
    pub fn hash(&self) -> String {
        let state = PageState {
            span: self.span.clone(),
            ..PageState::default()
        };
        format!(
            "{}{}",
            Route::Trace(self.trace.clone()).to_hash(),
            state.to_params()
        )
    }
}

/// The name under which a message's own problems are shown (it has no file
/// name): the page that sent it.
pub fn message_name(origin: &str) -> String {
    let origin = clean_name(origin);
    if origin.is_empty() || origin == "null" {
        String::from("message from another page")
    } else {
        format!("message from {origin}")
    }
}

/// Reads an open message: its files (at least one entry), what to select,
/// whether to keep. `Err` says why nothing in it can be opened.
pub fn read_open(found: &FoundOpen) -> Result<Open, String> {
    match &found.version {
        Found::Absent => {}
        Found::Is(v) if *v == f64::from(VERSION) => {}
        Found::Is(v) => {
            return Err(format!(
                "version {v} is not one this viewer reads (it reads version {VERSION})"
            ))
        }
        Found::Wrong(what) => return Err(format!("version is {what}, not a number")),
    }
    let entries: Vec<Found<FoundFile>> = match (&found.files, &found.single.data) {
        (Found::Is(files), _) => files.clone(),
        (Found::Absent, Found::Absent) => {
            return Err(String::from(
                "it holds no files: give files: [{name, data}], or name and data",
            ))
        }
        (Found::Absent, _) => vec![Found::Is(found.single.clone())],
        (Found::Wrong(what), _) => return Err(format!("files is {what}, not an array")),
    };
    if entries.is_empty() {
        return Err(String::from("its files array is empty"));
    }
    if entries.len() > MAX_FILES {
        return Err(format!(
            "it holds {} files; a message may open at most {MAX_FILES}",
            entries.len()
        ));
    }
    let (names, verdicts): (Vec<String>, Vec<Result<(), String>>) = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| read_file(i, entry))
        .unzip();
    let files = unique_names(names).into_iter().zip(verdicts).collect();
    let (select, problems) = read_select(&found.select);
    Ok(Open {
        files,
        select,
        keep: found.keep != Found::Is(false),
        problems,
    })
}

/// One entry's name (as given, else "file <n>") and whether its data can be read.
fn read_file(i: usize, entry: &Found<FoundFile>) -> (String, Result<(), String>) {
    let fallback = format!("file {}", i + 1);
    let file = match entry {
        Found::Is(file) => file,
        Found::Absent => return (fallback, Err(String::from("the entry is empty"))),
        Found::Wrong(what) => {
            return (
                fallback,
                Err(format!("the entry is {what}, not an object {{name, data}}")),
            )
        }
    };
    let name = match &file.name {
        Found::Is(n) if !clean_name(n).is_empty() => clean_name(n),
        _ => fallback,
    };
    let verdict = match &file.data {
        Found::Is(_) => Ok(()),
        Found::Absent => Err(String::from("it has no data")),
        Found::Wrong(what) => Err(format!(
            "its data is {what}; give a string, an ArrayBuffer, a typed array or a Blob"
        )),
    };
    (name, verdict)
}

/// `name` without control characters or surrounding blanks, at most
/// [`MAX_NAME_CHARS`] characters.
fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect()
}

fn read_select((trace, span): &(Found<String>, Found<String>)) -> (Selection, Vec<String>) {
    let mut problems = Vec::new();
    let selection = Selection {
        trace: read_id(
            trace,
            "select.traceId",
            "a trace id",
            TraceId::parse,
            &mut problems,
        ),
        span: read_id(
            span,
            "select.spanId",
            "a span id",
            SpanId::parse,
            &mut problems,
        ),
    };
    (selection, problems)
}

/// The id in field `field` (`kind` says what it should be), when it is one;
/// else why not, added to `problems`.
fn read_id<T, S, E>(
    found: &Found<String>,
    field: &str,
    kind: &str,
    parse: impl FnOnce(&str) -> Result<(T, S), E>,
    problems: &mut Vec<String>,
) -> Option<T> {
    match found {
        Found::Absent => None,
        Found::Is(text) => match parse(text.trim()) {
            Ok((id, _)) => Some(id),
            Err(_) => {
                problems.push(format!("{field} is not {kind}"));
                None
            }
        },
        Found::Wrong(what) => {
            problems.push(format!("{field} is {what}, not a string"));
            None
        }
    }
}

/// Where to go once the files are loaded, among the traces the message's
/// own files held (`added`; other loaded traces are not the sender's to
/// open or to learn about), and what of the selection could not be opened:
/// a named trace its files did not hold (nowhere to go), a span that is not
/// in it (the trace opens without it).
pub fn target(
    selection: &Selection,
    added: &[TraceId],
    loaded: &[Arc<Trace>],
) -> (Option<Target>, Option<String>) {
    let holds = |t: &Trace, span: SpanId| t.spans.iter().any(|s| s.raw.span_id == span);
    let mut ours = loaded.iter().filter(|t| added.contains(&t.id));
    let trace = match (selection.trace, selection.span) {
        (None, None) => return (None, None),
        (Some(id), _) => ours.find(|t| t.id == id),
        (None, Some(span)) => ours.find(|t| holds(t, span)),
    };
    let Some(trace) = trace else {
        let problem = match (selection.trace, selection.span) {
            (Some(id), _) => format!(
                "trace {} is not among the traces its files held",
                id.to_hex()
            ),
            (None, Some(span)) => format!("span {} is in none of its traces", span.to_hex()),
            (None, None) => String::new(),
        };
        return (None, Some(problem));
    };
    let (span, problem) = match selection.span {
        Some(span) if !holds(trace, span) => (
            None,
            Some(format!(
                "span {} is not in trace {}",
                span.to_hex(),
                trace.id.to_hex()
            )),
        ),
        span => (span.map(|s| s.to_hex()), None),
    };
    let target = Target {
        trace: trace.id.to_hex(),
        span,
    };
    (Some(target), problem)
}

/// A Perfetto open message's fields, as found: `{perfetto: {buffer, title,
/// fileName}}` (what Perfetto UI's `postMessage` API takes).
#[derive(Clone, Debug, PartialEq)]
pub struct FoundPerfetto {
    /// `perfetto.buffer`.
    pub buffer: Found<DataKind>,
    /// `perfetto.title`.
    pub title: Found<String>,
    /// `perfetto.fileName`.
    pub file_name: Found<String>,
}

/// Reads a Perfetto open message as an open message of one file, named by
/// its `fileName`, else its `title`.
pub fn read_perfetto(found: &FoundPerfetto) -> Result<Open, String> {
    let name = [&found.file_name, &found.title]
        .into_iter()
        .find_map(|f| match f {
            Found::Is(n) if !clean_name(n).is_empty() => Some(clean_name(n)),
            _ => None,
        });
    let single = FoundFile {
        name: name.map_or(Found::Absent, Found::Is),
        data: found.buffer.clone(),
    };
    let file = match &found.buffer {
        Found::Absent => return Err(String::from("perfetto.buffer is missing")),
        Found::Wrong(what) => {
            return Err(format!(
                "perfetto.buffer is {what}; give an ArrayBuffer (or text, or a Blob)"
            ))
        }
        Found::Is(_) => read_file(0, &Found::Is(single)),
    };
    let name = match &file.0 {
        n if n == "file 1" => String::from("trace from a Perfetto message"),
        n => n.clone(),
    };
    Ok(Open {
        files: vec![(name, file.1)],
        select: Selection::default(),
        keep: true,
        problems: Vec::new(),
    })
}

/// The problems to answer for a load: those of the message's own files
/// (`names`) among what the page says about every file, in message order.
pub fn problems_of(names: &[String], all: &[FileProblem]) -> Vec<FileProblem> {
    names
        .iter()
        .filter_map(|n| all.iter().find(|p| &p.file == n).cloned())
        .collect()
}

/// Distinct traces among `added` (a trace split over several files counts once).
pub fn trace_count(added: &[TraceId]) -> usize {
    let mut ids = added.to_vec();
    ids.sort();
    ids.dedup();
    ids.len()
}
