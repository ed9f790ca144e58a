//! The services of one trace as a graph: who calls whom, how often, how long.
//!
//! A call is a span whose parent belongs to another service. Spans within one
//! service are that service's own work; they are counted on the node.
//!
//! ```text
//! frontend ──2 calls, 40ms──▶ cart ──1 call, 5ms──▶ redis
//!     └──────1 call, 80ms──▶ payment
//! ```

use super::hash::FxHashMap;
use super::strings::StrId;
use super::trace::Trace;

/// One service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceNode {
    /// Service name.
    pub service: StrId,
    /// Spans of this service.
    pub spans: u32,
    /// Of them, with error status.
    pub errors: u32,
    /// Sum of their self times.
    pub self_nanos: u64,
    /// Column in a left-to-right layout: the longest chain of calls leading
    /// to this service from a service with a root span, calls that close a
    /// cycle left out.
    pub layer: u32,
    /// Position within its column (0 = top), ordered to keep arrows short.
    pub row: u32,
}

/// Calls from one service to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEdge {
    /// Index of the caller in [`ServiceGraph::nodes`].
    pub from: usize,
    /// Index of the callee.
    pub to: usize,
    /// Spans of `to` whose parent is a span of `from`.
    pub calls: u32,
    /// Of them, with error status.
    pub errors: u32,
    /// Sum of their durations.
    pub total_nanos: u64,
}

/// Services and the calls between them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceGraph {
    /// In the order of [`Trace::services`] (by name).
    pub nodes: Vec<ServiceNode>,
    /// Sorted by caller, then callee.
    pub edges: Vec<ServiceEdge>,
}

/// Builds the service graph in one pass over the arena.
pub fn service_graph(trace: &Trace) -> ServiceGraph {
    let mut nodes: Vec<ServiceNode> = trace
        .services
        .iter()
        .map(|&(service, _)| ServiceNode {
            service,
            spans: 0,
            errors: 0,
            self_nanos: 0,
            layer: 0,
            row: 0,
        })
        .collect();
    let mut edges: FxHashMap<(usize, usize), ServiceEdge> = FxHashMap::default();
    let mut roots = Vec::new();
    for span in &trace.spans {
        let to = trace.service_index(span.raw.service);
        let Some(node) = nodes.get_mut(to) else {
            continue;
        };
        node.spans += 1;
        node.errors += u32::from(span.is_error());
        node.self_nanos = node.self_nanos.saturating_add(span.self_nanos);
        let parent = span.parent.and_then(|p| trace.span(p));
        match parent {
            None => roots.push(to),
            Some(parent) if parent.raw.service != span.raw.service => {
                let from = trace.service_index(parent.raw.service);
                let edge = edges.entry((from, to)).or_insert(ServiceEdge {
                    from,
                    to,
                    calls: 0,
                    errors: 0,
                    total_nanos: 0,
                });
                edge.calls += 1;
                edge.errors += u32::from(span.is_error());
                edge.total_nanos = edge.total_nanos.saturating_add(span.raw.duration_nanos);
            }
            Some(_) => {}
        }
    }
    let mut edges: Vec<ServiceEdge> = edges.into_values().collect();
    edges.sort_by_key(|e| (e.from, e.to));
    roots.sort_unstable();
    roots.dedup();
    layout(&mut nodes, &edges, &roots);
    ServiceGraph { nodes, edges }
}

/// Edges that close a cycle: found by an iterative depth-first walk from the
/// root services (then any other), an edge to a service still on the walk's
/// stack goes back.
fn back_edges(n: usize, edges: &[ServiceEdge], roots: &[usize]) -> Vec<bool> {
    let mut out = vec![false; edges.len()];
    // 0 = unseen, 1 = on the stack, 2 = done
    let mut state = vec![0u8; n];
    let starts = roots.iter().copied().chain(0..n);
    for start in starts {
        if state.get(start) != Some(&0) {
            continue;
        }
        // (node, next edge index to look at)
        let mut stack = vec![(start, edges.partition_point(|e| e.from < start))];
        state[start] = 1;
        while let Some(&mut (node, ref mut at)) = stack.last_mut() {
            match edges.get(*at).filter(|e| e.from == node) {
                Some(e) => {
                    let edge_ix = *at;
                    *at += 1;
                    match state.get(e.to) {
                        Some(1) => out[edge_ix] = true,
                        Some(0) => {
                            state[e.to] = 1;
                            stack.push((e.to, edges.partition_point(|x| x.from < e.to)));
                        }
                        _ => {}
                    }
                }
                None => {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }
    out
}

/// Longest-path layers over the calls without cycles, then each column
/// ordered by the average row of its callers (one sweep left to right).
pub(crate) fn layout(nodes: &mut [ServiceNode], edges: &[ServiceEdge], roots: &[usize]) {
    let n = nodes.len();
    let back = back_edges(n, edges, roots);
    let forward: Vec<&ServiceEdge> = edges
        .iter()
        .zip(&back)
        .filter(|(e, b)| !**b && e.from != e.to)
        .map(|(e, _)| e)
        .collect();
    // Kahn's topological order; layer = longest path from a source.
    let mut indegree = vec![0u32; n];
    for e in &forward {
        indegree[e.to] += 1;
    }
    let mut layer = vec![0u32; n];
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|&v| indegree[v] == 0).collect();
    // `forward` is sorted by caller: each service's calls are one stretch.
    while let Some(v) = queue.pop_front() {
        let first = forward.partition_point(|e| e.from < v);
        for e in forward[first..].iter().take_while(|e| e.from == v) {
            layer[e.to] = layer[e.to].max(layer[v] + 1);
            indegree[e.to] -= 1;
            if indegree[e.to] == 0 {
                queue.push_back(e.to);
            }
        }
    }
    // Rows: column by column, by the mean row of callers already placed.
    // Services by column and callers by service, gathered once: linear in
    // services and calls, whatever their number.
    let columns = layer.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut by_column: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (v, &l) in layer.iter().enumerate() {
        by_column[l as usize].push(v);
    }
    let mut callers_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &forward {
        callers_of[e.to].push(e.from);
    }
    let mut row = vec![0u32; n];
    for (col, column) in by_column.iter().enumerate() {
        let mut members: Vec<(f64, usize)> = column
            .iter()
            .map(|&v| {
                let (sum, count) = callers_of[v]
                    .iter()
                    .filter(|&&from| (layer[from] as usize) < col)
                    .fold((0.0, 0usize), |(s, c), &from| {
                        (s + f64::from(row[from]), c + 1)
                    });
                let key = if count == 0 {
                    v as f64
                } else {
                    sum / count as f64
                };
                (key, v)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, (_, v)) in members.iter().enumerate() {
            row[*v] = r as u32;
        }
    }
    for (i, node) in nodes.iter_mut().enumerate() {
        node.layer = layer[i];
        node.row = row[i];
    }
}
