//! Trace files of the shapes real systems produce, for benchmarks and tests:
//! the benchmark's default tree, and the shapes that break viewers tuned for
//! it (a deep chain, a long sequential fan-out, many services, many
//! operations, many traces, extreme times, long strings, many links), written
//! as Jaeger JSON, OTLP JSON or OTLP JSON Lines (one span per line, as the
//! Collector's file exporter writes).
//!
//! Shared by `gen-trace` and the native shape tests (`tests/shapes.rs`).

use super::rng::Rng;

pub const SERVICES: [&str; 10] = [
    "frontend",
    "checkout",
    "cart",
    "payment",
    "shipping",
    "email",
    "currency",
    "recommendation",
    "ad",
    "inventory",
];

pub const OPS: [&str; 8] = [
    "GET /api",
    "POST /api",
    "grpc.Call",
    "db.query",
    "cache.get",
    "render",
    "publish",
    "consume",
];

/// Span kinds by span number, with their OTLP codes. A consumer never comes
/// right after a producer, so a chain's spans all wait for their child.
pub const KINDS: [(&str, u8); 5] = [
    ("server", 2),
    ("client", 3),
    ("internal", 1),
    ("consumer", 5),
    ("producer", 4),
];

const MAX_DEPTH: u32 = 20;

/// Start of the generated traces: 2023-11-14, in microseconds.
pub const EPOCH_US: u64 = 1_700_000_000_000_000;

/// What the generated trace looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// ~10 services, depth up to 20, 5–10 attributes per span (the benchmark's).
    Default,
    /// Each span the only child of the one before: depth = span count.
    Deep,
    /// One root whose children run one after another (a batch job).
    Wide,
    /// About one service per two spans.
    Services,
    /// About one operation name per two spans.
    Operations,
    /// Traces of 20 spans each.
    Traces,
    /// The default tree written as OTLP JSON Lines, one span per line.
    Jsonl,
    /// A root from the epoch to the end of 64-bit time; spans near both ends.
    Extreme,
    /// Every span with a 200-character value; the root with one of `long_bytes`.
    Long,
    /// Every span with three links (OTLP) or FOLLOWS_FROM references (Jaeger):
    /// two in its trace, one to the root of a trace.
    Links,
}

impl Shape {
    /// Every shape, in the order tables list them.
    pub const ALL: [Shape; 10] = [
        Shape::Default,
        Shape::Deep,
        Shape::Wide,
        Shape::Services,
        Shape::Operations,
        Shape::Traces,
        Shape::Jsonl,
        Shape::Extreme,
        Shape::Long,
        Shape::Links,
    ];

    /// The shape's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Default => "default",
            Shape::Deep => "deep",
            Shape::Wide => "wide",
            Shape::Services => "services",
            Shape::Operations => "operations",
            Shape::Traces => "traces",
            Shape::Jsonl => "jsonl",
            Shape::Extreme => "extreme",
            Shape::Long => "long",
            Shape::Links => "links",
        }
    }

    /// The shape called `name`.
    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The file format written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Jaeger query API JSON (`{"data":[…]}`).
    Jaeger,
    /// One OTLP JSON document.
    Otlp,
    /// OTLP JSON Lines: one `{"resourceSpans":…}` per span.
    OtlpLines,
}

impl Format {
    /// The format called `name`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "jaeger" => Some(Format::Jaeger),
            "otlp" => Some(Format::Otlp),
            "jsonl" | "otlp-jsonl" => Some(Format::OtlpLines),
            _ => None,
        }
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The shape.
    pub shape: Shape,
    /// Spans in all (at least 1).
    pub spans: usize,
    /// Traces (the `Traces` shape sets its own).
    pub traces: usize,
    /// The format (the `Jsonl` shape always writes JSON Lines).
    pub format: Format,
    /// Length of the root's long value in the `Long` shape.
    pub long_bytes: usize,
}

impl Spec {
    /// `spans` spans of `shape` in `format`, one trace.
    pub fn new(shape: Shape, spans: usize, format: Format) -> Spec {
        Spec {
            shape,
            spans,
            traces: 1,
            format,
            long_bytes: 1 << 20,
        }
    }
}

/// One generated span. Times in nanoseconds, so that the extreme shape can
/// reach the end of 64-bit time.
pub struct GenSpan {
    /// Index of the parent in the same trace.
    pub parent: Option<usize>,
    pub depth: u32,
    /// Service number (names past the ten usual ones are generated).
    pub service: usize,
    /// Operation number (names past the eight usual ones are generated).
    pub op: usize,
    /// Start, nanoseconds since the epoch.
    pub start_ns: u64,
    /// Duration in nanoseconds.
    pub duration_ns: u64,
    pub error: bool,
    /// Spans this one links to: (trace number, span index).
    pub links: Vec<(usize, usize)>,
}

/// One generated trace: its id and spans (parents before children).
pub struct GenTrace {
    /// 32 hex digits.
    pub id: String,
    /// The spans.
    pub spans: Vec<GenSpan>,
}

pub fn service_name(i: usize) -> String {
    match SERVICES.get(i) {
        Some(s) => (*s).to_string(),
        None => format!("service-{i:05}"),
    }
}

pub fn op_name(i: usize, span: usize) -> String {
    match OPS.get(i) {
        Some(s) => format!("{s} {}", span % 97),
        None => format!("operation-{i:06}"),
    }
}

fn span(parent: Option<usize>, depth: u32, start_ns: u64, duration_ns: u64) -> GenSpan {
    GenSpan {
        parent,
        depth,
        service: 0,
        op: 0,
        start_ns,
        duration_ns,
        error: false,
        links: Vec::new(),
    }
}

/// The benchmark's tree: a recent span as parent (gives depth), never deeper
/// than [`MAX_DEPTH`], children inside their parent.
fn tree(rng: &mut Rng, n: usize, start_ns: u64) -> Vec<GenSpan> {
    let mut spans: Vec<GenSpan> = Vec::with_capacity(n);
    spans.push(span(None, 1, start_ns, 10_000_000_000));
    for i in 1..n {
        let mut p = i - 1 - rng.below(i.min(40) as u64) as usize;
        while spans[p].depth >= MAX_DEPTH {
            p = spans[p].parent.unwrap_or(0);
        }
        let parent = &spans[p];
        let offset = rng.below(parent.duration_ns / 2 + 1) / 1000 * 1000;
        let duration = ((parent.duration_ns / 4 + rng.below(parent.duration_ns / 3 + 1)) / 1000
            * 1000)
            .max(1000);
        let service = if rng.chance(60) {
            parent.service
        } else {
            rng.below(SERVICES.len() as u64) as usize
        };
        let mut s = span(
            Some(p),
            parent.depth + 1,
            parent.start_ns + offset,
            duration,
        );
        s.service = service;
        s.op = rng.below(OPS.len() as u64) as usize;
        s.error = rng.chance(1);
        spans.push(s);
    }
    spans
}

/// A chain: each span the only child of the previous, 1 µs inside it.
fn chain(n: usize, start_ns: u64) -> Vec<GenSpan> {
    let total = n as u64 * 2_000 + 1_000;
    (0..n)
        .map(|i| {
            let i64 = i as u64;
            let mut s = span(
                i.checked_sub(1),
                i as u32 + 1,
                start_ns + i64 * 1_000,
                total - i64 * 2_000,
            );
            s.service = i % SERVICES.len();
            s.op = i % OPS.len();
            s
        })
        .collect()
}

/// A root and `n - 1` children one after another, 10 µs each.
fn fan_out(n: usize, start_ns: u64) -> Vec<GenSpan> {
    let mut spans = vec![span(None, 1, start_ns, n as u64 * 10_000 + 10_000)];
    for i in 1..n {
        let mut s = span(Some(0), 2, start_ns + i as u64 * 10_000, 9_000);
        s.service = 1 + i % (SERVICES.len() - 1);
        s.op = 3;
        spans.push(s);
    }
    spans
}

/// Spans near both ends of 64-bit time under a root that covers all of it.
fn extreme(rng: &mut Rng, n: usize) -> Vec<GenSpan> {
    let mut spans = vec![span(None, 1, 0, u64::MAX)];
    for i in 1..n {
        let start = match i % 3 {
            0 => rng.below(1_000_000),
            1 => u64::MAX - 1_000_000_000 + rng.below(500_000_000),
            _ => EPOCH_US * 1000 + rng.below(10_000_000_000),
        };
        let mut s = span(Some(0), 2, start, 1 + rng.below(400_000_000));
        s.service = i % SERVICES.len();
        s.op = i % OPS.len();
        spans.push(s);
    }
    spans
}

/// The traces of `spec`.
pub fn traces(spec: &Spec, rng: &mut Rng) -> Vec<GenTrace> {
    let n = spec.spans.max(1);
    let count = match spec.shape {
        Shape::Traces => n.div_ceil(20),
        _ => spec.traces.clamp(1, n),
    };
    let per_trace = (n / count).max(1);
    let mut out: Vec<GenTrace> = (0..count)
        .map(|t| {
            let id = format!("{:016x}{:016x}", 0xfeed_0000_u64 + t as u64, rng.next());
            let start = (EPOCH_US + t as u64 * 60_000_000) * 1000;
            let spans = match spec.shape {
                Shape::Deep => chain(per_trace, start),
                Shape::Wide => fan_out(per_trace, start),
                Shape::Extreme => extreme(rng, per_trace),
                _ => tree(rng, per_trace, start),
            };
            GenTrace { id, spans }
        })
        .collect();
    match spec.shape {
        Shape::Services => {
            for (i, s) in out.iter_mut().flat_map(|t| t.spans.iter_mut()).enumerate() {
                s.service = i / 2;
            }
        }
        Shape::Operations => {
            for (i, s) in out.iter_mut().flat_map(|t| t.spans.iter_mut()).enumerate() {
                s.op = OPS.len() + i / 2;
            }
        }
        Shape::Links => {
            for t in 0..out.len() {
                let len = out[t].spans.len();
                for i in 0..len {
                    let mut links: Vec<(usize, usize)> = (0..2)
                        .map(|_| (t, rng.below(len as u64) as usize))
                        .collect();
                    links.push((rng.below(out.len() as u64) as usize, 0));
                    out[t].spans[i].links = links;
                }
            }
        }
        _ => {}
    }
    out
}

pub fn span_id(i: usize) -> String {
    format!("{:016x}", i + 1)
}

/// Depth of the deepest span (root = 1), without recursion.
#[allow(dead_code)] // gen-trace only
pub fn max_depth(traces: &[GenTrace]) -> u32 {
    traces
        .iter()
        .flat_map(|t| t.spans.iter().map(|s| s.depth))
        .max()
        .unwrap_or(0)
}
