//! Links out from a span to the team's logs, metrics or code (Jaeger's link
//! patterns, Grafana's trace-to-logs): address templates the user writes,
//! filled from a span or a trace.
//!
//! ```text
//! template  https://logs.example/explore?q=${trace_id}&from=${start_ms}
//!             │ check: starts http:// or https://, known placeholders,
//!             │        ≤ 2,000 characters, label given, key given for `key`
//!             ▼
//! parts     "https://logs.example/explore?q=" TraceId "&from=" StartMs
//!             │ fill from a span (a trace template: the trace's times, its
//!             │ first root for the rest); every value encodeURIComponent'd
//!             ▼
//! address   https://logs.example/explore?q=4bf9…4736&from=1700000000000
//!             └─ a value missing or empty ─▶ no link (never one with a hole)
//! ```
//!
//! Scopes: `trace` (one link for the trace), `span` (every span), `key`
//! (only spans holding an attribute key, theirs or their resource's).
//! [`super::links_out_list`] keeps and shares the list.

use super::address::{check_size, scheme_allowed};
use super::url_state::encode_uri_component;
use crate::model::text::clip;
use crate::model::{AttrValue, Span, SpanIx, Trace};

/// Longest address template, in characters.
pub const MAX_URL_CHARS: usize = 2_000;
/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// Longest attribute key of a `key` scope, in characters.
pub const MAX_KEY_CHARS: usize = 256;
/// Longest filled address shown (a huge attribute value makes no link).
pub const MAX_FILLED_CHARS: usize = 32 * 1024;
/// The placeholders, for help lines and messages.
pub const PLACEHOLDERS: &str =
    "${trace_id} ${span_id} ${service} ${start_ms} ${end_ms} ${attr:key}";

/// Characters of a template quoted in a message.
const QUOTE_CHARS: usize = 60;

/// Where a template's link is shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Once, for the trace.
    Trace,
    /// For every span.
    Span,
    /// For the spans holding this attribute key (theirs or their resource's).
    Key(String),
}

/// A scope without its key, as the editor's select names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// [`Scope::Trace`].
    Trace,
    /// [`Scope::Span`].
    #[default]
    Span,
    /// [`Scope::Key`].
    Key,
}

impl ScopeKind {
    /// All kinds, in the select's order.
    pub const ALL: [ScopeKind; 3] = [ScopeKind::Span, ScopeKind::Key, ScopeKind::Trace];

    /// Name in JSON and in the select's values.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Trace => "trace",
            ScopeKind::Span => "span",
            ScopeKind::Key => "key",
        }
    }

    /// Words in the select.
    pub fn label(self) -> &'static str {
        match self {
            ScopeKind::Trace => "the trace",
            ScopeKind::Span => "every span",
            ScopeKind::Key => "spans with key…",
        }
    }

    /// Reads [`ScopeKind::as_str`].
    pub fn from_name(name: &str) -> Option<ScopeKind> {
        ScopeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl Scope {
    /// The kind, without the key.
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Trace => ScopeKind::Trace,
            Scope::Span => ScopeKind::Span,
            Scope::Key(_) => ScopeKind::Key,
        }
    }
}

/// A piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Part {
    Text(String),
    TraceId,
    SpanId,
    Service,
    StartMs,
    EndMs,
    Attr(String),
}

/// A checked template: a label, an address with placeholders, a scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkTemplate {
    label: String,
    url: String,
    scope: Scope,
    parts: Vec<Part>,
}

/// A template as the editor holds it, checked or not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// The link's words.
    pub label: String,
    /// The address with placeholders.
    pub url: String,
    /// Where it is shown.
    pub scope: ScopeKind,
    /// The attribute key, for [`ScopeKind::Key`].
    pub key: String,
}

/// A filled link, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOut {
    /// The template's label.
    pub label: String,
    /// The filled address (always http or https).
    pub url: String,
    /// True for a trace template's link.
    pub for_trace: bool,
}

impl LinkTemplate {
    /// Checks a template (label and address trimmed of outer spaces).
    pub fn new(label: &str, url: &str, scope: Scope) -> Result<LinkTemplate, String> {
        let label = label.trim();
        let url = url.trim();
        check_size("the label", label, MAX_LABEL_CHARS, "allowed")?;
        if let Scope::Key(key) = &scope {
            if key.trim().is_empty() {
                return Err(String::from("the scope \"key\" needs an attribute key"));
            }
            if key.chars().count() > MAX_KEY_CHARS {
                return Err(format!(
                    "the attribute key is longer than the {MAX_KEY_CHARS} characters allowed"
                ));
            }
        }
        let scope = match scope {
            Scope::Key(key) => Scope::Key(key.trim().to_string()),
            other => other,
        };
        let parts = parse_url(url)?;
        Ok(LinkTemplate {
            label: label.to_string(),
            url: url.to_string(),
            scope,
            parts,
        })
    }

    /// The link's words.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The address with placeholders, as written.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Where it is shown.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The template as the editor holds it.
    pub fn draft(&self) -> Draft {
        Draft {
            label: self.label.clone(),
            url: self.url.clone(),
            scope: self.scope.kind(),
            key: match &self.scope {
                Scope::Key(k) => k.clone(),
                _ => String::new(),
            },
        }
    }

    /// The address for span `ix`, when every placeholder has a value and the
    /// scope applies to the span (never for a trace template).
    pub fn fill_span(&self, trace: &Trace, ix: SpanIx) -> Option<String> {
        let span = trace.span(ix)?;
        match &self.scope {
            Scope::Trace => return None,
            Scope::Span => {}
            Scope::Key(key) => {
                find_attr(trace, span, key)?;
            }
        }
        self.fill(&Subject {
            trace,
            span,
            start_unix_nanos: span.raw.start_unix_nanos,
            end_unix_nanos: span.end_unix_nanos(),
        })
    }

    /// The address for the whole trace: its start and end, and its first
    /// root's id, service and attributes (only for a trace template).
    pub fn fill_trace(&self, trace: &Trace) -> Option<String> {
        if self.scope != Scope::Trace {
            return None;
        }
        self.fill(&Subject {
            trace,
            span: trace.root()?,
            start_unix_nanos: trace.start_unix_nanos,
            end_unix_nanos: trace.end_unix_nanos,
        })
    }

    fn fill(&self, subject: &Subject) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                placeholder => {
                    let value = subject.value(placeholder)?;
                    if value.is_empty() {
                        return None;
                    }
                    out.push_str(&encode_uri_component(&value));
                }
            }
            if out.len() > MAX_FILLED_CHARS {
                return None;
            }
        }
        is_http(&out).then_some(out)
    }
}

impl Draft {
    /// True when neither a label nor an address is written (a row the
    /// editor added and the user left empty).
    pub fn is_blank(&self) -> bool {
        self.label.trim().is_empty() && self.url.trim().is_empty()
    }

    /// Checks the draft.
    pub fn check(&self) -> Result<LinkTemplate, String> {
        let scope = match self.scope {
            ScopeKind::Trace => Scope::Trace,
            ScopeKind::Span => Scope::Span,
            ScopeKind::Key => Scope::Key(self.key.clone()),
        };
        LinkTemplate::new(&self.label, &self.url, scope)
    }
}

/// What a placeholder is filled from: a span, and the times (the span's,
/// or for a trace template the trace's).
struct Subject<'a> {
    trace: &'a Trace,
    span: &'a Span,
    start_unix_nanos: u64,
    end_unix_nanos: u64,
}

impl Subject<'_> {
    /// The text of a placeholder, before encoding. Milliseconds: the start
    /// rounded down and the end up, so that `start_ms..end_ms` covers the span.
    fn value(&self, part: &Part) -> Option<String> {
        let (trace, span) = (self.trace, self.span);
        Some(match part {
            Part::Text(text) => text.clone(),
            Part::TraceId => span.raw.trace_id.to_hex(),
            Part::SpanId => span.raw.span_id.to_hex(),
            Part::Service => trace.str(span.raw.service).to_string(),
            Part::StartMs => (self.start_unix_nanos / 1_000_000).to_string(),
            Part::EndMs => self.end_unix_nanos.div_ceil(1_000_000).to_string(),
            Part::Attr(key) => trace
                .pools
                .value_str(find_attr(trace, span, key)?)
                .into_owned(),
        })
    }
}

/// The value of attribute `key` of `span`, else of its resource.
fn find_attr<'a>(trace: &'a Trace, span: &Span, key: &str) -> Option<&'a AttrValue> {
    let pools = &trace.pools;
    let own = pools.attrs(span.raw.attrs);
    let resource = pools
        .resources
        .get(span.raw.resource as usize)
        .map_or(&[][..], |r| pools.attrs(r.attrs));
    own.iter()
        .chain(resource)
        .find(|a| trace.str(a.key) == key)
        .map(|a| &a.value)
}

/// True for `http://…` and `https://…` (any case).
fn is_http(address: &str) -> bool {
    address
        .split_once("://")
        .is_some_and(|(scheme, _)| scheme_allowed(scheme))
}

/// The template in parts; why not, in words.
fn parse_url(url: &str) -> Result<Vec<Part>, String> {
    check_size("the address", url, MAX_URL_CHARS, "allowed")?;
    if url.chars().any(char::is_control) {
        return Err(String::from(
            "the address holds a tab, a line break or another control character",
        ));
    }
    let mut parts = Vec::new();
    let mut rest = url;
    while let Some((text, after)) = rest.split_once("${") {
        if !text.is_empty() {
            parts.push(Part::Text(text.to_string()));
        }
        let Some((name, tail)) = after.split_once('}') else {
            return Err(format!(
                "\"${{{}\" is not closed with }}",
                clip(after, QUOTE_CHARS)
            ));
        };
        parts.push(placeholder(name)?);
        rest = tail;
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    // Values are encoded, so they cannot make a scheme: the literal start
    // decides it.
    match parts.first() {
        Some(Part::Text(start)) if is_http(start) => Ok(parts),
        _ => Err(String::from(
            "the address must start with http:// or https://",
        )),
    }
}

fn placeholder(name: &str) -> Result<Part, String> {
    Ok(match name {
        "trace_id" => Part::TraceId,
        "span_id" => Part::SpanId,
        "service" => Part::Service,
        "start_ms" => Part::StartMs,
        "end_ms" => Part::EndMs,
        _ => match name.strip_prefix("attr:") {
            Some(key) if !key.is_empty() => Part::Attr(key.to_string()),
            Some(_) => return Err(String::from("${attr:} needs a key: ${attr:http.route}")),
            None => {
                return Err(format!(
                    "${{{}}} is not a placeholder; use {PLACEHOLDERS}",
                    clip(name, QUOTE_CHARS)
                ))
            }
        },
    })
}

/// The links of span `ix`, in the templates' order: each trace template's
/// (marked) and each span or key template's that applies and fills.
pub fn links_for_span(templates: &[LinkTemplate], trace: &Trace, ix: SpanIx) -> Vec<LinkOut> {
    templates
        .iter()
        .filter_map(|t| {
            let for_trace = t.scope == Scope::Trace;
            let url = if for_trace {
                t.fill_trace(trace)
            } else {
                t.fill_span(trace, ix)
            }?;
            Some(LinkOut {
                label: t.label.clone(),
                url,
                for_trace,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load;

    fn trace() -> Trace {
        let json = r#"{"resourceSpans":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"shop"}},
            {"key":"host.name","value":{"stringValue":"web 1"}}]},
          "scopeSpans":[{"spans":[
          {"traceId":"11111111111111111111111111111111","spanId":"0000000000000001","name":"root",
           "startTimeUnixNano":"1700000000123456789","endTimeUnixNano":"1700000000223456789",
           "attributes":[{"key":"code.function","value":{"stringValue":"a/b?c&d é"}},
                         {"key":"host.name","value":{"stringValue":"own"}}]},
          {"traceId":"11111111111111111111111111111111","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"query",
           "startTimeUnixNano":"1700000000130000000","endTimeUnixNano":"1700000000140000000",
           "attributes":[{"key":"db.statement","value":{"stringValue":"SELECT 1"}},
                         {"key":"empty","value":{"stringValue":""}}]}
        ]}]}]}"#;
        load(json.as_bytes()).unwrap().traces.remove(0)
    }

    fn ix(t: &Trace, name: &str) -> SpanIx {
        SpanIx::at(
            t.spans
                .iter()
                .position(|s| t.str(s.raw.name) == name)
                .unwrap(),
        )
    }

    fn template(url: &str, scope: Scope) -> LinkTemplate {
        LinkTemplate::new("L", url, scope).unwrap()
    }

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let t = trace();
        let root = ix(&t, "root");
        let l = template(
            "https://x/?t=${trace_id}&s=${span_id}&svc=${service}&f=${attr:code.function}&h=${attr:host.name}",
            Scope::Span,
        );
        assert_eq!(
            l.fill_span(&t, root).unwrap(),
            "https://x/?t=11111111111111111111111111111111&s=0000000000000001&svc=shop\
             &f=a%2Fb%3Fc%26d%20%C3%A9&h=own"
        );
        // The resource's value when the span has none.
        let q = ix(&t, "query");
        assert_eq!(
            template("https://x/${attr:host.name}", Scope::Span).fill_span(&t, q),
            Some(String::from("https://x/web%201"))
        );
    }

    #[test]
    fn milliseconds_cover_the_span() {
        let t = trace();
        let l = template("http://x/${start_ms}/${end_ms}", Scope::Span);
        // 1700000000.123456789 s .. 1700000000.223456789 s
        assert_eq!(
            l.fill_span(&t, ix(&t, "root")).unwrap(),
            "http://x/1700000000123/1700000000224"
        );
        // Exact milliseconds stay as they are.
        assert_eq!(
            l.fill_span(&t, ix(&t, "query")).unwrap(),
            "http://x/1700000000130/1700000000140"
        );
    }

    #[test]
    fn a_missing_or_empty_value_makes_no_link() {
        let t = trace();
        let root = ix(&t, "root");
        assert_eq!(
            template("https://x/${attr:nope}", Scope::Span).fill_span(&t, root),
            None
        );
        assert_eq!(
            template("https://x/${attr:empty}", Scope::Span).fill_span(&t, ix(&t, "query")),
            None
        );
    }

    #[test]
    fn scopes_choose_where_links_show() {
        let t = trace();
        let (root, query) = (ix(&t, "root"), ix(&t, "query"));
        let db = template(
            "https://x/?q=${attr:db.statement}",
            Scope::Key(String::from("db.statement")),
        );
        assert_eq!(db.fill_span(&t, root), None);
        assert_eq!(
            db.fill_span(&t, query).as_deref(),
            Some("https://x/?q=SELECT%201")
        );
        let whole = LinkTemplate::new("Trace logs", "https://x/${span_id}/${end_ms}", Scope::Trace)
            .unwrap();
        assert_eq!(whole.fill_span(&t, query), None);
        // The trace's root and end.
        let links = links_for_span(&[whole, db], &t, query);
        assert_eq!(
            links,
            [
                LinkOut {
                    label: String::from("Trace logs"),
                    url: String::from("https://x/0000000000000001/1700000000224"),
                    for_trace: true
                },
                LinkOut {
                    label: String::from("L"),
                    url: String::from("https://x/?q=SELECT%201"),
                    for_trace: false
                },
            ]
        );
    }

    #[test]
    fn templates_are_checked() {
        let bad = |url: &str| LinkTemplate::new("L", url, Scope::Span).unwrap_err();
        assert_eq!(
            bad("javascript:alert(1)"),
            "the address must start with http:// or https://"
        );
        assert_eq!(
            bad("${attr:u}"),
            "the address must start with http:// or https://"
        );
        assert_eq!(
            bad("JavaScript://%0aalert(1)"),
            "the address must start with http:// or https://"
        );
        assert_eq!(bad(""), "the address is empty");
        assert!(bad("https://x/\ty").contains("control character"));
        assert_eq!(
            bad("https://x/${nope}"),
            format!("${{nope}} is not a placeholder; use {PLACEHOLDERS}")
        );
        assert_eq!(
            bad("https://x/${trace_id"),
            "\"${trace_id\" is not closed with }"
        );
        assert_eq!(
            bad("https://x/${attr:}"),
            "${attr:} needs a key: ${attr:http.route}"
        );
        assert!(bad(&format!("https://{}", "a".repeat(MAX_URL_CHARS))).contains("2000 allowed"));
        assert!(LinkTemplate::new("L", "HTTPS://x/${trace_id}", Scope::Span).is_ok());
        assert_eq!(
            LinkTemplate::new(" ", "https://x", Scope::Span).unwrap_err(),
            "the label is empty"
        );
        assert_eq!(
            LinkTemplate::new("L", "https://x", Scope::Key(String::from(" "))).unwrap_err(),
            "the scope \"key\" needs an attribute key"
        );
    }
}
