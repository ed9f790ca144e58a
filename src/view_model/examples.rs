//! The example files shipped with the page (`examples/` in the repository,
//! `examples/` beside `index.html` in the build): what the landing page's
//! *Try an example* offers and what the README links to. One list for both;
//! `tests/examples.rs` checks each file is there and the README's links.

/// One example: a trace file, or a trace file and the logs that go with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// A short name for the button.
    pub label: &'static str,
    /// What it shows, in a line.
    pub about: &'static str,
    /// The files, relative to the page (opened together).
    pub files: &'static [&'static str],
    /// The hook (`data-testid="example-<id>"`).
    pub id: &'static str,
}

/// Every example, in the order the landing page lists them.
pub const EXAMPLES: [Example; 3] = [
    Example {
        label: "A Jaeger checkout",
        about: "7 spans in 3 services, a failed call, a span log and a follows-from span",
        files: &["examples/checkout-jaeger.json"],
        id: "jaeger",
    },
    Example {
        label: "An OTLP trace and its logs",
        about: "80 spans in 10 services, with 60 OTLP log records beside their spans",
        files: &["examples/shop-otlp.json", "examples/shop-otlp-logs.json"],
        id: "otlp-logs",
    },
    Example {
        label: "200 checkouts",
        about: "200 traces (gzip) for the list's views: every tenth is slow, and Why slow finds the flag that makes it so",
        files: &["examples/checkouts-200.json.gz"],
        id: "many",
    },
];

impl Example {
    /// The page address fragment that opens it: `#url=` and its files,
    /// separated by spaces (`%20`), read by [`crate::view_model::address::each_address`].
    pub fn fragment(&self) -> String {
        format!("#url={}", self.files.join("%20"))
    }
}

/// Where `scripts/serve.sh` serves the page: the README's example links
/// point there (the hosted page takes the same fragments).
pub const SERVED_AT: &str = "http://127.0.0.1:8080/";

/// The README's table of examples, each with its link on the served page.
pub fn markdown() -> String {
    let mut out = String::from("| example | what it shows |\n|---|---|\n");
    for e in EXAMPLES {
        out.push_str(&format!(
            "| [{}]({SERVED_AT}{}) | {} |\n",
            e.label,
            e.fragment(),
            e.about
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::address::{address_in_fragment, each_address};

    #[test]
    fn only_a_space_separates_two_addresses() {
        let each = |raw| each_address(raw).collect::<Vec<&str>>();
        assert_eq!(each("a.json b.json"), ["a.json", "b.json"]);
        assert_eq!(each(" a.json  "), ["a.json"]);
        // A tab or a line break is read away by the browser, not a separator.
        assert_eq!(each("java\tscript:alert(1)"), ["java\tscript:alert(1)"]);
        assert_eq!(each("java\nscript:x"), ["java\nscript:x"]);
    }

    #[test]
    fn each_fragment_reads_back_as_its_files() {
        for example in EXAMPLES {
            let raw = address_in_fragment(&example.fragment()).unwrap_or_default();
            let files: Vec<&str> = each_address(&raw).collect();
            assert_eq!(files, example.files, "{}", example.label);
        }
    }
}
