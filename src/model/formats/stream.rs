//! Streams of JSON values: one document, JSON Lines, or pretty-printed
//! objects back to back, read value by value with line numbers for warnings.

use serde::Deserialize;

use super::sink::Sink;
use crate::model::error::LoadError;
use crate::model::warnings::WarningKind;

/// Reads JSON values of type `T` back to back (one document, JSON Lines, or
/// pretty-printed objects concatenated), calling `on_value` with each value,
/// its text and its 1-based line. A broken line is skipped (warned); a stream
/// cut short keeps what came before (warned); an error in the first value
/// fails the file. Returns how many values were read.
pub(super) fn read_stream<'t, T: Deserialize<'t>>(
    text: &'t str,
    sink: &mut Sink,
    mut on_value: impl FnMut(&mut Sink, T, &'t str, usize),
) -> Result<usize, LoadError> {
    read_stream_with(text, sink, |sink, value, value_text, line| {
        on_value(sink, value, value_text, line);
        Ok(())
    })
}

/// [`read_stream`] for readers that read part of a value later, from its
/// text (`on_value` fails with the error and the stretch of text it was
/// read from): such a value fails the file when it is the first, and is
/// skipped (warned) like a broken line otherwise.
pub(super) fn read_stream_with<'t, T: Deserialize<'t>>(
    text: &'t str,
    sink: &mut Sink,
    mut on_value: impl FnMut(&mut Sink, T, &'t str, usize) -> Result<(), (serde_json::Error, &'t str)>,
) -> Result<usize, LoadError> {
    let mut values = 0usize;
    let mut rest = text;
    let mut line_base = 0usize; // lines before `rest`
    'restart: loop {
        let mut lines = LineCursor::default();
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        loop {
            let before = stream.byte_offset();
            match stream.next() {
                None => break 'restart,
                Some(Ok(value)) => {
                    values += 1;
                    let value_text = rest.get(before..stream.byte_offset()).unwrap_or("");
                    let line = line_base + lines.line_of(rest, before + leading_space(value_text));
                    if let Err((e, stretch)) = on_value(sink, value, value_text.trim_start(), line)
                    {
                        // Where the stretch starts in the file: errors count from there.
                        let at = (stretch.as_ptr() as usize)
                            .checked_sub(rest.as_ptr() as usize)
                            .filter(|&at| at <= rest.len())
                            .unwrap_or(before);
                        let start = (
                            line_base + lines.line_of(rest, at),
                            // (rfind stops at the nearest newline: a line's length, not the file's)
                            1 + at
                                - rest
                                    .get(..at)
                                    .and_then(|r| r.rfind('\n'))
                                    .map_or(0, |nl| nl + 1),
                        );
                        let error = LoadError::from_json_within(&e, start);
                        if values == 1 {
                            return Err(error);
                        }
                        sink.warnings.add(WarningKind::SkippedBadLine, || {
                            format!("line {}: {error}", start.0)
                        });
                    }
                }
                Some(Err(e)) if values == 0 => return Err(LoadError::from_json(&e)),
                Some(Err(e)) if e.is_eof() => {
                    // A stream cut short (an exporter still writing): keep what came before.
                    let line = line_base + e.line();
                    sink.warnings
                        .add(WarningKind::TruncatedTail, || format!("line {line}"));
                    break 'restart;
                }
                Some(Err(e)) => {
                    // A broken line in a stream: skip to the next line and go on.
                    let line = line_base + e.line();
                    sink.warnings
                        .add(WarningKind::SkippedBadLine, || format!("line {line}: {e}"));
                    let at = stream.byte_offset().max(before);
                    let Some(newline) = rest.get(at..).and_then(|r| r.find('\n')) else {
                        break 'restart;
                    };
                    line_base += lines.line_of(rest, at + newline + 1) - 1;
                    rest = rest.get(at + newline + 1..).unwrap_or("");
                    continue 'restart;
                }
            }
        }
    }
    Ok(values)
}

fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Line numbers of offsets that only move forward: each call counts the
/// newlines since the previous one, so numbering every value of a stream is
/// linear in the text, not quadratic.
#[derive(Default)]
struct LineCursor {
    /// Byte offset counted up to.
    at: usize,
    /// Newlines before `at`.
    newlines: usize,
}

impl LineCursor {
    /// 1-based line number of byte offset `at` in `text`.
    fn line_of(&mut self, text: &str, at: usize) -> usize {
        let bytes = text.as_bytes();
        let at = at.min(bytes.len());
        if at < self.at {
            // Never happens in a forward stream; start over rather than be wrong.
            *self = LineCursor::default();
        }
        self.newlines += memchr::memchr_iter(b'\n', &bytes[self.at..at]).count();
        self.at = at;
        1 + self.newlines
    }
}
