//! What every fuzz target shares: the [`Target`] record the driver runs,
//! byte- and text-level mutations, a reader that derives structured values
//! from fuzz bytes ([`Draw`]), and the fixtures' traces that targets check
//! against.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use trace_viewer::model::Trace;

use crate::rng::Rng;

/// One thing the fuzzer feeds: where its inputs start, how they change, and
/// what one input must not do.
pub struct Target {
    /// The name in the summary and in the names of saved findings.
    pub name: &'static str,
    /// What it feeds, for the summary.
    pub what: &'static str,
    /// Its share of the run's time, in parts of the shares' sum.
    pub share: u32,
    /// Inputs that mutations start from.
    pub seeds: Vec<Vec<u8>>,
    /// Changes one input (the seeds are there for splicing).
    pub mutate: fn(&mut Rng, &mut Vec<u8>, &[Vec<u8>]),
    /// Runs one input: `Ok(true)` when the code under test accepted it
    /// (loaded, decoded, parsed), `Ok(false)` when it refused it cleanly,
    /// `Err` when a property the target checks does not hold. A panic is
    /// caught by the driver.
    pub run: fn(&[u8]) -> Result<bool, String>,
    /// Inputs are cut to this many bytes after mutating.
    pub max_len: usize,
}

/// The project's fixtures and, when present, the shared corpus: the readers'
/// seeds, and what the other targets derive theirs from.
pub fn fixture_files() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        files_from(&root.join("tests/fixtures"), &mut out);
        files_from(&root.join("../shared/corpus/public"), &mut out);
        out
    })
}

fn files_from(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_from(&p, out);
        } else if p.extension().is_some_and(|e| e != "md") {
            if let Ok(bytes) = std::fs::read(&p) {
                if bytes.len() <= 400_000 {
                    out.push(bytes);
                }
            }
        }
    }
}

/// The traces of the project's own fixtures (not the corpus: these are for
/// targets that look things up in loaded traces, and stay small).
pub fn fixture_traces() -> &'static [Arc<Trace>] {
    static TRACES: OnceLock<Vec<Arc<Trace>>> = OnceLock::new();
    TRACES.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        files_from(&root.join("tests/fixtures"), &mut files);
        files
            .iter()
            .filter_map(|f| trace_viewer::model::load(f).ok())
            .flat_map(|l| l.traces)
            .map(Arc::new)
            .collect()
    })
}

/// Values that sit at the edges of the integers a binary format counts with.
const EDGE_U32: [u32; 9] = [
    0,
    1,
    2,
    0x7f,
    0xff,
    0xffff,
    0x7fff_ffff,
    0xffff_fffe,
    u32::MAX,
];

/// Mutations for binary inputs: bit flips, edge integers written over
/// what is there, random bytes, deletions, duplications, truncation and
/// splices between seeds.
pub fn mutate_bytes(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = input.len();
    match rng.index(8) {
        0 if len > 0 => flip_bit(rng, input),
        1 if len >= 4 => {
            // An edge value over a little-endian u32 (counts, lengths, indices).
            let at = rng.index(len - 3);
            let v = EDGE_U32[rng.index(EDGE_U32.len())];
            let v = if rng.index(4) == 0 {
                v.wrapping_add(len as u32)
            } else {
                v
            };
            input[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        2 => {
            let at = rng.index(len + 1);
            let n = 1 + rng.index(16);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            input.splice(at..at, bytes);
        }
        3 if len > 0 => cut_run(rng, input),
        4 if len > 0 => copy_run(rng, input),
        5 => input.truncate(rng.index(len + 1)),
        6 if !seeds.is_empty() => splice_from(rng, input, seeds),
        _ if len > 0 => {
            let i = rng.index(len);
            input[i] = [0u8, 1, 0x7f, 0x80, 0xff][rng.index(5)];
        }
        _ => input.push(rng.next() as u8),
    }
}

/// Flips one bit of a non-empty input.
pub fn flip_bit(rng: &mut Rng, input: &mut [u8]) {
    let i = rng.index(input.len());
    input[i] ^= 1 << rng.index(8);
}

/// Cuts a run of up to 64 bytes out of a non-empty input.
pub fn cut_run(rng: &mut Rng, input: &mut Vec<u8>) {
    let len = input.len();
    let a = rng.index(len);
    let b = (a + 1 + rng.index(64)).min(len);
    input.drain(a..b);
}

/// Copies a run of up to 256 bytes of a non-empty input to another place in it.
pub fn copy_run(rng: &mut Rng, input: &mut Vec<u8>) {
    let len = input.len();
    let a = rng.index(len);
    let b = (a + 1 + rng.index(256)).min(len);
    let chunk = input[a..b].to_vec();
    let at = rng.index(len + 1);
    input.splice(at..at, chunk);
}

/// Inserts a piece of another seed.
pub fn splice_from(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let other = &seeds[rng.index(seeds.len())];
    if other.is_empty() {
        return;
    }
    let a = rng.index(other.len());
    let b = (a + 1 + rng.index(512)).min(other.len());
    let at = rng.index(input.len() + 1);
    input.splice(at..at, other[a..b].iter().copied());
}

/// Mutations for text inputs: tokens of the grammar being fuzzed inserted
/// or written over a run, a run repeated many times, and the byte-level
/// mutations (which also make invalid UTF-8, read as the page would read it).
pub fn mutate_text(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>], tokens: &[&[u8]]) {
    let len = input.len();
    match rng.index(6) {
        0 | 1 => {
            let t = tokens[rng.index(tokens.len())];
            let at = rng.index(len + 1);
            input.splice(at..at, t.iter().copied());
        }
        2 if len > 0 => {
            let t = tokens[rng.index(tokens.len())];
            let a = rng.index(len);
            let b = (a + 1 + rng.index(8)).min(len);
            input.splice(a..b, t.iter().copied());
        }
        3 if len > 0 => {
            // The same piece many times over (long parameters, many `&`s).
            let a = rng.index(len);
            let b = (a + 1 + rng.index(16)).min(len);
            let chunk = input[a..b].to_vec();
            let times = 1 + rng.index(2000);
            let at = rng.index(len + 1);
            input.splice(
                at..at,
                chunk.iter().copied().cycle().take(chunk.len() * times),
            );
        }
        _ => mutate_bytes(rng, input, seeds),
    }
}

/// Derives structured values from fuzz bytes, front to back; past the end
/// every draw is zero, so any input describes a value.
pub struct Draw<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Draw<'a> {
    /// Draws from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Draw<'a> {
        Draw { bytes, pos: 0 }
    }

    /// The next byte, 0 past the end.
    pub fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..n` (0 when `n` is 0), from one byte.
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    /// A little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0u64, |v, i| v | u64::from(self.byte()) << (8 * i))
    }

    /// Text of a drawn length (usually short, now and then a few hundred
    /// bytes), read as the browser reads bytes it cannot decode.
    pub fn text(&mut self) -> String {
        let n = match self.byte() {
            l @ 0..=239 => usize::from(l % 24),
            l => usize::from(l - 239) * 40,
        };
        let end = self.pos.saturating_add(n).min(self.bytes.len());
        let start = self.pos.min(end);
        self.pos = self.pos.saturating_add(n);
        String::from_utf8_lossy(&self.bytes[start..end]).into_owned()
    }
}
