//! The worker↔page wire (`model::wire`): `Reply::decode` and
//! `Request::decode` fed mutated encodings of the fixtures' loaded traces
//! (and of progress, failure and load messages), and random bytes. A
//! message that decodes must encode again into one that decodes, and the
//! traces it holds must give the figures the page opens them with.

use trace_viewer::model::progress::Stage;
use trace_viewer::model::wire::{Progress, Reply, Request};

use crate::fuzz_target::{fixture_files, mutate_bytes, Target};
use crate::rng::Rng;

/// The wire's target.
pub fn target() -> Target {
    Target {
        name: "wire",
        what: "model::wire Reply::decode and Request::decode, figures of what decodes",
        share: 2,
        seeds: seeds(),
        mutate: mutate_bytes,
        run,
        max_len: 4 << 20,
    }
}

/// Every kind of message, as the worker and the page write them.
fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = fixture_files()
        .iter()
        .filter_map(|f| trace_viewer::model::load(f).ok())
        .enumerate()
        .map(|(i, loaded)| {
            Reply::Loaded {
                job: i as u32,
                loaded,
            }
            .encode()
        })
        .collect();
    for (i, stage) in Stage::ALL.iter().enumerate() {
        let progress = Progress {
            stage: *stage,
            done: i as u64,
            total_bytes: u64::MAX,
            bytes_read: 1 << 40,
        };
        out.push(Reply::Progress { job: 7, progress }.encode());
    }
    out.push(
        Reply::Failed {
            job: u32::MAX,
            message: String::from("trace.json: not a trace file \u{1F600}"),
        }
        .encode(),
    );
    for name in ["trace.json", "", "ä/../\u{0}.json"] {
        out.push(
            Request::Load {
                job: 3,
                name: String::from(name),
                inflate_limit_bytes: 1 << 30,
            }
            .encode(),
        );
    }
    // Random bytes, behind the right first bytes now and then.
    let mut rng = Rng(0x5eed_3172);
    for n in [0usize, 3, 4, 9, 64, 1000] {
        let mut bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        if n >= 9 {
            bytes[..4].copy_from_slice(b"TVW1");
        }
        out.push(bytes);
    }
    out
}

/// Decodes `input` both ways; what decodes is encoded and decoded again.
fn run(input: &[u8]) -> Result<bool, String> {
    let request = Request::decode(input).ok();
    if let Some(request) = &request {
        let again = Request::decode(&request.encode())
            .map_err(|e| format!("a decoded request, encoded again, does not decode: {e}"))?;
        if &again != request {
            return Err(String::from(
                "a decoded request, encoded again, decodes to another request",
            ));
        }
    }
    let whole = Reply::decode(input);
    // Read a window at a time (as the page reads a worker's buffer), the
    // same bytes decode to the same reply, or fail the same way.
    let windowed = Reply::decode_from(&Windows(input));
    match (&whole, &windowed) {
        (Ok(a), Ok(b)) if a.encode() != b.encode() => {
            return Err(String::from("read a window at a time, the reply differs"))
        }
        (Ok(_), Err(e)) => return Err(format!("read a window at a time, it fails: {e}")),
        (Err(_), Ok(_)) => {
            return Err(String::from(
                "read a window at a time, a bad message decodes",
            ))
        }
        _ => {}
    }
    let Ok(reply) = whole else {
        return Ok(request.is_some());
    };
    let again = Reply::decode(&reply.encode())
        .map_err(|e| format!("a decoded reply, encoded again, does not decode: {e}"))?;
    if let Reply::Loaded { loaded, .. } = &reply {
        use trace_viewer::model::{analysis, graph};
        for t in &loaded.traces {
            std::hint::black_box(analysis::stats(t));
            std::hint::black_box(analysis::critical_path(t));
            std::hint::black_box(graph::service_graph(t));
        }
    }
    if again.job() != reply.job() {
        return Err(String::from(
            "a decoded reply, encoded again, names another job",
        ));
    }
    Ok(true)
}

/// The input held "elsewhere", copied out 13 bytes at a time.
struct Windows<'a>(&'a [u8]);

impl trace_viewer::model::wire::Source for Windows<'_> {
    fn size(&self) -> usize {
        self.0.len()
    }
    fn copy_to(&self, at: usize, out: &mut [u8]) {
        out.copy_from_slice(&self.0[at..at + out.len()]);
    }
    fn window(&self) -> usize {
        13
    }
}
