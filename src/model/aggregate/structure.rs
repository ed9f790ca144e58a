//! The shown traces merged by path: every span's ancestry as
//! `service: operation` steps (as Compare aligns them), one node per path,
//! with the traces holding it, its span count (repeated siblings counted:
//! an N+1 shows as a large count), total self time and duration percentiles.
//!
//! ```text
//! trace 1: api: GET /cart          trace 2: api: GET /cart
//!          └─ db: SELECT  ×3                └─ db: SELECT  ×40
//! api: GET /cart                 traces 2   count  2
//! api: GET /cart / db: SELECT    traces 2   count 43   ← the N+1
//! ```

use super::p50_p90;
use crate::model::compare::PathIndex;
use crate::model::trace::Trace;

/// One path over all the traces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathRow {
    /// Node in [`Structure::index`].
    pub node: u32,
    /// Parent row's node, `None` at the top.
    pub parent: Option<u32>,
    /// Top level = 1.
    pub depth: u32,
    /// Traces holding the path.
    pub traces: u32,
    /// Spans on the path, over all traces.
    pub count: u32,
    /// Their total self time, nanoseconds.
    pub self_nanos: u64,
    /// Median of their durations.
    pub p50_nanos: u64,
    /// 90th percentile of their durations.
    pub p90_nanos: u64,
}

/// What a structure table can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortColumn {
    /// Spans on the path.
    #[default]
    Count,
    /// Traces holding it.
    Traces,
    /// Total self time.
    SelfTime,
    /// Median duration.
    P50,
    /// 90th percentile duration.
    P90,
}

impl SortColumn {
    /// Every column, in table order.
    pub const ALL: [SortColumn; 5] = [
        SortColumn::Traces,
        SortColumn::Count,
        SortColumn::SelfTime,
        SortColumn::P50,
        SortColumn::P90,
    ];

    /// Name in the address and the test hooks.
    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Count => "count",
            SortColumn::Traces => "traces",
            SortColumn::SelfTime => "self",
            SortColumn::P50 => "p50",
            SortColumn::P90 => "p90",
        }
    }

    /// The column named `name`.
    pub fn from_name(name: &str) -> Option<SortColumn> {
        SortColumn::ALL.into_iter().find(|c| c.as_str() == name)
    }

    fn value(self, row: &PathRow) -> u64 {
        match self {
            SortColumn::Count => u64::from(row.count),
            SortColumn::Traces => u64::from(row.traces),
            SortColumn::SelfTime => row.self_nanos,
            SortColumn::P50 => row.p50_nanos,
            SortColumn::P90 => row.p90_nanos,
        }
    }
}

/// The merged structure.
#[derive(Clone, Debug, Default)]
pub struct Structure {
    /// Paths, by node.
    pub index: PathIndex,
    /// One row per node, indexed by node.
    pub rows: Vec<PathRow>,
    /// Traces merged.
    pub traces: u32,
}

impl Structure {
    /// The whole path of `row`: steps joined by ` / `.
    pub fn path(&self, row: &PathRow) -> String {
        self.index.path(row.node)
    }

    /// `service` and `operation` of the last step of `row`.
    pub fn step(&self, row: &PathRow) -> (&str, &str) {
        self.index.step(row.node)
    }

    /// Rows in tree order, siblings by `column` (largest first, ties in the
    /// order first seen), without recursion.
    pub fn ordered(&self, column: SortColumn) -> Vec<u32> {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); self.rows.len()];
        let mut tops = Vec::new();
        for r in &self.rows {
            match r.parent.and_then(|p| children.get_mut(p as usize)) {
                Some(c) => c.push(r.node),
                None => tops.push(r.node),
            }
        }
        let key =
            |n: &u32| std::cmp::Reverse(self.rows.get(*n as usize).map_or(0, |r| column.value(r)));
        tops.sort_by_key(key);
        for c in &mut children {
            c.sort_by_key(key);
        }
        let mut out = Vec::with_capacity(self.rows.len());
        let mut stack: Vec<u32> = tops.into_iter().rev().collect();
        while let Some(n) = stack.pop() {
            out.push(n);
            if let Some(c) = children.get(n as usize) {
                stack.extend(c.iter().rev());
            }
        }
        out
    }
}

/// Gathers the structure one trace at a time.
#[derive(Default)]
pub struct StructureBuilder {
    index: PathIndex,
    rows: Vec<PathRow>,
    durations: Vec<Vec<u64>>,
    last: Vec<u32>,
    traces: u32,
}

impl StructureBuilder {
    /// An empty builder.
    pub fn new() -> StructureBuilder {
        StructureBuilder::default()
    }

    /// Merges `trace`.
    pub fn add(&mut self, trace: &Trace) {
        self.traces += 1;
        let stamp = self.traces;
        let nodes = self.index.add(trace, true);
        for (span, node) in trace.spans.iter().zip(nodes) {
            let Some(node) = node else { continue };
            let n = node as usize;
            if n >= self.rows.len() {
                self.rows.resize(n + 1, PathRow::default());
                self.durations.resize(n + 1, Vec::new());
                self.last.resize(n + 1, 0);
            }
            let row = &mut self.rows[n];
            row.count += 1;
            row.self_nanos = row.self_nanos.saturating_add(span.self_nanos);
            if self.last[n] != stamp {
                self.last[n] = stamp;
                row.traces += 1;
            }
            self.durations[n].push(span.raw.duration_nanos);
        }
    }

    /// Percentiles, parents and depths.
    pub fn finish(self) -> Structure {
        let StructureBuilder {
            index,
            mut rows,
            mut durations,
            traces,
            ..
        } = self;
        // Parents are created before their children: depths in one pass.
        for n in 0..rows.len() {
            let parent = index.parent(n as u32);
            let depth = parent
                .and_then(|p| rows.get(p as usize))
                .map_or(1, |p| p.depth + 1);
            if let (Some(row), Some(d)) = (rows.get_mut(n), durations.get_mut(n)) {
                row.node = n as u32;
                row.parent = parent;
                row.depth = depth;
                (row.p50_nanos, row.p90_nanos) = p50_p90(d);
            }
        }
        Structure {
            index,
            rows,
            traces,
        }
    }
}

/// True when `trace` has a span on `path` (steps joined by ` / `): each
/// node's path is matched against the start of `path` from its parent's
/// match on, so no path is written out.
pub fn trace_has_path(trace: &Trace, path: &str) -> bool {
    let mut index = PathIndex::default();
    index.add(trace, true);
    // Per node: how much of `path` its own path covers, if it is a prefix.
    let mut covered: Vec<Option<usize>> = Vec::with_capacity(index.len());
    for n in 0..index.len() as u32 {
        let from = match index.parent(n) {
            None => Some(0),
            Some(p) => covered.get(p as usize).copied().flatten(),
        };
        let here = from.and_then(|at| {
            let rest = path.get(at..)?;
            let rest = if at == 0 {
                rest
            } else {
                rest.strip_prefix(" / ")?
            };
            let (service, operation) = index.step(n);
            let rest = rest.strip_prefix(service)?.strip_prefix(": ")?;
            let rest = rest.strip_prefix(operation)?;
            Some(path.len() - rest.len())
        });
        if here == Some(path.len()) {
            return true;
        }
        covered.push(here);
    }
    false
}
