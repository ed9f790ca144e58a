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
    /// Column in a left-to-right layout: the length of the shortest call
    /// chain from a service with a root span (0 for those).
    pub layer: u32,
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
            layer: u32::MAX,
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
    // Layers: breadth-first from the services holding roots.
    let mut queue = std::collections::VecDeque::new();
    for r in roots {
        if let Some(node) = nodes.get_mut(r) {
            if node.layer == u32::MAX {
                node.layer = 0;
                queue.push_back(r);
            }
        }
    }
    while let Some(at) = queue.pop_front() {
        let next_layer = nodes.get(at).map_or(0, |n| n.layer + 1);
        for e in edges.iter().filter(|e| e.from == at) {
            if let Some(node) = nodes.get_mut(e.to) {
                if node.layer == u32::MAX {
                    node.layer = next_layer;
                    queue.push_back(e.to);
                }
            }
        }
    }
    for node in &mut nodes {
        if node.layer == u32::MAX {
            node.layer = 0;
        }
    }
    ServiceGraph { nodes, edges }
}
