//! Searching a Jaeger or Tempo server from the *Backend…* panel. Plain Rust:
//! the addresses to ask, the answers read into summaries, paging, the
//! optional `Authorization` header, and what went wrong in words.
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

use serde::Deserialize;

use super::address;
use super::backend::trace_id;
use super::url_state::encode;
use crate::model::search::parse_duration;
use crate::model::text;

/// The session-storage key of the `Authorization` header and the origin it
/// is for (`<origin>\n<header>`).
pub const AUTH_KEY: &str = "trace-viewer-backend-auth";

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

/// A trace a search found, before it is fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Its id, 32 lowercase hex digits.
    pub trace_hex: String,
    /// Its root span as "service: operation", as far as the backend knows.
    pub root: String,
    /// When it started (Unix nanoseconds).
    pub start_unix_nanos: u64,
    /// How long it took, when the backend says.
    pub duration_nanos: Option<u64>,
    /// Its spans, when the backend says.
    pub span_count: Option<u64>,
    /// Its services, when the backend says.
    pub service_count: Option<u64>,
    /// Its spans with an error, when the backend says.
    pub error_count: Option<u64>,
}

/// Reads Jaeger's search answer (whole traces, `{"data":[…]}`) into
/// summaries, newest first.
pub fn jaeger_found(bytes: &[u8]) -> Result<Vec<Found>, String> {
    if let Some(message) = jaeger_errors(bytes) {
        return Err(message);
    }
    if empty_jaeger_data(bytes) {
        return Ok(Vec::new());
    }
    let loaded = crate::model::load(bytes).map_err(|e| e.to_string())?;
    let mut found: Vec<Found> = loaded
        .traces
        .iter()
        .map(|t| Found {
            trace_hex: t.id.to_hex(),
            root: t.name(),
            start_unix_nanos: t.start_unix_nanos,
            duration_nanos: Some(t.duration_nanos()),
            span_count: Some(t.spans.len() as u64),
            service_count: Some(t.services.len() as u64),
            error_count: Some(u64::from(t.error_count)),
        })
        .collect();
    newest_first(&mut found);
    Ok(found)
}

/// `{"data":null}` or `{"data":[]}`: Jaeger found nothing.
fn empty_jaeger_data(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(borrow)]
        data: Option<&'a serde_json::value::RawValue>,
    }
    let Ok(head) = serde_json::from_slice::<Head>(bytes) else {
        return false;
    };
    head.data
        .is_none_or(|d| matches!(d.get().trim(), "null" | "[]"))
}

/// The `errors` of a Jaeger answer, in words, if it has any.
fn jaeger_errors(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        errors: Option<Vec<JaegerError>>,
    }
    #[derive(Deserialize)]
    struct JaegerError {
        #[serde(default)]
        msg: String,
    }
    let answer: Answer = serde_json::from_slice(bytes).ok()?;
    let messages: Vec<String> = answer
        .errors?
        .into_iter()
        .map(|e| e.msg)
        .filter(|m| !m.is_empty())
        .collect();
    (!messages.is_empty()).then(|| format!("Jaeger says: {}", messages.join("; ")))
}

/// Reads Tempo's search answer into summaries, newest first.
pub fn tempo_found(bytes: &[u8]) -> Result<Vec<Found>, String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        traces: Vec<TempoTrace>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct TempoTrace {
        #[serde(rename = "traceID")]
        trace_id: String,
        #[serde(default)]
        root_service_name: String,
        #[serde(default)]
        root_trace_name: String,
        #[serde(default)]
        start_time_unix_nano: Option<NumberText>,
        #[serde(default)]
        duration_ms: Option<u64>,
        #[serde(default)]
        service_stats: Option<std::collections::BTreeMap<String, ServiceStats>>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ServiceStats {
        #[serde(default)]
        span_count: u64,
        #[serde(default)]
        error_count: u64,
    }
    let answer: Answer = serde_json::from_slice(bytes)
        .map_err(|e| format!("Tempo's search answer could not be read: {e}"))?;
    let mut found = Vec::with_capacity(answer.traces.len());
    for t in answer.traces {
        let id = trace_id(&t.trace_id)?;
        let stats = t.service_stats.unwrap_or_default();
        let root = match (t.root_service_name.as_str(), t.root_trace_name.as_str()) {
            ("", "") => String::from("(root not yet received)"),
            (service, "") => service.to_string(),
            (service, name) => format!("{service}: {name}"),
        };
        found.push(Found {
            trace_hex: id.to_hex(),
            root,
            start_unix_nanos: t.start_time_unix_nano.map_or(0, |n| n.0),
            // Tempo leaves out a duration under 1 ms (protobuf's zero).
            duration_nanos: Some(t.duration_ms.unwrap_or(0).saturating_mul(1_000_000)),
            span_count: (!stats.is_empty()).then(|| stats.values().map(|s| s.span_count).sum()),
            service_count: (!stats.is_empty()).then_some(stats.len() as u64),
            error_count: (!stats.is_empty()).then(|| stats.values().map(|s| s.error_count).sum()),
        });
    }
    newest_first(&mut found);
    Ok(found)
}

/// A protobuf 64-bit number, which JSON writes as a string (or a number).
struct NumberText(u64);

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NumberText, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(NumberText(n)),
            Either::Text(t) => t
                .trim()
                .parse()
                .map(NumberText)
                .map_err(|_| serde::de::Error::custom(format!("\"{t}\" is not a number"))),
        }
    }
}

fn newest_first(found: &mut [Found]) {
    found.sort_by(|a, b| {
        b.start_unix_nanos
            .cmp(&a.start_unix_nanos)
            .then_with(|| a.trace_hex.cmp(&b.trace_hex))
    });
}

/// The names in a list answer: Jaeger's `{"data":[…]}` (services,
/// operations), Tempo's `{"tagNames":[…]}` or `{"tagValues":[…]}` (plain
/// names, or v2's `{"type","value"}`), sorted, without repeats.
pub fn names(bytes: &[u8]) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        #[serde(default)]
        data: Option<Vec<Name>>,
        #[serde(default)]
        tag_names: Option<Vec<Name>>,
        #[serde(default)]
        tag_values: Option<Vec<Name>>,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Name {
        Text(String),
        Typed { value: String },
        Operation { name: String },
    }
    if let Some(message) = jaeger_errors(bytes) {
        return Err(message);
    }
    let answer: Answer =
        serde_json::from_slice(bytes).map_err(|e| format!("the list could not be read: {e}"))?;
    let mut out: Vec<String> = [answer.data, answer.tag_names, answer.tag_values]
        .into_iter()
        .flatten()
        .flatten()
        .map(|n| match n {
            Name::Text(t) | Name::Typed { value: t } | Name::Operation { name: t } => t,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
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

/// How a request to the backend is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthKind {
    /// No `Authorization` header.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <user:password in base64>`.
    Basic,
}

impl AuthKind {
    /// All, in the order the panel offers them.
    pub const ALL: [AuthKind; 3] = [AuthKind::None, AuthKind::Bearer, AuthKind::Basic];

    /// Its name in the panel.
    pub fn label(self) -> &'static str {
        match self {
            AuthKind::None => "No login",
            AuthKind::Bearer => "Bearer token",
            AuthKind::Basic => "User and password",
        }
    }

    /// Its short name (the `<option>` value).
    pub fn name(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Bearer => "bearer",
            AuthKind::Basic => "basic",
        }
    }

    /// The kind a [`AuthKind::name`] names.
    pub fn from_name(name: &str) -> AuthKind {
        AuthKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or_default()
    }
}

/// The `Authorization` header's value as typed: `None` for no login.
/// `secret` is the token (bearer) or the password (basic).
pub fn auth_header(kind: AuthKind, user: &str, secret: &str) -> Result<Option<String>, String> {
    let clean = |text: &str, what: &str| {
        if text.chars().any(char::is_control) {
            Err(format!(
                "the {what} holds a line break or another control character"
            ))
        } else {
            Ok(())
        }
    };
    match kind {
        AuthKind::None => Ok(None),
        AuthKind::Bearer => {
            let token = secret.trim();
            let token = token
                .strip_prefix("Bearer ")
                .or_else(|| token.strip_prefix("bearer "))
                .unwrap_or(token)
                .trim();
            clean(token, "token")?;
            if token.is_empty() {
                return Err(String::from(
                    "no token: paste the bearer token, or choose No login",
                ));
            }
            Ok(Some(format!("Bearer {token}")))
        }
        AuthKind::Basic => {
            clean(user, "user name")?;
            clean(secret, "password")?;
            if user.is_empty() || user.contains(':') {
                return Err(String::from(
                    "the user name is empty or holds a colon, which basic login cannot send",
                ));
            }
            Ok(Some(format!(
                "Basic {}",
                base64(format!("{user}:{secret}").as_bytes())
            )))
        }
    }
}

/// Standard base64, with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What session storage keeps: the header and the one origin it is for.
pub fn stored_auth(origin: &str, header: &str) -> String {
    format!("{origin}\n{header}")
}

/// The header kept for `origin`, if the one kept is for it.
pub fn auth_for(stored: &str, origin: &str) -> Option<String> {
    let (for_origin, header) = stored.split_once('\n')?;
    (for_origin == origin && !origin.is_empty() && origin != "null").then(|| header.to_string())
}

/// The origin the kept header is for.
pub fn auth_origin(stored: &str) -> Option<&str> {
    stored.split_once('\n').map(|(origin, _)| origin)
}

/// What the server said about a failed request, from its answer's body:
/// Jaeger's `errors[].msg`, else the first line of a text answer (Tempo's
/// TraceQL errors come so); nothing for an HTML page.
pub fn server_said(body: &str) -> Option<String> {
    if let Some(message) = jaeger_errors(body.as_bytes()) {
        return Some(message);
    }
    let text = body.trim();
    if text.is_empty() || text.starts_with('<') || text.starts_with('{') {
        return None;
    }
    Some(text::clip(text.lines().next().unwrap_or(text), 300))
}

/// A search request answered with an error status, in words. `signed` is
/// whether an `Authorization` header was sent.
pub fn failed(
    url: &str,
    status: u16,
    status_text: &str,
    said: Option<&str>,
    signed: bool,
) -> String {
    let answered = address::bad_status(status, status_text);
    let said = said.map_or(String::new(), |s| format!(" {s}."));
    let hint = match (status, signed) {
        (401 | 403, false) => {
            " The backend wants a login: under Login, choose Bearer token or User and password \
             and search again. It is kept for this tab only and sent only to this backend."
        }
        (401 | 403, true) => {
            " The backend refused the login sent: check the token (or user and password) \
             under Login, and that it may read traces."
        }
        (400, _) => " Check the search's fields.",
        (500..=599, _) => " The backend had a problem; try again, or look at its log.",
        _ => "",
    };
    format!("{answered} for {}.{said}{hint}", address::quote(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Window = Window {
        start_us: 1_700_000_000_000_000,
        end_us: 1_700_003_600_000_000,
    };

    #[test]
    fn a_jaeger_search_names_every_field_as_jaegers_api_reads_it() {
        let search = JaegerSearch {
            service: String::from("front end"),
            operation: String::from("GET /cart"),
            tags: String::from("error=true \"http.url\"=\"/a b\""),
            min_duration: String::from("1.5s"),
            max_duration: String::from("250us"),
            limit: 20,
        };
        let url = search.url("http://j:16686/", WINDOW).expect("valid");
        assert_eq!(
            url,
            "http://j:16686/api/traces?service=front%20end&operation=GET%20%2Fcart\
             &tags=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22%2Fa%20b%22%7D\
             &minDuration=1500ms&maxDuration=250us\
             &start=1700000000000000&end=1700003600000000&limit=20"
        );
        assert_eq!(
            search.describe(),
            "front end, operation GET /cart, tags error=true \"http.url\"=\"/a b\", min 1.5s, max 250us"
        );
    }

    #[test]
    fn a_jaeger_search_says_what_is_missing_or_wrong() {
        let mut search = JaegerSearch {
            limit: 20,
            ..JaegerSearch::default()
        };
        assert!(search
            .url("http://j", WINDOW)
            .unwrap_err()
            .contains("choose a service"));
        search.service = String::from("api");
        search.min_duration = String::from("fast");
        assert!(search
            .url("http://j", WINDOW)
            .unwrap_err()
            .contains("\"fast\" is not a duration"));
        search.min_duration.clear();
        search.tags = String::from("error");
        assert!(search
            .url("http://j", WINDOW)
            .unwrap_err()
            .contains("\"error\" is not a tag"));
        search.tags = String::from("a=\"b");
        assert!(search
            .url("http://j", WINDOW)
            .unwrap_err()
            .contains("not closed"));
        search.tags.clear();
        search.limit = 0;
        assert!(search
            .url("http://j", WINDOW)
            .unwrap_err()
            .contains("1 to 1500"));
        search.limit = 1;
        assert!(search.url("http://j", WINDOW).is_ok());
    }

    #[test]
    fn a_tempo_search_sends_traceql_and_whole_seconds_around_the_window() {
        let search = TempoSearch {
            query: String::from("{ .http.status_code >= 500 }"),
            limit: 50,
        };
        let window = Window {
            start_us: 1_700_000_000_400_000,
            end_us: 1_700_000_100_400_000,
        };
        assert_eq!(
            search.url("http://t:3200", window).expect("valid"),
            "http://t:3200/api/search?q=%7B%20.http.status_code%20%3E%3D%20500%20%7D\
             &start=1700000000&end=1700000101&limit=50"
        );
        let every = TempoSearch {
            query: String::new(),
            limit: 20,
        };
        assert!(every
            .url("http://t", window)
            .expect("valid")
            .contains("q=%7B%7D&"));
    }

    #[test]
    fn tempo_tag_pickers_write_traceql() {
        assert_eq!(
            add_condition("", "http.method", "GET"),
            "{ .http.method = \"GET\" }"
        );
        assert_eq!(
            add_condition("{}", "service.name", "a\"b"),
            "{ .service.name = \"a\\\"b\" }"
        );
        assert_eq!(
            add_condition("{ .a = 1 }", "name", "x"),
            "{ .a = 1 && name = \"x\" }"
        );
        assert_eq!(
            add_condition("{ .a = 1 } >> { .b = 2 }", "resource.x", "y"),
            "{ .a = 1 } >> { .b = 2 } && { resource.x = \"y\" }"
        );
        assert_eq!(
            tag_values_url("http://t/", "service.name"),
            "http://t/api/v2/search/tag/.service.name/values"
        );
        assert_eq!(
            operations_url("http://j", "a/b"),
            "http://j/api/services/a%2Fb/operations"
        );
    }

    #[test]
    fn tempos_answer_is_read_with_what_it_leaves_out() {
        // As Tempo's /api/search answers (tempopb.SearchResponse in JSON):
        // ids without leading zeros, 64-bit numbers as text, a duration
        // under 1 ms left out, serviceStats only on newer versions.
        let answer = br#"{"traces":[
            {"traceID":"2f3e0cee77ae5dc9c17ade3689eb2e54","rootServiceName":"shop-backend",
             "rootTraceName":"update-billing","startTimeUnixNano":"1684778327699392724",
             "durationMs":557,"spanSets":[{"spans":[],"matched":1}],
             "serviceStats":{"shop-backend":{"spanCount":3,"errorCount":1},"db":{"spanCount":2}}},
            {"traceID":"abc","rootServiceName":"<root span not yet received>",
             "startTimeUnixNano":"1684778327000000000"}
        ],"metrics":{"inspectedBytes":"12","completedJobs":1,"totalJobs":1}}"#;
        let found = tempo_found(answer).expect("reads");
        assert_eq!(found.len(), 2);
        let first = &found[0];
        assert_eq!(first.trace_hex, "2f3e0cee77ae5dc9c17ade3689eb2e54");
        assert_eq!(first.root, "shop-backend: update-billing");
        assert_eq!(first.start_unix_nanos, 1_684_778_327_699_392_724);
        assert_eq!(first.duration_nanos, Some(557_000_000));
        assert_eq!(
            (first.span_count, first.service_count, first.error_count),
            (Some(5), Some(2), Some(1))
        );
        let second = &found[1];
        assert_eq!(second.trace_hex, "00000000000000000000000000000abc");
        assert_eq!(second.root, "<root span not yet received>");
        assert_eq!((second.duration_nanos, second.span_count), (Some(0), None));
        assert_eq!(
            tempo_found(br#"{"traces":[],"metrics":{}}"#),
            Ok(Vec::new())
        );
        assert_eq!(tempo_found(br#"{"metrics":{}}"#), Ok(Vec::new()));
        assert!(tempo_found(br#"{"traces":[{"traceID":"xyz"}]}"#).is_err());
    }

    #[test]
    fn jaegers_answer_is_read_into_summaries_and_its_errors_into_words() {
        let answer = br#"{"data":[{"traceID":"00000000000000aa","spans":[
            {"traceID":"00000000000000aa","spanID":"0000000000000001","operationName":"GET /",
             "references":[],"startTime":1700000000000000,"duration":5000,"processID":"p1",
             "tags":[{"key":"error","type":"bool","value":true}]},
            {"traceID":"00000000000000aa","spanID":"0000000000000002","operationName":"SELECT",
             "references":[{"refType":"CHILD_OF","traceID":"00000000000000aa","spanID":"0000000000000001"}],
             "startTime":1700000000001000,"duration":1000,"processID":"p2","tags":[]}],
            "processes":{"p1":{"serviceName":"api","tags":[]},"p2":{"serviceName":"db","tags":[]}}}],
            "total":0,"limit":0,"offset":0,"errors":null}"#;
        let found = jaeger_found(answer).expect("reads");
        assert_eq!(
            found,
            vec![Found {
                trace_hex: String::from("000000000000000000000000000000aa"),
                root: String::from("api: GET /"),
                start_unix_nanos: 1_700_000_000_000_000_000,
                duration_nanos: Some(5_000_000),
                span_count: Some(2),
                service_count: Some(2),
                error_count: Some(1),
            }]
        );
        for empty in [
            &br#"{"data":null,"total":0}"#[..],
            br#"{"data":[],"errors":null}"#,
        ] {
            assert_eq!(jaeger_found(empty), Ok(Vec::new()));
        }
        let refused = br#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"parameter 'service' is required"}]}"#;
        assert_eq!(
            jaeger_found(refused),
            Err(String::from("Jaeger says: parameter 'service' is required"))
        );
        assert_eq!(
            server_said(std::str::from_utf8(refused).expect("utf-8")).as_deref(),
            Some("Jaeger says: parameter 'service' is required")
        );
        assert_eq!(
            server_said("invalid TraceQL query: parse error at line 1, col 3: syntax error\n")
                .as_deref(),
            Some("invalid TraceQL query: parse error at line 1, col 3: syntax error")
        );
        assert_eq!(server_said("<html>login</html>"), None);
    }

    #[test]
    fn list_answers_of_both_backends_are_read() {
        assert_eq!(
            names(br#"{"data":["b","a","b"],"total":3,"limit":0,"offset":0,"errors":null}"#),
            Ok(vec![String::from("a"), String::from("b")])
        );
        assert_eq!(names(br#"{"data":null,"total":0}"#), Ok(Vec::new()));
        assert_eq!(
            names(br#"{"tagNames":["http.method","service.name"]}"#),
            Ok(vec![
                String::from("http.method"),
                String::from("service.name")
            ])
        );
        assert_eq!(
            names(br#"{"tagValues":[{"type":"string","value":"GET"},{"type":"string","value":"POST"}],"metrics":{}}"#),
            Ok(vec![String::from("GET"), String::from("POST")])
        );
        assert!(names(b"not json").is_err());
    }

    fn found(id: u32, start_s: u64) -> Found {
        Found {
            trace_hex: format!("{id:032x}"),
            root: String::from("a: b"),
            start_unix_nanos: start_s * 1_000_000_000,
            duration_nanos: None,
            span_count: None,
            service_count: None,
            error_count: None,
        }
    }

    #[test]
    fn older_pages_move_the_end_back_and_stop_when_nothing_new_comes() {
        let window = Window {
            start_us: 100_000_000,
            end_us: 1_000_000_000,
        };
        let query = Query::Tempo(TempoSearch {
            query: String::new(),
            limit: 2,
        });
        let mut set = FoundSet::first(
            query,
            "http://t",
            window,
            vec![found(1, 900), found(2, 800)],
        );
        assert!(set.more);
        assert_eq!(
            set.older(),
            Some(Window {
                start_us: 100_000_000,
                end_us: 800_000_000
            })
        );
        // The oldest comes again at the page's edge and is not repeated.
        assert_eq!(set.add_page(vec![found(2, 800), found(3, 700)]), 1);
        assert_eq!(
            set.results
                .iter()
                .map(|f| f.start_unix_nanos / 1_000_000_000)
                .collect::<Vec<_>>(),
            vec![900, 800, 700]
        );
        assert!(set.more);
        assert_eq!(set.add_page(vec![found(3, 700)]), 0);
        assert!(!set.more);
        assert_eq!(set.older(), None);
        // A page shorter than the limit is the last.
        let query = Query::Jaeger(JaegerSearch {
            service: String::from("a"),
            limit: 20,
            ..JaegerSearch::default()
        });
        let short = FoundSet::first(query, "http://j", window, vec![found(1, 900)]);
        assert_eq!(short.older(), None);
    }

    #[test]
    fn a_login_becomes_one_header_for_one_origin() {
        assert_eq!(auth_header(AuthKind::None, "", "x"), Ok(None));
        assert_eq!(
            auth_header(AuthKind::Bearer, "", " Bearer abc.def "),
            Ok(Some(String::from("Bearer abc.def")))
        );
        assert!(auth_header(AuthKind::Bearer, "", "a\r\nX-Evil: 1").is_err());
        assert!(auth_header(AuthKind::Bearer, "", " ").is_err());
        // RFC 7617's own example.
        assert_eq!(
            auth_header(AuthKind::Basic, "Aladdin", "open sesame"),
            Ok(Some(String::from("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")))
        );
        assert!(auth_header(AuthKind::Basic, "a:b", "c").is_err());
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
        ] {
            assert_eq!(base64(bytes), text);
        }
        let kept = stored_auth("http://127.0.0.1:9000", "Bearer t");
        assert_eq!(
            auth_for(&kept, "http://127.0.0.1:9000").as_deref(),
            Some("Bearer t")
        );
        assert_eq!(auth_for(&kept, "http://127.0.0.1:9001"), None);
        assert_eq!(auth_for(&kept, "http://evil"), None);
        assert_eq!(auth_for("null\nBearer t", "null"), None);
        assert_eq!(auth_origin(&kept), Some("http://127.0.0.1:9000"));
        assert_eq!(AuthKind::from_name("basic"), AuthKind::Basic);
        assert_eq!(AuthKind::from_name("??"), AuthKind::None);
    }

    #[test]
    fn failures_explain_the_login() {
        let asked = failed(
            "http://j/api/traces?service=a",
            401,
            "Unauthorized",
            None,
            false,
        );
        assert!(asked.contains("401"), "{asked}");
        assert!(asked.contains("wants a login"), "{asked}");
        assert!(failed("u", 403, "", None, true).contains("refused the login"));
        let said = failed(
            "u",
            400,
            "Bad Request",
            Some("invalid TraceQL query"),
            false,
        );
        assert!(said.contains("invalid TraceQL query."), "{said}");
    }

    #[test]
    fn the_kind_is_guessed_from_the_address() {
        assert_eq!(
            BackendKind::guess("http://localhost:3200"),
            BackendKind::Tempo
        );
        assert_eq!(
            BackendKind::guess("https://tempo.example.com"),
            BackendKind::Tempo
        );
        assert_eq!(
            BackendKind::guess("http://localhost:16686"),
            BackendKind::Jaeger
        );
    }
}
