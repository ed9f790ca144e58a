//! What the page says about each file: why it could not be read, or what
//! was worked around. A file read again replaces what was said before.

use crate::model::Warning;

/// A file that could not be read, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct FileProblem {
    /// File name as the user gave it.
    pub file: String,
    /// What went wrong, in words.
    pub message: String,
}

/// What was worked around while reading one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileWarnings {
    /// File name.
    pub file: String,
    /// The warnings, aggregated by kind.
    pub warnings: Vec<Warning>,
}

/// Error messages quote at most this many characters of a panic's message
/// (which may hold file content).
const QUOTE_CHARS: usize = 200;

/// `text` cut to [`QUOTE_CHARS`] characters, "…" marking a cut.
pub fn quote(text: &str) -> String {
    crate::model::text::clip(text, QUOTE_CHARS)
}

/// Why a file could not be read when the readers themselves panicked (in a
/// worker or on the page's thread): `details` is the panic's message.
pub fn panicked_while_reading(details: &str) -> String {
    format!(
        "the viewer hit an internal error (a panic) while reading it; \
         this is a bug in the viewer, not necessarily in the file. Details: {}",
        quote(details)
    )
}

/// The note on a file read on the page because no worker could start
/// (`reason`).
pub fn read_on_page_instead(reason: &str) -> String {
    format!(
        "was read on the page instead of in the background: the background reader could not start ({reason}). \
         The page may not respond while a large file is read"
    )
}

/// Why a worker that crashed while reading (`detail`) gave no answer: a
/// wasm trap that is not a panic is memory running out.
pub fn reader_crashed(detail: &str) -> String {
    format!("the reader crashed ({detail}); the file may be too large for this browser's memory")
}

/// Records that `file` could not be read, replacing an earlier message.
pub fn set_problem(list: &mut Vec<FileProblem>, file: &str, message: String) {
    list.retain(|e| e.file != file);
    list.push(FileProblem {
        file: file.to_string(),
        message,
    });
}

/// Records what was worked around in `file` (nothing: no entry), replacing
/// what an earlier reading of it said.
pub fn set_warnings(list: &mut Vec<FileWarnings>, file: &str, warnings: &[Warning]) {
    list.retain(|w| w.file != file);
    if !warnings.is_empty() {
        list.push(FileWarnings {
            file: file.to_string(),
            warnings: warnings.to_vec(),
        });
    }
}

/// Adds warnings to what `file` already has (a trace merged across files).
pub fn add_warnings(list: &mut Vec<FileWarnings>, file: String, warnings: &[Warning]) {
    match list.iter_mut().find(|w| w.file == file) {
        Some(w) => w.warnings.extend(warnings.iter().cloned()),
        None => list.push(FileWarnings {
            file,
            warnings: warnings.to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WarningKind;

    fn warning(kind: WarningKind) -> Warning {
        Warning {
            kind,
            count: 1,
            example: String::from("span 1"),
        }
    }

    #[test]
    fn a_file_read_again_replaces_its_message() {
        let mut list = Vec::new();
        set_problem(&mut list, "a.json", "not JSON".into());
        set_problem(&mut list, "b.json", "empty".into());
        set_problem(&mut list, "a.json", "truncated".into());
        let got: Vec<(&str, &str)> = list
            .iter()
            .map(|p| (p.file.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(got, [("b.json", "empty"), ("a.json", "truncated")]);
    }

    #[test]
    fn a_clean_reading_clears_earlier_warnings() {
        let mut list = Vec::new();
        set_warnings(&mut list, "a.json", &[warning(WarningKind::MissingParent)]);
        assert_eq!(list.len(), 1);
        set_warnings(&mut list, "a.json", &[]);
        assert!(list.is_empty());
    }

    #[test]
    fn merged_warnings_join_the_file_s_own() {
        let mut list = Vec::new();
        set_warnings(&mut list, "a.json", &[warning(WarningKind::MissingParent)]);
        add_warnings(
            &mut list,
            "a.json".into(),
            &[warning(WarningKind::MergedAcrossFiles)],
        );
        add_warnings(
            &mut list,
            "b.json".into(),
            &[warning(WarningKind::MergedAcrossFiles)],
        );
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].warnings.len(), 2);
        assert_eq!(list[1].file, "b.json");
    }
}
