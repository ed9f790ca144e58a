//! The list of link templates ([`super::links_out`]) as it is kept and
//! shared: checked as a whole (at most [`MAX_TEMPLATES`]), as JSON in local
//! storage, as `#links=<percent-encoded JSON>` in an address, and merged
//! with templates an address brings once the user says yes.
//!
//! ```text
//! editor rows ─ check_all ─▶ [LinkTemplate] ─ to_json ─▶ local storage
//!                                 │ share_address
//!                                 ▼
//! https://viewer/#links=%5B%7B%22label%22…  ─ json_in_fragment, from_json ─▶
//!   prompt "This address carries N link templates" ─ Add them ─▶ merge
//! ```

use serde::{Deserialize, Serialize};

use super::links_out::{Draft, LinkTemplate, Scope, ScopeKind};
use super::url_state::{decode, encode};
use crate::model::text::clip;

/// Most templates kept.
pub const MAX_TEMPLATES: usize = 50;
/// Longest JSON list read, from storage or an address, in bytes.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
/// Local storage key of the saved templates.
pub const STORAGE_KEY: &str = "trace-viewer.links";

/// Characters of a label quoted in a message.
const QUOTE_CHARS: usize = 60;

/// Checks every draft but the blank ones; the first problem names its row
/// (1-based, blank rows counted) and label.
pub fn check_all(drafts: &[Draft]) -> Result<Vec<LinkTemplate>, String> {
    let written: Vec<(usize, &Draft)> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_blank())
        .collect();
    check_count(written.len())?;
    written
        .into_iter()
        .map(|(i, d)| d.check().map_err(|e| row_error(i, &d.label, &e)))
        .collect()
}

fn check_count(n: usize) -> Result<(), String> {
    if n > MAX_TEMPLATES {
        Err(format!(
            "there are {n} link templates, more than the {MAX_TEMPLATES} allowed"
        ))
    } else {
        Ok(())
    }
}

fn row_error(i: usize, label: &str, e: &str) -> String {
    let label = label.trim();
    if label.is_empty() {
        format!("Link {}: {e}", i + 1)
    } else {
        format!("Link {} (\"{}\"): {e}", i + 1, clip(label, QUOTE_CHARS))
    }
}

/// The list as JSON: `[{"label":…,"url":…,"scope":"span"|"trace"|"key","key":…}]`.
#[derive(Serialize, Deserialize)]
struct Wire {
    label: String,
    url: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
}

/// The list as JSON text, for local storage and addresses.
pub fn to_json(templates: &[LinkTemplate]) -> String {
    let wire: Vec<Wire> = templates
        .iter()
        .map(|t| Wire {
            label: t.label().to_string(),
            url: t.url().to_string(),
            scope: Some(t.scope().kind().as_str().to_string()),
            key: match t.scope() {
                Scope::Key(k) => Some(k.clone()),
                _ => None,
            },
        })
        .collect();
    serde_json::to_string(&wire).unwrap_or_else(|_| String::from("[]"))
}

/// Reads a list written by [`to_json`] (a missing scope means `span`),
/// checking every template; why not, in words.
pub fn from_json(text: &str) -> Result<Vec<LinkTemplate>, String> {
    if text.len() > MAX_JSON_BYTES {
        return Err(format!(
            "the list of link templates is {} bytes long, more than the {MAX_JSON_BYTES} allowed",
            text.len()
        ));
    }
    let wire: Vec<Wire> =
        serde_json::from_str(text).map_err(|e| format!("not a list of link templates ({e})"))?;
    check_count(wire.len())?;
    wire.into_iter()
        .enumerate()
        .map(|(i, w)| {
            let scope = match w.scope.as_deref() {
                None => Some(ScopeKind::Span),
                Some(name) => ScopeKind::from_name(name),
            };
            let Some(scope) = scope else {
                return Err(row_error(
                    i,
                    &w.label,
                    "the scope must be \"trace\", \"span\" or \"key\"",
                ));
            };
            let draft = Draft {
                label: w.label,
                url: w.url,
                scope,
                key: w.key.unwrap_or_default(),
            };
            draft.check().map_err(|e| row_error(i, &draft.label, &e))
        })
        .collect()
}

/// The list read from local storage: nothing stored, or something
/// unreadable, is no templates.
pub fn from_stored(stored: Option<&str>) -> Vec<LinkTemplate> {
    stored.and_then(|s| from_json(s).ok()).unwrap_or_default()
}

/// The JSON a `#links=<percent-encoded JSON>` fragment carries, decoded;
/// `None` for any other fragment.
pub fn json_in_fragment(fragment: &str) -> Option<String> {
    let value = fragment.strip_prefix('#').unwrap_or(fragment);
    value.strip_prefix("links=").map(decode)
}

/// `page_address` (its fragment dropped) with the list as `#links=…`.
pub fn share_address(page_address: &str, templates: &[LinkTemplate]) -> String {
    let page = page_address
        .split_once('#')
        .map_or(page_address, |(page, _)| page);
    format!("{page}#links={}", encode(&to_json(templates)))
}

/// `stored` with the templates of `incoming` it lacks added at its end, and
/// how many were added; an error when the list would pass [`MAX_TEMPLATES`].
pub fn merge(
    stored: &[LinkTemplate],
    incoming: &[LinkTemplate],
) -> Result<(Vec<LinkTemplate>, usize), String> {
    let mut out = stored.to_vec();
    for t in incoming {
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    let added = out.len() - stored.len();
    check_count(out.len()).map_err(|_| {
        format!(
            "adding {added} link template{} would make {}, more than the {MAX_TEMPLATES} allowed: \
             remove some first",
            if added == 1 { "" } else { "s" },
            out.len()
        )
    })?;
    Ok((out, added))
}

/// "This address carries 2 link templates:", for the import prompt.
pub fn import_text(n: usize) -> String {
    format!(
        "This address carries {n} link template{}:",
        if n == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(url: &str, scope: Scope) -> LinkTemplate {
        LinkTemplate::new("L", url, scope).unwrap()
    }

    #[test]
    fn rows_are_checked_as_a_whole() {
        let ok = Draft {
            label: String::from("ok"),
            url: String::from("https://x"),
            ..Draft::default()
        };
        let bad = Draft {
            label: String::from("Logs"),
            url: String::from("ftp://x"),
            ..Draft::default()
        };
        assert_eq!(
            check_all(&[ok.clone(), bad]).unwrap_err(),
            "Link 2 (\"Logs\"): the address must start with http:// or https://"
        );
        assert_eq!(
            check_all(&vec![ok.clone(); MAX_TEMPLATES + 1]).unwrap_err(),
            "there are 51 link templates, more than the 50 allowed"
        );
        assert_eq!(check_all(&vec![ok; MAX_TEMPLATES]).map(|l| l.len()), Ok(50));
        // Rows left empty are dropped, and still counted in the numbering.
        let half = Draft {
            url: String::from("https://x"),
            ..Draft::default()
        };
        assert_eq!(check_all(&[Draft::default(), Draft::default()]), Ok(vec![]));
        assert_eq!(
            check_all(&[Draft::default(), half]).unwrap_err(),
            "Link 2: the label is empty"
        );
    }

    #[test]
    fn the_list_round_trips_through_json_and_an_address() {
        let list = vec![
            LinkTemplate::new(
                "Logs \"&\" é",
                "https://x/?q={a=\"${trace_id}\"}#x",
                Scope::Trace,
            )
            .unwrap(),
            template(
                "https://y/${span_id}",
                Scope::Key(String::from("db.statement")),
            ),
            template("http://z/", Scope::Span),
        ];
        assert_eq!(from_json(&to_json(&list)).unwrap(), list);
        let address = share_address("https://viewer/app/?a=1#/trace/abc", &list);
        let (page, fragment) = address.split_once('#').unwrap();
        assert_eq!(page, "https://viewer/app/?a=1");
        assert!(fragment.starts_with("links=%5B%7B"));
        assert!(!fragment.contains(['#', '"', ' ', '{']));
        let json = json_in_fragment(&format!("#{fragment}")).unwrap();
        assert_eq!(from_json(&json).unwrap(), list);
        assert_eq!(json_in_fragment("#/trace/abc"), None);
        // A missing scope is `span`; a bad one is named.
        assert_eq!(
            from_json(r#"[{"label":"a","url":"https://a"}]"#).unwrap()[0].scope(),
            &Scope::Span
        );
        assert_eq!(
            from_json(r#"[{"label":"a","url":"https://a","scope":"all"}]"#).unwrap_err(),
            "Link 1 (\"a\"): the scope must be \"trace\", \"span\" or \"key\""
        );
        assert!(from_json("{}")
            .unwrap_err()
            .starts_with("not a list of link templates"));
        assert_eq!(from_stored(Some("nonsense")), []);
    }

    #[test]
    fn merging_adds_only_what_is_new() {
        let a = template("https://a/", Scope::Span);
        let b = template("https://b/", Scope::Span);
        let (merged, added) =
            merge(std::slice::from_ref(&a), &[a.clone(), b.clone(), b.clone()]).unwrap();
        assert_eq!((merged, added), (vec![a.clone(), b.clone()], 1));
        let full: Vec<LinkTemplate> = (0..MAX_TEMPLATES)
            .map(|i| template(&format!("https://a/{i}"), Scope::Span))
            .collect();
        assert!(merge(&full, &[b]).unwrap_err().contains("would make 51"));
        assert_eq!(merge(&full, &full[..1]).unwrap().1, 0);
    }
}
