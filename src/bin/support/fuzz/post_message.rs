//! The postMessage API's shapes (`view_model::post_message`): a message's
//! fields, as the page finds them ([`FoundOpen`]), derived from the fuzz
//! bytes — wrong kinds, missing fields, odd names, ids of the fixtures'
//! traces and spans, and now and then a long run of same-named files —
//! read with `read_open`, then where the message leads (`target`) among the
//! fixtures' traces and what is answered. The files a message opens must
//! have distinct names, and the page it leads to must show its trace.

use std::sync::atomic::{AtomicUsize, Ordering};

use trace_viewer::model::TraceId;
use trace_viewer::view_model::files::FileProblem;
use trace_viewer::view_model::post_message::{
    message_name, problems_of, read_open, target as target_of, trace_count, DataKind, Found,
    FoundFile, FoundOpen,
};
use trace_viewer::view_model::route::Route;

use crate::fuzz_target::{fixture_traces, mutate_bytes, Draw, Target};

/// The most same-named entries one message is given (`--post-message-entries`).
pub static MAX_SAME_NAMED: AtomicUsize = AtomicUsize::new(DEFAULT_SAME_NAMED);

/// The default for [`MAX_SAME_NAMED`]: past the 64 files a message may
/// open (the refusal is fuzzed too); names are made unique in O(n log n).
pub const DEFAULT_SAME_NAMED: usize = 300;

/// The postMessage shapes' target.
pub fn target() -> Target {
    Target {
        name: "post-message",
        what: "view_model::post_message read_open, target, problems_of (FoundOpen from the bytes)",
        share: 1,
        seeds: seeds(),
        mutate: mutate_bytes,
        run,
        max_len: 16 << 10,
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new(), vec![2; 64], vec![0xff; 64]];
    // Every first choice of each field, then a few bytes for what follows.
    for first in 0..=16u8 {
        out.push(
            (0..96u8)
                .map(|i| first.wrapping_mul(31).wrapping_add(i))
                .collect(),
        );
    }
    // A run of same-named entries, the cubic case, at the most allowed.
    let most = MAX_SAME_NAMED
        .load(Ordering::Relaxed)
        .min(usize::from(u16::MAX)) as u16;
    let mut many = vec![0u8, 2];
    many.extend_from_slice(&most.to_le_bytes());
    many.extend_from_slice(&[0, 4, b'a', b'.', b'j', b's']);
    many.extend_from_slice(&[0; 16]);
    out.push(many);
    out
}

fn run(input: &[u8]) -> Result<bool, String> {
    let mut d = Draw::new(input);
    let found = found_open(&mut d);
    let origin = d.text();
    std::hint::black_box(message_name(&origin));
    let entries = match (&found.files, &found.single.data) {
        (Found::Is(files), _) => files.len(),
        _ => 1,
    };
    let Ok(open) = read_open(&found) else {
        return Ok(false);
    };
    let mut names: Vec<&str> = open.files.iter().map(|(n, _)| n.as_str()).collect();
    if names.len() != entries {
        return Err(format!(
            "{entries} entries were read as {} files",
            names.len()
        ));
    }
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("two files of one message are named {:?}", pair[0]));
    }

    let traces = fixture_traces();
    let added: Vec<TraceId> = (0..d.below(4))
        .filter_map(|_| traces.get(d.below(traces.len())).map(|t| t.id))
        .collect();
    let (to, _problem) = target_of(&open.select, &added, traces);
    if let Some(to) = to {
        let hash = to.hash();
        if Route::from_hash(&hash) != Route::Trace(to.trace.clone()) {
            return Err(format!(
                "the message leads to trace {}, but its address {hash} shows another page",
                to.trace
            ));
        }
    }
    let names: Vec<String> = open.files.iter().map(|(n, _)| n.clone()).collect();
    let mut all: Vec<FileProblem> = Vec::new();
    for file in &names {
        if d.below(3) == 0 {
            let message = d.text();
            all.push(FileProblem {
                file: file.clone(),
                message,
            });
        }
    }
    std::hint::black_box((problems_of(&names, &all), trace_count(&added)));
    Ok(true)
}

fn found_open(d: &mut Draw) -> FoundOpen {
    let version = match d.below(4) {
        0 => Found::Absent,
        1 => Found::Wrong(d.text()),
        2 => Found::Is(1.0),
        _ => Found::Is(f64::from_bits(d.u64())),
    };
    let files = match d.below(4) {
        0 => Found::Absent,
        1 => Found::Wrong(d.text()),
        2 => Found::Is(same_named(d)),
        _ => Found::Is((0..d.below(17)).map(|_| found_entry(d)).collect()),
    };
    FoundOpen {
        version,
        files,
        single: found_file(d),
        select: (found_id(d, true), found_id(d, false)),
        keep: match d.below(3) {
            0 => Found::Absent,
            1 => Found::Wrong(d.text()),
            _ => Found::Is(d.byte().is_multiple_of(2)),
        },
    }
}

/// Up to [`MAX_SAME_NAMED`] entries whose names clean to one name (or to
/// the names `read_open` makes unique ones from).
fn same_named(d: &mut Draw) -> Vec<Found<FoundFile>> {
    let max = MAX_SAME_NAMED.load(Ordering::Relaxed);
    let count = usize::from(d.u16()) % (max + 1);
    let name = name(d);
    (0..count)
        .map(|i| {
            let name = match i % 4 {
                0 => name.clone(),
                1 => format!(" {name}\t"),
                2 => format!("{name}\u{7}"),
                _ => format!("{name} ({})", 2 + i % 5),
            };
            Found::Is(FoundFile {
                name: Found::Is(name),
                data: Found::Is(DataKind::Text),
            })
        })
        .collect()
}

fn found_entry(d: &mut Draw) -> Found<FoundFile> {
    match d.below(5) {
        0 => Found::Absent,
        1 => Found::Wrong(d.text()),
        _ => Found::Is(found_file(d)),
    }
}

fn found_file(d: &mut Draw) -> FoundFile {
    FoundFile {
        name: match d.below(4) {
            0 => Found::Absent,
            1 => Found::Wrong(d.text()),
            _ => Found::Is(name(d)),
        },
        data: match d.below(5) {
            0 => Found::Absent,
            1 => Found::Wrong(d.text()),
            2 => Found::Is(DataKind::Text),
            3 => Found::Is(DataKind::Bytes),
            _ => Found::Is(DataKind::Blob),
        },
    }
}

fn name(d: &mut Draw) -> String {
    const NAMES: [&str; 7] = [
        "trace.json",
        "",
        " \t\n",
        "file 1",
        "trace.json (2)",
        "\u{0}\u{1b}[31m",
        "名前.json",
    ];
    match d.below(5) {
        0 | 1 => d.text(),
        2 => NAMES[d.below(NAMES.len())].to_string(),
        3 => "x".repeat(usize::from(d.byte()) * 4),
        _ => format!("{} ({})", d.text(), d.byte()),
    }
}

/// A `select.traceId` (`trace`) or `select.spanId`: often an id of a
/// fixture's trace or span, as written or spelt otherwise.
fn found_id(d: &mut Draw, trace: bool) -> Found<String> {
    let traces = fixture_traces();
    let id = match d.below(6) {
        0 => return Found::Absent,
        1 => return Found::Wrong(d.text()),
        2 => d.text(),
        _ => match traces.get(d.below(traces.len())) {
            Some(t) if trace => t.id.to_hex(),
            Some(t) => t
                .spans
                .get(usize::from(d.u16()) % t.spans.len().max(1))
                .map_or_else(String::new, |s| s.raw.span_id.to_hex()),
            None => d.text(),
        },
    };
    Found::Is(match d.below(4) {
        0 => id.to_ascii_uppercase(),
        1 => format!("  {id}\n"),
        2 => id.trim_start_matches('0').to_string(),
        _ => id,
    })
}
