//! A mutational fuzzer for the readers (`model::load`), standing in for
//! `cargo fuzz`, which needs a nightly compiler this project does not use.
//!
//! Seeds are the project's fixtures (and the shared corpus when present);
//! each round stacks 1–8 random mutations (byte flips, JSON-significant
//! insertions, deletions, duplications, truncation, splices between seeds,
//! extreme numbers, deep nesting) and checks that `load`, the figures a
//! loaded trace opens with, and the log readers with their attachment
//! neither panic nor take longer than the per-input limit. Failing inputs are saved for a fixture, and the run exits non-zero.
//!
//! Build it with the `fuzz` profile (`cargo run --profile fuzz --bin
//! fuzz-readers`): optimised, with overflow checks and debug assertions, so
//! an arithmetic overflow in a reader is a panic the fuzzer catches rather
//! than a wrapped value. It refuses to run in a build without overflow checks.
//! A watchdog thread catches an input that never finishes: past the limit it
//! saves the input and ends the process with a message naming the file.
//!
//! `fuzz-readers [--seconds N] [--seed S] [--limit-seconds L] [--out DIR]`
//! `fuzz-readers --replay FILE…` loads saved findings again, one by one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
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

/// The input being loaded and when its load began, for the watchdog.
type Current = Arc<Mutex<Option<(Instant, Arc<[u8]>)>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The last panic's message and location (the hook stores it; the finding
/// report prints it).
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// True when this build traps arithmetic overflow (the `fuzz` and dev
/// profiles do; release does not).
fn overflow_checks_on() -> bool {
    let max = std::hint::black_box(u8::MAX);
    std::panic::catch_unwind(|| std::hint::black_box(max + 1)).is_err()
}

/// Saves `input` under `out_dir` and returns the path as text.
fn save(out_dir: &Path, name: &str, input: &[u8]) -> String {
    let _ = std::fs::create_dir_all(out_dir);
    let path = out_dir.join(name);
    match std::fs::write(&path, input) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not saved: {e})"),
    }
}

/// Watches the input being loaded; past `limit` it saves the input and ends
/// the process, so that a true hang is reported rather than waited on.
fn start_watchdog(current: Current, limit: Duration, out_dir: PathBuf, seed: u64) {
    let tick = (limit / 10).clamp(Duration::from_millis(10), Duration::from_millis(200));
    std::thread::spawn(move || loop {
        std::thread::sleep(tick);
        let hung = match &*lock(&current) {
            Some((t0, input)) if t0.elapsed() > limit => Some(input.clone()),
            _ => None,
        };
        if let Some(input) = hung {
            let path = save(&out_dir, &format!("hang-seed{seed}.bin"), &input);
            println!(
                "FINDING hang: no answer after {} s -> {path}",
                limit.as_secs_f64()
            );
            println!("replay it with: fuzz-readers --replay {path}");
            std::process::exit(1);
        }
    });
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

/// What went wrong with one input, if anything.
fn check(current: &Current, input: &[u8], limit: Duration) -> (bool, Option<String>) {
    let shared: Arc<[u8]> = Arc::from(input);
    *lock(current) = Some((Instant::now(), shared));
    let t0 = Instant::now();
    let result = std::panic::catch_unwind(|| load_and_open(input));
    let took = t0.elapsed();
    *lock(current) = None;
    match result {
        Ok(ok) => (
            ok,
            (took > limit).then(|| format!("slow: {took:?} (limit {limit:?})")),
        ),
        Err(_) => (false, Some(format!("panic: {}", lock(&LAST_PANIC)))),
    }
}

fn replay(paths: &[String], limit: Duration) -> ! {
    let current: Current = Arc::default();
    start_watchdog(current.clone(), limit, PathBuf::from("."), 0);
    let mut failed = 0;
    for p in paths {
        let Ok(input) = std::fs::read(p) else {
            println!("{p}: cannot read");
            failed += 1;
            continue;
        };
        match check(&current, &input, limit) {
            (_, Some(problem)) => {
                failed += 1;
                println!("{p}: {problem}");
            }
            (loaded, None) => {
                println!("{p}: fine ({})", if loaded { "loaded" } else { "an error" })
            }
        }
    }
    std::process::exit(i32::from(failed > 0));
}

fn main() {
    let mut seconds = 60u64;
    let mut seed = 0x5eed_u64;
    let mut limit_seconds = 5f64;
    let mut out_dir = PathBuf::from("bench/out/fuzz-findings");
    let mut replays: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(seconds),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--limit-seconds" => {
                limit_seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|l: &f64| l.is_finite() && *l > 0.0)
                    .unwrap_or(limit_seconds)
            }
            "--out" => out_dir = args.next().map(PathBuf::from).unwrap_or(out_dir),
            "--replay" => replays.extend(args.by_ref()),
            other => {
                eprintln!("unknown argument {other}; usage: fuzz-readers [--seconds N] [--seed S] [--limit-seconds L] [--out DIR] | --replay FILE…");
                std::process::exit(2);
            }
        }
    }
    let limit = Duration::from_secs_f64(limit_seconds);
    // Panics are findings: keep their message and place for the report.
    std::panic::set_hook(Box::new(|info| *lock(&LAST_PANIC) = info.to_string()));
    if !overflow_checks_on() {
        eprintln!("this build wraps on arithmetic overflow; run the fuzzer with `cargo run --profile fuzz --bin fuzz-readers`");
        std::process::exit(2);
    }
    if !replays.is_empty() {
        replay(&replays, limit);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Vec::new();
    seeds_from(&root.join("tests/fixtures"), &mut seeds);
    seeds_from(&root.join("../shared/corpus/public"), &mut seeds);
    if seeds.is_empty() {
        eprintln!("no seeds found under tests/fixtures");
        std::process::exit(1);
    }
    let current: Current = Arc::default();
    start_watchdog(current.clone(), limit, out_dir.clone(), seed);
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let (mut execs, mut loaded, mut findings) = (0u64, 0u64, 0u64);
    let mut report = Instant::now();
    println!(
        "fuzzing model::load for {seconds} s from {} seeds (seed {seed}, limit {limit_seconds} s per input, overflow checks on)",
        seeds.len()
    );
    while Instant::now() < deadline {
        let mut input = seeds[rng.index(seeds.len())].clone();
        for _ in 0..1 + rng.index(8) {
            mutate(&mut rng, &mut input, &seeds);
        }
        let (ok, problem) = check(&current, &input, limit);
        execs += 1;
        loaded += u64::from(ok);
        if let Some(problem) = problem {
            findings += 1;
            let path = save(
                &out_dir,
                &format!("finding-seed{seed}-{findings}.bin"),
                &input,
            );
            println!("FINDING {problem} -> {path}");
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
