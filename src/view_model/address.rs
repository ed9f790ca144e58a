//! What a link may ask the page to download (`?url=` and `#url=`), and the
//! words for what went wrong. Plain Rust: the page resolves the address with
//! the browser's URL parser too and checks its scheme again with [`scheme_allowed`].
//!
//! ```text
//! page?url=https://host/trace.json      query: the page's host sees the address
//! page#url=https%3A%2F%2Fhost%2Ft.json  fragment: it never leaves the browser
//!        │
//!        ├─ check_address: http(s) or relative only, no user:password@, ≤ 8 KiB
//!        ├─ fetch: credentials omit, no referrer, stopped after FETCH_IDLE_SECS
//!        │         without an answer or a byte
//!        └─ size: Content-Length over the cap → refused before reading;
//!                 no Content-Length → counted, stopped once past the cap
//! ```

/// The longest address a link may name, in characters.
pub const MAX_ADDRESS_CHARS: usize = 8 * 1024;

/// How long a download may wait: for the server's answer, then for each
/// next piece of the body (so a large file on a slow line still arrives,
/// but a server that stalls is given up on).
pub const FETCH_IDLE_SECS: u32 = 60;

/// How long a download may take in all, however steadily bytes arrive.
pub const FETCH_TOTAL_SECS: u32 = 30 * 60;

/// Characters of an address quoted in a message or used as its name.
const QUOTE_CHARS: usize = 200;

/// The address as a name for messages: at most [`QUOTE_CHARS`] characters.
pub fn quote(address: &str) -> String {
    crate::model::text::clip(address, QUOTE_CHARS)
}

/// True for the schemes a link may download from, as the browser's
/// `URL.protocol` spells them (`"https:"`) or bare (`"https"`), any case.
pub fn scheme_allowed(protocol: &str) -> bool {
    let scheme = protocol.strip_suffix(':').unwrap_or(protocol);
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// Checks that `text` (called `what`: "the label") is not empty and at most
/// `max` characters long; why not, in words, the limit's sentence ending in
/// `limit` ("allowed").
pub fn check_size(what: &str, text: &str, max: usize, limit: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let length = text.chars().count();
    if length > max {
        return Err(format!(
            "{what} is {length} characters long, more than the {max} {limit}"
        ));
    }
    Ok(())
}

/// Checks an address from a link before anything is fetched, and returns it
/// cleaned the way browsers clean one (outer spaces and control characters
/// dropped, tabs and newlines removed), so that `java\tscript:` is seen as
/// what the browser would run. A relative address (`traces/a.json`) is
/// allowed: it stays on the page's own origin.
pub fn check_address(raw: &str) -> Result<String, String> {
    let cleaned: String = raw
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    check_size(
        "the address",
        &cleaned,
        MAX_ADDRESS_CHARS,
        "a link may give",
    )?;
    let rest = match scheme_of(&cleaned) {
        Some((scheme, rest)) if scheme_allowed(scheme) => rest,
        Some((scheme, _)) => return Err(not_http(scheme)),
        None => cleaned.as_str(),
    };
    if authority_of(rest).is_some_and(|a| a.contains('@')) {
        return Err(credentials_refused());
    }
    Ok(cleaned)
}

/// `("https", "//host/x")` for `https://host/x`; `None` for a relative address.
fn scheme_of(address: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = address.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// The `user@host:port` part after `//` (browsers read `\` as `/` in http(s) addresses).
fn authority_of(rest: &str) -> Option<&str> {
    let after = rest.trim_start_matches(['/', '\\']);
    if after.len() == rest.len() {
        return None;
    }
    after.split(['/', '\\', '?', '#']).next()
}

/// Why an address with `user:password@` in it is refused.
pub fn credentials_refused() -> String {
    String::from(
        "the address holds a user name or password (user:password@host); this viewer never \
         sends credentials. Remove them, or download the file and drop it here",
    )
}

/// Why a `javascript:`, `data:`, `file:`, `blob:` … address is refused.
pub fn not_http(scheme: &str) -> String {
    format!(
        "only http:// and https:// addresses can be opened from a link, and this one starts with \
         \"{}:\". Download the file and drop it here instead",
        quote(&scheme.to_ascii_lowercase())
    )
}

/// The address in a page fragment `#url=<percent-encoded address>`, decoded.
/// The rest of the fragment is the address, so an unencoded one with `?`
/// and `&` in it still works.
pub fn address_in_fragment(fragment: &str) -> Option<String> {
    let value = fragment.strip_prefix('#').unwrap_or(fragment);
    let value = value.strip_prefix("url=")?;
    let decoded = super::url_state::decode(value);
    (!decoded.trim().is_empty()).then_some(decoded)
}

/// The files a link's address names: one, or several separated by spaces
/// (`%20` in a link: an address itself never holds a space), opened
/// together (a trace and its logs). Only the space separates: a tab or a
/// line break stays in the address, where the browser's reading drops it
/// (`java\tscript:` is `javascript:`, and is refused as such).
pub fn each_address(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(' ').filter(|a| !a.trim().is_empty())
}

/// The size a `Content-Length` header declares, when it is a number.
pub fn declared_length(header: Option<&str>) -> Option<u64> {
    header?.trim().parse().ok()
}

/// Refuses a download whose declared size is over `cap_bytes`, before reading it.
pub fn check_declared(declared_bytes: Option<u64>, cap_bytes: u64) -> Result<(), String> {
    match declared_bytes {
        Some(size) if size > cap_bytes => Err(format!(
            "the server says the file is {}, larger than this viewer can hold in a browser tab \
             ({} at most); it was not downloaded",
            size_text(size),
            size_text(cap_bytes)
        )),
        _ => Ok(()),
    }
}

/// Stops a download (without a declared size) once past `cap_bytes`.
pub fn check_received(received_bytes: u64, cap_bytes: u64) -> Result<(), String> {
    if received_bytes > cap_bytes {
        Err(format!(
            "the download passed {}, more than this viewer can hold in a browser tab; it was \
             stopped there",
            size_text(cap_bytes)
        ))
    } else {
        Ok(())
    }
}

/// Why a download failed, before it is put in words for the user (a link's
/// `?url=` says it one way, a backend's trace another).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownloadFailure {
    /// No answer reached the page: the network, CORS, or the browser
    /// blocked it (browsers give the page no reason; this is their text).
    NoAnswer(String),
    /// The server answered with an error status.
    Status {
        /// The HTTP status.
        status: u16,
        /// Its reason phrase, when the server sent one.
        text: String,
        /// The start of its answer (what a backend says went wrong).
        body: String,
    },
    /// Anything else, already in words (too large, timed out, broken off).
    Other(String),
    /// The user cancelled it: nothing to say.
    Cancelled,
}

impl DownloadFailure {
    /// In words, for a file a link names (`?url=`, `#url=`).
    pub fn message(&self) -> String {
        match self {
            DownloadFailure::NoAnswer(detail) => fetch_failed(detail),
            DownloadFailure::Status { status, text, .. } => bad_status(*status, text),
            DownloadFailure::Other(message) => message.clone(),
            DownloadFailure::Cancelled => String::from("the download was cancelled"),
        }
    }
}

/// The server did not answer, or stopped sending, for [`FETCH_IDLE_SECS`].
pub fn timed_out(address: &str) -> String {
    format!(
        "no answer from {} for {FETCH_IDLE_SECS} s; the download was stopped. Try again later, \
         or download the file and drop it here",
        quote(address)
    )
}

/// The request failed before an answer (network, CORS, blocked).
pub fn fetch_failed(detail: &str) -> String {
    format!(
        "could not fetch it ({detail}). The server may not allow other sites to read it (CORS), \
         or it is unreachable; download the file and drop it here instead"
    )
}

/// The server answered with an error status.
pub fn bad_status(status: u16, status_text: &str) -> String {
    format!("the server answered {status} {status_text}")
        .trim_end()
        .to_string()
}

/// `1.0 GB`, `12.3 MB`, `512 bytes`.
pub fn size_text(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{bytes} bytes")
    }
}
