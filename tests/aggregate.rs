//! The views over many traces (`model::aggregate`: the why ranking, the
//! merged structure, the service map, RED over time) against brute forces
//! written here from their definitions, on seeded random sets of OTLP JSON
//! traces (orphans, many roots, repeated siblings, errors, missing and
//! typed attributes, several files); a planted-cause fixture for the why
//! view; and a few small cases checked by hand.
//!
//! The brute forces use only the trace arena (`spans`, `parent`, `raw`,
//! `pools`) and `many::percentile`; they call none of the module's
//! builders or helpers.
#![cfg(not(target_arch = "wasm32"))]

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::fmt::Write as _;

use trace_viewer::model::aggregate::red::{self, RedBuilder, RedOverTime};
use trace_viewer::model::aggregate::services::{self, ServiceMap, ServiceMapBuilder};
use trace_viewer::model::aggregate::structure::{
    self, PathRow, SortColumn, Structure, StructureBuilder,
};
use trace_viewer::model::aggregate::why::{WhyBuilder, WhyReport};
use trace_viewer::model::aggregate::{default_slow_nanos, Selection};
use trace_viewer::model::many::percentile;
use trace_viewer::model::{load, AttrValue, SpanKind, StatusCode, Trace};

const MS: u64 = 1_000_000;
const SEC: u64 = 1_000_000_000;
const HOUR: u64 = 3600 * SEC;
/// 2023-11-14T22:13:20Z, in nanoseconds.
const BASE: u64 = 1_700_000_000 * SEC;

// ---------------------------------------------------------------------------
// A seeded generator (splitmix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x1234_5678_9ABC_DEF0)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// Log-uniform in `lo..=hi` (`lo` ≥ 1).
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
        let x = a + (b - a) * (self.next() as f64 / u64::MAX as f64);
        (x.exp() as u64).clamp(lo, hi)
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// Fixtures written as OTLP JSON.

#[derive(Clone, Debug)]
enum Val {
    Str(String),
    /// Written as a JSON string (as proto3 JSON does) or as a number.
    Int(i64, bool),
    Bool(bool),
    Double(f64),
    Empty,
    Array(Vec<String>),
}

fn s(v: &str) -> Val {
    Val::Str(v.to_string())
}

#[derive(Clone, Copy, Debug)]
enum Parent {
    Root,
    Span(u64),
    /// A parent id no span of the file has: an orphan.
    Missing(u64),
}

#[derive(Clone, Debug)]
struct SpanSpec {
    trace: u64,
    id: u64,
    parent: Parent,
    /// Index into the file's resources.
    resource: usize,
    name: String,
    /// OTLP kind 0–5; `None` writes no `kind` field.
    kind: Option<u8>,
    /// OTLP status code 0–2; `None` writes `"status": {}`.
    status: Option<u8>,
    start: u64,
    dur: u64,
    attrs: Vec<(String, Val)>,
}

impl SpanSpec {
    fn new(
        trace: u64,
        id: u64,
        parent: Parent,
        resource: usize,
        name: &str,
        start: u64,
        dur: u64,
    ) -> SpanSpec {
        SpanSpec {
            trace,
            id,
            parent,
            resource,
            name: name.to_string(),
            kind: None,
            status: None,
            start,
            dur,
            attrs: Vec::new(),
        }
    }

    fn kind(mut self, k: u8) -> SpanSpec {
        self.kind = Some(k);
        self
    }

    fn error(mut self) -> SpanSpec {
        self.status = Some(2);
        self
    }

    fn attr(mut self, key: &str, v: Val) -> SpanSpec {
        self.attrs.push((key.to_string(), v));
        self
    }
}

#[derive(Clone, Debug)]
struct Resource {
    service: String,
    attrs: Vec<(String, Val)>,
}

fn resource(service: &str, attrs: &[(&str, Val)]) -> Resource {
    Resource {
        service: service.to_string(),
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

#[derive(Clone, Debug, Default)]
struct File {
    resources: Vec<Resource>,
    spans: Vec<SpanSpec>,
}

fn json_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_value(out: &mut String, v: &Val) {
    match v {
        Val::Str(t) => {
            out.push_str("{\"stringValue\":");
            json_str(out, t);
            out.push('}');
        }
        Val::Int(i, true) => {
            let _ = write!(out, "{{\"intValue\":\"{i}\"}}");
        }
        Val::Int(i, false) => {
            let _ = write!(out, "{{\"intValue\":{i}}}");
        }
        Val::Bool(b) => {
            let _ = write!(out, "{{\"boolValue\":{b}}}");
        }
        Val::Double(f) => {
            let _ = write!(out, "{{\"doubleValue\":{f:?}}}");
        }
        Val::Empty => out.push_str("{}"),
        Val::Array(items) => {
            out.push_str("{\"arrayValue\":{\"values\":[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_value(out, &Val::Str(item.clone()));
            }
            out.push_str("]}}");
        }
    }
}

fn json_attrs(out: &mut String, attrs: &[(String, Val)]) {
    out.push('[');
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        json_str(out, k);
        out.push_str(",\"value\":");
        json_value(out, v);
        out.push('}');
    }
    out.push(']');
}

fn span_id(id: u64) -> String {
    format!("{id:016x}")
}

fn to_json(file: &File) -> String {
    let mut out = String::from("{\"resourceSpans\":[");
    let mut first_block = true;
    for (r, res) in file.resources.iter().enumerate() {
        let spans: Vec<&SpanSpec> = file.spans.iter().filter(|s| s.resource == r).collect();
        if spans.is_empty() {
            continue;
        }
        if !first_block {
            out.push(',');
        }
        first_block = false;
        let mut attrs = vec![("service.name".to_string(), Val::Str(res.service.clone()))];
        attrs.extend(res.attrs.iter().cloned());
        out.push_str("{\"resource\":{\"attributes\":");
        json_attrs(&mut out, &attrs);
        out.push_str("},\"scopeSpans\":[{\"scope\":{\"name\":\"gen\"},\"spans\":[");
        for (i, sp) in spans.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"traceId\":\"{:032x}\",\"spanId\":\"{}\"",
                sp.trace,
                span_id(sp.id)
            );
            match sp.parent {
                Parent::Root => out.push_str(",\"parentSpanId\":\"\""),
                Parent::Span(p) | Parent::Missing(p) => {
                    let _ = write!(out, ",\"parentSpanId\":\"{}\"", span_id(p));
                }
            }
            out.push_str(",\"name\":");
            json_str(&mut out, &sp.name);
            if let Some(k) = sp.kind {
                let _ = write!(out, ",\"kind\":{k}");
            }
            let _ = write!(
                out,
                ",\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":",
                sp.start,
                sp.start + sp.dur
            );
            json_attrs(&mut out, &sp.attrs);
            match sp.status {
                Some(c) => {
                    let _ = write!(out, ",\"status\":{{\"code\":{c}}}}}");
                }
                None => out.push_str(",\"status\":{}}"),
            }
        }
        out.push_str("]}]}");
    }
    out.push_str("]}");
    out
}

fn load_file(file: &File) -> Vec<Trace> {
    let json = to_json(file);
    match load(json.as_bytes()) {
        Ok(loaded) => loaded.traces,
        Err(e) => panic!("fixture does not load: {e:?}\n{json}"),
    }
}

// ---------------------------------------------------------------------------
// Random sets of traces.

const SERVICES: [&str; 5] = ["api", "db", "cache", "auth", "db-replica"];
const OPERATIONS: [&str; 7] = [
    "GET",
    "GET /cart",
    "SELECT",
    "query",
    "handle",
    "POST /pay",
    "SELECT *",
];
/// Spread of the traces' start times: none, seconds, minutes, hours, days.
const START_RANGES: [u64; 10] = [
    0,
    5 * SEC,
    30 * SEC,
    59 * SEC + 500 * MS,
    10 * 60 * SEC,
    2 * HOUR,
    59 * HOUR,
    60 * HOUR,
    61 * HOUR,
    200 * HOUR,
];

fn random_resources(rng: &mut Rng) -> Vec<Resource> {
    let mut out = Vec::new();
    for (i, svc) in SERVICES.iter().enumerate() {
        for variant in 0..rng.range(1, 2) {
            let mut attrs = vec![(
                "host.name".to_string(),
                Val::Str(format!("{svc}-{variant}")),
            )];
            if rng.chance(50) {
                attrs.push(("region".to_string(), s(rng.pick(&["eu", "us"]))));
            }
            if rng.chance(30) {
                // The same key as a span attribute: one key space.
                attrs.push((
                    "retry".to_string(),
                    Val::Int(rng.range(0, 2) as i64, rng.chance(50)),
                ));
            }
            if rng.chance(20) {
                attrs.push((
                    "pod".to_string(),
                    Val::Str(format!("pod-{i}-{}", rng.below(3))),
                ));
            }
            out.push(Resource {
                service: svc.to_string(),
                attrs,
            });
        }
    }
    out
}

fn random_attrs(rng: &mut Rng, trace_no: u64) -> Vec<(String, Val)> {
    let mut a = Vec::new();
    if rng.chance(40) {
        a.push((
            "http.method".to_string(),
            s(rng.pick(&["GET", "POST", "PUT"])),
        ));
    }
    if rng.chance(25) {
        // An int and a string with the same text are one value.
        let v = match rng.below(3) {
            0 => s("1"),
            _ => Val::Int(rng.range(0, 3) as i64, rng.chance(50)),
        };
        a.push(("retry".to_string(), v));
    }
    if rng.chance(25) {
        a.push(("cached".to_string(), Val::Bool(rng.chance(50))));
    }
    if rng.chance(15) {
        // 2.0 reads as "2", as the int 2 does.
        let v = match rng.below(3) {
            0 => Val::Double(0.5),
            1 => Val::Double(2.0),
            _ => Val::Int(2, false),
        };
        a.push(("ratio".to_string(), v));
    }
    if rng.chance(30) {
        a.push((
            "request.id".to_string(),
            Val::Str(format!("req-{trace_no}")),
        ));
    }
    if rng.chance(20) {
        a.push((
            "user.id".to_string(),
            Val::Str(format!("u{}", rng.below(50))),
        ));
    }
    if rng.chance(20) {
        a.push(("region".to_string(), s(rng.pick(&["eu", "us", "ap"]))));
    }
    if rng.chance(8) {
        a.push(("note".to_string(), Val::Empty));
    }
    if rng.chance(8) {
        a.push((
            "tags".to_string(),
            Val::Array(vec!["a".to_string(), rng.pick(&["b", "c"]).to_string()]),
        ));
    }
    if rng.chance(10) {
        a.push((
            "error.type".to_string(),
            s(rng.pick(&["timeout", "refused"])),
        ));
    }
    a
}

/// Adds one random trace to `file`; span ids come from `next_id`.
fn random_trace(rng: &mut Rng, file: &mut File, trace_id: u64, start: u64, next_id: &mut u64) {
    let n_spans = rng.range(1, 25) as usize;
    // (id, service index, start, duration, name) of the spans made so far.
    let mut made: Vec<(u64, usize, u64, u64, String)> = Vec::new();
    let resources_of = |svc: usize, rng: &mut Rng, file: &File| -> usize {
        let options: Vec<usize> = (0..file.resources.len())
            .filter(|&r| file.resources[r].service == SERVICES[svc])
            .collect();
        rng.pick(&options)
    };
    while made.len() < n_spans {
        let r = rng.below(100);
        // (parent, service, start, duration, name, copies)
        let (parent, svc, at, dur, name, copies);
        if made.is_empty() || r < 8 {
            parent = Parent::Root;
            svc = rng.below(SERVICES.len() as u64) as usize;
            at = start + rng.below(2 * SEC);
            dur = rng.log_uniform(1_000, 20 * SEC);
            name = rng.pick(&OPERATIONS).to_string();
            copies = 1;
        } else if r < 15 {
            let missing = 0xdead_0000_0000 + *next_id + rng.below(1000);
            *next_id += 1;
            parent = Parent::Missing(missing);
            svc = rng.below(SERVICES.len() as u64) as usize;
            at = start + rng.below(3 * SEC);
            dur = rng.log_uniform(1_000, 5 * SEC);
            name = rng.pick(&OPERATIONS).to_string();
            copies = if rng.chance(30) { rng.range(2, 6) } else { 1 };
        } else {
            let p = rng.below(made.len() as u64) as usize;
            let (pid, psvc, pstart, pdur, _) = made[p].clone();
            parent = Parent::Span(pid);
            svc = if rng.chance(40) {
                psvc
            } else {
                rng.below(SERVICES.len() as u64) as usize
            };
            let offset = rng.below(pdur + 1);
            at = if rng.chance(10) {
                // Clock skew: before the parent.
                pstart.saturating_sub(rng.below(5 * MS))
            } else {
                pstart + offset
            };
            dur = if rng.chance(10) {
                rng.log_uniform(1, 2 * pdur.max(1))
            } else {
                rng.below(pdur - offset + 1)
            };
            name = rng.pick(&OPERATIONS).to_string();
            // Repeated siblings: the same service and operation many times.
            copies = if rng.chance(25) { rng.range(2, 12) } else { 1 };
        }
        for c in 0..copies {
            if made.len() >= n_spans + 5 {
                break;
            }
            let id = *next_id;
            *next_id += 1;
            let res = resources_of(svc, rng, file);
            let (at, dur) = if c == 0 {
                (at, dur)
            } else {
                (at + rng.below(dur + 1), rng.below(dur + 1))
            };
            let kind = match rng.below(7) {
                6 => None,
                k => Some(k as u8),
            };
            let status = match rng.below(20) {
                0..=2 => Some(2),
                3..=5 => Some(1),
                6 => Some(0),
                _ => None,
            };
            file.spans.push(SpanSpec {
                trace: trace_id,
                id,
                parent,
                resource: res,
                name: name.clone(),
                kind,
                status,
                start: at,
                dur,
                attrs: random_attrs(rng, trace_id),
            });
            made.push((id, svc, at, dur, name.clone()));
        }
    }
}

/// A random set of 1–40 traces from 1–3 files, in a shuffled order (so
/// the builders switch between pools).
fn random_set(seed: u64) -> Vec<Trace> {
    let mut rng = Rng::new(seed);
    let n_traces = rng.range(1, 40);
    let n_files = rng.range(1, n_traces.min(3));
    let spread = rng.pick(&START_RANGES);
    let base = BASE + rng.below(1_000_000) * SEC + rng.below(SEC);
    let mut files: Vec<File> = (0..n_files)
        .map(|_| File {
            resources: random_resources(&mut rng),
            spans: Vec::new(),
        })
        .collect();
    let mut next_id = 1;
    for t in 0..n_traces {
        // Every file gets a trace.
        let f = if t < n_files { t } else { rng.below(n_files) } as usize;
        let start = base + rng.below(spread + 1);
        random_trace(
            &mut rng,
            &mut files[f],
            (seed + 1) * 1000 + t + 1,
            start,
            &mut next_id,
        );
    }
    let mut traces: Vec<Trace> = files.iter().flat_map(load_file).collect();
    rng.shuffle(&mut traces);
    traces
}

// ---------------------------------------------------------------------------
// Brute forces, from the definitions.

fn value_text(t: &Trace, v: &AttrValue) -> String {
    match *v {
        AttrValue::Str(x) | AttrValue::Bytes(x) | AttrValue::Array(x) | AttrValue::Map(x) => {
            t.pools.text.get(x).to_string()
        }
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(f) => f.to_string(),
        AttrValue::Empty => String::new(),
    }
}

fn kind_name(k: SpanKind) -> Option<&'static str> {
    match k {
        SpanKind::Unspecified => None,
        SpanKind::Internal => Some("internal"),
        SpanKind::Server => Some("server"),
        SpanKind::Client => Some("client"),
        SpanKind::Producer => Some("producer"),
        SpanKind::Consumer => Some("consumer"),
    }
}

fn status_name(s: StatusCode) -> &'static str {
    match s {
        StatusCode::Error => "error",
        StatusCode::Ok => "ok",
        StatusCode::Unset => "unset",
    }
}

fn op_name(t: &Trace, i: usize) -> String {
    let raw = &t.spans[i].raw;
    format!("{}: {}", t.str(raw.service), t.str(raw.name))
}

/// Every `key = value` the trace holds.
fn pairs_of(t: &Trace) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (i, span) in t.spans.iter().enumerate() {
        let raw = &span.raw;
        for a in t.pools.attrs(raw.attrs) {
            out.insert((t.str(a.key).to_string(), value_text(t, &a.value)));
        }
        let res = &t.pools.resources[raw.resource as usize];
        for a in t.pools.attrs(res.attrs) {
            out.insert((t.str(a.key).to_string(), value_text(t, &a.value)));
        }
        out.insert(("status".to_string(), status_name(raw.status).to_string()));
        if let Some(k) = kind_name(raw.kind) {
            out.insert(("kind".to_string(), k.to_string()));
        }
        out.insert(("name".to_string(), op_name(t, i)));
    }
    out
}

fn brute_duration(t: &Trace) -> u64 {
    let lo = t
        .spans
        .iter()
        .map(|s| s.raw.start_unix_nanos)
        .min()
        .unwrap_or(0);
    let hi = t
        .spans
        .iter()
        .map(|s| s.raw.start_unix_nanos + s.raw.duration_nanos)
        .max()
        .unwrap_or(0);
    hi - lo
}

fn brute_selected(t: &Trace, sel: Selection) -> bool {
    match sel {
        Selection::SlowerThan(n) => brute_duration(t) >= n,
        Selection::Errors => t.spans.iter().any(|s| s.raw.status == StatusCode::Error),
    }
}

fn sorted_percentile(mut v: Vec<u64>, p: f64) -> u64 {
    v.sort_unstable();
    percentile(&v, p)
}

/// A share `count / of` held as a fraction over `max(of, 1)` (0 when `of` is 0).
fn share_num(count: u32, of: u32) -> i128 {
    if of == 0 {
        0
    } else {
        i128::from(count)
    }
}

#[derive(Debug, PartialEq)]
struct WhyExpect {
    selected: u32,
    rest: u32,
    rows: Vec<(String, String, u32, u32)>,
    folded: Vec<(String, u32, u32)>,
    /// service, operation, selected total, rest total, selected mean, rest mean.
    time: Vec<(String, String, u64, u64, f64, f64)>,
}

fn brute_why(traces: &[Trace], selected: &[bool]) -> WhyExpect {
    let ns = selected.iter().filter(|&&s| s).count() as u32;
    let nr = traces.len() as u32 - ns;
    let mut counts: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    let mut key_traces: BTreeMap<String, u32> = BTreeMap::new();
    for (t, &sel) in traces.iter().zip(selected) {
        let pairs = pairs_of(t);
        let keys: BTreeSet<&String> = pairs.iter().map(|(k, _)| k).collect();
        for k in keys {
            *key_traces.entry(k.clone()).or_default() += 1;
        }
        for p in pairs {
            let c = counts.entry(p).or_default();
            if sel {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    let mut key_values: BTreeMap<String, u32> = BTreeMap::new();
    let mut key_singles: BTreeMap<String, u32> = BTreeMap::new();
    for ((k, _), c) in &counts {
        *key_values.entry(k.clone()).or_default() += 1;
        *key_singles.entry(k.clone()).or_default() += u32::from(c.0 + c.1 == 1);
    }
    // Folded: more than two values, at least 4 in 5 held by one trace only.
    let folded_keys: BTreeSet<String> = key_values
        .iter()
        .filter(|(k, v)| **v > 2 && 5 * key_singles[k.as_str()] >= 4 * **v)
        .map(|(k, _)| k.clone())
        .collect();
    // Shares as fractions over the common denominators max(ns,1), max(nr,1).
    let (ds, dr) = (i128::from(ns.max(1)), i128::from(nr.max(1)));
    let mut rows: Vec<(String, String, u32, u32)> = counts
        .iter()
        .filter(|(pair, c)| {
            let (s, r) = **c;
            // s/ns > r/nr, exactly.
            share_num(s, ns) * dr > share_num(r, nr) * ds && !folded_keys.contains(&pair.0)
        })
        .map(|((k, v), &(s, r))| (k.clone(), v.clone(), s, r))
        .collect();
    // Difference of shares (times ds*dr), then ratio (rest share 0 =
    // infinite), both larger first, then key, then value.
    let diff = |s: u32, r: u32| share_num(s, ns) * dr - share_num(r, nr) * ds;
    rows.sort_by(|a, b| {
        diff(b.2, b.3)
            .cmp(&diff(a.2, a.3))
            .then_with(|| {
                let (sa, ra) = (share_num(a.2, ns), share_num(a.3, nr));
                let (sb, rb) = (share_num(b.2, ns), share_num(b.3, nr));
                match (ra == 0, rb == 0) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    // sa/ra vs sb/rb (common denominators cancel).
                    (false, false) => (sb * ra).cmp(&(sa * rb)),
                }
            })
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.cmp(&b.1))
    });
    let folded = folded_keys
        .iter()
        .map(|k| (k.clone(), key_values[k], key_traces[k]))
        .collect();
    // Self time per service: operation.
    let mut totals: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (t, &sel) in traces.iter().zip(selected) {
        for span in &t.spans {
            let key = (
                t.str(span.raw.service).to_string(),
                t.str(span.raw.name).to_string(),
            );
            let e = totals.entry(key).or_default();
            if sel {
                e.0 += span.self_nanos;
            } else {
                e.1 += span.self_nanos;
            }
        }
    }
    let mean = |total: u64, n: u32| {
        if n == 0 {
            0.0
        } else {
            total as f64 / f64::from(n)
        }
    };
    let mut time: Vec<(String, String, u64, u64, f64, f64)> = totals
        .into_iter()
        .map(|((s, o), (a, b))| (s, o, a, b, mean(a, ns), mean(b, nr)))
        .collect();
    // selected mean − rest mean, exactly (times ds*dr).
    let extra = |a: u64, b: u64| {
        let a = if ns == 0 { 0 } else { i128::from(a) * dr };
        let b = if nr == 0 { 0 } else { i128::from(b) * ds };
        a - b
    };
    time.sort_by(|x, y| {
        extra(y.2, y.3)
            .cmp(&extra(x.2, x.3))
            .then_with(|| x.0.cmp(&y.0))
            .then_with(|| x.1.cmp(&y.1))
    });
    WhyExpect {
        selected: ns,
        rest: nr,
        rows,
        folded,
        time,
    }
}

/// Path of span `i`: its ancestry from its root, walked through parents.
fn span_path(t: &Trace, i: usize) -> String {
    let mut steps = vec![op_name(t, i)];
    let mut at = t.spans[i].parent;
    while let Some(p) = at {
        steps.push(op_name(t, p.get()));
        at = t.span(p).and_then(|s| s.parent);
        assert!(
            steps.len() <= t.spans.len(),
            "a cycle of parents in {:?}",
            t.id
        );
    }
    steps.reverse();
    steps.join(" / ")
}

#[derive(Default, Debug)]
struct PathStat {
    traces: u32,
    count: u32,
    self_nanos: u64,
    durations: Vec<u64>,
}

fn paths_of(t: &Trace) -> BTreeSet<String> {
    (0..t.spans.len()).map(|i| span_path(t, i)).collect()
}

fn brute_structure(traces: &[Trace]) -> BTreeMap<String, PathStat> {
    let mut out: BTreeMap<String, PathStat> = BTreeMap::new();
    for t in traces {
        let mut seen = BTreeSet::new();
        for (i, span) in t.spans.iter().enumerate() {
            let path = span_path(t, i);
            let e = out.entry(path.clone()).or_default();
            e.count += 1;
            e.self_nanos += span.self_nanos;
            e.durations.push(span.raw.duration_nanos);
            if seen.insert(path) {
                e.traces += 1;
            }
        }
    }
    out
}

#[derive(Default, Debug)]
struct NodeStat {
    spans: u32,
    errors: u32,
    self_nanos: u64,
    server: Vec<u64>,
}

#[derive(Default, Debug)]
struct EdgeStat {
    errors: u32,
    total: u64,
    durations: Vec<u64>,
}

/// (from service, to service) of span `i`'s call, when its parent is
/// present and in another service.
fn call_of(t: &Trace, i: usize) -> Option<(String, String)> {
    let span = &t.spans[i];
    let parent = t.span(span.parent?)?;
    let (from, to) = (t.str(parent.raw.service), t.str(span.raw.service));
    (from != to).then(|| (from.to_string(), to.to_string()))
}

fn brute_services(
    traces: &[Trace],
) -> (
    BTreeMap<String, NodeStat>,
    BTreeMap<(String, String), EdgeStat>,
) {
    let mut nodes: BTreeMap<String, NodeStat> = BTreeMap::new();
    let mut edges: BTreeMap<(String, String), EdgeStat> = BTreeMap::new();
    for t in traces {
        for (i, span) in t.spans.iter().enumerate() {
            let error = span.raw.status == StatusCode::Error;
            let d = span.raw.duration_nanos;
            let n = nodes
                .entry(t.str(span.raw.service).to_string())
                .or_default();
            n.spans += 1;
            n.errors += u32::from(error);
            n.self_nanos += span.self_nanos;
            if span.raw.kind == SpanKind::Server {
                n.server.push(d);
            }
            if let Some(call) = call_of(t, i) {
                let e = edges.entry(call).or_default();
                e.errors += u32::from(error);
                e.total += d;
                e.durations.push(d);
            }
        }
    }
    (nodes, edges)
}

/// The bucket size rule, written out: the smallest of 1 s … 1 h giving
/// fewer than 60 whole buckets across the range, else 1 h.
fn brute_bucket(range: u64) -> u64 {
    for secs in [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600] {
        if range / (secs * SEC) < 60 {
            return secs * SEC;
        }
    }
    3600 * SEC
}

/// Series by (service, operation; empty for a service's own): per bucket,
/// the requests' durations and errors.
type BruteSeries = BTreeMap<(String, String), Vec<(Vec<u64>, u32)>>;

/// Series as (service, operation, per bucket (requests, errors, p50, p99)).
type FlatSeries = Vec<(String, String, Vec<(u32, u32, u64, u64)>)>;

fn brute_red(traces: &[Trace]) -> (u64, u64, BruteSeries, BruteSeries) {
    let starts = traces
        .iter()
        .flat_map(|t| t.spans.iter().map(|s| s.raw.start_unix_nanos));
    let lo = starts.clone().min().unwrap_or(0);
    let hi = starts.max().unwrap_or(0);
    let bucket = brute_bucket(hi - lo);
    let start = lo / bucket * bucket;
    let count = ((hi - start) / bucket + 1) as usize;
    let mut svcs: BruteSeries = BTreeMap::new();
    let mut ops: BruteSeries = BTreeMap::new();
    for t in traces {
        for span in &t.spans {
            let raw = &span.raw;
            let b = ((raw.start_unix_nanos - start) / bucket) as usize;
            let error = u32::from(raw.status == StatusCode::Error);
            let svc = t.str(raw.service).to_string();
            let op = ops
                .entry((svc.clone(), t.str(raw.name).to_string()))
                .or_insert_with(|| vec![(Vec::new(), 0); count]);
            op[b].0.push(raw.duration_nanos);
            op[b].1 += error;
            let enters = match span.parent.and_then(|p| t.span(p)) {
                None => true,
                Some(p) => t.str(p.raw.service) != svc,
            };
            if enters {
                let sv = svcs
                    .entry((svc, String::new()))
                    .or_insert_with(|| vec![(Vec::new(), 0); count]);
                sv[b].0.push(raw.duration_nanos);
                sv[b].1 += error;
            }
        }
    }
    (start, bucket, svcs, ops)
}

// ---------------------------------------------------------------------------
// Comparisons.

/// Panics at the first difference of two lists, with its neighbours.
fn same_list<T: PartialEq + Debug>(what: &str, got: &[T], want: &[T]) {
    let n = got.len().max(want.len());
    for i in 0..n {
        if got.get(i) != want.get(i) {
            let lo = i.saturating_sub(2);
            panic!(
                "{what}: first difference at {i} (lengths: module {}, brute force {})\n module:      {:#?}\n brute force: {:#?}",
                got.len(),
                want.len(),
                &got[lo.min(got.len())..(i + 3).min(got.len())],
                &want[lo.min(want.len())..(i + 3).min(want.len())],
            );
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn check_why(label: &str, traces: &[Trace], sel: Selection) -> WhyReport {
    let selected: Vec<bool> = traces.iter().map(|t| brute_selected(t, sel)).collect();
    for (t, &want) in traces.iter().zip(&selected) {
        assert_eq!(
            sel.holds(t),
            want,
            "{label}: {sel:?}.holds of trace {:?}",
            t.id
        );
    }
    let mut b = WhyBuilder::new();
    for (t, &s) in traces.iter().zip(&selected) {
        b.add(t, s);
    }
    let got = b.finish();
    let want = brute_why(traces, &selected);
    let what = format!("{label} {sel:?}");
    assert_eq!(
        (got.selected, got.rest),
        (want.selected, want.rest),
        "{what}: selected/rest"
    );
    let rows: Vec<(String, String, u32, u32)> = got
        .rows
        .iter()
        .map(|r| (r.key.clone(), r.value.clone(), r.selected, r.rest))
        .collect();
    same_list(&format!("{what}: why rows"), &rows, &want.rows);
    let folded: Vec<(String, u32, u32)> = got
        .folded
        .iter()
        .map(|f| (f.key.clone(), f.values, f.traces))
        .collect();
    same_list(&format!("{what}: folded keys"), &folded, &want.folded);
    let time: Vec<(String, String, u64, u64)> = got
        .time
        .iter()
        .map(|r| {
            (
                r.service.clone(),
                r.operation.clone(),
                r.selected_nanos,
                r.rest_nanos,
            )
        })
        .collect();
    let want_time: Vec<(String, String, u64, u64)> = want
        .time
        .iter()
        .map(|r| (r.0.clone(), r.1.clone(), r.2, r.3))
        .collect();
    same_list(&format!("{what}: time rows"), &time, &want_time);
    for (g, w) in got.time.iter().zip(&want.time) {
        assert!(
            close(g.selected_mean_nanos, w.4) && close(g.rest_mean_nanos, w.5),
            "{what}: means of {}: {}: module ({}, {}), brute force ({}, {})",
            w.0,
            w.1,
            g.selected_mean_nanos,
            g.rest_mean_nanos,
            w.4,
            w.5
        );
    }
    got
}

fn column_value(c: SortColumn, r: &PathRow) -> u64 {
    match c {
        SortColumn::Count => u64::from(r.count),
        SortColumn::Traces => u64::from(r.traces),
        SortColumn::SelfTime => r.self_nanos,
        SortColumn::P50 => r.p50_nanos,
        SortColumn::P90 => r.p90_nanos,
    }
}

/// `ordered(column)` lists every row once, each subtree contiguous right
/// after its parent, siblings by the column (largest first, ties in the
/// order first seen, i.e. by node).
fn check_ordered(label: &str, s: &Structure, column: SortColumn) {
    let order = s.ordered(column);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        (0..s.rows.len() as u32).collect::<Vec<_>>(),
        "{label}: ordered({column:?}) is not a permutation of the rows"
    );
    let mut stack: Vec<u32> = Vec::new();
    let mut last_sibling: BTreeMap<Option<u32>, u32> = BTreeMap::new();
    for &n in &order {
        let row = &s.rows[n as usize];
        while let Some(&top) = stack.last() {
            if Some(top) == row.parent {
                break;
            }
            stack.pop();
        }
        assert_eq!(
            stack.last().copied(),
            row.parent,
            "{label}: ordered({column:?}): {} does not follow its parent's subtree",
            s.path(row)
        );
        if let Some(&prev) = last_sibling.get(&row.parent) {
            let p = &s.rows[prev as usize];
            let (a, b) = (column_value(column, p), column_value(column, row));
            assert!(
                a > b || (a == b && prev < n),
                "{label}: ordered({column:?}): sibling {} ({a}) before {} ({b})",
                s.path(p),
                s.path(row)
            );
        }
        last_sibling.insert(row.parent, n);
        stack.push(n);
    }
}

fn check_structure(label: &str, traces: &[Trace], rng: &mut Rng) -> Structure {
    let mut b = StructureBuilder::new();
    for t in traces {
        b.add(t);
    }
    let s = b.finish();
    let want = brute_structure(traces);
    assert_eq!(s.traces as usize, traces.len(), "{label}: traces merged");
    let got_paths: BTreeSet<String> = s.rows.iter().map(|r| s.path(r)).collect();
    assert_eq!(got_paths.len(), s.rows.len(), "{label}: a path on two rows");
    let want_paths: BTreeSet<String> = want.keys().cloned().collect();
    assert_eq!(got_paths, want_paths, "{label}: the set of paths");
    for (n, row) in s.rows.iter().enumerate() {
        let path = s.path(row);
        let w = &want[&path];
        assert_eq!(row.node as usize, n, "{label}: node of row {n}");
        let got = (
            row.traces,
            row.count,
            row.self_nanos,
            row.p50_nanos,
            row.p90_nanos,
        );
        let expect = (
            w.traces,
            w.count,
            w.self_nanos,
            sorted_percentile(w.durations.clone(), 50.0),
            sorted_percentile(w.durations.clone(), 90.0),
        );
        assert_eq!(
            got, expect,
            "{label}: (traces, count, self, p50, p90) of {path}"
        );
        assert_eq!(
            row.depth as usize,
            path.split(" / ").count(),
            "{label}: depth of {path}"
        );
        let parent_path = path.rsplit_once(" / ").map(|(p, _)| p.to_string());
        assert_eq!(
            row.parent.map(|p| s.path(&s.rows[p as usize])),
            parent_path,
            "{label}: parent of {path}"
        );
        let last = path.rsplit(" / ").next().unwrap_or("");
        let (svc, op) = s.step(row);
        assert_eq!(format!("{svc}: {op}"), last, "{label}: step of {path}");
    }
    for c in SortColumn::ALL {
        check_ordered(label, &s, c);
    }
    // trace_has_path on the trace's own paths, others', prefixes and a
    // path nowhere.
    let all: Vec<&String> = want.keys().collect();
    for t in traces {
        let own = paths_of(t);
        let mut probes: Vec<String> = own.iter().take(6).cloned().collect();
        for _ in 0..6 {
            probes.push(rng.pick(&all).to_string());
        }
        if let Some(p) = own.iter().next_back() {
            probes.push(p[..p.len() - 1].to_string());
            probes.push(format!("{p} / "));
            probes.push(format!("{p}x"));
        }
        probes.push("nowhere: at all".to_string());
        probes.push(String::new());
        for p in probes {
            assert_eq!(
                structure::trace_has_path(t, &p),
                own.contains(&p),
                "{label}: trace_has_path({:?}, {p:?})",
                t.id
            );
        }
    }
    s
}

fn check_services(label: &str, traces: &[Trace]) -> ServiceMap {
    let mut b = ServiceMapBuilder::new();
    for t in traces {
        b.add(t);
    }
    let m = b.finish();
    let (nodes, edges) = brute_services(traces);
    let names: Vec<String> = nodes.keys().cloned().collect();
    assert_eq!(m.names, names, "{label}: service names");
    assert_eq!(m.graph.nodes.len(), names.len(), "{label}: nodes");
    assert_eq!(m.node_times.len(), names.len(), "{label}: node times");
    let got_nodes: Vec<(String, u32, u32, u64, u32, u64, u64)> = (0..m.graph.nodes.len())
        .map(|i| {
            let n = &m.graph.nodes[i];
            let nt = &m.node_times[i];
            (
                m.name(i).to_string(),
                n.spans,
                n.errors,
                n.self_nanos,
                nt.server_spans,
                nt.p50_nanos,
                nt.p90_nanos,
            )
        })
        .collect();
    let want_nodes: Vec<(String, u32, u32, u64, u32, u64, u64)> = nodes
        .iter()
        .map(|(name, n)| {
            (
                name.clone(),
                n.spans,
                n.errors,
                n.self_nanos,
                n.server.len() as u32,
                sorted_percentile(n.server.clone(), 50.0),
                sorted_percentile(n.server.clone(), 90.0),
            )
        })
        .collect();
    same_list(&format!("{label}: service nodes"), &got_nodes, &want_nodes);
    assert_eq!(
        m.edge_times.len(),
        m.graph.edges.len(),
        "{label}: edge times"
    );
    let got_edges: Vec<(String, String, u32, u32, u64, u64, u64)> = m
        .graph
        .edges
        .iter()
        .zip(&m.edge_times)
        .map(|(e, et)| {
            (
                m.names[e.from].clone(),
                m.names[e.to].clone(),
                e.calls,
                e.errors,
                e.total_nanos,
                et.p50_nanos,
                et.p90_nanos,
            )
        })
        .collect();
    let want_edges: Vec<(String, String, u32, u32, u64, u64, u64)> = edges
        .iter()
        .map(|((from, to), e)| {
            (
                from.clone(),
                to.clone(),
                e.durations.len() as u32,
                e.errors,
                e.total,
                sorted_percentile(e.durations.clone(), 50.0),
                sorted_percentile(e.durations.clone(), 90.0),
            )
        })
        .collect();
    same_list(&format!("{label}: service edges"), &got_edges, &want_edges);
    let mut probes = names.clone();
    probes.push("nowhere".to_string());
    for t in traces {
        let calls: BTreeSet<(String, String)> =
            (0..t.spans.len()).filter_map(|i| call_of(t, i)).collect();
        for from in &probes {
            for to in &probes {
                assert_eq!(
                    services::trace_makes_call(t, from, to),
                    calls.contains(&(from.clone(), to.clone())),
                    "{label}: trace_makes_call({:?}, {from}, {to})",
                    t.id
                );
            }
        }
    }
    m
}

fn check_red(label: &str, traces: &[Trace], rng: &mut Rng) -> RedOverTime {
    let mut b = RedBuilder::new();
    for t in traces {
        b.add(t);
    }
    let r = b.finish();
    let (start, bucket, svcs, ops) = brute_red(traces);
    assert_eq!(r.bucket_nanos, bucket, "{label}: bucket size");
    assert_eq!(r.start_unix_nanos, start, "{label}: first bucket's start");
    assert_eq!(
        r.start_unix_nanos % r.bucket_nanos,
        0,
        "{label}: start is a multiple of the bucket"
    );
    let flatten = |series: &BruteSeries| -> FlatSeries {
        series
            .iter()
            .map(|((svc, op), buckets)| {
                let cells = buckets
                    .iter()
                    .map(|(d, e)| {
                        (
                            d.len() as u32,
                            *e,
                            sorted_percentile(d.clone(), 50.0),
                            sorted_percentile(d.clone(), 99.0),
                        )
                    })
                    .collect();
                (svc.clone(), op.clone(), cells)
            })
            .collect()
    };
    let got = |series: &[red::Series]| -> FlatSeries {
        series
            .iter()
            .map(|s| {
                let cells = s
                    .buckets
                    .iter()
                    .map(|b| (b.requests, b.errors, b.p50_nanos, b.p99_nanos))
                    .collect();
                (s.service.clone(), s.operation.clone(), cells)
            })
            .collect()
    };
    same_list(
        &format!("{label}: RED services"),
        &got(&r.services),
        &flatten(&svcs),
    );
    same_list(
        &format!("{label}: RED operations"),
        &got(&r.operations),
        &flatten(&ops),
    );
    // trace_starts_span_in over a few buckets and odd ranges.
    let n = r.bucket_count().max(1);
    for _ in 0..4 {
        let (from, to) = if rng.chance(50) {
            r.bucket_range(rng.below(n as u64) as usize)
        } else {
            let a = start + rng.below(n as u64 * bucket);
            (a, a + rng.below(bucket))
        };
        for t in traces {
            let want = t
                .spans
                .iter()
                .any(|s| (from..to).contains(&s.raw.start_unix_nanos));
            assert_eq!(
                red::trace_starts_span_in(t, from, to),
                want,
                "{label}: trace_starts_span_in({:?}, {from}, {to})",
                t.id
            );
        }
    }
    r
}

// ---------------------------------------------------------------------------
// The random sets.

const SEEDS: u64 = 50;

#[test]
fn why_equals_brute_force_on_random_sets() {
    for seed in 0..SEEDS {
        let traces = random_set(seed);
        let label = format!("seed {seed} ({} traces)", traces.len());
        for t in &traces {
            assert_eq!(
                t.duration_nanos(),
                brute_duration(t),
                "{label}: duration of {:?}",
                t.id
            );
        }
        let mut durations: Vec<u64> = traces.iter().map(brute_duration).collect();
        durations.sort_unstable();
        let p90 = percentile(&durations, 90.0);
        assert_eq!(
            default_slow_nanos(&traces),
            p90,
            "{label}: default_slow_nanos"
        );
        let mut rng = Rng::new(seed ^ 0xfeed);
        let picked = durations[rng.below(durations.len() as u64) as usize];
        for sel in [
            Selection::SlowerThan(p90),
            Selection::SlowerThan(picked),
            Selection::SlowerThan(0),
            Selection::SlowerThan(u64::MAX),
            Selection::Errors,
        ] {
            check_why(&label, &traces, sel);
        }
    }
}

#[test]
fn structure_equals_brute_force_on_random_sets() {
    for seed in 0..SEEDS {
        let traces = random_set(seed);
        let label = format!("seed {seed} ({} traces)", traces.len());
        check_structure(&label, &traces, &mut Rng::new(seed ^ 0x5eed));
    }
}

#[test]
fn service_map_equals_brute_force_on_random_sets() {
    for seed in 0..SEEDS {
        let traces = random_set(seed);
        let label = format!("seed {seed} ({} traces)", traces.len());
        check_services(&label, &traces);
    }
}

#[test]
fn red_over_time_equals_brute_force_on_random_sets() {
    let mut sizes = BTreeSet::new();
    for seed in 0..SEEDS {
        let traces = random_set(seed);
        let label = format!("seed {seed} ({} traces)", traces.len());
        let r = check_red(&label, &traces, &mut Rng::new(seed ^ 0xbeef));
        sizes.insert(r.bucket_nanos / SEC);
    }
    // The seeds reach small and large bucket sizes both.
    assert!(
        sizes.contains(&1) && sizes.contains(&3600),
        "bucket sizes reached: {sizes:?}"
    );
}

#[test]
fn random_sets_hold_what_they_should() {
    // The generator makes what the brute forces are meant to be tried on.
    let (mut orphans, mut many_roots, mut repeated, mut errors, mut files) = (0, 0, 0, 0, 0);
    for seed in 0..SEEDS {
        let traces = random_set(seed);
        let mut pools: Vec<*const trace_viewer::model::Pools> = traces
            .iter()
            .map(|t| std::sync::Arc::as_ptr(&t.pools))
            .collect();
        pools.sort();
        pools.dedup();
        files += usize::from(pools.len() > 1);
        for t in &traces {
            orphans += t
                .spans
                .iter()
                .filter(|s| s.parent.is_none() && s.raw.parent_id.is_some())
                .count();
            many_roots += usize::from(t.root_count > 1);
            errors += t.error_count as usize;
            let paths: Vec<String> = (0..t.spans.len()).map(|i| span_path(t, i)).collect();
            let distinct: BTreeSet<&String> = paths.iter().collect();
            repeated += usize::from(distinct.len() + 3 <= paths.len());
        }
    }
    assert!(
        orphans > 20 && many_roots > 50 && repeated > 50 && errors > 100 && files > 10,
        "orphans {orphans}, traces with many roots {many_roots}, with repeated siblings {repeated}, errors {errors}, sets from many files {files}"
    );
}

// ---------------------------------------------------------------------------
// A planted cause among decoys.

/// 200 traces, 20 of them slow (≥ 10× the others) because of a long
/// `db: SELECT`; the slow ones all hold `feature.flag = new-cart`, which 5
/// fast ones hold too. Decoys: `region = eu` everywhere, `user.id` and
/// `request.id` unique per trace, `http.method` spread at random.
fn planted() -> (Vec<Trace>, Vec<bool>) {
    let mut rng = Rng::new(424_242);
    let mut file = File {
        resources: vec![
            resource("api", &[("region", s("eu"))]),
            resource("cart", &[("region", s("eu"))]),
            resource("db", &[("region", s("eu")), ("db.system", s("postgres"))]),
        ],
        spans: Vec::new(),
    };
    let mut slow = Vec::new();
    let flagged_fast = [7u64, 51, 88, 120, 177];
    let mut id = 1;
    for i in 0..200u64 {
        let is_slow = i % 10 == 3;
        slow.push(is_slow);
        let trace = 0x7000 + i;
        let start = BASE + i * SEC;
        // SELECT's duration: long in the slow traces.
        let select = if is_slow {
            1_500 * MS + rng.below(500) * MS
        } else if i == 100 {
            // The slowest fast trace (the p90), not flagged.
            70 * MS
        } else if flagged_fast.contains(&i) {
            5 * MS
        } else {
            5 * MS + rng.below(60) * MS
        };
        let price = 2 * MS + rng.below(3) * MS;
        let total = MS + price + select + 10 * MS;
        let root_id = id;
        let flag = is_slow || flagged_fast.contains(&i);
        let method = rng.pick(&["GET", "POST", "PUT"]);
        file.spans.push(
            SpanSpec::new(trace, root_id, Parent::Root, 0, "GET /cart", start, total)
                .kind(2)
                .attr("http.method", s(method))
                .attr("user.id", Val::Str(format!("user-{i}")))
                .attr("request.id", Val::Str(format!("{:08x}", rng.next() as u32))),
        );
        let mut price_span = SpanSpec::new(
            trace,
            root_id + 1,
            Parent::Span(root_id),
            1,
            "price",
            start + MS,
            price,
        )
        .kind(1);
        price_span = price_span.attr(
            "feature.flag",
            s(if flag { "new-cart" } else { "old-cart" }),
        );
        file.spans.push(price_span);
        file.spans.push(
            SpanSpec::new(
                trace,
                root_id + 2,
                Parent::Span(root_id),
                2,
                "SELECT",
                start + MS + price,
                select,
            )
            .kind(3)
            .attr("region", s("eu")),
        );
        id += 3;
    }
    let mut traces = load_file(&file);
    // The loader sorts by start; the fixture's traces start in order.
    assert_eq!(traces.len(), 200);
    traces.sort_by_key(|t| t.start_unix_nanos);
    (traces, slow)
}

#[test]
fn planted_attribute_ranks_first_and_decoys_do_not_rank() {
    let (traces, slow) = planted();
    let threshold = default_slow_nanos(&traces);
    let fast_max = traces
        .iter()
        .zip(&slow)
        .filter(|(_, &s)| !s)
        .map(|(t, _)| t.duration_nanos())
        .max()
        .unwrap();
    let slow_min = traces
        .iter()
        .zip(&slow)
        .filter(|(_, &s)| s)
        .map(|(t, _)| t.duration_nanos())
        .min()
        .unwrap();
    assert!(
        slow_min >= 10 * fast_max,
        "slow {slow_min} vs fast {fast_max}"
    );
    // The p90 of 200 durations is the 180th: the slowest fast trace.
    assert_eq!(threshold, fast_max);
    let report = check_why("planted", &traces, Selection::SlowerThan(threshold));
    assert_eq!(
        (report.selected, report.rest),
        (21, 179),
        "20 slow + the slowest fast one"
    );
    let first = &report.rows[0];
    assert_eq!(
        (
            first.key.as_str(),
            first.value.as_str(),
            first.selected,
            first.rest
        ),
        ("feature.flag", "new-cart", 20, 5),
        "rows: {:#?}",
        &report.rows[..report.rows.len().min(5)]
    );
    let diff = |r: &trace_viewer::model::aggregate::why::WhyRow| {
        report.selected_share(r) - report.rest_share(r)
    };
    let planted_diff = diff(first);
    for r in &report.rows[1..] {
        assert!(
            planted_diff - diff(r) > 0.5,
            "{} = {} ranks close to the planted cause: {} vs {planted_diff}",
            r.key,
            r.value,
            diff(r)
        );
    }
    for decoy in ["region", "user.id", "request.id"] {
        assert!(
            report.rows.iter().all(|r| r.key != decoy),
            "{decoy} ranks: {:#?}",
            report.rows
        );
    }
    let folded: Vec<(&str, u32, u32)> = report
        .folded
        .iter()
        .map(|f| (f.key.as_str(), f.values, f.traces))
        .collect();
    assert!(
        folded.contains(&("user.id", 200, 200)),
        "folded: {folded:?}"
    );
    assert!(
        folded.iter().any(|f| f.0 == "request.id" && f.2 == 200),
        "folded: {folded:?}"
    );
    assert!(
        folded
            .iter()
            .all(|f| f.0 != "http.method" && f.0 != "feature.flag" && f.0 != "region"),
        "folded: {folded:?}"
    );
    // The self time lies in db: SELECT.
    let t0 = &report.time[0];
    assert_eq!(
        (t0.service.as_str(), t0.operation.as_str()),
        ("db", "SELECT"),
        "time: {:#?}",
        report.time
    );
    assert!(
        t0.extra_nanos() > 1_000.0 * MS as f64,
        "extra self time {}",
        t0.extra_nanos()
    );
    assert!(report.time[1..]
        .iter()
        .all(|r| r.extra_nanos() < 0.1 * t0.extra_nanos()));

    // Selecting exactly the slow ones puts the flag first too, at 20/20.
    let mut b = WhyBuilder::new();
    for (t, &s) in traces.iter().zip(&slow) {
        b.add(t, s);
    }
    let exact = b.finish();
    assert_eq!(
        (exact.rows[0].key.as_str(), exact.rows[0].value.as_str()),
        ("feature.flag", "new-cart")
    );
    assert_eq!((exact.rows[0].selected, exact.rows[0].rest), (20, 5));
}

// ---------------------------------------------------------------------------
// Small cases by hand.

#[test]
fn n_plus_one_shows_as_a_count_on_one_path() {
    // Trace 1: GET /cart (2 s) with 40 SELECTs of 1..40 ms, 50 ms apart.
    // Trace 2: GET /cart with 3 SELECTs of 10 ms.
    let mut file = File {
        resources: vec![resource("api", &[]), resource("db", &[])],
        spans: Vec::new(),
    };
    file.spans
        .push(SpanSpec::new(1, 1, Parent::Root, 0, "GET /cart", BASE, 2_000 * MS).kind(2));
    for k in 1..=40u64 {
        file.spans.push(
            SpanSpec::new(
                1,
                100 + k,
                Parent::Span(1),
                1,
                "SELECT",
                BASE + 50 * MS * (k - 1),
                k * MS,
            )
            .kind(3),
        );
    }
    file.spans
        .push(SpanSpec::new(2, 2, Parent::Root, 0, "GET /cart", BASE + SEC, 100 * MS).kind(2));
    for k in 1..=3u64 {
        file.spans.push(
            SpanSpec::new(
                2,
                200 + k,
                Parent::Span(2),
                1,
                "SELECT",
                BASE + SEC + 20 * MS * k,
                10 * MS,
            )
            .kind(3),
        );
    }
    let traces = load_file(&file);
    let mut only_first = StructureBuilder::new();
    only_first.add(traces.iter().find(|t| t.spans.len() == 41).unwrap());
    let s = only_first.finish();
    let rows: Vec<(String, u32, u32, u64, u64, u64)> = s
        .ordered(SortColumn::Count)
        .iter()
        .map(|&n| {
            let r = &s.rows[n as usize];
            (
                s.path(r),
                r.traces,
                r.count,
                r.self_nanos / MS,
                r.p50_nanos / MS,
                r.p90_nanos / MS,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "api: GET /cart".to_string(),
                1,
                1,
                2_000 - 820,
                2_000,
                2_000
            ),
            (
                "api: GET /cart / db: SELECT".to_string(),
                1,
                40,
                820,
                20,
                36
            ),
        ]
    );
    let mut both = StructureBuilder::new();
    for t in &traces {
        both.add(t);
    }
    let s = both.finish();
    let select = s
        .rows
        .iter()
        .find(|r| s.path(r) == "api: GET /cart / db: SELECT")
        .unwrap();
    assert_eq!((select.traces, select.count, select.depth), (2, 43, 2));
    assert_eq!(select.self_nanos, (820 + 30) * MS);
    for t in &traces {
        assert!(structure::trace_has_path(t, "api: GET /cart / db: SELECT"));
        assert!(!structure::trace_has_path(t, "api: GET /cart / db: SELEC"));
        assert!(!structure::trace_has_path(t, "db: SELECT"));
    }
    check_structure("n+1", &traces, &mut Rng::new(1));
}

#[test]
fn a_chain_of_services_gives_its_calls() {
    // web: GET / → api: handle → api: load (same service: no call)
    //                           → db: query ×2 (one error)
    //            → auth: check
    // plus an orphan db: query whose parent is not in the file (no call).
    let mut file = File {
        resources: vec![
            resource("web", &[]),
            resource("api", &[]),
            resource("db", &[]),
            resource("auth", &[]),
        ],
        spans: Vec::new(),
    };
    let t = 9;
    file.spans.extend([
        SpanSpec::new(t, 1, Parent::Root, 0, "GET /", BASE, 100 * MS).kind(2),
        SpanSpec::new(t, 2, Parent::Span(1), 1, "handle", BASE + 10 * MS, 80 * MS).kind(2),
        SpanSpec::new(t, 3, Parent::Span(2), 1, "load", BASE + 12 * MS, 60 * MS).kind(1),
        SpanSpec::new(t, 4, Parent::Span(3), 2, "query", BASE + 15 * MS, 20 * MS).kind(2),
        SpanSpec::new(t, 5, Parent::Span(2), 2, "query", BASE + 40 * MS, 30 * MS)
            .kind(2)
            .error(),
        SpanSpec::new(t, 6, Parent::Span(1), 3, "check", BASE + MS, 5 * MS).kind(2),
        SpanSpec::new(t, 7, Parent::Missing(0xabc), 2, "query", BASE + 95 * MS, MS).kind(3),
    ]);
    let traces = load_file(&file);
    assert_eq!(traces.len(), 1);
    let m = check_services("chain", &traces);
    assert_eq!(m.names, ["api", "auth", "db", "web"]);
    let edges: Vec<(&str, &str, u32, u32, u64)> = m
        .graph
        .edges
        .iter()
        .map(|e| {
            (
                m.names[e.from].as_str(),
                m.names[e.to].as_str(),
                e.calls,
                e.errors,
                e.total_nanos / MS,
            )
        })
        .collect();
    // api: load → db: query crosses services too.
    assert_eq!(
        edges,
        vec![
            ("api", "db", 2, 1, 50),
            ("web", "api", 1, 0, 80),
            ("web", "auth", 1, 0, 5)
        ]
    );
    let nodes: Vec<(&str, u32, u32, u32)> = (0..m.graph.nodes.len())
        .map(|i| {
            (
                m.name(i),
                m.graph.nodes[i].spans,
                m.graph.nodes[i].errors,
                m.node_times[i].server_spans,
            )
        })
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("api", 2, 0, 1),
            ("auth", 1, 0, 1),
            ("db", 3, 1, 2),
            ("web", 1, 0, 1)
        ]
    );
    assert_eq!(m.edge_times[0].p50_nanos, 20 * MS);
    assert_eq!(m.edge_times[0].p90_nanos, 30 * MS);
    let t = &traces[0];
    assert!(services::trace_makes_call(t, "web", "api"));
    assert!(services::trace_makes_call(t, "api", "db"));
    assert!(!services::trace_makes_call(t, "web", "db"));
    assert!(!services::trace_makes_call(t, "api", "api"));
    assert!(!services::trace_makes_call(t, "db", "api"));
    // The layer of a callee is past its caller's.
    let layer = |name: &str| m.graph.nodes[m.names.iter().position(|n| n == name).unwrap()].layer;
    assert!(layer("web") < layer("api") && layer("api") < layer("db"));
    // RED: requests entering each service.
    let r = check_red("chain", &traces, &mut Rng::new(2));
    let requests: Vec<(&str, u32)> = r
        .services
        .iter()
        .map(|s| {
            (
                s.service.as_str(),
                s.buckets.iter().map(|b| b.requests).sum(),
            )
        })
        .collect();
    assert_eq!(
        requests,
        vec![("api", 1), ("auth", 1), ("db", 3), ("web", 1)]
    );
}

#[test]
fn red_bucket_sizes() {
    assert_eq!(red::bucket_nanos(0), SEC);
    assert_eq!(red::bucket_nanos(30 * SEC), SEC);
    assert_eq!(red::bucket_nanos(59 * SEC + 999 * MS), SEC);
    assert_eq!(red::bucket_nanos(60 * SEC), 2 * SEC);
    assert_eq!(red::bucket_nanos(119 * SEC), 2 * SEC);
    assert_eq!(red::bucket_nanos(120 * SEC), 5 * SEC);
    assert_eq!(red::bucket_nanos(59 * HOUR), 3600 * SEC);
    assert_eq!(red::bucket_nanos(60 * HOUR), 3600 * SEC);
    assert_eq!(red::bucket_nanos(61 * HOUR), 3600 * SEC);
    assert_eq!(red::bucket_nanos(1000 * HOUR), 3600 * SEC);
    for range in [
        0,
        SEC,
        59 * SEC,
        61 * SEC,
        3 * HOUR,
        29 * HOUR,
        31 * HOUR,
        60 * HOUR,
        100 * HOUR,
    ] {
        assert_eq!(
            red::bucket_nanos(range),
            brute_bucket(range),
            "range {range}"
        );
    }

    // Two roots 30 s apart: 1 s buckets from the first's whole second.
    let two = |gap: u64| {
        let mut file = File {
            resources: vec![resource("api", &[])],
            spans: Vec::new(),
        };
        file.spans.push(SpanSpec::new(
            1,
            1,
            Parent::Root,
            0,
            "GET",
            BASE + 500 * MS,
            10 * MS,
        ));
        file.spans.push(
            SpanSpec::new(2, 2, Parent::Root, 0, "GET", BASE + 500 * MS + gap, 30 * MS).error(),
        );
        let traces = load_file(&file);
        let mut b = RedBuilder::new();
        for t in &traces {
            b.add(t);
        }
        b.finish()
    };
    let r = two(30 * SEC);
    assert_eq!(
        (r.bucket_nanos, r.start_unix_nanos, r.bucket_count()),
        (SEC, BASE, 31)
    );
    let api = &r.services[0].buckets;
    assert_eq!(
        (api[0].requests, api[0].errors, api[0].p50_nanos),
        (1, 0, 10 * MS)
    );
    assert_eq!(
        (api[30].requests, api[30].errors, api[30].p99_nanos),
        (1, 1, 30 * MS)
    );
    assert!(api[1..30]
        .iter()
        .all(|b| b.requests == 0 && b.p50_nanos == 0));
    assert_eq!(r.operations[0].buckets, *api);

    // 61 hours apart: hour buckets from the first's whole hour.
    let r = two(61 * HOUR);
    assert_eq!(r.bucket_nanos, HOUR);
    assert_eq!(r.start_unix_nanos, (BASE + 500 * MS) / HOUR * HOUR);
    assert_eq!(
        r.bucket_count() as u64,
        (BASE + 500 * MS + 61 * HOUR - r.start_unix_nanos) / HOUR + 1
    );

    // Nothing added: no series, no panic.
    let empty = RedBuilder::new().finish();
    assert!(empty.services.is_empty() && empty.operations.is_empty());
}

#[test]
fn why_by_hand() {
    // 4 traces; the 2 failing ones hold `cache = miss`, one other does.
    let mut file = File {
        resources: vec![resource("api", &[("region", s("eu"))])],
        spans: Vec::new(),
    };
    for i in 1..=4u64 {
        let mut root =
            SpanSpec::new(i, i * 10, Parent::Root, 0, "GET", BASE + i * SEC, 10 * MS).kind(2);
        if i <= 2 {
            root = root.error();
        }
        if i <= 3 {
            root = root.attr("cache", s("miss"));
        }
        file.spans.push(root);
    }
    let traces = load_file(&file);
    let report = check_why("by hand", &traces, Selection::Errors);
    let rows: Vec<(&str, &str, u32, u32)> = report
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.value.as_str(), r.selected, r.rest))
        .collect();
    // status = error: 2/2 vs 0/2 (difference 1); cache = miss: 2/2 vs 1/2.
    assert_eq!(
        rows,
        vec![("status", "error", 2, 0), ("cache", "miss", 2, 1)]
    );
    assert!(report.folded.is_empty());

    // Nothing added: an empty report.
    let empty = WhyBuilder::new().finish();
    assert_eq!(
        (
            empty.selected,
            empty.rest,
            empty.rows.len(),
            empty.time.len()
        ),
        (0, 0, 0, 0)
    );
    let s = StructureBuilder::new().finish();
    assert!(s.rows.is_empty() && s.ordered(SortColumn::Count).is_empty());
    assert!(ServiceMapBuilder::new().finish().names.is_empty());
}

#[test]
fn equal_differences_tie_exactly() {
    // 4 selected (slow) traces and 34 others. `a: x` takes 2 ms of self
    // time in the selected ones and 10 ms in the others, `b: y` 4 ms and
    // 27 ms: both 7/34 ms more per selected trace, which floats tell apart
    // by rounding (0.5 − 10/34 against 1 − 27/34). Tied, they go by service.
    // Likewise `tag = t` (2/4 against 10/34) and `name = b: y` (4/4 against
    // 27/34) differ in share by 7/34 both: tied, they go by ratio (1.7
    // against 1.26).
    let mut file = File {
        resources: vec![resource("r", &[]), resource("a", &[]), resource("b", &[])],
        spans: Vec::new(),
    };
    let mut id = 1;
    for i in 0..38u64 {
        let start = BASE + i * SEC;
        let root = id;
        let slow = i < 4;
        let mut span = SpanSpec::new(
            100 + i,
            root,
            Parent::Root,
            0,
            "root",
            start,
            if slow { 200 } else { 100 } * MS,
        );
        if i < 2 || (4..14).contains(&i) {
            span = span.attr("tag", s("t"));
        }
        file.spans.push(span);
        let (x, y) = if slow {
            (if i == 0 { 2 } else { 0 }, 1)
        } else {
            (u64::from(i < 14), u64::from(i < 31))
        };
        for (k, (res, name, ms)) in [(1, "x", x), (2, "y", y)].into_iter().enumerate() {
            if ms > 0 {
                let at = start + (10 + 20 * k as u64) * MS;
                file.spans.push(SpanSpec::new(
                    100 + i,
                    root + 1 + k as u64,
                    Parent::Span(root),
                    res,
                    name,
                    at,
                    ms * MS,
                ));
            }
        }
        id += 3;
    }
    let traces = load_file(&file);
    let report = check_why("tie", &traces, Selection::SlowerThan(150 * MS));
    assert_eq!((report.selected, report.rest), (4, 34));
    let time: Vec<(&str, u64, u64)> = report
        .time
        .iter()
        .map(|r| (r.service.as_str(), r.selected_nanos / MS, r.rest_nanos / MS))
        .collect();
    // r: root (slower when selected) first, then the tie.
    assert_eq!(
        &time[1..],
        &[("a", 2, 10), ("b", 4, 27)],
        "time rows: {time:?}"
    );
    let rows: Vec<(&str, &str, u32, u32)> = report
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.value.as_str(), r.selected, r.rest))
        .collect();
    let at = |row: (&str, &str, u32, u32)| rows.iter().position(|r| *r == row);
    let (tag, name) = (at(("tag", "t", 2, 10)), at(("name", "b: y", 4, 27)));
    assert!(
        tag.is_some() && name.is_some() && tag < name,
        "rows: {rows:?}"
    );
}
