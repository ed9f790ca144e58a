//! The trace page's state in the URL hash, so that a link restores what was
//! on screen: `#/trace/<id>?source=<backend>&span=<id>&zoom=<from>,<to>&q=<query>&view=<view>`.
//! Only ids, a zoom range, the backend's address and the user's own query go
//! in; never trace data.

use super::scale::clamp_zoom;
use crate::model::many::{SortBy, TraceFilter};

/// The views of a trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Span tree and bars.
    #[default]
    Timeline,
    /// Per-operation statistics.
    Stats,
    /// Flame graph.
    Flame,
    /// Service graph.
    Graph,
    /// One row per span, sortable, with attribute columns.
    Table,
    /// Every span event in time order (exceptions first-class).
    Events,
    /// The log records attached to the trace.
    Logs,
}

impl View {
    /// All views, in tab order.
    pub const ALL: [View; 7] = [
        View::Timeline,
        View::Stats,
        View::Flame,
        View::Graph,
        View::Table,
        View::Events,
        View::Logs,
    ];

    /// Name in the URL and in test hooks.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Timeline => "timeline",
            View::Stats => "stats",
            View::Flame => "flame",
            View::Graph => "graph",
            View::Table => "table",
            View::Events => "events",
            View::Logs => "logs",
        }
    }

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            View::Timeline => "Timeline",
            View::Stats => "Statistics",
            View::Flame => "Flame graph",
            View::Graph => "Service graph",
            View::Table => "Span table",
            View::Events => "Events",
            View::Logs => "Logs",
        }
    }

    fn from_name(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// What the trace page shows besides the trace itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageState {
    /// Selected span id (16 hex).
    pub span: Option<String>,
    /// Zoom range as fractions of the trace duration; `None` = all of it.
    pub zoom: Option<(f64, f64)>,
    /// Find query.
    pub query: String,
    /// Open view.
    pub view: View,
    /// The Jaeger or Tempo server the trace is fetched from (`source=`: a
    /// backend's base address), kept so that the address stays a link to it.
    pub source: Option<String>,
}

impl PageState {
    /// Reads the part of a hash after `?`.
    pub fn parse(params: &str) -> PageState {
        let mut state = PageState::default();
        for pair in params.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "span" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    state.span = Some(value.to_ascii_lowercase());
                }
                "zoom" => {
                    let mut parts = value.split(',').map(|p| p.trim().parse::<f64>());
                    if let (Some(Ok(a)), Some(Ok(b))) = (parts.next(), parts.next()) {
                        let z = clamp_zoom(a, b);
                        if z != (0.0, 1.0) {
                            state.zoom = Some(z);
                        }
                    }
                }
                "q" => state.query = value,
                // Jaeger UI's trace links: its find box, in our words.
                "uiFind" if state.query.is_empty() => {
                    state.query = ui_find_query(&value.replace('+', " "))
                }
                "view" => state.view = View::from_name(&value).unwrap_or_default(),
                "source" if !value.trim().is_empty() => state.source = Some(value),
                _ => {}
            }
        }
        state
    }

    /// The `?…` part for the hash; empty when there is nothing to keep.
    pub fn to_params(&self) -> String {
        let mut parts = Vec::new();
        if let Some(source) = &self.source {
            parts.push(format!("source={}", encode(source)));
        }
        if self.view != View::Timeline {
            parts.push(format!("view={}", self.view.as_str()));
        }
        if let Some(span) = &self.span {
            parts.push(format!("span={span}"));
        }
        if let Some((a, b)) = self.zoom {
            parts.push(format!("zoom={},{}", short(a), short(b)));
        }
        if !self.query.is_empty() {
            parts.push(format!("q={}", encode(&self.query)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Jaeger UI's `uiFind` as a find query. Jaeger finds the spans that any
/// of its space-separated words occurs in (names, tags, logs, process tags,
/// span id), case-insensitively, and a word starting with `-` leaves out a
/// tag key; here the words become alternatives, `a|b`, of free text. A word
/// holding an operator or quote is looked for as plain text, quoted (and
/// then all words must occur: quoted text has no alternatives).
pub fn ui_find_query(ui_find: &str) -> String {
    let words: Vec<&str> = ui_find
        .split_whitespace()
        .filter(|w| !w.starts_with('-'))
        .collect();
    let plain = |w: &&str| !w.contains(['=', '~', '<', '>', '"', '|']);
    if words.iter().all(plain) {
        return words.join("|");
    }
    words
        .iter()
        .map(|w| {
            if plain(w) {
                w.to_string()
            } else {
                format!("\"{}\"", w.replace('"', ""))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The trace list's state: its filter, its order and whether the RED table
/// is shown: `#/?svc=cart&op=GET&attr=k%3Dv&min=50ms&max=2s&err=1&q=text&sort=longest&view=red`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListParams {
    /// What the list is narrowed to.
    pub filter: TraceFilter,
    /// Its order.
    pub sort: SortBy,
    /// The RED table instead of the list.
    pub red: bool,
}

impl ListParams {
    /// Reads the part of a hash after `?`.
    pub fn parse(params: &str) -> ListParams {
        let mut out = ListParams::default();
        for pair in params.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            let f = &mut out.filter;
            match key {
                "svc" => f.service = value,
                "op" => f.operation = value,
                "attr" => f.attribute = value,
                "min" => f.min_duration = value,
                "max" => f.max_duration = value,
                "err" => f.errors_only = value == "1",
                "q" => f.text = value,
                "sort" => out.sort = SortBy::from_name(&value).unwrap_or_default(),
                "view" => out.red = value == "red",
                _ => {}
            }
        }
        out
    }

    /// The `?…` part for the hash; empty when there is nothing to keep.
    pub fn to_params(&self) -> String {
        let f = &self.filter;
        let mut parts = Vec::new();
        for (key, value) in [
            ("svc", &f.service),
            ("op", &f.operation),
            ("attr", &f.attribute),
            ("min", &f.min_duration),
            ("max", &f.max_duration),
            ("q", &f.text),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        if f.errors_only {
            parts.push(String::from("err=1"));
        }
        if self.sort != SortBy::default() {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if self.red {
            parts.push(String::from("view=red"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A fraction with at most 12 decimals (a few nanoseconds of an hour-long
/// trace) and no trailing zeros.
fn short(f: f64) -> String {
    let s = format!("{f:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        String::from("0")
    } else {
        s.to_string()
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes percent-encoding; invalid escapes are kept as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = PageState {
            span: Some(String::from("00f067aa0ba902b5")),
            zoom: Some((0.25, 0.5)),
            query: String::from("service=cart duration>5ms \"a&b\""),
            view: View::Flame,
            source: None,
        };
        let params = s.to_params();
        assert_eq!(
            params,
            "?view=flame&span=00f067aa0ba902b5&zoom=0.25,0.5&q=service%3Dcart%20duration%3E5ms%20%22a%26b%22"
        );
        assert_eq!(PageState::parse(params.trim_start_matches('?')), s);
        assert_eq!(PageState::default().to_params(), "");
    }

    #[test]
    fn the_backend_source_stays_in_the_address() {
        let s = PageState {
            span: Some(String::from("00f067aa0ba902b5")),
            source: Some(String::from("http://jaeger.local:16686/jaeger")),
            ..PageState::default()
        };
        let params = s.to_params();
        assert_eq!(
            params,
            "?source=http%3A%2F%2Fjaeger.local%3A16686%2Fjaeger&span=00f067aa0ba902b5"
        );
        assert_eq!(PageState::parse(params.trim_start_matches('?')), s);
        assert_eq!(PageState::parse("source=&view=flame").source, None);
    }

    #[test]
    fn list_round_trip() {
        let mut l = ListParams::default();
        l.filter.service = String::from("cart service");
        l.filter.min_duration = String::from("50ms");
        l.filter.errors_only = true;
        l.filter.attribute = String::from("http.status_code=500");
        l.sort = SortBy::Longest;
        l.red = true;
        let p = l.to_params();
        assert_eq!(
            p,
            "?svc=cart%20service&attr=http.status_code%3D500&min=50ms&err=1&sort=longest&view=red"
        );
        assert_eq!(ListParams::parse(p.trim_start_matches('?')), l);
        assert_eq!(ListParams::default().to_params(), "");
    }

    #[test]
    fn nonsense_is_ignored() {
        let s = PageState::parse("span=<script>&zoom=x,y&view=nope&q=%zz");
        assert_eq!(s.span, None);
        assert_eq!(s.zoom, None);
        assert_eq!(s.view, View::Timeline);
        assert_eq!(s.query, "%zz");
        assert_eq!(PageState::parse("zoom=0.9,0.1").zoom, Some((0.1, 0.9)));
    }
}
