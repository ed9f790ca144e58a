//! What comes in from outside the page only with the user's say: files
//! another page posts (docs/embedding.md) and
//! addresses a link makes the page fetch (`#url=`, `?url=`, `?source=`).
//!
//! ```text
//! message ── from opener/parent? ──no──▶ ignored (no prompt, no reply)
//!                 │yes
//!                 ├─ same origin as the page, or always allowed ─▶ load
//!                 ├─ allowed once / denied this visit ─▶ load / ignored
//!                 └─ else ─▶ prompt: Allow once · Always allow · Deny
//!
//! link address ── on the page's own origin, or approved this visit ─▶ fetch
//!                 └─ else ─▶ prompt naming host and path: Download · Don't
//! ```
//!
//! Plain Rust: the page keeps the lists in its state and local storage and
//! asks here what to do and what to say.

use crate::view_model::address::size_text;

/// Local storage key of the origins the user always allows to post files.
pub const ALLOWED_ORIGINS_KEY: &str = "trace-viewer:allowed-origins";

/// Messages from one origin held while its prompt waits; later ones are dropped.
pub const MAX_WAITING: usize = 8;

/// Files named in a prompt; the rest are counted.
const NAMED_FILES: usize = 5;

/// What to do with a message from a trusted window (the opener or the parent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Read it now.
    Load,
    /// Ask the user first.
    Ask,
    /// Drop it silently (the user denied this origin on this visit).
    Ignore,
}

/// The origins the user has answered for: always (kept in local storage),
/// and for this visit (allowed once, denied).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins {
    /// Always allowed, sorted.
    pub always: Vec<String>,
    /// Allowed on this visit.
    pub this_visit: Vec<String>,
    /// Denied on this visit.
    pub denied: Vec<String>,
}

impl Origins {
    /// The lists as answered so far, the always-allowed read from `stored`
    /// (see [`parse_origins`]).
    pub fn from_stored(stored: &str) -> Origins {
        Origins {
            always: parse_origins(stored),
            ..Origins::default()
        }
    }

    /// What to do with a message from `origin`, on a page at `page_origin`.
    pub fn decide(&self, page_origin: &str, origin: &str) -> Trust {
        let named = |list: &[String]| list.iter().any(|o| o == origin);
        if origin == page_origin && is_origin(origin) {
            Trust::Load
        } else if named(&self.denied) {
            Trust::Ignore
        } else if named(&self.always) || named(&self.this_visit) {
            Trust::Load
        } else {
            Trust::Ask
        }
    }

    /// The user allowed `origin` for this visit.
    pub fn allow_once(&mut self, origin: &str) {
        self.denied.retain(|o| o != origin);
        insert_sorted(&mut self.this_visit, origin);
    }

    /// The user always allows `origin` (an opaque origin, `null`, names no
    /// page and is allowed for this visit only).
    pub fn allow_always(&mut self, origin: &str) {
        if is_origin(origin) {
            insert_sorted(&mut self.always, origin);
        }
        self.allow_once(origin);
    }

    /// The user denied `origin` for this visit.
    pub fn deny(&mut self, origin: &str) {
        self.this_visit.retain(|o| o != origin);
        insert_sorted(&mut self.denied, origin);
    }

    /// The user no longer always allows `origin`; it is asked about again.
    pub fn revoke(&mut self, origin: &str) {
        self.always.retain(|o| o != origin);
        self.this_visit.retain(|o| o != origin);
    }

    /// The always-allowed list as kept in local storage.
    pub fn stored(&self) -> String {
        self.always.join("\n")
    }
}

fn insert_sorted(list: &mut Vec<String>, origin: &str) {
    if let Err(at) = list.binary_search_by(|o| o.as_str().cmp(origin)) {
        list.insert(at, origin.to_string());
    }
}

/// The origins in a stored list (one per line), sorted, without repeats,
/// anything that is not an origin left out.
pub fn parse_origins(stored: &str) -> Vec<String> {
    let mut list: Vec<String> = stored
        .lines()
        .map(str::trim)
        .filter(|l| is_origin(l))
        .map(str::to_string)
        .collect();
    list.sort();
    list.dedup();
    list
}

/// True for a serialised web origin (`https://host[:port]`, nothing after
/// it); false for `null` and anything else.
pub fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && rest.len() <= 300
        && !rest.contains(['/', '?', '#', '@', ' ', '\n', '\r', '\t'])
}

/// How the prompt names a sender.
pub fn sender_name(origin: &str) -> String {
    if is_origin(origin) {
        origin.to_string()
    } else {
        String::from("a page with no origin of its own (a sandboxed frame or a local file)")
    }
}

/// The prompt's words for messages from `origin` holding `files` (name,
/// size in bytes; all waiting messages together).
pub fn post_prompt(origin: &str, files: &[(String, u64)]) -> String {
    let total: u64 = files.iter().map(|(_, size)| size).sum();
    let count = files.len();
    let mut named: Vec<String> = files
        .iter()
        .take(NAMED_FILES)
        .map(|(name, size)| format!("{name} ({})", size_text(*size)))
        .collect();
    if count > NAMED_FILES {
        named.push(format!("and {} more", count - NAMED_FILES));
    }
    format!(
        "{} wants to open {count} file{} in the viewer ({} in all): {}. Nothing is read until you allow it.",
        sender_name(origin),
        if count == 1 { "" } else { "s" },
        size_text(total),
        named.join(", ")
    )
}

/// True when an address a link gave must be asked about before it is
/// fetched: it is on another origin than the page's.
pub fn link_needs_asking(page_origin: &str, address_origin: &str) -> bool {
    page_origin != address_origin || !is_origin(address_origin)
}

/// The prompt's words for a link that would download `path` from `host`.
pub fn link_prompt(host: &str, path: &str) -> String {
    format!(
        "This link asks the viewer to download a file from {host} (path {}). \
         Your browser would request it from this computer, without cookies. Download it?",
        crate::view_model::address::quote(path)
    )
}

/// The prompt's words for a link that would fetch trace `trace_hex` from the
/// backend at `host`.
pub fn backend_prompt(host: &str, path: &str, trace_hex: &str) -> String {
    format!(
        "This link asks the viewer to fetch trace {trace_hex} from the server at {host} (path {}). \
         Your browser would request it from this computer, without cookies. Fetch it?",
        crate::view_model::address::quote(path)
    )
}

/// Why a download that was redirected to another origin was refused.
pub fn redirect_refused(from_origin: &str, to_origin: &str) -> String {
    format!(
        "refused: {from_origin} redirected the download to {to_origin}, another server than the one the link named. \
         Open the address on {to_origin} itself if you trust it"
    )
}

/// Why a download was stopped after `secs` seconds in all.
pub fn deadline_passed(secs: u32) -> String {
    format!(
        "stopped: the download took longer than {} minutes in all. Download the file yourself and drop it here",
        secs / 60
    )
}

/// Makes every name unique by adding ` (2)`, ` (3)`… to repeats, in order,
/// in O(n log n) for any number of repeats (the page says things about files
/// by name).
pub fn unique_names(names: Vec<String>) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let mut taken: HashSet<String> = HashSet::with_capacity(names.len());
    // For each name, the number the next repeat tries first.
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if taken.insert(name.clone()) {
            out.push(name);
            continue;
        }
        let n = next.entry(name.clone()).or_insert(2);
        let mut candidate = format!("{name} ({n})");
        while taken.contains(&candidate) {
            *n += 1;
            candidate = format!("{name} ({n})");
        }
        *n += 1;
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://viewer.example";
    const OTHER: &str = "https://tools.example:8443";

    #[test]
    fn same_origin_loads_others_are_asked_until_answered() {
        let mut o = Origins::default();
        assert_eq!(o.decide(PAGE, PAGE), Trust::Load);
        assert_eq!(o.decide(PAGE, OTHER), Trust::Ask);
        assert_eq!(o.decide(PAGE, "null"), Trust::Ask);
        o.deny(OTHER);
        assert_eq!(o.decide(PAGE, OTHER), Trust::Ignore);
        o.allow_once(OTHER);
        assert_eq!(o.decide(PAGE, OTHER), Trust::Load);
        assert!(o.stored().is_empty(), "allowed once is not kept");
        o.allow_always(OTHER);
        let again = Origins::from_stored(&o.stored());
        assert_eq!(again.decide(PAGE, OTHER), Trust::Load);
        let mut again = again;
        again.revoke(OTHER);
        assert_eq!(again.decide(PAGE, OTHER), Trust::Ask);
        // `null` is never kept.
        o.allow_always("null");
        assert_eq!(parse_origins(&o.stored()), vec![OTHER.to_string()]);
    }

    #[test]
    fn stored_lists_keep_only_origins() {
        let list = parse_origins("https://b.example\n\njavascript:alert(1)\nhttps://a.example/path\nhttps://a.example\nhttps://b.example\nnull");
        assert_eq!(list, vec!["https://a.example", "https://b.example"]);
    }

    #[test]
    fn prompts_name_the_sender_and_the_files() {
        let files = vec![
            ("a.json".to_string(), 1_500_000),
            ("b.json".to_string(), 300),
        ];
        let text = post_prompt(OTHER, &files);
        assert!(
            text.starts_with("https://tools.example:8443 wants to open 2 files"),
            "{text}"
        );
        assert!(
            text.contains("a.json (1.5 MB), b.json (300 bytes)"),
            "{text}"
        );
        let many: Vec<(String, u64)> = (0..9).map(|i| (format!("f{i}"), 1)).collect();
        assert!(post_prompt(OTHER, &many).contains("f4 (1 bytes), and 4 more"));
        assert!(link_prompt("intranet:8080", "/admin/x.json")
            .contains("from intranet:8080 (path /admin/x.json)"));
        assert!(link_needs_asking(PAGE, OTHER));
        assert!(!link_needs_asking(PAGE, PAGE));
        assert!(link_needs_asking("null", "null"));
        let r = redirect_refused(PAGE, OTHER);
        assert!(r.contains(PAGE) && r.contains(OTHER), "{r}");
    }

    #[test]
    fn names_are_made_unique_in_order_against_a_brute_force() {
        let names: Vec<String> = ["a", "a", "a (2)", "b", "a", "a (2)", "a"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // The quadratic definition: the first free `name (n)`, n from 2.
        let mut brute: Vec<String> = Vec::new();
        for name in &names {
            let mut candidate = name.clone();
            let mut n = 1;
            while brute.contains(&candidate) {
                n += 1;
                candidate = format!("{name} ({n})");
            }
            brute.push(candidate);
        }
        let fast = unique_names(names);
        let mut sorted = fast.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), fast.len(), "unique: {fast:?}");
        assert_eq!(fast, brute);
        // 200k entries of one name: each gets its own number, quickly.
        let many = unique_names(vec![String::from("trace.json"); 200_000]);
        assert_eq!(many[199_999], "trace.json (200000)");
    }
}
