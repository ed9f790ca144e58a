//! Opening a trace straight from a Jaeger or Tempo server:
//! `#/trace/<id>?source=<base address>`, or the address and id typed into
//! the top bar's *Backend…* panel. Plain Rust: the addresses to ask, and the
//! words for everything that can go wrong.
//!
//! ```text
//! #/trace/<id>?source=http://jaeger:16686
//!        │
//!        ├─ base_address: http(s), or a path on this page's host; no user:password@;
//!        │     a pasted UI or API address (…/trace/<id>, …/api/traces/<id>) is cut
//!        │     back to its base, keeping the id it named
//!        ├─ GET <base>/api/traces/<id>          Jaeger {"data":[…]}, Tempo v1 {"batches":[…]}
//!        │     404 → GET <base>/api/v2/traces/<id>     Tempo v2 {"trace":{…}}
//!        └─ what went wrong, in words: blocked by CORS (and how to allow this
//!              page's origin in Jaeger and in Tempo), unreachable, not found,
//!              another status, not JSON
//! ```

use super::address;
use super::url_state::encode;
use crate::model::TraceId;

/// The local-storage key of the last backend address opened from the panel.
pub const SAVED_ADDRESS_KEY: &str = "trace-viewer-backend";

/// A trace to fetch from a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendTrace {
    /// The server's base address as the user gave it, cleaned (see [`base_address`]).
    pub base: String,
    /// The trace id as the page's routes and hooks write it: 32 lowercase hex digits.
    pub trace_hex: String,
    /// The id as the backend's API takes it: 16 digits for a 64-bit id (as
    /// Jaeger prints those), else 32.
    api_id: String,
}

impl BackendTrace {
    /// Checks a base address and a trace id as typed. An empty id is taken
    /// from the address when that names one (a pasted Jaeger UI or API
    /// address of a trace).
    pub fn new(address_raw: &str, id_raw: &str) -> Result<BackendTrace, String> {
        let (base, id_in_address) = base_address(address_raw)?;
        let id_text = match (id_raw.trim(), id_in_address) {
            ("", Some(id)) => id,
            (typed, _) => typed.to_string(),
        };
        let id = trace_id(&id_text)?;
        Ok(BackendTrace {
            base,
            trace_hex: id.to_hex(),
            api_id: id.own_hex(),
        })
    }

    /// What the page address asks for: `None` without `source=`, else the
    /// backend trace or why it cannot be asked for. `trace` is the id the
    /// route names, `source` the `source=` value (decoded).
    pub fn from_route(trace: &str, source: Option<&str>) -> Option<Result<BackendTrace, String>> {
        let source = source.filter(|s| !s.trim().is_empty())?;
        Some(BackendTrace::new(source, trace))
    }

    /// The page's hash that opens this trace from its backend.
    pub fn hash(&self) -> String {
        format!("#/trace/{}?source={}", self.trace_hex, encode(&self.base))
    }

    /// The addresses to ask, in order: Jaeger's query API and Tempo's v1
    /// API (the same path), then Tempo's v2 API.
    pub fn urls(&self) -> [String; 2] {
        let base = self.base.trim_end_matches('/');
        [
            format!("{base}/api/traces/{}", self.api_id),
            format!("{base}/api/v2/traces/{}", self.api_id),
        ]
    }

    /// The name messages and the kept-files list know this download by: the
    /// first address asked (the one to download by hand, too).
    pub fn name(&self) -> String {
        let [first, _] = self.urls();
        address::quote(&first)
    }

    /// The base address for messages.
    fn base_quoted(&self) -> String {
        address::quote(&self.base)
    }
}

/// A trace id as typed: 1 to 32 hexadecimal digits, not all zero.
pub fn trace_id(raw: &str) -> Result<TraceId, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(String::from(
            "no trace id: type the id of the trace to open (up to 32 hexadecimal digits)",
        ));
    }
    let hex = text.len() <= 32 && text.bytes().all(|b| b.is_ascii_hexdigit());
    match TraceId::parse(text) {
        Ok((id, _)) if hex => Ok(id),
        _ => Err(format!(
            "\"{}\" is not a trace id: a trace id is 1 to 32 hexadecimal digits (0-9, a-f), not all zero",
            address::quote(text)
        )),
    }
}

/// Cleans a backend's address as typed: outer spaces dropped, `http://`
/// added to a bare `host:port`, the query and fragment dropped, and a pasted
/// address of a trace or an API call cut back to the server's base. Returns
/// the base (without a trailing `/`) and the trace id the address named, if
/// any. Refuses what `?url=` refuses: other schemes, `user:password@`.
pub fn base_address(raw: &str) -> Result<(String, Option<String>), String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(String::from(
            "no address: type the address of your Jaeger query service (e.g. \
             http://localhost:16686) or of Tempo (e.g. http://localhost:3200)",
        ));
    }
    let with_scheme = if bare_host(trimmed) {
        format!("http://{trimmed}")
    } else {
        trimmed.to_string()
    };
    let cleaned = address::check_address(&with_scheme)?;
    let without_query = cleaned.split(['?', '#']).next().unwrap_or("");
    // Only the path is cut: `http://trace/x` is a host named "trace".
    let path_start = match without_query.find("://") {
        Some(at) => without_query
            .get(at + 3..)
            .and_then(|rest| rest.find('/'))
            .map_or(without_query.len(), |slash| at + 3 + slash),
        None => 0,
    };
    let (origin, path) = without_query.split_at(path_start);
    let (path, id) = cut_api_path(path.trim_end_matches('/'));
    let base = format!("{origin}{path}");
    let base = if base.is_empty() {
        String::from("/")
    } else {
        base
    };
    Ok((base, id))
}

/// True for `host`, `host:port` or `[::1]:port`, with or without a path:
/// an address typed without its scheme (`javascript:…` is not one).
fn bare_host(text: &str) -> bool {
    let authority = text.split('/').next().unwrap_or("");
    if authority.is_empty() || text.contains("://") {
        return false;
    }
    if authority.starts_with('[') {
        return true;
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

/// `/jaeger/trace/abc` → (`/jaeger`, `abc`); `/api/traces` → (``, none).
fn cut_api_path(path: &str) -> (&str, Option<String>) {
    const WITH_ID: [&str; 3] = ["/api/v2/traces/", "/api/traces/", "/trace/"];
    const WITHOUT_ID: [&str; 3] = ["/api/v2/traces", "/api/traces", "/search"];
    if let Some((head, last)) = path.rsplit_once('/') {
        let head_slash = path.get(..head.len() + 1).unwrap_or(path);
        for marker in WITH_ID {
            if let Some(base) = head_slash.strip_suffix(marker) {
                if !last.is_empty() {
                    return (base, Some(last.to_string()));
                }
            }
        }
    }
    for marker in WITHOUT_ID {
        if let Some(base) = path.strip_suffix(marker) {
            return (base, None);
        }
    }
    (path, None)
}

/// Refuses an `http:` backend from an `https:` page (the browser blocks
/// such "mixed content" without telling the page why), except on this
/// machine (`localhost`, `127.0.0.1`, `[::1]`), which browsers allow.
/// Protocols as the browser's `URL.protocol` spells them (`"https:"`), the
/// host name without its port (`URL.hostname`).
pub fn mixed_content(
    page_protocol: &str,
    url_protocol: &str,
    url_hostname: &str,
) -> Option<String> {
    let local = matches!(url_hostname, "localhost" | "127.0.0.1" | "[::1]")
        || url_hostname.ends_with(".localhost");
    let blocked = page_protocol.eq_ignore_ascii_case("https:")
        && url_protocol.eq_ignore_ascii_case("http:")
        && !local;
    blocked.then(|| {
        format!(
            "this page was opened over https://, and browsers do not let it read from an \
             http:// address ({}). Give the backend's https:// address, or open the viewer \
             itself over http://",
            address::quote(url_hostname)
        )
    })
}

/// The request to `url` got no readable answer, and a second, opaque
/// request showed the server at `base` does answer: the browser withheld
/// the answer because the server does not allow this page's origin (CORS).
/// Says how to allow it in Jaeger and in Tempo, and the way around it.
pub fn blocked_by_cors(base: &str, url: &str, page_origin: &str) -> String {
    let base = address::quote(base);
    let origin = address::quote(page_origin);
    format!(
        "{base} answered, but the browser did not let this page read the answer: the server \
         does not allow this page's origin, {origin} (CORS).\n\
         The server must send the header Access-Control-Allow-Origin: {origin} (or *), and \
         allow the Authorization header if a login is sent.\n\
         Jaeger: start the query service with --query.additional-headers \
         \"Access-Control-Allow-Origin: {origin}\" (Jaeger v2: in the jaeger_query extension's \
         http settings, cors: allowed_origins: [\"{origin}\"]).\n\
         Tempo: put a reverse proxy in front of its HTTP API that adds the header, e.g. with \
         nginx: add_header Access-Control-Allow-Origin \"{origin}\" always;\n\
         Or download {} yourself and drop the file here.",
        address::quote(url)
    )
}

/// Neither request to `url` got an answer: the server at `base` is not
/// there (or something between blocks it).
pub fn unreachable(base: &str, url: &str, detail: &str) -> String {
    format!(
        "no answer from {} ({}). Is the address right and the server running? Jaeger's query \
         service (with its UI) usually listens on port 16686, Tempo's HTTP API on port 3200. \
         If the server is up, download {} yourself and drop the file here.",
        address::quote(base),
        address::quote(detail),
        address::quote(url)
    )
}

/// Both APIs answered 404.
pub fn not_found(trace: &BackendTrace) -> String {
    let [v1, v2] = trace.urls();
    format!(
        "trace {} was not found at {} (404 from {} and from {}). Check the id, and that the \
         trace is still kept (backends drop old traces); the address should be the Jaeger \
         query service or Tempo's HTTP API, not a collector.",
        trace.api_id,
        trace.base_quoted(),
        address::quote(&v1),
        address::quote(&v2)
    )
}

/// The server answered with another error status; `signed` says whether
/// a login (`Authorization`) was sent.
pub fn bad_status(
    trace: &BackendTrace,
    url: &str,
    status: u16,
    status_text: &str,
    signed: bool,
) -> String {
    let answered = address::bad_status(status, status_text);
    let hint = match (status, signed) {
        (401 | 403, false) => {
            " It wants a login: in Backend…, under Login, give a bearer token or a user and \
             password (kept for this tab only, sent only to this backend), or download the \
             trace's JSON yourself and drop it here."
        }
        (401 | 403, true) => " It refused the login sent: check it in Backend…, under Login.",
        (500..=599, _) => " The backend had a problem; try again, or look at its log.",
        _ => "",
    };
    format!(
        "{}: {answered} for {}.{hint}",
        trace.base_quoted(),
        address::quote(url)
    )
}

/// Checks that an answer looks like JSON, from its first characters.
pub fn check_json_start(url: &str, head: &str) -> Result<(), String> {
    let text = head.trim_start_matches('\u{feff}').trim_start();
    match text.chars().next() {
        Some('{' | '[') => Ok(()),
        None => Err(format!(
            "{} answered with nothing: is this the address of a Jaeger query service or of \
             Tempo's HTTP API?",
            address::quote(url)
        )),
        Some(_) => {
            let line = text.lines().next().unwrap_or("");
            Err(format!(
                "the answer from {} is not JSON (it starts with \"{}\"): is this the address \
                 of a Jaeger query service or of Tempo's HTTP API?",
                address::quote(url),
                crate::model::text::clip(line, 40)
            ))
        }
    }
}
