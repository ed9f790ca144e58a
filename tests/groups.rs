//! Repeated siblings folded into one row, and the other row filters of the
//! timeline (short spans hidden, one subtree focused), against a brute force
//! written here from their definitions on random trees: child lists read
//! from the parent ids, runs found by comparing neighbours, rows emitted by
//! a recursive walk. The model reads the depth-first arena in one pass.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::groups::{Group, Groups, MIN_GROUP};
use trace_viewer::view_model::rows::{rows, RowOptions};

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

const BASE: u64 = 1_700_000_000_000_000_000;

/// A random trace: roots, long runs of same-named children (N+1s) broken
/// now and then by another name, runs nested inside runs' members.
fn random_trace(rng: &mut Rng) -> Trace {
    let n = 1 + rng.below(160) as usize;
    // (parent, name, start, duration)
    let mut rows: Vec<(Option<usize>, u64, u64, u64)> = Vec::with_capacity(n);
    let mut clock = 0u64;
    while rows.len() < n {
        let parent = if rows.is_empty() || rng.below(12) == 0 {
            None
        } else {
            Some(rng.below(rows.len() as u64) as usize)
        };
        // A run of up to 12 siblings, mostly of one name.
        let run = 1 + rng.below(12);
        let name = rng.below(3);
        for _ in 0..run {
            if rows.len() >= n {
                break;
            }
            let name = if rng.below(7) == 0 {
                3 + rng.below(2)
            } else {
                name
            };
            clock += 1 + rng.below(5);
            let dur = match rng.below(4) {
                0 => rng.below(3) * 100,
                _ => 1_000 + rng.below(9) * 1_000,
            };
            rows.push((parent, name, clock * 1_000, dur));
        }
    }
    let spans: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (parent, name, start, dur))| {
            let parent = parent.map(|p| format!("{:016x}", p + 1)).unwrap_or_default();
            // Two services, so that the same operation name in another
            // service is another key.
            let svc = if name % 2 == 0 { "a" } else { "b" };
            format!(
                r#"{{"traceId":"0123456789abcdef0123456789abcdef","spanId":"{:016x}","parentSpanId":"{parent}","name":"op{name}","attributes":[{{"key":"svc","value":{{"stringValue":"{svc}"}}}}],"startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
                i + 1,
                BASE + start,
                BASE + start + dur
            )
        })
        .collect();
    let json = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

/// The children of `parent` (`None`: the roots), read from parent ids, in
/// arena order.
fn children(t: &Trace, parent: Option<usize>) -> Vec<usize> {
    (0..t.spans.len())
        .filter(|&i| t.spans[i].parent.map(|p| p.get()) == parent)
        .collect()
}

fn key(t: &Trace, i: usize) -> (String, String) {
    let s = &t.spans[i];
    (
        t.str(s.raw.service).to_string(),
        t.str(s.raw.name).to_string(),
    )
}

/// Maximal runs of equal neighbours among `kids`, at least MIN_GROUP long.
fn runs(t: &Trace, kids: &[usize]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < kids.len() {
        let mut end = at + 1;
        while end < kids.len() && key(t, kids[end]) == key(t, kids[at]) {
            end += 1;
        }
        if end - at >= MIN_GROUP as usize {
            out.push(kids[at..end].to_vec());
        }
        at = end;
    }
    out
}

fn brute_groups(t: &Trace) -> Vec<Group> {
    let mut out = Vec::new();
    for parent in std::iter::once(None).chain((0..t.spans.len()).map(Some)) {
        for run in runs(t, &children(t, parent)) {
            out.push(Group {
                first: SpanIx::at(run[0]),
                last: SpanIx::at(*run.last().unwrap()),
                count: run.len() as u32,
                parent: parent.map(SpanIx::at),
            });
        }
    }
    out.sort_by_key(|g| g.first);
    out
}

fn subtree(t: &Trace, i: usize) -> Vec<usize> {
    let mut out = vec![i];
    for c in children(t, Some(i)) {
        out.extend(subtree(t, c));
    }
    out
}

struct Opts {
    collapsed: Vec<bool>,
    shown: Option<Vec<bool>>,
    min: u64,
    focus: Option<usize>,
    grouping: bool,
    expanded: Vec<SpanIx>,
}

/// The rows, by the definitions: walk each list of siblings; a run of
/// repeated siblings not expanded is one row (its first member) when a
/// member is shown and not short, hidden as short when every member is short; a short
/// span is hidden with its subtree; a folded span's children are not
/// walked; focus walks one span's subtree only.
fn brute_rows(t: &Trace, o: &Opts) -> (Vec<SpanIx>, usize) {
    fn walk(
        t: &Trace,
        o: &Opts,
        list: &[usize],
        top: bool,
        out: &mut Vec<SpanIx>,
        hidden: &mut usize,
    ) {
        let groups = if o.grouping && !(top && o.focus.is_some()) {
            runs(t, list)
        } else {
            Vec::new()
        };
        let mut k = 0;
        while k < list.len() {
            let i = list[k];
            if let Some(run) = groups.iter().find(|r| r[0] == i) {
                if o.expanded.binary_search(&SpanIx::at(i)).is_err() {
                    let size: usize = run.iter().map(|&m| subtree(t, m).len()).sum();
                    if run.iter().all(|&m| t.spans[m].raw.duration_nanos < o.min) {
                        *hidden += size;
                    } else if run.iter().any(|&m| {
                        o.shown.as_ref().is_none_or(|s| s[m])
                            && t.spans[m].raw.duration_nanos >= o.min
                    }) {
                        out.push(SpanIx::at(i));
                    }
                    k += run.len();
                    continue;
                }
            }
            if t.spans[i].raw.duration_nanos < o.min {
                *hidden += subtree(t, i).len();
            } else {
                if o.shown.as_ref().is_none_or(|s| s[i]) {
                    out.push(SpanIx::at(i));
                }
                if !o.collapsed[i] {
                    walk(t, o, &children(t, Some(i)), false, out, hidden);
                }
            }
            k += 1;
        }
    }
    let (mut out, mut hidden) = (Vec::new(), 0);
    let top = match o.focus {
        Some(f) => vec![f],
        None => children(t, None),
    };
    walk(t, o, &top, true, &mut out, &mut hidden);
    (out, hidden)
}

#[test]
fn groups_are_the_runs_of_repeated_siblings() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut nested, mut at_root) = (0, 0);
    for seed in 0..600 {
        let t = random_trace(&mut rng);
        let groups = Groups::of(&t);
        let want = brute_groups(&t);
        assert_eq!(groups.all(), &want[..], "seed {seed}");
        for g in groups.all() {
            let members: Vec<SpanIx> = g.members(&t).collect();
            assert_eq!(members.len() as u32, g.count, "seed {seed}");
            assert_eq!(members.last(), Some(&g.last));
            let figures = g.figures(&t);
            let mut d: Vec<u64> = members
                .iter()
                .map(|m| t.spans[m.get()].raw.duration_nanos)
                .collect();
            assert_eq!(figures.total_nanos, d.iter().sum::<u64>());
            d.sort();
            assert_eq!(figures.max_nanos, *d.last().unwrap());
            // Nearest rank: the smallest value with half the values at or below it.
            assert_eq!(figures.p50_nanos, d[d.len().div_ceil(2) - 1], "seed {seed}");
            at_root += usize::from(g.parent.is_none());
            // A group inside a member of another group.
            nested += usize::from(groups.all().iter().any(|o| {
                o.first != g.first
                    && o.members(&t).any(|m| {
                        let s = &t.spans[m.get()];
                        m.get() < g.first.get() && g.first.get() <= s.subtree_end as usize
                    })
            }));
        }
    }
    assert!(
        nested > 20 && at_root > 20,
        "the trees hold nested ({nested}) and root ({at_root}) groups"
    );
}

#[test]
fn rows_follow_grouping_folding_short_spans_and_focus() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut grouped_fewer = 0;
    for seed in 0..1500 {
        let t = random_trace(&mut rng);
        let n = t.spans.len();
        let groups = Groups::of(&t);
        let pick = |rng: &mut Rng, p: u64| (0..n).map(|_| rng.below(p) == 0).collect::<Vec<bool>>();
        let mut expanded: Vec<SpanIx> = groups
            .all()
            .iter()
            .filter(|_| rng.below(3) == 0)
            .map(|g| g.first)
            .collect();
        expanded.sort();
        let o = Opts {
            collapsed: pick(&mut rng, 6),
            shown: (rng.below(3) == 0).then(|| pick(&mut rng, 2).iter().map(|b| !b).collect()),
            min: [0, 100, 1_000, 5_000][rng.below(4) as usize],
            focus: (rng.below(3) == 0).then(|| rng.below(n as u64) as usize),
            grouping: rng.below(4) != 0,
            expanded,
        };
        let got = rows(
            &t,
            &RowOptions {
                collapsed: &o.collapsed,
                shown: o.shown.as_deref(),
                min_nanos: o.min,
                focus: o.focus.map(SpanIx::at),
                groups: o.grouping.then_some(&groups),
                expanded: &o.expanded,
            },
        );
        let (want, hidden) = brute_rows(&t, &o);
        assert_eq!(got.ixs, want, "seed {seed}");
        assert_eq!(got.short_hidden, hidden, "seed {seed}");
        if o.grouping && !groups.is_empty() && o.expanded.is_empty() {
            let ungrouped = rows(
                &t,
                &RowOptions {
                    collapsed: &o.collapsed,
                    shown: o.shown.as_deref(),
                    min_nanos: o.min,
                    focus: o.focus.map(SpanIx::at),
                    ..RowOptions::default()
                },
            );
            assert!(got.ixs.len() <= ungrouped.ixs.len());
            grouped_fewer += usize::from(got.ixs.len() < ungrouped.ixs.len());
        }
    }
    assert!(
        grouped_fewer > 50,
        "grouping folded rows in {grouped_fewer} trees"
    );
}

#[test]
fn an_n_plus_one_is_one_row_with_its_count_and_total() {
    // A parent with 300 identical queries and a cache call after them.
    let mut spans = vec![String::from(
        r#"{"traceId":"01","spanId":"0000000000000001","name":"GET /cart","startTimeUnixNano":"1000000000","endTimeUnixNano":"2000000000"}"#,
    )];
    for i in 0..300u64 {
        spans.push(format!(
            r#"{{"traceId":"01","spanId":"{:016x}","parentSpanId":"0000000000000001","name":"SELECT item","startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
            i + 2,
            1_000_000_000 + i * 3_000_000,
            1_000_000_000 + i * 3_000_000 + 1_000_000 + i * 1_000
        ));
    }
    spans.push(String::from(
        r#"{"traceId":"01","spanId":"00000000000009ff","parentSpanId":"0000000000000001","name":"GET cache","startTimeUnixNano":"1950000000","endTimeUnixNano":"1960000000"}"#,
    ));
    let json = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"cart-api"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    );
    let t = load(json.as_bytes()).unwrap().traces.remove(0);
    let groups = Groups::of(&t);
    assert_eq!(groups.all().len(), 1);
    let g = groups.all()[0];
    assert_eq!((g.count, g.parent), (300, Some(SpanIx(0))));
    let f = g.figures(&t);
    assert_eq!(
        f.total_nanos,
        (0..300u64).map(|i| 1_000_000 + i * 1_000).sum::<u64>()
    );
    assert_eq!(f.max_nanos, 1_299_000);
    let collapsed = vec![false; t.spans.len()];
    let shown = rows(
        &t,
        &RowOptions {
            collapsed: &collapsed,
            groups: Some(&groups),
            ..RowOptions::default()
        },
    );
    // The parent, the group's row, the cache call.
    assert_eq!(shown.ixs.len(), 3);
    // Hiding spans under 1.2 ms leaves the group (its longest is 1.299 ms).
    let short = rows(
        &t,
        &RowOptions {
            collapsed: &collapsed,
            min_nanos: 1_200_000,
            ..RowOptions::default()
        },
    );
    assert_eq!(short.short_hidden, 200);
    assert_eq!(short.ixs.len(), 1 + 100 + 1);
}
