//! Comparing traces by structure and latency.
//!
//! Spans are aligned by their ancestry path: the `service: operation` steps
//! from the root down to the span. All spans with the same path fall into
//! one node, so repeated siblings (a loop of 3 calls in A, 5 in B) become one
//! node counted 3 and 5; a subtree only one side has is added or removed.
//!
//! ```text
//! A: api: GET /cart               B: api: GET /cart
//!    ├─ db: SELECT  (10ms)           ├─ db: SELECT (10ms)
//!    └─ db: SELECT  (10ms)           ├─ db: SELECT (10ms)
//!                                    ├─ db: SELECT (40ms)
//!                                    └─ cache: GET (1ms)
//! nodes: api: GET /cart                      1 / 1
//!        api: GET /cart / db: SELECT         2 / 3   self +40ms
//!        api: GET /cart / cache: GET         0 / 1   added
//! ```

use std::sync::Arc;

use super::hash::FxHashMap;
use super::many::percentile;
use super::strings::StrId;
use super::trace::Trace;

/// No parent: a root-level path step.
const TOP: u32 = u32::MAX;

/// The ancestry paths of one or more traces, each a node in a tree.
#[derive(Clone, Debug, Default)]
pub struct PathIndex {
    /// `service: operation` names, by name id.
    names: Vec<(String, String)>,
    name_ids: FxHashMap<(String, String), u32>,
    /// (parent node or TOP, name id) → node.
    keys: FxHashMap<(u32, u32), u32>,
    /// Per node: parent node (TOP for top level) and name id.
    nodes: Vec<(u32, u32)>,
}

impl PathIndex {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when no trace was added.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Parent of `node`.
    pub fn parent(&self, node: u32) -> Option<u32> {
        self.nodes
            .get(node as usize)
            .map(|n| n.0)
            .filter(|&p| p != TOP)
    }

    /// Service and operation of the last step of `node`.
    pub fn step(&self, node: u32) -> (&str, &str) {
        self.nodes
            .get(node as usize)
            .and_then(|&(_, name)| self.names.get(name as usize))
            .map_or(("", ""), |(s, o)| (s.as_str(), o.as_str()))
    }

    /// The whole path: `service: operation` steps joined by ` / `.
    pub fn path(&self, node: u32) -> String {
        let mut steps = Vec::new();
        let mut at = Some(node);
        while let Some(n) = at {
            let (s, o) = self.step(n);
            steps.push(format!("{s}: {o}"));
            at = self.parent(n);
            if steps.len() > self.nodes.len() {
                break; // cannot happen: parents are created first
            }
        }
        steps.reverse();
        steps.join(" / ")
    }

    /// The node of every span of `trace` (arena order). With `grow` false,
    /// spans whose path is not yet indexed get `None`.
    pub fn add(&mut self, trace: &Trace, grow: bool) -> Vec<Option<u32>> {
        let mut by_ids: FxHashMap<(StrId, StrId), Option<u32>> = FxHashMap::default();
        let mut out: Vec<Option<u32>> = Vec::with_capacity(trace.spans.len());
        for s in &trace.spans {
            let name = *by_ids
                .entry((s.raw.service, s.raw.name))
                .or_insert_with(|| {
                    let key = (
                        trace.str(s.raw.service).to_string(),
                        trace.str(s.raw.name).to_string(),
                    );
                    match self.name_ids.get(&key) {
                        Some(&id) => Some(id),
                        None if grow => {
                            let id = self.names.len() as u32;
                            self.names.push(key.clone());
                            self.name_ids.insert(key, id);
                            Some(id)
                        }
                        None => None,
                    }
                });
            // Parents come before children in the arena.
            let parent = match s.parent {
                None => Some(TOP),
                Some(p) => out.get(p.get()).copied().flatten(),
            };
            let node = match (parent, name) {
                (Some(parent), Some(name)) => match self.keys.get(&(parent, name)) {
                    Some(&n) => Some(n),
                    None if grow => {
                        let n = self.nodes.len() as u32;
                        self.nodes.push((parent, name));
                        self.keys.insert((parent, name), n);
                        Some(n)
                    }
                    None => None,
                },
                _ => None,
            };
            out.push(node);
        }
        out
    }

    /// Nodes in depth-first order (children in the order they were first
    /// seen) with their depths (top level = 1); no recursion.
    pub fn depth_first(&self) -> Vec<(u32, u32)> {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        let mut tops = Vec::new();
        for (i, &(parent, _)) in self.nodes.iter().enumerate() {
            match children.get_mut(parent as usize) {
                Some(c) => c.push(i as u32),
                None => tops.push(i as u32),
            }
        }
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(u32, u32)> = tops.into_iter().rev().map(|n| (n, 1)).collect();
        while let Some((n, depth)) = stack.pop() {
            out.push((n, depth));
            if let Some(c) = children.get(n as usize) {
                stack.extend(c.iter().rev().map(|&c| (c, depth + 1)));
            }
        }
        out
    }
}

/// One aligned node: what A and B have at this path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffNode {
    /// Node in [`Comparison::index`].
    pub node: u32,
    /// Top level = 1.
    pub depth: u32,
    /// Spans at this path in A.
    pub count_a: u32,
    /// Spans at this path in B.
    pub count_b: u32,
    /// Sum of their durations in A.
    pub total_a: u64,
    /// Sum of their durations in B.
    pub total_b: u64,
    /// Sum of their self times in A.
    pub self_a: u64,
    /// Sum of their self times in B.
    pub self_b: u64,
}

/// How a node changed from A to B.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Only in B.
    Added,
    /// Only in A.
    Removed,
    /// Self time grew by at least 1 µs and 5%.
    Slower,
    /// Self time shrank by at least 1 µs and 5%.
    Faster,
    /// Neither.
    Same,
}

impl Change {
    /// Name for CSS classes and test hooks.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Slower => "slower",
            Change::Faster => "faster",
            Change::Same => "same",
        }
    }
}

/// `b - a` as a signed number of nanoseconds, saturating at the ends of i64.
fn signed_difference(b: u64, a: u64) -> i64 {
    let d = i128::from(b) - i128::from(a);
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

impl DiffNode {
    /// Self time in B minus self time in A.
    pub fn self_delta(&self) -> i64 {
        signed_difference(self.self_b, self.self_a)
    }

    /// Total duration in B minus in A.
    pub fn total_delta(&self) -> i64 {
        signed_difference(self.total_b, self.total_a)
    }

    /// Added, removed, slower, faster or the same.
    pub fn change(&self) -> Change {
        if self.count_a == 0 {
            return Change::Added;
        }
        if self.count_b == 0 {
            return Change::Removed;
        }
        let delta = self.self_delta();
        let big = self.self_a.max(self.self_b) as f64 * 0.05;
        if delta.unsigned_abs() < 1_000 || (delta.unsigned_abs() as f64) < big {
            Change::Same
        } else if delta > 0 {
            Change::Slower
        } else {
            Change::Faster
        }
    }
}

/// Two traces aligned by ancestry path.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The paths of both traces.
    pub index: PathIndex,
    /// One per path, depth-first.
    pub nodes: Vec<DiffNode>,
}

impl Comparison {
    /// Aligns `a` and `b`.
    pub fn new(a: &Trace, b: &Trace) -> Comparison {
        let mut index = PathIndex::default();
        let in_a = index.add(a, true);
        let in_b = index.add(b, true);
        let mut acc: Vec<DiffNode> = (0..index.len() as u32)
            .map(|node| DiffNode {
                node,
                depth: 0,
                count_a: 0,
                count_b: 0,
                total_a: 0,
                total_b: 0,
                self_a: 0,
                self_b: 0,
            })
            .collect();
        for (trace, nodes, first) in [(a, &in_a, true), (b, &in_b, false)] {
            for (s, node) in trace.spans.iter().zip(nodes.iter()) {
                let Some(d) = node.and_then(|n| acc.get_mut(n as usize)) else {
                    continue;
                };
                if first {
                    d.count_a += 1;
                    d.total_a = d.total_a.saturating_add(s.raw.duration_nanos);
                    d.self_a = d.self_a.saturating_add(s.self_nanos);
                } else {
                    d.count_b += 1;
                    d.total_b = d.total_b.saturating_add(s.raw.duration_nanos);
                    d.self_b = d.self_b.saturating_add(s.self_nanos);
                }
            }
        }
        let nodes = index
            .depth_first()
            .into_iter()
            .filter_map(|(n, depth)| {
                let mut d = acc.get(n as usize)?.clone();
                d.depth = depth;
                Some(d)
            })
            .collect();
        Comparison { index, nodes }
    }

    /// Positions in [`Comparison::nodes`], largest self-time increase first
    /// ("what got slower"); ties by path order.
    pub fn slower(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.nodes.len()).collect();
        order.sort_by(|&x, &y| {
            let (a, b) = (&self.nodes[x], &self.nodes[y]);
            b.self_delta().cmp(&a.self_delta()).then(x.cmp(&y))
        });
        order
    }

    /// The path of the node at position `i`.
    pub fn path(&self, i: usize) -> String {
        self.nodes
            .get(i)
            .map(|d| self.index.path(d.node))
            .unwrap_or_default()
    }
}

/// One path of a trace against the same path in a group of traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineRow {
    /// Node in [`Baseline::index`].
    pub node: u32,
    /// Top level = 1.
    pub depth: u32,
    /// Self time of the trace at this path (summed over repeated spans).
    pub value: u64,
    /// Traces of the group having this path.
    pub group_count: u32,
    /// The group's median self time at this path.
    pub p50: u64,
    /// The group's 90th percentile.
    pub p90: u64,
    /// Above the group's p90, with at least 3 traces of the group having the path.
    pub outlier: bool,
}

/// A trace against a baseline group.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// The trace's paths.
    pub index: PathIndex,
    /// One per path of the trace, depth-first.
    pub rows: Vec<BaselineRow>,
    /// Traces in the group (the trace itself left out).
    pub group_size: usize,
}

/// Compares `trace` path by path with `group` (leaving out the trace itself
/// if it is a member).
pub fn baseline(trace: &Trace, group: &[Arc<Trace>]) -> Baseline {
    let mut index = PathIndex::default();
    let own = index.add(trace, true);
    let n = index.len();
    let mut value = vec![0u64; n];
    for (s, node) in trace.spans.iter().zip(&own) {
        if let Some(v) = node.and_then(|n| value.get_mut(n as usize)) {
            *v = v.saturating_add(s.self_nanos);
        }
    }
    let mut samples: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut group_size = 0;
    let mut per_trace = vec![0u64; n];
    let mut present = vec![false; n];
    for other in group.iter().filter(|g| g.id != trace.id) {
        group_size += 1;
        per_trace.iter_mut().for_each(|v| *v = 0);
        present.iter_mut().for_each(|p| *p = false);
        let nodes = index.add(other, false);
        for (s, node) in other.spans.iter().zip(&nodes) {
            if let Some(n) = node.map(|n| n as usize) {
                if let (Some(v), Some(p)) = (per_trace.get_mut(n), present.get_mut(n)) {
                    *v = v.saturating_add(s.self_nanos);
                    *p = true;
                }
            }
        }
        for i in 0..n {
            if present[i] {
                samples[i].push(per_trace[i]);
            }
        }
    }
    let rows = index
        .depth_first()
        .into_iter()
        .filter_map(|(node, depth)| {
            let i = node as usize;
            let list = samples.get_mut(i)?;
            list.sort_unstable();
            let p50 = percentile(list, 50.0);
            let p90 = percentile(list, 90.0);
            let v = *value.get(i)?;
            Some(BaselineRow {
                node,
                depth,
                value: v,
                group_count: list.len() as u32,
                p50,
                p90,
                outlier: list.len() >= 3 && v > p90,
            })
        })
        .collect();
    Baseline {
        index,
        rows,
        group_size,
    }
}
