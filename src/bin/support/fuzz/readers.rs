//! The readers (`model::load`) and what opening a loaded trace derives,
//! fed mutated trace files: JSON-significant insertions, extreme numbers,
//! deep nesting, reordered lines, splices between seeds.

use crate::fuzz_target::{copy_run, cut_run, fixture_files, flip_bit, splice_from, Target};
use crate::rng::Rng;

/// The readers' target: seeds are the fixtures and the shared corpus.
pub fn target() -> Target {
    Target {
        name: "readers",
        what: "model::load, the figures a loaded trace opens with, the log readers",
        share: 5,
        seeds: fixture_files().to_vec(),
        mutate,
        run: |input| Ok(load_and_open(input)),
        max_len: usize::MAX,
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"0",
    b"-1",
    b"1e999",
    b"-0.0",
    b"18446744073709551616",
    b"9223372036854775808",
    b"NaN",
    b"Infinity",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"\"\"",
    b"\"0x\"",
    b"\"AAAA\"",
    b"\n",
    b"\xff",
    b"\xc3",
    b"\"traceId\":",
    b"\"spanId\":\"\"",
    b"\"parentSpanId\":",
    b"\"references\":[{\"refType\":\"CHILD_OF\",\"spanID\":\"1\"}]",
    b"\"subsegments\":[",
    b"\"ph\":\"B\"",
    b"{\"low\":-1,\"high\":-1}",
    b"\"SpanKind.",
    b"'",
    b"undefined",
    b"[Object]",
    // Times at and past the ends of what a span can hold.
    b"\"18446744073709551615\"",
    b"\"-1\"",
    b"-9.2e18",
    b"1e25",
    b"\"0001-01-01T00:00:00Z\"",
    b"\"9999-12-31T23:59:60.999999999-99:99\"",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = input.len();
    match rng.index(9) {
        0 if len > 0 => flip_bit(rng, input),
        1 => {
            let t = TOKENS[rng.index(TOKENS.len())];
            let at = rng.index(len + 1);
            input.splice(at..at, t.iter().copied());
        }
        2 if len > 0 => cut_run(rng, input),
        3 if len > 0 => copy_run(rng, input),
        4 => input.truncate(rng.index(len + 1)),
        5 if !seeds.is_empty() => splice_from(rng, input, seeds),
        6 => {
            // Replace a digit run with an extreme number.
            if let Some(start) = (0..len)
                .map(|_| rng.index(len))
                .find(|&i| input[i].is_ascii_digit())
            {
                let mut end = start;
                while end < input.len() && input[end].is_ascii_digit() {
                    end += 1;
                }
                let extreme: &[u8] = [
                    &b"0"[..],
                    b"-9223372036854775808",
                    b"99999999999999999999999",
                    b"1.5e308",
                ][rng.index(4)];
                input.splice(start..end, extreme.iter().copied());
            }
        }
        7 => {
            let depth = 1 + rng.index(300);
            let at = rng.index(len + 1);
            let open = if rng.index(2) == 0 { b'[' } else { b'{' };
            input.splice(at..at, std::iter::repeat_n(open, depth));
        }
        _ => {
            // Swap two lines (reorders JSON Lines and stream values).
            let lines: Vec<usize> = input
                .iter()
                .enumerate()
                .filter(|(_, &c)| c == b'\n')
                .map(|(i, _)| i)
                .collect();
            if lines.len() >= 2 {
                let a = lines[rng.index(lines.len())];
                let b = lines[rng.index(lines.len())];
                let (a, b) = (a.min(b), a.max(b));
                input[a..b].reverse();
            }
        }
    }
}

/// Loads `input` and, when it loads, derives what opening each trace shows
/// (figures per operation, critical path, service graph, clock-skew
/// correction, a comparison with itself): the readers' extreme values must
/// not overflow there either. True when the input loaded.
fn load_and_open(input: &[u8]) -> bool {
    use trace_viewer::model::{analysis, compare, graph};
    let loaded = trace_viewer::model::load(input);
    // The log readers take about twice what `load` does on these seeds:
    // every fourth input goes through them too, so the trace readers keep
    // most of the time.
    static INPUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if INPUTS
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .is_multiple_of(4)
    {
        read_logs(input, loaded.as_ref().map_or(&[][..], |l| &l.traces[..]));
    }
    let Ok(loaded) = loaded else {
        return false;
    };
    for t in &loaded.traces {
        std::hint::black_box(analysis::stats(t));
        std::hint::black_box(analysis::critical_path(t));
        std::hint::black_box(graph::service_graph(t));
        let corrected = t.skew_corrected();
        let diff = compare::Comparison::new(t, &corrected);
        std::hint::black_box(diff.slower());
        for n in &diff.nodes {
            std::hint::black_box((n.self_delta(), n.total_delta(), n.change()));
        }
    }
    true
}

/// Reads `input` with every log reader, and attaches what they read to the
/// traces `input` holds (files mix signals).
fn read_logs(input: &[u8], traces: &[trace_viewer::model::Trace]) {
    use trace_viewer::model::formats::{app_logs, loki, otlp_logs};
    use trace_viewer::model::logs::attach;
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let mut warnings = trace_viewer::model::Warnings::default();
    let refs: Vec<_> = traces.iter().collect();
    let readers: [fn(&str, &mut trace_viewer::model::Warnings) -> Option<_>; 3] =
        [otlp_logs::read, loki::read, app_logs::read];
    for read in readers {
        if let Some(logs) = read(text, &mut warnings) {
            std::hint::black_box(attach(&logs.records, &refs));
        }
    }
}
