//! Options of a name picker (the trace list's service and operation
//! filters): every name when they are few enough for a `<select>`; past
//! that, the names containing what was typed, capped, for a text field with
//! suggestions, so that 50k services never become 50k elements.

/// Names a `<select>` lists whole; past this the picker is a text field.
pub const SELECT_MAX: usize = 300;
/// Suggestions a text field offers at once.
pub const SUGGEST_MAX: usize = 50;

/// Up to `max` of `names` containing `typed` (case-insensitive), in order,
/// and how many contain it in all.
pub fn suggestions<'a>(names: &'a [String], typed: &str, max: usize) -> (Vec<&'a str>, usize) {
    let (ix, total) = matching(names.iter().map(String::as_str), typed, max);
    (ix.into_iter().map(|i| names[i].as_str()).collect(), total)
}

/// Positions of the first `max` names containing `typed` (case-insensitive,
/// trimmed; empty matches all), and how many contain it in all.
pub fn matching<'a>(
    names: impl IntoIterator<Item = &'a str>,
    typed: &str,
    max: usize,
) -> (Vec<usize>, usize) {
    let needle = typed.trim().to_lowercase();
    let mut total = 0usize;
    let mut out = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        if needle.is_empty() || name.to_lowercase().contains(&needle) {
            total += 1;
            if out.len() < max {
                out.push(i);
            }
        }
    }
    (out, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_capped_and_counted() {
        let names: Vec<String> = (0..50_000).map(|i| format!("service-{i:05}")).collect();
        let (shown, total) = suggestions(&names, "", SUGGEST_MAX);
        assert_eq!((shown.len(), total), (SUGGEST_MAX, 50_000));
        let (shown, total) = suggestions(&names, "SERVICE-4999", SUGGEST_MAX);
        assert_eq!(total, 10);
        assert_eq!(shown[0], "service-49990");
        assert_eq!(suggestions(&names, "nothing", 5), (Vec::new(), 0));
    }
}
