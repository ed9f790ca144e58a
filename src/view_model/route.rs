//! Which page the URL hash asks for.

use crate::model::TraceId;

/// Which page is shown, from the URL hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `#/`: the landing page, or the trace list when traces are loaded.
    Home,
    /// `#/trace/<id>`.
    Trace(String),
    /// `#/compare/<id A>...<id B>`.
    Compare(String, String),
    /// `#/baseline/<id>`: a trace against the traces with its root operation.
    Baseline(String),
}

/// A trace id as written in a hash: normalised when it parses.
fn id_of(text: &str) -> String {
    // Only what cannot be read as the route's own punctuation (`...`
    // between the ids of a comparison, `/`, `?`) is kept, so an address
    // reads back the same; the page writes ids as hex, which keeps all.
    let id: String = text
        .split(['/', '?', '&'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    match TraceId::parse(&id) {
        Ok((tid, _)) => tid.to_hex(),
        Err(_) => id.to_ascii_lowercase(),
    }
}

impl Route {
    /// Reads a location hash such as `#/trace/abc`.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or("");
        if let Some(id) = path.strip_prefix("trace/") {
            Route::Trace(id_of(id))
        } else if let Some(pair) = path.strip_prefix("compare/") {
            match pair.split_once("...") {
                Some((a, b)) => Route::Compare(id_of(a), id_of(b)),
                None => Route::Home,
            }
        } else if let Some(id) = path.strip_prefix("baseline/") {
            Route::Baseline(id_of(id))
        } else {
            Route::Home
        }
    }

    /// The hash for this route.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => String::from("#/"),
            Route::Trace(id) => format!("#/trace/{id}"),
            Route::Compare(a, b) => format!("#/compare/{a}...{b}"),
            Route::Baseline(id) => format!("#/baseline/{id}"),
        }
    }

    /// The trace ids the page needs.
    pub fn trace_ids(&self) -> Vec<&str> {
        match self {
            Route::Home => Vec::new(),
            Route::Trace(id) | Route::Baseline(id) => vec![id.as_str()],
            Route::Compare(a, b) => vec![a.as_str(), b.as_str()],
        }
    }
}

/// Where to go once traces were added: nowhere when the page shows a trace
/// (or two) that is now loaded (a link like `?url=…#/trace/<id>` keeps
/// showing it); else the trace itself when the files held one (`single`),
/// else the list.
pub fn after_adding(route: &Route, single: Option<String>, loaded: &[String]) -> Option<Route> {
    let needed = route.trace_ids();
    let shown = !needed.is_empty() && needed.iter().all(|id| loaded.iter().any(|l| l == id));
    if shown {
        return None;
    }
    Some(match single {
        Some(id) => Route::Trace(id),
        None => Route::Home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    #[test]
    fn every_page_reads_back_from_its_hash() {
        for route in [
            Route::Home,
            Route::Trace(ID.to_string()),
            Route::Compare(ID.to_string(), "0".repeat(31) + "1"),
            Route::Baseline(ID.to_string()),
        ] {
            assert_eq!(Route::from_hash(&route.to_hash()), route);
        }
    }

    #[test]
    fn ids_are_normalised_and_page_state_is_ignored() {
        let upper = format!(
            "#/trace/{}?span=00f067aa0ba902b7&view=flame",
            ID.to_uppercase()
        );
        assert_eq!(Route::from_hash(&upper), Route::Trace(ID.to_string()));
        // A 64-bit id is padded as everywhere else on the page.
        assert_eq!(
            Route::from_hash("#/trace/463ac35c9f6413ad"),
            Route::Trace(format!("{:0>32}", "463ac35c9f6413ad"))
        );
        // Text that is not an id stays (the page says it is not loaded).
        assert_eq!(
            Route::from_hash("#/trace/Nope"),
            Route::Trace("nope".into())
        );
    }

    #[test]
    fn anything_else_is_home() {
        // An id that is not a trace id and ends in a dot once read the dot
        // of `...` as its own (a fuzzer finding): written back, it read as
        // another route.
        let odd = Route::from_hash("#/compare/4b.1.1....00000000000000000000000000000001");
        assert_eq!(Route::from_hash(&odd.to_hash()), odd);
        for hash in ["", "#", "#/", "#/?svc=cart", "#/compare/abc", "#/nowhere/1"] {
            assert_eq!(Route::from_hash(hash), Route::Home, "{hash}");
        }
    }

    #[test]
    fn a_page_names_the_traces_it_needs() {
        assert!(Route::Home.trace_ids().is_empty());
        let c = Route::Compare("a".into(), "b".into());
        assert_eq!(c.trace_ids(), ["a", "b"]);
        assert_eq!(Route::Baseline("x".into()).trace_ids(), ["x"]);
    }

    #[test]
    fn one_trace_added_opens_it() {
        let next = after_adding(&Route::Home, Some("a".into()), &["a".into()]);
        assert_eq!(next, Some(Route::Trace("a".into())));
    }

    #[test]
    fn several_traces_added_show_the_list() {
        let loaded = ["a".to_string(), "b".to_string()];
        assert_eq!(after_adding(&Route::Home, None, &loaded), Some(Route::Home));
        // Also from a trace page whose trace is not among them.
        let missing = Route::Trace("zzz".into());
        assert_eq!(after_adding(&missing, None, &loaded), Some(Route::Home));
    }

    #[test]
    fn a_link_to_a_loaded_trace_keeps_showing_it() {
        let loaded = ["a".to_string(), "b".to_string()];
        assert_eq!(
            after_adding(&Route::Trace("b".into()), Some("a".into()), &loaded),
            None
        );
        let both = Route::Compare("a".into(), "b".into());
        assert_eq!(after_adding(&both, None, &loaded), None);
        // Until both sides of a comparison are there, the new trace opens.
        let half = Route::Compare("a".into(), "c".into());
        assert_eq!(
            after_adding(&half, Some("a".into()), &loaded),
            Some(Route::Trace("a".into()))
        );
    }
}
