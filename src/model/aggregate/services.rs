//! One service graph over many traces: per service its spans, errors and
//! the p50/p90 of its server spans; per call between services (a span of B
//! whose parent span is of A, A ≠ B) the calls, errors and p50/p90 of the
//! called spans' durations. Laid out as one trace's graph is.

use super::p50_p90;
use crate::model::graph::{layout, ServiceEdge, ServiceGraph, ServiceNode};
use crate::model::hash::FxHashMap;
use crate::model::span::SpanKind;
use crate::model::strings::StrId;
use crate::model::trace::Trace;

/// Percentiles of one service's server spans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeTimes {
    /// Server spans of the service.
    pub server_spans: u32,
    /// Their median duration, nanoseconds (0 without server spans).
    pub p50_nanos: u64,
    /// Their 90th percentile.
    pub p90_nanos: u64,
}

/// Percentiles of one call's spans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EdgeTimes {
    /// Median duration of the called spans, nanoseconds.
    pub p50_nanos: u64,
    /// Their 90th percentile.
    pub p90_nanos: u64,
}

/// The services of many traces and the calls between them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceMap {
    /// Service names, sorted; a node's `service` is `StrId(index here)`.
    pub names: Vec<String>,
    /// Nodes in the order of `names`, edges by caller then callee, laid out.
    pub graph: ServiceGraph,
    /// Per node.
    pub node_times: Vec<NodeTimes>,
    /// Per edge.
    pub edge_times: Vec<EdgeTimes>,
}

impl ServiceMap {
    /// The name of node `i`.
    pub fn name(&self, i: usize) -> &str {
        self.graph
            .nodes
            .get(i)
            .and_then(|n| self.names.get(n.service.0 as usize))
            .map_or("", String::as_str)
    }
}

#[derive(Default)]
struct NodeAcc {
    spans: u32,
    errors: u32,
    self_nanos: u64,
    server: Vec<u64>,
    root: bool,
}

#[derive(Default)]
struct EdgeAcc {
    errors: u32,
    total_nanos: u64,
    durations: Vec<u64>,
}

/// Gathers the service map one trace at a time.
#[derive(Default)]
pub struct ServiceMapBuilder {
    ids: FxHashMap<String, u32>,
    nodes: Vec<(String, NodeAcc)>,
    edges: FxHashMap<(u32, u32), EdgeAcc>,
}

impl ServiceMapBuilder {
    /// An empty builder.
    pub fn new() -> ServiceMapBuilder {
        ServiceMapBuilder::default()
    }

    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.nodes.len() as u32;
        self.ids.insert(name.to_string(), id);
        self.nodes.push((name.to_string(), NodeAcc::default()));
        id
    }

    /// Adds the spans and calls of `trace`.
    pub fn add(&mut self, trace: &Trace) {
        // The trace's services, numbered here once.
        let local: Vec<u32> = trace
            .services
            .iter()
            .map(|&(s, _)| self.id(trace.str(s)))
            .collect();
        let of = |s: StrId| local.get(trace.service_index(s)).copied();
        for span in &trace.spans {
            let Some(to) = of(span.raw.service) else {
                continue;
            };
            let error = span.is_error();
            let d = span.raw.duration_nanos;
            if let Some((_, node)) = self.nodes.get_mut(to as usize) {
                node.spans += 1;
                node.errors += u32::from(error);
                node.self_nanos = node.self_nanos.saturating_add(span.self_nanos);
                if span.raw.kind == SpanKind::Server {
                    node.server.push(d);
                }
                if span.parent.is_none() {
                    node.root = true;
                }
            }
            let Some(parent) = span.parent.and_then(|p| trace.span(p)) else {
                continue;
            };
            let Some(from) = of(parent.raw.service) else {
                continue;
            };
            if from != to {
                let e = self.edges.entry((from, to)).or_default();
                e.errors += u32::from(error);
                e.total_nanos = e.total_nanos.saturating_add(d);
                e.durations.push(d);
            }
        }
    }

    /// Sorts, computes percentiles and lays the graph out.
    pub fn finish(self) -> ServiceMap {
        let mut order: Vec<u32> = (0..self.nodes.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let name = |i: u32| self.nodes.get(i as usize).map_or("", |n| n.0.as_str());
            name(a).cmp(name(b))
        });
        // Old id → position by name.
        let mut position = vec![0usize; self.nodes.len()];
        for (pos, &old) in order.iter().enumerate() {
            if let Some(p) = position.get_mut(old as usize) {
                *p = pos;
            }
        }
        let mut accs: Vec<Option<(String, NodeAcc)>> = self.nodes.into_iter().map(Some).collect();
        let mut names = Vec::with_capacity(order.len());
        let mut nodes = Vec::with_capacity(order.len());
        let mut node_times = Vec::with_capacity(order.len());
        let mut roots = Vec::new();
        for (pos, &old) in order.iter().enumerate() {
            let Some((name, mut acc)) = accs.get_mut(old as usize).and_then(Option::take) else {
                continue;
            };
            let (p50_nanos, p90_nanos) = p50_p90(&mut acc.server);
            node_times.push(NodeTimes {
                server_spans: acc.server.len() as u32,
                p50_nanos,
                p90_nanos,
            });
            if acc.root {
                roots.push(pos);
            }
            names.push(name);
            nodes.push(ServiceNode {
                service: StrId(pos as u32),
                spans: acc.spans,
                errors: acc.errors,
                self_nanos: acc.self_nanos,
                layer: 0,
                row: 0,
            });
        }
        let mut edges: Vec<(ServiceEdge, EdgeTimes)> = self
            .edges
            .into_iter()
            .map(|((from, to), mut acc)| {
                let (p50_nanos, p90_nanos) = p50_p90(&mut acc.durations);
                let edge = ServiceEdge {
                    from: position.get(from as usize).copied().unwrap_or(0),
                    to: position.get(to as usize).copied().unwrap_or(0),
                    calls: acc.durations.len() as u32,
                    errors: acc.errors,
                    total_nanos: acc.total_nanos,
                };
                (
                    edge,
                    EdgeTimes {
                        p50_nanos,
                        p90_nanos,
                    },
                )
            })
            .collect();
        edges.sort_by_key(|(e, _)| (e.from, e.to));
        let (edges, edge_times): (Vec<ServiceEdge>, Vec<EdgeTimes>) = edges.into_iter().unzip();
        layout(&mut nodes, &edges, &roots);
        ServiceMap {
            names,
            graph: ServiceGraph { nodes, edges },
            node_times,
            edge_times,
        }
    }
}

/// True when `trace` makes a call from service `from` to service `to`.
pub fn trace_makes_call(trace: &Trace, from: &str, to: &str) -> bool {
    from != to
        && trace.spans.iter().any(|span| {
            trace.str(span.raw.service) == to
                && span
                    .parent
                    .and_then(|p| trace.span(p))
                    .is_some_and(|p| trace.str(p.raw.service) == from)
        })
}
