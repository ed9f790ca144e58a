//! A mutational fuzzer for the readers (`model::load`), standing in for
//! `cargo fuzz`, which needs a nightly compiler this project does not use.
//!
//! Seeds are the project's fixtures (and the shared corpus when present);
//! each round stacks 1–8 random mutations (byte flips, JSON-significant
//! insertions, deletions, duplications, truncation, splices between seeds,
//! extreme numbers, deep nesting) and checks that `load` neither panics nor
//! takes more than a few seconds. Failing inputs are saved for a fixture.
//!
//! `fuzz-readers [--seconds N] [--seed S] [--out DIR]`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

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
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = input.len();
    match rng.index(9) {
        0 if len > 0 => {
            let i = rng.index(len);
            input[i] ^= 1 << rng.index(8);
        }
        1 => {
            let t = TOKENS[rng.index(TOKENS.len())];
            let at = rng.index(len + 1);
            input.splice(at..at, t.iter().copied());
        }
        2 if len > 0 => {
            let a = rng.index(len);
            let b = (a + 1 + rng.index(64)).min(len);
            input.drain(a..b);
        }
        3 if len > 0 => {
            let a = rng.index(len);
            let b = (a + 1 + rng.index(256)).min(len);
            let chunk: Vec<u8> = input[a..b].to_vec();
            let at = rng.index(len + 1);
            input.splice(at..at, chunk);
        }
        4 => input.truncate(rng.index(len + 1)),
        5 if !seeds.is_empty() => {
            let other = &seeds[rng.index(seeds.len())];
            if !other.is_empty() {
                let a = rng.index(other.len());
                let b = (a + 1 + rng.index(512)).min(other.len());
                let at = rng.index(len + 1);
                input.splice(at..at, other[a..b].iter().copied());
            }
        }
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

fn seeds_from(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            seeds_from(&p, out);
        } else if p.extension().is_some_and(|e| e != "md") {
            if let Ok(bytes) = std::fs::read(&p) {
                if bytes.len() <= 400_000 {
                    out.push(bytes);
                }
            }
        }
    }
}

fn main() {
    let mut seconds = 60u64;
    let mut seed = 0x5eed_u64;
    let mut out_dir = PathBuf::from("bench/out/fuzz-findings");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(seconds),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--out" => out_dir = args.next().map(PathBuf::from).unwrap_or(out_dir),
            other => {
                eprintln!("unknown argument {other}; usage: fuzz-readers [--seconds N] [--seed S] [--out DIR]");
                std::process::exit(2);
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    seeds_from(&root.join("tests/fixtures"), &mut seeds);
    seeds_from(&root.join("../shared/corpus/public"), &mut seeds);
    if seeds.is_empty() {
        eprintln!("no seeds found under tests/fixtures");
        std::process::exit(1);
    }
    // Panics are findings: keep their message, not the default report.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let (mut execs, mut loaded, mut findings) = (0u64, 0u64, 0u64);
    let mut report = Instant::now();
    println!(
        "fuzzing model::load for {seconds} s from {} seeds",
        seeds.len()
    );
    while Instant::now() < deadline {
        let mut input = seeds[rng.index(seeds.len())].clone();
        for _ in 0..1 + rng.index(8) {
            mutate(&mut rng, &mut input, &seeds);
        }
        let t0 = Instant::now();
        let result = std::panic::catch_unwind(|| trace_viewer::model::load(&input).is_ok());
        let took = t0.elapsed();
        execs += 1;
        let problem = match result {
            Ok(ok) => {
                loaded += u64::from(ok);
                (took > Duration::from_secs(3)).then(|| format!("slow: {took:?}"))
            }
            Err(panic) => Some(format!(
                "panic: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(problem) = problem {
            findings += 1;
            let _ = std::fs::create_dir_all(&out_dir);
            let path = out_dir.join(format!("finding-{findings}.bin"));
            let _ = std::fs::write(&path, &input);
            println!("FINDING {problem} -> {}", path.display());
        }
        if report.elapsed() > Duration::from_secs(30) {
            report = Instant::now();
            println!(
                "{:>5} s: {execs} inputs, {loaded} loaded as traces, {findings} findings",
                started.elapsed().as_secs()
            );
        }
    }
    println!(
        "done: {execs} inputs in {} s, {loaded} loaded as traces, {findings} findings",
        started.elapsed().as_secs()
    );
    if findings > 0 {
        std::process::exit(1);
    }
}
