//! Searching a Jaeger or Tempo server from the *Backend…* panel. Plain Rust:
//! the addresses to ask and the pages of results. The answers are read by
//! [`super::backend_answers`]; the login is [`super::backend_login`]'s.
//!
//! ```text
//! Jaeger  GET <base>/api/services                      {"data":["api",…]}
//!         GET <base>/api/services/<service>/operations {"data":["GET /",…]}
//!         GET <base>/api/traces?service=&operation=&tags={json}&minDuration=&maxDuration=
//!                              &start=<µs>&end=<µs>&limit=   {"data":[whole traces]}
//! Tempo   GET <base>/api/search/tags                   {"tagNames":[…]}
//!         GET <base>/api/v2/search/tag/<tag>/values    {"tagValues":[{"type","value"}]}
//!         GET <base>/api/search?q=<TraceQL>&start=<s>&end=<s>&limit=
//!                              {"traces":[{"traceID","rootServiceName",…}]}
//! ```
//!
//! Results are summaries ([`Found`]); a trace is fetched whole (by
//! [`super::backend`]) when it is opened or ticked. "Older results" asks
//! again with the end of the window moved to the oldest result's start.

use super::address;
use super::backend_answers::{jaeger_found, newest_first, tempo_found, Found};
use super::url_state::encode;
use crate::model::search::parse_duration;

/// The most results one search may ask for (Jaeger UI's own maximum).
pub const MAX_LIMIT: u32 = 1500;

/// Which API a backend speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackendKind {
    /// Jaeger's query service (`/api/services`, `/api/traces?…`).
    #[default]
    Jaeger,
    /// Grafana Tempo's HTTP API (`/api/search?q=<TraceQL>`).
    Tempo,
}

impl BackendKind {
    /// Both, in the order the panel offers them.
    pub const ALL: [BackendKind; 2] = [BackendKind::Jaeger, BackendKind::Tempo];

    /// A guess from the address: Tempo's port (3200) or a host holding
    /// "tempo" is Tempo, anything else Jaeger.
    pub fn guess(base: &str) -> BackendKind {
        let lower = base.to_ascii_lowercase();
        let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
        let host = rest.split('/').next().unwrap_or("");
        if host.ends_with(":3200") || host.contains("tempo") {
            BackendKind::Tempo
        } else {
            BackendKind::Jaeger
        }
    }

    /// Its name, as the panel shows it.
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::Jaeger => "Jaeger",
            BackendKind::Tempo => "Tempo",
        }
    }
}

/// How far back a search looks, as Jaeger UI offers it: label and seconds.
pub const LOOKBACKS: [(&str, u64); 9] = [
    ("Last 5 minutes", 300),
    ("Last 15 minutes", 900),
    ("Last hour", 3_600),
    ("Last 2 hours", 7_200),
    ("Last 6 hours", 21_600),
    ("Last 12 hours", 43_200),
    ("Last day", 86_400),
    ("Last 2 days", 172_800),
    ("Last week", 604_800),
];

/// The window a search covers, in Unix microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Its start.
    pub start_us: u64,
    /// Its end (moved back to page through older results).
    pub end_us: u64,
}

impl Window {
    /// The `lookback_secs` before `now_us`.
    pub fn last(lookback_secs: u64, now_us: u64) -> Window {
        Window {
            start_us: now_us.saturating_sub(lookback_secs.saturating_mul(1_000_000)),
            end_us: now_us,
        }
    }
}

/// A Jaeger search as typed in the panel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JaegerSearch {
    /// The service (required by Jaeger).
    pub service: String,
    /// The operation; empty for all.
    pub operation: String,
    /// Tags as Jaeger UI takes them: `key=value` pairs separated by spaces.
    pub tags: String,
    /// The shortest duration, e.g. `100ms`; empty for none.
    pub min_duration: String,
    /// The longest duration; empty for none.
    pub max_duration: String,
    /// How many traces to ask for.
    pub limit: u32,
}

impl JaegerSearch {
    /// The address of this search over `window`, or what is wrong with it.
    pub fn url(&self, base: &str, window: Window) -> Result<String, String> {
        let service = self.service.trim();
        if service.is_empty() {
            return Err(String::from(
                "choose a service: Jaeger searches one service at a time",
            ));
        }
        let mut url = format!(
            "{}/api/traces?service={}",
            base.trim_end_matches('/'),
            encode(service)
        );
        let operation = self.operation.trim();
        if !operation.is_empty() {
            url.push_str(&format!("&operation={}", encode(operation)));
        }
        if let Some(tags) = jaeger_tags(&self.tags)? {
            url.push_str(&format!("&tags={}", encode(&tags)));
        }
        for (name, typed) in [
            ("minDuration", &self.min_duration),
            ("maxDuration", &self.max_duration),
        ] {
            if let Some(go) = go_duration(typed)? {
                url.push_str(&format!("&{name}={go}"));
            }
        }
        url.push_str(&format!(
            "&start={}&end={}&limit={}",
            window.start_us,
            window.end_us,
            check_limit(self.limit)?
        ));
        Ok(url)
    }

    /// The search in words, for the results' heading.
    pub fn describe(&self) -> String {
        let mut parts = vec![self.service.trim().to_string()];
        for (label, value) in [
            ("operation", &self.operation),
            ("tags", &self.tags),
            ("min", &self.min_duration),
            ("max", &self.max_duration),
        ] {
            if !value.trim().is_empty() {
                parts.push(format!("{label} {}", value.trim()));
            }
        }
        parts.join(", ")
    }
}

/// A Tempo search as typed in the panel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TempoSearch {
    /// The TraceQL query; empty means every trace (`{}`).
    pub query: String,
    /// How many traces to ask for.
    pub limit: u32,
}

impl TempoSearch {
    /// The address of this search over `window` (Tempo takes seconds), or
    /// what is wrong with it.
    pub fn url(&self, base: &str, window: Window) -> Result<String, String> {
        let query = self.query_text();
        if query.chars().count() > 4_000 {
            return Err(String::from(
                "the TraceQL query is longer than 4000 characters",
            ));
        }
        Ok(format!(
            "{}/api/search?q={}&start={}&end={}&limit={}",
            base.trim_end_matches('/'),
            encode(&query),
            window.start_us / 1_000_000,
            window.end_us.div_ceil(1_000_000),
            check_limit(self.limit)?
        ))
    }

    /// The query sent: `{}` when none was typed.
    pub fn query_text(&self) -> String {
        match self.query.trim() {
            "" => String::from("{}"),
            q => q.to_string(),
        }
    }
}

fn check_limit(limit: u32) -> Result<u32, String> {
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(format!("the limit is 1 to {MAX_LIMIT} traces"))
    }
}

/// A duration as typed (`100ms`, `1.5s`, `250us`, a number of milliseconds)
/// as Go writes it, which Jaeger reads; `None` when empty.
fn go_duration(typed: &str) -> Result<Option<String>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let nanos = parse_duration(typed).ok_or_else(|| {
        format!(
            "\"{}\" is not a duration: write e.g. 100ms, 1.5s or 250us",
            address::quote(typed)
        )
    })?;
    let go = if nanos % 1_000_000_000 == 0 {
        format!("{}s", nanos / 1_000_000_000)
    } else if nanos % 1_000_000 == 0 {
        format!("{}ms", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!("{}us", nanos / 1_000)
    } else {
        format!("{nanos}ns")
    };
    Ok(Some(go))
}

/// Tags as Jaeger UI takes them (`error=true http.status_code=500
/// "k"="a value"`, logfmt) as the JSON object Jaeger's API reads; `None`
/// when none are typed.
pub fn jaeger_tags(typed: &str) -> Result<Option<String>, String> {
    let mut tags = serde_json::Map::new();
    for pair in logfmt_words(typed)? {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!(
                "\"{}\" is not a tag: write key=value (a value with spaces in double quotes)",
                address::quote(&pair)
            ));
        };
        if key.is_empty() {
            return Err(format!("\"{}\" has no key", address::quote(&pair)));
        }
        tags.insert(
            key.to_string(),
            serde_json::Value::String(value.to_string()),
        );
    }
    if tags.is_empty() {
        return Ok(None);
    }
    Ok(Some(serde_json::Value::Object(tags).to_string()))
}

/// Splits on spaces outside double quotes, the quotes removed.
fn logfmt_words(typed: &str) -> Result<Vec<String>, String> {
    let (mut words, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for c in typed.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if quoted {
        return Err(String::from("a double quote in the tags is not closed"));
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

/// Jaeger's list of services.
pub fn services_url(base: &str) -> String {
    format!("{}/api/services", base.trim_end_matches('/'))
}

/// Jaeger's list of `service`'s operations.
pub fn operations_url(base: &str, service: &str) -> String {
    format!(
        "{}/api/services/{}/operations",
        base.trim_end_matches('/'),
        encode(service)
    )
}

/// Tempo's list of tag names.
pub fn tags_url(base: &str) -> String {
    format!("{}/api/search/tags", base.trim_end_matches('/'))
}

/// Tempo's values of `tag` (a name from [`tags_url`], asked unscoped:
/// `.http.method`).
pub fn tag_values_url(base: &str, tag: &str) -> String {
    format!(
        "{}/api/v2/search/tag/{}/values",
        base.trim_end_matches('/'),
        encode(&traceql_attribute(tag))
    )
}

/// `tag` as TraceQL names an attribute: unscoped (`.tag`) unless it has
/// its scope or is one of TraceQL's own fields.
fn traceql_attribute(tag: &str) -> String {
    const OWN: [&str; 6] = [
        "name",
        "status",
        "kind",
        "duration",
        "rootName",
        "rootServiceName",
    ];
    let scoped = ["span.", "resource.", "."]
        .iter()
        .any(|s| tag.starts_with(s));
    if scoped || OWN.contains(&tag) {
        tag.to_string()
    } else {
        format!(".{tag}")
    }
}

/// The query with `tag = value` added to its conditions (Tempo's tag and
/// value pickers): `{}` or nothing becomes `{ .tag = "value" }`; one
/// spanset `{ … }` gets `&& .tag = "value"` inside; anything else gets
/// `&& { .tag = "value" }`.
pub fn add_condition(query: &str, tag: &str, value: &str) -> String {
    let condition = format!(
        "{} = {}",
        traceql_attribute(tag),
        serde_json::Value::String(value.to_string())
    );
    let query = query.trim();
    let inner = query
        .strip_prefix('{')
        .and_then(|q| q.strip_suffix('}'))
        .filter(|q| !q.contains(['{', '}']));
    match inner.map(str::trim) {
        None if query.is_empty() => format!("{{ {condition} }}"),
        Some("") => format!("{{ {condition} }}"),
        Some(inner) => format!("{{ {inner} && {condition} }}"),
        None => format!("{query} && {{ {condition} }}"),
    }
}

/// A search of either backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// A Jaeger search.
    Jaeger(JaegerSearch),
    /// A Tempo search.
    Tempo(TempoSearch),
}

impl Query {
    /// The backend's API.
    pub fn kind(&self) -> BackendKind {
        match self {
            Query::Jaeger(_) => BackendKind::Jaeger,
            Query::Tempo(_) => BackendKind::Tempo,
        }
    }

    /// The address of this search over `window`, or what is wrong with it.
    pub fn url(&self, base: &str, window: Window) -> Result<String, String> {
        match self {
            Query::Jaeger(q) => q.url(base, window),
            Query::Tempo(q) => q.url(base, window),
        }
    }

    /// How many traces one page asks for.
    pub fn limit(&self) -> u32 {
        match self {
            Query::Jaeger(q) => q.limit,
            Query::Tempo(q) => q.limit,
        }
    }

    /// The search in words.
    pub fn describe(&self) -> String {
        match self {
            Query::Jaeger(q) => q.describe(),
            Query::Tempo(q) => q.query_text(),
        }
    }

    /// Reads this backend's answer into summaries.
    pub fn read(&self, bytes: &[u8]) -> Result<Vec<Found>, String> {
        match self {
            Query::Jaeger(_) => jaeger_found(bytes),
            Query::Tempo(_) => tempo_found(bytes),
        }
    }
}

/// Results of one search, with the pages of older results asked since.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundSet {
    /// The search.
    pub query: Query,
    /// The backend's base address.
    pub base: String,
    /// The search's window; its end moves back with each older page.
    pub window: Window,
    /// The traces found, newest first, each once.
    pub results: Vec<Found>,
    /// The last page was full: older results may follow.
    pub more: bool,
}

impl FoundSet {
    /// A search's first page (`limit` asked for).
    pub fn first(query: Query, base: &str, window: Window, page: Vec<Found>) -> FoundSet {
        let mut set = FoundSet {
            query,
            base: base.to_string(),
            window,
            results: Vec::new(),
            more: false,
        };
        set.add_page(page);
        set
    }

    /// Adds a page of results; how many were new. A page with nothing new,
    /// or fewer than the limit, ends the paging.
    pub fn add_page(&mut self, page: Vec<Found>) -> usize {
        let full = page.len() >= self.query.limit() as usize;
        let before = self.results.len();
        for f in page {
            if !self.results.iter().any(|r| r.trace_hex == f.trace_hex) {
                self.results.push(f);
            }
        }
        newest_first(&mut self.results);
        let added = self.results.len() - before;
        self.more = full && added > 0;
        added
    }

    /// The window of the next page of older results: up to the oldest
    /// start found (that trace comes again and is dropped as a repeat).
    pub fn older(&self) -> Option<Window> {
        let oldest_us = self
            .results
            .iter()
            .map(|f| f.start_unix_nanos / 1_000)
            .min()?;
        (self.more && oldest_us > self.window.start_us).then_some(Window {
            start_us: self.window.start_us,
            end_us: oldest_us,
        })
    }
}
