//! The critical path against a brute force written here from the definition
//! in TESTIDS.md, on 12,000 random trees: roots and orphans, children outside
//! or overlapping their parent, zero-length spans, ties, producers and
//! consumers. The brute force scans every child at every step and recurses;
//! the model walks sorted child lists with cursors.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use trace_viewer::model::analysis::critical_path;
use trace_viewer::model::{load, Trace};

/// A tiny seeded generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated span: parent as an index into the rows, or a missing id.
#[derive(Clone, Debug)]
struct Row {
    parent: Parent,
    kind: u8,
    start: u64,
    end: u64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Parent {
    None,
    Missing,
    Row(usize),
}

const BASE: u64 = 1_700_000_000_000_000_000;
const PRODUCER: u8 = 4;
const CONSUMER: u8 = 5;

fn random_tree(rng: &mut Rng) -> Vec<Row> {
    let n = 1 + rng.below(24) as usize;
    let mut rows: Vec<Row> = Vec::with_capacity(n);
    for i in 0..n {
        let parent = if i == 0 {
            Parent::None
        } else {
            match rng.below(20) {
                0 => Parent::None,
                1 => Parent::Missing,
                _ => Parent::Row(rng.below(i as u64) as usize),
            }
        };
        // A coarse grid makes equal ends and starts common.
        let start = BASE + rng.below(40) * 10;
        let len = match rng.below(8) {
            0 => 0,
            _ => rng.below(30) * 10,
        };
        // Kinds 0..=5, with producers and consumers frequent.
        let kind = match rng.below(4) {
            0 => PRODUCER,
            1 => CONSUMER,
            _ => rng.below(4) as u8,
        };
        rows.push(Row {
            parent,
            kind,
            start,
            end: start + len,
        });
    }
    rows
}

fn span_id(i: usize) -> String {
    format!("{:016x}", i + 1)
}

/// The rows as an OTLP JSON file: one service, so no clock-skew adjustment.
fn otlp(rows: &[Row]) -> String {
    let spans: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let parent = match r.parent {
                Parent::None => String::new(),
                Parent::Missing => String::from("ffffffffffffffff"),
                Parent::Row(p) => span_id(p),
            };
            format!(
                r#"{{"traceId":"0123456789abcdef0123456789abcdef","spanId":"{}","parentSpanId":"{parent}","name":"s{i}","kind":{},"startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
                span_id(i),
                r.kind,
                r.start,
                r.end
            )
        })
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

/// (span row, start, end) per root row, latest first.
type Paths = BTreeMap<usize, Vec<(usize, u64, u64)>>;

/// The definition, followed literally: clip every span into its parent,
/// drop what is empty or a consumer under a producer (and what is under
/// those), then walk back from each root's end.
struct BruteForce<'a> {
    rows: &'a [Row],
    clip: Vec<Option<(u64, u64)>>,
}

impl BruteForce<'_> {
    fn parent_of(&self, i: usize) -> Option<usize> {
        match self.rows[i].parent {
            Parent::Row(p) => Some(p),
            _ => None,
        }
    }

    fn children_of(&self, i: usize) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&c| self.parent_of(c) == Some(i))
            .collect()
    }

    /// At `span`, looking back from `limit`.
    fn walk(
        &self,
        span: usize,
        root: usize,
        limit: u64,
        strict: bool,
        out: &mut Vec<(usize, u64, u64)>,
    ) {
        let Some((start, _)) = self.clip[span] else {
            return;
        };
        let mut best: Option<(usize, u64)> = None;
        for c in self.children_of(span) {
            let Some((_, end)) = self.clip[c] else {
                continue;
            };
            let fits = if strict { end < limit } else { end <= limit };
            if !fits {
                continue;
            }
            let better = match best {
                None => true,
                Some((b, best_end)) => {
                    end > best_end
                        || (end == best_end && (self.rows[c].start, c) < (self.rows[b].start, b))
                }
            };
            if better {
                best = Some((c, end));
            }
        }
        match best {
            Some((c, end)) => {
                if end < limit {
                    out.push((span, end, limit));
                }
                self.walk(c, root, end, false, out);
            }
            None => {
                if start < limit {
                    out.push((span, start, limit));
                }
                if span != root {
                    if let Some(p) = self.parent_of(span) {
                        self.walk(p, root, start, true, out);
                    }
                }
            }
        }
    }
}

fn brute_force(rows: &[Row]) -> Paths {
    let mut b = BruteForce {
        rows,
        clip: vec![None; rows.len()],
    };
    // Clipped intervals, top-down (parents have smaller indices here).
    for i in 0..rows.len() {
        let r = &rows[i];
        b.clip[i] = match b.parent_of(i) {
            None => Some((r.start, r.end)),
            Some(p) if r.kind == CONSUMER && rows[p].kind == PRODUCER => None,
            Some(p) => b.clip[p].map(|(ps, pe)| (r.start.max(ps), r.end.min(pe))),
        }
        .filter(|(a, b)| a < b);
    }
    let mut paths = Paths::new();
    for root in (0..rows.len()).filter(|&i| b.parent_of(i).is_none()) {
        let mut out = Vec::new();
        if let Some((_, end)) = b.clip[root] {
            b.walk(root, root, end, false, &mut out);
        }
        paths.insert(root, out);
    }
    paths
}

/// The model's path in the same terms: row numbers from the span names.
fn model_paths(t: &Trace) -> Paths {
    let row_of = |ix: usize| -> usize { t.str(t.spans[ix].raw.name)[1..].parse().unwrap() };
    let root_of = |mut ix: usize| {
        while let Some(p) = t.spans[ix].parent {
            ix = p.get();
        }
        ix
    };
    let mut paths = Paths::new();
    for (ix, s) in t.spans.iter().enumerate() {
        if s.parent.is_none() {
            paths.insert(row_of(ix), Vec::new());
        }
    }
    for s in critical_path(t) {
        let ix = s.span.get();
        paths.get_mut(&row_of(root_of(ix))).unwrap().push((
            row_of(ix),
            s.start_unix_nanos,
            s.end_unix_nanos,
        ));
    }
    paths
}

#[test]
fn matches_the_brute_force_on_random_trees() {
    let mut rng = Rng(0x5EED_C0FF_EE00_0001);
    let (mut trees, mut sections, mut nonempty) = (0, 0, 0);
    for _ in 0..12_000 {
        let rows = random_tree(&mut rng);
        let t = load(otlp(&rows).as_bytes()).unwrap().traces.remove(0);
        assert_eq!(t.spans.len(), rows.len());
        let want = brute_force(&rows);
        let got = model_paths(&t);
        assert_eq!(got, want, "rows: {rows:#?}");

        // Each root's sections tile the root exactly, latest first, and lie
        // within the spans they name.
        for (root, path) in &got {
            let r = &rows[*root];
            let mut at = r.end;
            for &(span, start, end) in path {
                assert_eq!(
                    end, at,
                    "sections of root {root} leave a gap or overlap: {path:?}"
                );
                assert!(start < end);
                assert!(rows[span].start <= start && end <= rows[span].end);
                at = start;
            }
            if r.end > r.start {
                assert_eq!(at, r.start, "root {root} not covered back to its start");
            }
            sections += path.len();
            nonempty += usize::from(path.len() > 1);
        }
        trees += 1;
    }
    assert_eq!(trees, 12_000);
    // The generator exercised something: many paths went past their root.
    assert!(nonempty > 5_000, "only {nonempty} paths left their root");
    assert!(sections > 30_000, "only {sections} sections");
}
