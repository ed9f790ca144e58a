//! The shape of the source tree, checked on every test run: no file in
//! `src/` over 600 lines, no import circle between files, and imports only
//! one way between the layers (model ← view_model ← ui; worker ← model).
//!
//! Imports are read from the text: `use crate::…`, `use super::…` (also in
//! groups) and paths written inline (`crate::ui::shared::js::js_message(e)`).
//! Each names a module file (`a/b.rs` or `a/b/mod.rs`); an item that a
//! `mod.rs` only re-exports (`pub use trace::Trace`) counts as an import of
//! the file that defines it, so a hub that re-exports is not itself a link.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/ui/load/view.rs` → `["ui", "load", "view"]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// The file of a module path, if there is one.
fn file_of(module: &[String]) -> Option<PathBuf> {
    if module.is_empty() {
        return Some(src().join("lib.rs"));
    }
    let base = module.iter().fold(src(), |p, m| p.join(m));
    let as_file = base.with_extension("rs");
    if as_file.is_file() {
        return Some(as_file);
    }
    let as_dir = base.join("mod.rs");
    as_dir.is_file().then_some(as_dir)
}

/// Every `crate::…` path a file names, as segments (groups expanded).
fn paths_named(file: &Path, text: &str) -> Vec<Vec<String>> {
    let here = module_of(file);
    let is_mod = file
        .file_name()
        .is_some_and(|n| n == "mod.rs" || n == "lib.rs");
    let mut out = Vec::new();
    // Join `use` statements onto one line so that groups can be expanded.
    // Test modules (at the end of a file, after `#[cfg(test)]`) are left
    // out: their `super` is the file itself.
    let mut code = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    // Paths written in code, outside `use` statements (read above).
    let inline: String = code
        .lines()
        .filter(|l| {
            let t = l.trim_start().trim_start_matches("pub ");
            !t.starts_with("use ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before_ok = at == 0
            || !rest.as_bytes()[at - 1].is_ascii_alphanumeric() && rest.as_bytes()[at - 1] != b'_';
        let tail = &rest[at + 4..];
        let end = tail.find(';').unwrap_or(tail.len());
        let stmt: String = tail[..end].split_whitespace().collect::<Vec<_>>().join("");
        if before_ok
            && (stmt.starts_with("crate::")
                || stmt.starts_with("super::")
                || stmt.starts_with("self::"))
        {
            for p in expand(&stmt) {
                out.push(absolute(&p, &here, is_mod));
            }
        }
        rest = &tail[end.min(tail.len())..];
    }
    // Inline paths: from the crate, the parent, or a child module this file
    // declares (`mod load;` … `load::view::Landing`).
    let children: Vec<String> = code
        .lines()
        .filter_map(|l| {
            let t = l.trim_start().trim_start_matches("pub ");
            t.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(|m| m.trim().to_string())
        })
        .collect();
    let bytes = inline.as_bytes();
    let mut roots: Vec<String> = vec![String::from("crate"), String::from("super")];
    roots.extend(children.iter().cloned());
    for root in &roots {
        let needle = format!("{root}::");
        for (at, _) in inline.match_indices(&needle) {
            let boundary = at == 0
                || !(bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b':');
            if !boundary {
                continue;
            }
            let tail = &inline[at..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let p = tail[..end].trim_end_matches(':');
            if root == "crate" || root == "super" {
                out.push(absolute(p, &here, is_mod));
            } else {
                let mut segs = here.clone();
                segs.extend(p.split("::").map(String::from));
                out.push(segs);
            }
        }
    }
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(stmt: &str) -> Vec<String> {
    let Some(open) = stmt.find('{') else {
        return vec![stmt.split(" as ").next().unwrap_or(stmt).to_string()];
    };
    let prefix = &stmt[..open];
    let inner = &stmt[open + 1..stmt.rfind('}').unwrap_or(stmt.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// A path as segments from the crate root.
fn absolute(path: &str, here: &[String], is_mod: bool) -> Vec<String> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = Vec::new();
    match segs.first().copied() {
        Some("crate") => {
            segs.remove(0);
        }
        Some("super") | Some("self") => {
            base = here.to_vec();
            // In `a/b.rs`, `super` is `a`; in `a/mod.rs`, `super` is a's parent.
            let _ = is_mod;
            while let Some(&s) = segs.first() {
                match s {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                segs.remove(0);
            }
        }
        _ => {}
    }
    base.extend(segs.iter().filter(|s| **s != "self").map(|s| s.to_string()));
    base
}

/// `pub use x::Item` in a module file: item name → module path of `x`.
fn re_exports(file: &Path, text: &str) -> BTreeMap<String, Vec<String>> {
    let here = module_of(file);
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("pub use ")) {
        let stmt: String = line["pub use ".len()..]
            .trim_end_matches(';')
            .split_whitespace()
            .collect();
        for p in expand(&stmt) {
            let mut segs: Vec<String> = if p.starts_with("crate::") || p.starts_with("super::") {
                absolute(&p, &here, true)
            } else {
                let mut s = here.clone();
                s.extend(p.split("::").map(String::from));
                s
            };
            if let Some(item) = segs.pop() {
                out.insert(item, segs);
            }
        }
    }
    out
}

/// The file a path leads to: the longest prefix that is a module file,
/// followed through a re-export of the next segment.
fn target(
    path: &[String],
    exports: &BTreeMap<PathBuf, BTreeMap<String, Vec<String>>>,
) -> Option<PathBuf> {
    for k in (0..=path.len()).rev() {
        if let Some(f) = file_of(&path[..k]) {
            if let (Some(item), Some(map)) = (path.get(k), exports.get(&f)) {
                if let Some(module) = map.get(item) {
                    return file_of(module).or(Some(f));
                }
            }
            return Some(f);
        }
    }
    None
}

#[test]
fn no_file_in_src_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            let rel = f.strip_prefix(src()).unwrap().display().to_string();
            (n > MAX_LINES).then(|| format!("{rel} has {n} lines"))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The files that may name the trace page's whole state: where it is made
/// (and handed out as handles) and the page that holds it. Every other
/// component asks for the handles it reads.
const WHOLE_TRACE_STATE: [&str; 2] = ["ui/trace_page/state.rs", "ui/trace_page/mod.rs"];

#[test]
fn no_component_takes_the_whole_trace_state() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut naming: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(src()).unwrap().display().to_string();
            let text = std::fs::read_to_string(f).unwrap();
            let names = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .any(|l| l.contains("TraceState"));
            (!WHOLE_TRACE_STATE.contains(&rel.as_str()) && names).then_some(rel)
        })
        .collect();
    naming.sort();
    assert!(
        naming.is_empty(),
        "these files take the whole TraceState rather than its handles:\n{}",
        naming.join("\n")
    );
}

/// Each file of `src/` (but `bin/`) and the files it imports.
fn import_edges() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.retain(|f| !f.starts_with(src().join("bin")));
    let texts: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|f| (f.clone(), std::fs::read_to_string(f).unwrap()))
        .collect();
    let exports: BTreeMap<PathBuf, BTreeMap<String, Vec<String>>> = texts
        .iter()
        .map(|(f, t)| (f.clone(), re_exports(f, t)))
        .collect();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (f, t) in &texts {
        let set = edges.entry(f.clone()).or_default();
        for p in paths_named(f, t) {
            if let Some(to) = target(&p, &exports) {
                if &to != f && !to.ends_with("lib.rs") {
                    set.insert(to);
                }
            }
        }
    }
    // Re-exports are followed to the defining file, so a `mod.rs` that only
    // declares and re-exports is not a link of its own.
    for (f, t) in &texts {
        if f.ends_with("mod.rs") {
            let set = edges.entry(f.clone()).or_default();
            set.retain(|to| {
                !exports.get(f).is_some_and(|m| {
                    m.values()
                        .any(|module| file_of(module).as_ref() == Some(to))
                }) || !t.contains("pub use")
            });
        }
    }
    edges
}

/// The layers, each with the layers it may import: the model is pure, the
/// view model reads the model, the worker runs the model, and the page
/// (`ui`) may use them all.
const LAYERS: [(&str, &[&str]); 4] = [
    ("model", &["model"]),
    ("view_model", &["model", "view_model"]),
    ("worker", &["model", "worker"]),
    ("ui", &["model", "view_model", "worker", "ui"]),
];

/// Every import that goes against [`LAYERS`], as `from → to`.
fn layer_breaks(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<String> {
    let layer = |f: &Path| {
        let rel = f.strip_prefix(src()).ok()?;
        let top = rel.iter().next()?.to_string_lossy().into_owned();
        LAYERS.iter().find(|(name, _)| *name == top)
    };
    let mut breaks = Vec::new();
    for (from, tos) in edges {
        let Some((_, may)) = layer(from) else {
            continue;
        };
        for to in tos {
            if let Some((name, _)) = layer(to) {
                if !may.contains(name) {
                    let rel = |p: &Path| p.strip_prefix(src()).unwrap().display().to_string();
                    breaks.push(format!("{} → {}", rel(from), rel(to)));
                }
            }
        }
    }
    breaks
}

#[test]
fn imports_go_one_way_between_layers() {
    let breaks = layer_breaks(&import_edges());
    assert!(
        breaks.is_empty(),
        "imports against the layers (model ← view_model ← ui; worker ← model only):\n{}",
        breaks.join("\n")
    );
}

#[test]
fn the_layer_rule_names_an_import_against_it() {
    let file = |p: &str| src().join(p);
    let edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = [
        (file("model/trace.rs"), [file("view_model/rows.rs")].into()),
        (
            file("worker/inflate.rs"),
            [file("view_model/budget.rs")].into(),
        ),
        (
            file("ui/app.rs"),
            [file("worker/mod.rs"), file("model/trace.rs")].into(),
        ),
        (file("view_model/rows.rs"), [file("model/trace.rs")].into()),
    ]
    .into();
    assert_eq!(
        layer_breaks(&edges),
        [
            "model/trace.rs → view_model/rows.rs",
            "worker/inflate.rs → view_model/budget.rs"
        ]
    );
}

#[test]
fn no_import_circle_between_files() {
    let edges = import_edges();
    // Depth-first search with an explicit stack, colouring files.
    let mut state: BTreeMap<&PathBuf, u8> = BTreeMap::new();
    let mut circles = Vec::new();
    for start in edges.keys() {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&PathBuf, Vec<&PathBuf>)> =
            vec![(start, edges[start].iter().collect())];
        state.insert(start, 1);
        while let Some((node, next)) = stack.last_mut() {
            match next.pop() {
                Some(to) => match state.get(to).copied().unwrap_or(0) {
                    0 => {
                        state.insert(to, 1);
                        let out = edges
                            .get(to)
                            .map(|s| s.iter().collect())
                            .unwrap_or_default();
                        stack.push((to, out));
                    }
                    1 => {
                        let at = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let names: Vec<String> = stack[at..]
                            .iter()
                            .map(|(n, _)| n.strip_prefix(src()).unwrap().display().to_string())
                            .collect();
                        circles.push(format!(
                            "{} → {}",
                            names.join(" → "),
                            to.strip_prefix(src()).unwrap().display()
                        ));
                    }
                    _ => {}
                },
                None => {
                    state.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checker_reads_groups_and_re_exports() {
    let got = expand("crate::ui::{load::{keep,loader::load_sources},Store}");
    assert_eq!(
        got,
        [
            "crate::ui::load::keep",
            "crate::ui::load::loader::load_sources",
            "crate::ui::Store"
        ]
    );
    // `crate::model::Trace` is re-exported from model/trace.rs.
    let model = src().join("model/mod.rs");
    let exports: BTreeMap<PathBuf, BTreeMap<String, Vec<String>>> = [(
        model.clone(),
        re_exports(&model, &std::fs::read_to_string(&model).unwrap()),
    )]
    .into();
    let path: Vec<String> = ["model", "Trace"].iter().map(|s| s.to_string()).collect();
    assert_eq!(target(&path, &exports), Some(src().join("model/trace.rs")));
}
