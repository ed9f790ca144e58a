//! The trace page's state in the URL hash, so that a link restores what was
//! on screen: `#/trace/<id>?source=<backend>&span=<id>&zoom=<from>,<to>&q=<query>&view=<view>`.
//! Only ids, a zoom range, the backend's address and the user's own query go
//! in; never trace data.

use super::scale::clamp_zoom;
use crate::model::aggregate::structure::SortColumn as StructureSort;
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
    /// Repeated siblings folded into one row each (`group=1`).
    pub group: bool,
    /// Spans shorter than this hidden, as typed (`hide=1ms`).
    pub hide: String,
    /// Only this span's subtree (`focus=<span id>`).
    pub focus: Option<String>,
    /// Only the spans on the critical path (`crit=1`).
    pub critical_only: bool,
    /// The attribute shown after each row's name (`label=<key>`).
    pub label: String,
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
                "group" => state.group = value == "1",
                "hide" if crate::model::search::parse_duration(&value).is_some() => {
                    state.hide = value
                }
                "focus" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    state.focus = Some(value.to_ascii_lowercase());
                }
                "crit" => state.critical_only = value == "1",
                "label" => state.label = value,
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
        // A zoom that rounds to the whole trace is the whole trace (and
        // would read back as no zoom).
        if let Some((a, b)) = self.zoom.map(|(a, b)| (short(a), short(b))) {
            if (a.as_str(), b.as_str()) != ("0", "1") {
                parts.push(format!("zoom={a},{b}"));
            }
        }
        if !self.query.is_empty() {
            parts.push(format!("q={}", encode(&self.query)));
        }
        if self.group {
            parts.push(String::from("group=1"));
        }
        if !self.hide.is_empty() {
            parts.push(format!("hide={}", encode(&self.hide)));
        }
        if let Some(focus) = &self.focus {
            parts.push(format!("focus={focus}"));
        }
        if self.critical_only {
            parts.push(String::from("crit=1"));
        }
        if !self.label.is_empty() {
            parts.push(format!("label={}", encode(&self.label)));
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

/// Which view of the shown traces the list page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListView {
    /// The list itself: `#/`.
    #[default]
    Traces,
    /// RED per service and operation, and over time: `#/?view=red`.
    Red,
    /// What the slow (or failing) traces have in common: `#/why`.
    Why,
    /// The traces merged by path: `#/structure`.
    Structure,
    /// One service graph over the traces: `#/services`.
    Services,
}

impl ListView {
    /// Every view, in tab order.
    pub const ALL: [ListView; 5] = [
        ListView::Traces,
        ListView::Red,
        ListView::Why,
        ListView::Structure,
        ListView::Services,
    ];

    /// The hash's path for this view (`why` in `#/why?…`); empty for the
    /// views on `#/`.
    pub fn path(self) -> &'static str {
        match self {
            ListView::Traces | ListView::Red => "",
            ListView::Why => "why",
            ListView::Structure => "structure",
            ListView::Services => "services",
        }
    }

    /// Its tab's label.
    pub fn label(self) -> &'static str {
        match self {
            ListView::Traces => "Traces",
            ListView::Red => "RED",
            ListView::Why => "Why slow",
            ListView::Structure => "Structure",
            ListView::Services => "Services",
        }
    }

    /// The name in test hooks (`list-tab-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            ListView::Traces => "traces",
            ListView::Red => "red",
            ListView::Why => "why",
            ListView::Structure => "structure",
            ListView::Services => "services",
        }
    }
}

/// The trace list's state: its filter, its order, which view of the shown
/// traces is open and that view's own settings:
/// `#/why?svc=cart&op=GET&attr=k%3Dv&min=50ms&max=2s&err=1&q=text&sort=longest&slow=250000`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListParams {
    /// What the list is narrowed to.
    pub filter: TraceFilter,
    /// Its order.
    pub sort: SortBy,
    /// The view open.
    pub view: ListView,
    /// Why view: the threshold of the selection in µs (`None`: the p90).
    pub slow_us: Option<u64>,
    /// Why view: the selection is the traces with errors.
    pub why_errors: bool,
    /// Structure view: the column sorted by.
    pub structure_by: StructureSort,
}

impl ListParams {
    /// Reads a whole hash such as `#/why?slow=250000`.
    pub fn from_hash(hash: &str) -> ListParams {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (path, params) = path.split_once('?').unwrap_or((path, ""));
        let mut out = ListParams::parse(params);
        let path = path.trim_end_matches('/');
        if let Some(view) = ListView::ALL
            .into_iter()
            .find(|v| !v.path().is_empty() && v.path() == path)
        {
            out.view = view;
        }
        out
    }

    /// The whole hash for this state.
    pub fn to_hash(&self) -> String {
        format!("#/{}{}", self.view.path(), self.to_params())
    }

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
                "has" => f.has = value,
                "call" => f.call = value,
                "path" => f.path = value,
                "window" => f.window = value,
                "sort" => out.sort = SortBy::from_name(&value).unwrap_or_default(),
                "view" if value == "red" => out.view = ListView::Red,
                "slow" => out.slow_us = value.trim().parse().ok(),
                "select" => out.why_errors = value == "errors",
                "by" => out.structure_by = StructureSort::from_name(&value).unwrap_or_default(),
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
            ("has", &f.has),
            ("call", &f.call),
            ("path", &f.path),
            ("window", &f.window),
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
        if self.view == ListView::Red {
            parts.push(String::from("view=red"));
        }
        if self.view == ListView::Why {
            if self.why_errors {
                parts.push(String::from("select=errors"));
            } else if let Some(us) = self.slow_us {
                parts.push(format!("slow={us}"));
            }
        }
        if self.view == ListView::Structure && self.structure_by != StructureSort::default() {
            parts.push(format!("by={}", self.structure_by.as_str()));
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
    percent_encode(text, |b| matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// Percent-encodes as JavaScript's `encodeURIComponent` does: everything
/// but letters, digits and `- _ . ! ~ * ' ( )`, as UTF-8 bytes.
pub fn encode_uri_component(text: &str) -> String {
    percent_encode(text, |b| {
        matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
    })
}

/// Percent-encodes every byte of `text` but ASCII letters, digits and the
/// punctuation `keep` says yes to.
fn percent_encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep(b) {
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
            group: true,
            hide: String::from("1ms"),
            focus: Some(String::from("00f067aa0ba902b6")),
            critical_only: true,
            label: String::from("db.system"),
        };
        let params = s.to_params();
        assert_eq!(
            params,
            "?view=flame&span=00f067aa0ba902b5&zoom=0.25,0.5&q=service%3Dcart%20duration%3E5ms%20%22a%26b%22&group=1&hide=1ms&focus=00f067aa0ba902b6&crit=1&label=db.system"
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
        l.view = ListView::Red;
        let p = l.to_params();
        assert_eq!(
            p,
            "?svc=cart%20service&attr=http.status_code%3D500&min=50ms&err=1&sort=longest&view=red"
        );
        assert_eq!(ListParams::parse(p.trim_start_matches('?')), l);
        assert_eq!(ListParams::default().to_params(), "");
    }

    #[test]
    fn each_view_of_many_traces_reads_back_from_its_hash() {
        let mut why = ListParams {
            view: ListView::Why,
            slow_us: Some(250_000),
            ..ListParams::default()
        };
        why.filter.has = String::from("feature.flag=new cart");
        why.filter.call = String::from("frontend → cart");
        why.filter.path = String::from("api: GET / db: SELECT");
        why.filter.window = String::from("1000000-2000000");
        assert!(why.to_hash().starts_with("#/why?"), "{}", why.to_hash());
        assert!(why.to_hash().ends_with("&slow=250000"), "{}", why.to_hash());
        let errors = ListParams {
            view: ListView::Why,
            why_errors: true,
            ..ListParams::default()
        };
        assert_eq!(errors.to_hash(), "#/why?select=errors");
        let structure = ListParams {
            view: ListView::Structure,
            structure_by: StructureSort::P90,
            ..ListParams::default()
        };
        assert_eq!(structure.to_hash(), "#/structure?by=p90");
        let services = ListParams {
            view: ListView::Services,
            ..ListParams::default()
        };
        assert_eq!(services.to_hash(), "#/services");
        for l in [why, errors, structure, services, ListParams::default()] {
            assert_eq!(ListParams::from_hash(&l.to_hash()), l);
        }
        // A view's own setting is not kept for another view.
        let list = ListParams::from_hash("#/?slow=5&by=p90");
        assert_eq!(list.to_hash(), "#/");
    }

    #[test]
    fn nonsense_is_ignored() {
        let s = PageState::parse("span=<script>&zoom=x,y&view=nope&q=%zz");
        assert_eq!(s.span, None);
        assert_eq!(s.zoom, None);
        assert_eq!(s.view, View::Timeline);
        assert_eq!(s.query, "%zz");
        assert_eq!(PageState::parse("zoom=0.9,0.1").zoom, Some((0.1, 0.9)));
        // Nearly the whole trace, past the written digits: written as none.
        let nearly = PageState {
            zoom: Some((1e-14, 1.0 - 1e-14)),
            ..PageState::default()
        };
        assert_eq!(nearly.to_params(), "");
    }

    #[test]
    fn encode_uri_component_keeps_what_javascript_keeps() {
        // encodeURIComponent("a b/c?d=e&f!~*'()-_.é$") in a browser:
        assert_eq!(
            encode_uri_component("a b/c?d=e&f!~*'()-_.é$"),
            "a%20b%2Fc%3Fd%3De%26f!~*'()-_.%C3%A9%24"
        );
        assert_eq!(encode("!*'()"), "%21%2A%27%28%29");
        assert_eq!(decode(&encode_uri_component("x y!é")), "x y!é");
    }
}
