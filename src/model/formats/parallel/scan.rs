//! A fast structural scan of one JSON document: where its top-level keys'
//! values are, and where the elements of an array may be cut. It checks
//! no more of the JSON than it needs to skip values (strings, nesting):
//! the readers that run on each part check the rest, and any doubt here
//! means "do not cut" ([`None`]).

use std::ops::Range;

/// The end of the JSON value starting at `at` (after any whitespace), or
/// `None` when the text ends first or the value is not well nested.
pub(super) fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    let at = skip_space(bytes, at);
    match *bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => nested_end(bytes, at),
        _ => {
            // A number, true, false or null: up to the next delimiter.
            let len = bytes
                .get(at..)?
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                .unwrap_or(bytes.len() - at);
            (len > 0).then_some(at + len)
        }
    }
}

/// The end (one past the closing quote) of the string starting at `at`.
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        match bytes.get(i)? {
            b'\\' => i += 2,
            _ => return Some(i + 1),
        }
    }
}

/// serde_json refuses values nested deeper than this; so does the scan.
const MAX_DEPTH: usize = 128;

/// The end of the object or array starting at `at`, its brackets matched.
fn nested_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut stack = [0u8; MAX_DEPTH];
    let mut depth = 0usize;
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i = string_end(bytes, i)?;
                continue;
            }
            b'{' | b'[' => {
                *stack.get_mut(depth)? = if b == b'{' { b'}' } else { b']' };
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if stack.get(depth) != Some(&b) {
                    return None;
                }
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The first byte at or after `at` that is not whitespace (or the end).
pub(super) fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Back from `at` over whitespace, no further than `floor`: where the
/// whitespace before `at` starts.
fn skip_space_back(bytes: &[u8], mut at: usize, floor: usize) -> usize {
    while at > floor && bytes.get(at - 1).is_some_and(u8::is_ascii_whitespace) {
        at -= 1;
    }
    at
}

/// Walks the members of the object starting at `at` (after whitespace):
/// `value` is given each key (unescaped keys only: an escaped key gives
/// `None`) and where its value starts, and returns where the value ends
/// (having skipped it with [`value_end`], or looked inside). Returns the
/// object's end.
pub(super) fn members<'a>(
    bytes: &'a [u8],
    at: usize,
    mut value: impl FnMut(&'a str, usize) -> Option<usize>,
) -> Option<usize> {
    let mut i = skip_space(bytes, at);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(bytes, i + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(bytes, i)?;
        let key = std::str::from_utf8(bytes.get(i + 1..key_end - 1)?).ok()?;
        if key.contains('\\') {
            return None;
        }
        i = skip_space(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_space(bytes, i + 1);
        let end = value(key, start)?;
        i = skip_space(bytes, end);
        match bytes.get(i)? {
            b',' => i = skip_space(bytes, i + 1),
            b'}' => return Some(i + 1),
            _ => return None,
        }
    }
}

/// An array cut into runs of whole elements.
#[derive(Debug)]
pub(super) struct Cut {
    /// Each run: the text from its first element's start to its last's end.
    pub(super) runs: Vec<Range<usize>>,
    /// One past the array's `]`.
    pub(super) end: usize,
}

/// The array starting at `at` cut into at most `parts` runs of whole
/// elements, each about `span / parts` bytes long (`span`: about how long
/// the array is). `None` when it is not an array.
pub(super) fn cut_array(bytes: &[u8], at: usize, parts: usize, span: usize) -> Option<Cut> {
    let at = skip_space(bytes, at);
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut run: Option<Range<usize>> = None;
    let mut i = skip_space(bytes, at + 1);
    if bytes.get(i) == Some(&b']') {
        return Some(Cut { runs, end: i + 1 });
    }
    loop {
        let start = skip_space(bytes, i);
        let end = value_end(bytes, start)?;
        let first = run.map_or(start, |r| r.start);
        // Close the run once it reaches its share of the array.
        if runs.len() + 1 < parts && end - at >= span * (runs.len() + 1) / parts.max(1) {
            runs.push(first..end);
            run = None;
        } else {
            run = Some(first..end);
        }
        i = skip_space(bytes, end);
        match bytes.get(i)? {
            b',' => i += 1,
            b']' => break,
            _ => return None,
        }
    }
    runs.extend(run);
    Some(Cut { runs, end: i + 1 })
}

/// Where a span array might end (the index of its `]`), nearest the file's
/// end first: every `]` in the last few megabytes, for [`cut_near`]. The
/// document's keys after the array, read from there, tell the right one.
pub(super) fn array_end_candidates(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    // Enough for the `processes` of 50,000 services after a Jaeger trace's
    // spans; each wrong one costs a few microseconds.
    const TAIL: usize = 16 << 20;
    const TRIES: usize = 1 << 17;
    let from = bytes.len().saturating_sub(TAIL);
    memchr::memrchr_iter(b']', bytes.get(from..).unwrap_or_default())
        .take(TRIES)
        .map(move |i| from + i)
}

/// The array starting at `at` and ending at `end` (its `]`) cut into at
/// most `parts` runs without reading it through: each cut at the first
/// element start after its share, found by its first key (the first
/// element's) following a comma, and checked to be an element by skipping
/// it to a comma or the array's end. Such a start can be an object nested
/// one level down, with the same first key: then a run does not hold whole
/// elements, its brackets do not balance, and reading it fails.
pub(super) fn cut_near(bytes: &[u8], at: usize, end: usize, parts: usize) -> Option<Cut> {
    let at = skip_space(bytes, at);
    if bytes.get(at) != Some(&b'[') || bytes.get(end) != Some(&b']') {
        return None;
    }
    let first = skip_space(bytes, at + 1);
    if bytes.get(first) != Some(&b'{') {
        return None;
    }
    let key_at = skip_space(bytes, first + 1);
    let key = bytes.get(key_at..string_end(bytes, key_at)?)?;
    let mut starts = vec![first];
    for i in 1..parts {
        let share = first + (end - first) * i / parts;
        let from = share.max(starts.last().copied().unwrap_or(first) + 1);
        if let Some(start) = element_after(bytes, from, end, key) {
            starts.push(start);
        }
    }
    starts.dedup();
    let mut runs = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        // A run ends before the comma that precedes the next run's start.
        let stop = match starts.get(i + 1) {
            Some(&next) => memchr::memrchr(b',', bytes.get(start..next)?)? + start,
            None => end,
        };
        runs.push(start..skip_space_back(bytes, stop, start));
    }
    Some(Cut { runs, end: end + 1 })
}

/// The first object at or after `from` (before `end`) that starts with
/// `key`, follows a comma, and is followed by a comma or `end`.
fn element_after(bytes: &[u8], from: usize, end: usize, key: &[u8]) -> Option<usize> {
    let hay = bytes.get(from..end)?;
    for hit in memchr::memmem::find_iter(hay, key) {
        let k = from + hit;
        // Back over whitespace to the `{`, then to the comma.
        let i = skip_space_back(bytes, k, 0);
        if i == 0 || bytes.get(i - 1) != Some(&b'{') {
            continue;
        }
        let open = i - 1;
        let j = skip_space_back(bytes, open, 0);
        if j == 0 || bytes.get(j - 1) != Some(&b',') || open < from {
            continue;
        }
        let Some(after) = value_end(bytes, open).map(|e| skip_space(bytes, e)) else {
            continue;
        };
        if after == end || (after < end && bytes.get(after) == Some(&b',')) {
            return Some(open);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_end_skips_strings_with_brackets_and_escaped_quotes() {
        let text = br#"{"a":"}]\"{","b":[1,{"c":"\\"}]} tail"#;
        assert_eq!(value_end(text, 0), Some(text.len() - 5));
        assert_eq!(value_end(b"  123, 4", 0), Some(5));
        assert_eq!(value_end(b"[1,2", 0), None);
        assert_eq!(value_end(b"[1,2}", 0), None);
    }

    #[test]
    fn members_lists_keys_and_value_ranges() {
        let text = br#" { "data" : [1, 2] , "total":0 } "#;
        let mut got: Vec<(&str, &[u8])> = Vec::new();
        let end = members(text, 0, |k, at| {
            let end = value_end(text, at)?;
            got.push((k, &text[at..end]));
            Some(end)
        })
        .unwrap();
        assert_eq!(got, vec![("data", &b"[1, 2]"[..]), ("total", &b"0"[..])]);
        assert_eq!(&text[end..], b" ");
        assert!(members(br#"{"a\"b":1}"#, 0, |_, at| value_end(br#"{"a\"b":1}"#, at)).is_none());
        assert!(members(br#"{"a" 1}"#, 0, |_, _| Some(0)).is_none());
    }

    #[test]
    fn cut_array_gives_runs_of_whole_elements_that_cover_every_element() {
        let text = br#"[ {"a":"x,y"}, [1,2], 3 ,"s]" ]"#;
        for parts in 1..6 {
            let cut = cut_array(text, 0, parts, text.len()).unwrap();
            assert_eq!(cut.end, text.len());
            assert!(
                !cut.runs.is_empty() && cut.runs.len() <= parts,
                "{parts}: {cut:?}"
            );
            // The runs joined with commas read as the array's elements.
            let joined: Vec<&str> = cut
                .runs
                .iter()
                .map(|r| std::str::from_utf8(&text[r.clone()]).unwrap())
                .collect();
            let whole: serde_json::Value = serde_json::from_slice(text).unwrap();
            let again: serde_json::Value =
                serde_json::from_str(&format!("[{}]", joined.join(","))).unwrap();
            assert_eq!(whole, again, "{parts}: {joined:?}");
        }
        assert_eq!(cut_array(b"[1]", 0, 2, 3).unwrap().runs, vec![1..2]);
        assert!(cut_array(b"[]", 0, 2, 2).unwrap().runs.is_empty());
        assert!(cut_array(b"{}", 0, 2, 2).is_none());
        assert!(cut_array(b"[1,}", 0, 2, 2).is_none());
    }
}
