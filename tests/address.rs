//! What `?url=` / `#url=` may download: schemes, credentials, sizes, and the
//! messages a user reads when an address is refused.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::view_model::address::{
    address_in_fragment, check_address, check_declared, check_received, declared_length, quote,
    scheme_allowed, timed_out, FETCH_IDLE_SECS, MAX_ADDRESS_CHARS,
};

#[test]
fn http_https_and_relative_addresses_pass() {
    for ok in [
        "https://example.com/trace.json",
        "http://127.0.0.1:8080/t.json?x=1&y=2",
        "HTTPS://EXAMPLE.COM/A.JSON",
        "traces/a.json",
        "/traces/a.json",
        "//cdn.example.com/a.json",
    ] {
        assert_eq!(check_address(ok).as_deref(), Ok(ok), "{ok}");
    }
}

#[test]
fn other_schemes_are_refused_naming_the_scheme() {
    for (bad, scheme) in [
        ("javascript:alert(1)", "javascript:"),
        ("JavaScript:alert(1)", "javascript:"),
        ("data:application/json,{}", "data:"),
        ("file:///etc/passwd", "file:"),
        ("blob:http://x/1234", "blob:"),
        ("ftp://example.com/a.json", "ftp:"),
        ("C:\\traces\\a.json", "c:"),
        // Browsers drop tabs, newlines and outer spaces before reading the scheme.
        ("  java\tscr\nipt:alert(1)", "javascript:"),
        ("\u{1}javascript:alert(1)", "javascript:"),
    ] {
        let message = check_address(bad).expect_err(bad);
        assert!(
            message.contains("only http:// and https://"),
            "{bad}: {message}"
        );
        assert!(
            message.contains(&format!("\"{scheme}\"")),
            "{bad}: {message}"
        );
        assert!(message.contains("drop it here"), "{bad}: {message}");
    }
}

#[test]
fn credentials_in_the_address_are_refused() {
    for bad in [
        "https://user:pw@example.com/a.json",
        "http://user@example.com/a.json",
        "//user:pw@example.com/a.json",
        "https:\\\\user@example.com/a.json",
    ] {
        let message = check_address(bad).expect_err(bad);
        assert!(
            message.contains("user name or password"),
            "{bad}: {message}"
        );
    }
    // An @ after the host is part of the path or query, not a user name.
    assert!(check_address("https://example.com/a@b.json?by=x@y").is_ok());
}

#[test]
fn empty_and_overlong_addresses_are_refused() {
    assert_eq!(
        check_address(" \t "),
        Err(String::from("the address is empty"))
    );
    let long = format!("https://example.com/{}", "a".repeat(MAX_ADDRESS_CHARS));
    let message = check_address(&long).expect_err("long");
    assert!(message.contains("characters long"), "{message}");
}

#[test]
fn the_browser_protocol_is_checked_again() {
    assert!(scheme_allowed("https:"));
    assert!(scheme_allowed("HTTP:"));
    assert!(scheme_allowed("http"));
    for bad in ["javascript:", "data:", "file:", "blob:", "ws:", ""] {
        assert!(!scheme_allowed(bad), "{bad}");
    }
}

#[test]
fn fragment_addresses_are_decoded() {
    assert_eq!(
        address_in_fragment("#url=https%3A%2F%2Fexample.com%2Fa.json%3Fx%3D1").as_deref(),
        Some("https://example.com/a.json?x=1")
    );
    // Unencoded, with its own query: the whole rest of the fragment.
    assert_eq!(
        address_in_fragment("#url=https://example.com/a.json?x=1&y=2").as_deref(),
        Some("https://example.com/a.json?x=1&y=2")
    );
    // A stray % stays; a + is not a space in a fragment.
    assert_eq!(
        address_in_fragment("url=http://h/100%25+a%zz%4").as_deref(),
        Some("http://h/100%+a%zz%4")
    );
    assert_eq!(
        address_in_fragment("#url=javascript%3Aalert(1)").as_deref(),
        Some("javascript:alert(1)")
    );
    for none in ["", "#", "#/", "#/trace/abc", "#url=", "#url=%20", "#/url=x"] {
        assert_eq!(address_in_fragment(none), None, "{none}");
    }
}

#[test]
fn sizes_over_the_cap_are_refused_with_both_sizes() {
    let cap = 1_000_000_000;
    assert_eq!(declared_length(Some(" 1234 ")), Some(1234));
    assert_eq!(declared_length(Some("lots")), None);
    assert_eq!(declared_length(None), None);
    assert!(check_declared(None, cap).is_ok());
    assert!(check_declared(Some(cap), cap).is_ok());
    let message = check_declared(Some(2_500_000_000), cap).expect_err("declared");
    assert!(
        message.contains("2.5 GB") && message.contains("1.0 GB"),
        "{message}"
    );
    assert!(check_received(cap, cap).is_ok());
    let message = check_received(cap + 1, cap).expect_err("received");
    assert!(message.contains("passed 1.0 GB"), "{message}");
}

#[test]
fn messages_quote_at_most_200_characters_of_an_address() {
    let long = format!("https://example.com/{}", "x".repeat(1000));
    let quoted = quote(&long);
    assert_eq!(quoted.chars().count(), 201);
    assert!(quoted.ends_with('…'));
    assert_eq!(quote("https://h/a.json"), "https://h/a.json");
    let message = timed_out("https://slow.example.com/a.json");
    assert!(
        message.contains("https://slow.example.com/a.json"),
        "{message}"
    );
    assert!(
        message.contains(&format!("{FETCH_IDLE_SECS} s")),
        "{message}"
    );
}

#[test]
fn a_failed_download_reads_as_before_for_a_link() {
    use trace_viewer::view_model::address::DownloadFailure;
    let no_answer = DownloadFailure::NoAnswer(String::from("Failed to fetch")).message();
    assert!(
        no_answer.contains("could not fetch it (Failed to fetch)"),
        "{no_answer}"
    );
    assert!(no_answer.contains("CORS"), "{no_answer}");
    let status = DownloadFailure::Status {
        status: 404,
        text: String::from("Not Found"),
        body: String::from("404 page not found"),
    };
    assert_eq!(status.message(), "the server answered 404 Not Found");
    let other = DownloadFailure::Other(timed_out("https://example.com/a.json"));
    assert!(other
        .message()
        .starts_with("no answer from https://example.com/a.json"));
}
