//! What stops a file from loading: one typed error, shown once, naming the problem.

use std::fmt;

/// Why a file could not be read as traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The file has no content.
    Empty,
    /// The bytes are not UTF-8 text (often a binary or compressed file).
    NotText {
        /// Byte offset of the first bad byte.
        offset: usize,
    },
    /// The text is not JSON.
    NotJson {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON reader saw.
        detail: String,
    },
    /// The JSON ends in the middle of a value.
    Truncated {
        /// 1-based line where the text ends.
        line: usize,
        /// 1-based column where the text ends.
        column: usize,
    },
    /// Valid JSON, but not a shape any supported format has.
    UnknownShape {
        /// What was found instead, e.g. "an object with keys a, b".
        found: String,
    },
    /// The right shape, but a field holds the wrong kind of value.
    BadField {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        detail: String,
    },
    /// A known format that holds no spans at all.
    NoSpans {
        /// The format recognised.
        format: &'static str,
    },
    /// A compressed file: it must be decompressed first.
    Compressed {
        /// The compression recognised.
        format: &'static str,
        /// The command that decompresses it (`zstd -d FILE`).
        command: &'static str,
    },
    /// JSON nested deeper than the reader follows (128 levels).
    TooDeep {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A recognised file that is not a trace (e.g. search results).
    NotATrace {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Empty => write!(f, "the file is empty"),
            LoadError::NotText { offset } => write!(
                f,
                "not a text file (byte {offset} is not UTF-8); is it compressed or binary?"
            ),
            LoadError::NotJson { line, column, detail } => {
                write!(f, "not valid JSON at line {line}, column {column}: {detail}")
            }
            LoadError::Truncated { line, column } => write!(
                f,
                "the JSON stops in the middle (line {line}, column {column}); the file looks truncated"
            ),
            LoadError::UnknownShape { found } => write!(
                f,
                "not a trace or log format this viewer reads: found {found}; expected Jaeger JSON (\"data\" or \"traceID\"/\"spans\"), OTLP JSON (\"resourceSpans\"), or logs: OTLP (\"resourceLogs\"), a Loki answer (\"streams\") or JSON Lines with a time field (\"time\", \"timestamp\"…)"
            ),
            LoadError::BadField { line, column, detail } => {
                write!(f, "unexpected value at line {line}, column {column}: {detail}")
            }
            LoadError::NoSpans { format } => write!(f, "{format} file with no spans in it"),
            LoadError::Compressed { format, command } => write!(
                f,
                "{format}-compressed; decompress it first ({command}) and drop the result"
            ),
            LoadError::TooDeep { line, column } => write!(
                f,
                "JSON nested more than 128 levels deep at line {line}, column {column}; no trace format nests like that"
            ),
            LoadError::NotATrace { reason } => write!(f, "{reason}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// Classifies a serde_json error.
    pub fn from_json(e: &serde_json::Error) -> LoadError {
        LoadError::from_json_at(e, (e.line(), e.column()))
    }

    /// [`LoadError::from_json`] for an error in a stretch of the file read
    /// on its own, which starts at `(line, column)` of the file (1-based):
    /// the error is placed in the file, not in the stretch.
    pub fn from_json_within(e: &serde_json::Error, (line, column): (usize, usize)) -> LoadError {
        let at = if e.line() <= 1 {
            (line, column + e.column().saturating_sub(1))
        } else {
            (line + e.line() - 1, e.column())
        };
        LoadError::from_json_at(e, at)
    }

    fn from_json_at(e: &serde_json::Error, (line, column): (usize, usize)) -> LoadError {
        use serde_json::error::Category;
        if e.to_string().starts_with("recursion limit exceeded") {
            return LoadError::TooDeep { line, column };
        }
        match e.classify() {
            Category::Eof => LoadError::Truncated { line, column },
            Category::Syntax | Category::Io => LoadError::NotJson {
                line,
                column,
                detail: strip_position(&e.to_string()),
            },
            Category::Data => LoadError::BadField {
                line,
                column,
                detail: strip_position(&e.to_string()),
            },
        }
    }
}

/// serde_json appends " at line L column C"; we show the position ourselves.
/// Its message may quote the file (a 64 MB string in the wrong place): at
/// most [`QUOTE_CHARS`] characters of it are kept.
fn strip_position(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(at) => &msg[..at],
        None => msg,
    };
    shorten(msg, QUOTE_CHARS)
}

/// Most characters of a file a message or warning quotes.
pub const QUOTE_CHARS: usize = 200;

/// `text` when it has at most `max` characters; else its start and end
/// around " … ", `max` characters in all (the end often says what was
/// expected).
pub fn shorten(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_string();
    }
    let tail = max / 3;
    let head = max.saturating_sub(tail + 3);
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(total - tail).collect();
    format!("{start} … {end}")
}
