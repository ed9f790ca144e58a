//! A mutational fuzzer, standing in for `cargo fuzz` (which needs a nightly
//! compiler this project does not use), for everything that reads input a
//! page or a file can put in front of the viewer. One target per module
//! under `support/fuzz/`:
//!
//! - `readers`: trace and log files (`model::load` and the log readers),
//!   and the figures a loaded trace opens with;
//! - `wire`: the worker↔page messages (`model::wire`), from encodings of
//!   the fixtures' loaded traces and random bytes;
//! - `url-state`: the page address (route, parameters, `#url=`, `?source=`);
//! - `post-message`: the postMessage API's open message, its shapes derived
//!   from the fuzz bytes;
//! - `trace-context`: pasted `traceparent` / `tracestate`.
//!
//! Each round takes a seed of the target, stacks 1–8 of its mutations and
//! checks that the input neither panics, nor breaks a property the target
//! states, nor takes longer than the per-input limit (quadratic and worse
//! work shows up there). The run's time is split between the targets by
//! their shares, one after the other. Failing inputs are saved for a
//! fixture, and the run exits non-zero.
//!
//! Build it with the `fuzz` profile (`cargo run --profile fuzz --bin
//! fuzz-readers`) or the test build: optimised, with overflow checks and
//! debug assertions, so an arithmetic overflow is a panic the fuzzer
//! catches rather than a wrapped value. It refuses to run in a build without
//! overflow checks. A watchdog thread catches an input that never finishes:
//! past the limit it saves the input and ends the process with a message
//! naming the file.
//!
//! `fuzz-readers [--seconds N] [--seed S] [--limit-seconds L] [--out DIR]
//! [--only TARGET,…] [--post-message-entries N]`
//! `fuzz-readers [--only TARGET] --replay FILE…` runs saved findings again,
//! one by one, with the target their file name names (else `--only`'s).

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[path = "support/rng.rs"]
mod rng;

#[path = "support/fuzz/target.rs"]
mod fuzz_target;

#[path = "support/fuzz/post_message.rs"]
mod post_message;
#[path = "support/fuzz/readers.rs"]
mod readers;
#[path = "support/fuzz/trace_context.rs"]
mod trace_context;
#[path = "support/fuzz/url.rs"]
mod url;
#[path = "support/fuzz/wire.rs"]
mod wire;

use fuzz_target::Target;
use rng::Rng;

/// Every target, in the order they run.
fn targets() -> Vec<Target> {
    vec![
        readers::target(),
        wire::target(),
        url::target(),
        post_message::target(),
        trace_context::target(),
    ]
}

/// The input being run, its target and when it began, for the watchdog.
type Current = Arc<Mutex<Option<(Instant, &'static str, Arc<[u8]>)>>>;

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

/// Watches the input being run; past `limit` it saves the input and ends
/// the process, so that a true hang is reported rather than waited on.
fn start_watchdog(current: Current, limit: Duration, out_dir: PathBuf, seed: u64) {
    let tick = (limit / 10).clamp(Duration::from_millis(10), Duration::from_millis(200));
    std::thread::spawn(move || loop {
        std::thread::sleep(tick);
        let hung = match &*lock(&current) {
            Some((t0, target, input)) if t0.elapsed() > limit => Some((*target, input.clone())),
            _ => None,
        };
        if let Some((target, input)) = hung {
            let path = save(&out_dir, &format!("hang-{target}-seed{seed}.bin"), &input);
            println!(
                "FINDING {target}: hang: no answer after {} s -> {path}",
                limit.as_secs_f64()
            );
            println!("replay it with: fuzz-readers --replay {path}");
            std::process::exit(1);
        }
    });
}

/// What went wrong with one input, if anything; and whether the target
/// accepted it.
fn check(
    current: &Current,
    target: &Target,
    input: &[u8],
    limit: Duration,
) -> (bool, Option<String>) {
    *lock(current) = Some((Instant::now(), target.name, Arc::from(input)));
    let t0 = Instant::now();
    let result = std::panic::catch_unwind(|| (target.run)(input));
    let took = t0.elapsed();
    *lock(current) = None;
    match result {
        Ok(Ok(accepted)) => (
            accepted,
            (took > limit).then(|| format!("slow: {took:?} (limit {limit:?})")),
        ),
        Ok(Err(broken)) => (false, Some(broken)),
        Err(_) => (false, Some(format!("panic: {}", lock(&LAST_PANIC)))),
    }
}

/// The target a saved finding belongs to, from its file name
/// (`finding-wire-seed…`); the readers' for names from before there were
/// several targets.
fn target_of_file<'t>(path: &str, targets: &'t [Target]) -> Option<&'t Target> {
    let file = Path::new(path).file_name()?.to_string_lossy().into_owned();
    targets
        .iter()
        .find(|t| file.contains(&format!("-{}-seed", t.name)))
        .or_else(|| targets.iter().find(|t| t.name == "readers"))
}

fn replay(paths: &[String], targets: &[Target], forced: Option<&Target>, limit: Duration) -> ! {
    let current: Current = Arc::default();
    start_watchdog(current.clone(), limit, PathBuf::from("."), 0);
    let mut failed = 0;
    for p in paths {
        let (Ok(input), Some(target)) = (std::fs::read(p), forced.or(target_of_file(p, targets)))
        else {
            println!("{p}: cannot read");
            failed += 1;
            continue;
        };
        match check(&current, target, &input, limit) {
            (_, Some(problem)) => {
                failed += 1;
                println!("{p} ({}): {problem}", target.name);
            }
            (accepted, None) => println!(
                "{p} ({}): fine ({})",
                target.name,
                if accepted { "accepted" } else { "refused" }
            ),
        }
    }
    std::process::exit(i32::from(failed > 0));
}

/// What one target's part of the run came to.
struct Tally {
    inputs: u64,
    accepted: u64,
    findings: u64,
    took: Duration,
}

/// Feeds `target` mutated inputs until `until`.
fn fuzz(target: &Target, rng: &mut Rng, until: Instant, run: &Run, current: &Current) -> Tally {
    let started = Instant::now();
    let mut tally = Tally {
        inputs: 0,
        accepted: 0,
        findings: 0,
        took: Duration::ZERO,
    };
    let mut report = Instant::now();
    while Instant::now() < until {
        let mut input = target.seeds[rng.index(target.seeds.len())].clone();
        for _ in 0..1 + rng.index(8) {
            (target.mutate)(rng, &mut input, &target.seeds);
        }
        input.truncate(target.max_len);
        let (accepted, problem) = check(current, target, &input, run.limit);
        tally.inputs += 1;
        tally.accepted += u64::from(accepted);
        if let Some(problem) = problem {
            tally.findings += 1;
            let name = format!(
                "finding-{}-seed{}-{}.bin",
                target.name, run.seed, tally.findings
            );
            let path = save(&run.out_dir, &name, &input);
            println!("FINDING {}: {problem} -> {path}", target.name);
        }
        if report.elapsed() > Duration::from_secs(30) {
            report = Instant::now();
            println!(
                "{:>5} s: {}: {} inputs, {} accepted, {} findings",
                started.elapsed().as_secs(),
                target.name,
                tally.inputs,
                tally.accepted,
                tally.findings
            );
        }
    }
    tally.took = started.elapsed();
    tally
}

/// The run's settings.
struct Run {
    seconds: u64,
    seed: u64,
    limit: Duration,
    out_dir: PathBuf,
    only: Vec<String>,
    replays: Vec<String>,
}

fn parse_args() -> Run {
    let mut run = Run {
        seconds: 60,
        seed: 0x5eed,
        limit: Duration::from_secs(5),
        out_dir: PathBuf::from("bench/out/fuzz-findings"),
        only: Vec::new(),
        replays: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => {
                run.seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(run.seconds)
            }
            "--seed" => run.seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(run.seed),
            "--limit-seconds" => {
                if let Some(l) = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|l: &f64| l.is_finite() && *l > 0.0)
                {
                    run.limit = Duration::from_secs_f64(l);
                }
            }
            "--out" => run.out_dir = args.next().map(PathBuf::from).unwrap_or(run.out_dir),
            "--only" => run.only.extend(
                args.next()
                    .iter()
                    .flat_map(|v| v.split(',').map(String::from)),
            ),
            "--post-message-entries" => {
                if let Some(n) = args.next().and_then(|v| v.parse().ok()) {
                    post_message::MAX_SAME_NAMED.store(n, Ordering::Relaxed);
                }
            }
            "--replay" => run.replays.extend(args.by_ref()),
            other => {
                eprintln!("unknown argument {other}; usage: fuzz-readers [--seconds N] [--seed S] [--limit-seconds L] [--out DIR] [--only TARGET,…] [--post-message-entries N] | [--only TARGET] --replay FILE…");
                std::process::exit(2);
            }
        }
    }
    run
}

fn main() {
    let run = parse_args();
    // Panics are findings: keep their message and place for the report.
    std::panic::set_hook(Box::new(|info| *lock(&LAST_PANIC) = info.to_string()));
    if !overflow_checks_on() {
        eprintln!("this build wraps on arithmetic overflow; run the fuzzer with `cargo run --profile fuzz --bin fuzz-readers`");
        std::process::exit(2);
    }
    let all = targets();
    let unknown: Vec<&String> = run
        .only
        .iter()
        .filter(|n| !all.iter().any(|t| t.name == *n))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = all.iter().map(|t| t.name).collect();
        eprintln!(
            "unknown target {unknown:?}; the targets are {}",
            names.join(", ")
        );
        std::process::exit(2);
    }
    if !run.replays.is_empty() {
        let forced = run
            .only
            .first()
            .and_then(|n| all.iter().find(|t| t.name == n));
        replay(&run.replays, &all, forced, run.limit);
    }
    let chosen: Vec<&Target> = all
        .iter()
        .filter(|t| run.only.is_empty() || run.only.iter().any(|n| n == t.name))
        .collect();
    if let Some(t) = chosen.iter().find(|t| t.seeds.is_empty()) {
        eprintln!(
            "no seeds for {} (the readers' come from tests/fixtures)",
            t.name
        );
        std::process::exit(1);
    }
    let current: Current = Arc::default();
    start_watchdog(current.clone(), run.limit, run.out_dir.clone(), run.seed);
    let shares: u32 = chosen.iter().map(|t| t.share).sum();
    println!(
        "fuzzing {} targets for {} s (seed {}, limit {} s per input, overflow checks on):",
        chosen.len(),
        run.seconds,
        run.seed,
        run.limit.as_secs_f64()
    );
    let started = Instant::now();
    let mut tallies = Vec::new();
    for (i, target) in chosen.iter().enumerate() {
        let part = Duration::from_secs(run.seconds)
            .mul_f64(f64::from(target.share) / f64::from(shares.max(1)));
        println!(
            "  {:<14} {:>4.0} s from {:>3} seeds: {}",
            target.name,
            part.as_secs_f64(),
            target.seeds.len(),
            target.what
        );
        // Each target its own sequence: what one explores does not depend
        // on how far the others got.
        let mut rng = Rng((run.seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
        tallies.push((
            target.name,
            fuzz(target, &mut rng, Instant::now() + part, &run, &current),
        ));
    }
    let findings: u64 = tallies.iter().map(|(_, t)| t.findings).sum();
    println!(
        "done in {} s, {findings} findings:",
        started.elapsed().as_secs()
    );
    for (name, t) in &tallies {
        println!(
            "  {name:<14} {:>8} inputs in {:>3} s, {:>8} accepted, {} findings",
            t.inputs,
            t.took.as_secs(),
            t.accepted,
            t.findings
        );
    }
    if findings > 0 {
        std::process::exit(1);
    }
}
