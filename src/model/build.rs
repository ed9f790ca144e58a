//! Building the arena: a series of passes over flat vectors (index ids, drop
//! exact copies, link parents, walk depth-first with an explicit stack, fold
//! times). Nothing recurses over the tree, so a 100k-deep chain is as cheap
//! as a flat one.

use std::sync::Arc;

use super::hash::{map_with_capacity, FxHashMap};
use super::ids::{SpanId, TraceId};
use super::span::{LinkKind, Pools, RawSpan};
use super::strings::StrId;
use super::trace::{text_extents, Span, SpanIx, Trace};
use super::warnings::{WarningKind, Warnings};

impl Trace {
    /// Builds every trace in a reader's output, in the order of their first
    /// spans in the file. Clock skew is not looked for here (see
    /// [`super::skew::detect`], which the loader runs before it sorts).
    pub fn build_all(pools: Pools, spans: Vec<RawSpan>, warnings: &mut Warnings) -> Vec<Trace> {
        let pools = Arc::new(pools);
        let mut groups: Vec<Vec<RawSpan>> = Vec::new();
        let mut group_of: FxHashMap<TraceId, usize> = FxHashMap::default();
        if let Some(first) = spans.first() {
            // The common case: a file holding one trace.
            if spans.iter().all(|s| s.trace_id == first.trace_id) {
                groups.push(spans);
            } else {
                for s in spans {
                    let g = *group_of.entry(s.trace_id).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    if let Some(group) = groups.get_mut(g) {
                        group.push(s);
                    }
                }
            }
        }
        groups
            .into_iter()
            .filter_map(|g| Trace::build(Arc::clone(&pools), g, warnings))
            .collect()
    }

    /// Builds one trace from its spans (all with the same trace id).
    /// Returns `None` when there are no spans.
    pub fn build(pools: Arc<Pools>, spans: Vec<RawSpan>, warnings: &mut Warnings) -> Option<Trace> {
        let id = spans.first()?.trace_id;
        let spans = drop_exact_copies(&pools, spans, warnings);
        let n = spans.len();

        // Pass 1: index span ids (the first span with an id wins) and link parents.
        let mut by_id: FxHashMap<SpanId, u32> = map_with_capacity(n);
        for (i, s) in spans.iter().enumerate() {
            by_id.entry(s.span_id).or_insert(i as u32);
        }
        let mut parent: Vec<Option<u32>> = Vec::with_capacity(n);
        for (i, s) in spans.iter().enumerate() {
            let p = match s.parent_id {
                None => None,
                Some(pid) => match by_id.get(&pid) {
                    Some(&p) if p as usize != i => Some(p),
                    _ => {
                        warnings.add(WarningKind::MissingParent, || {
                            format!("span {} names parent {}", s.span_id, pid)
                        });
                        None
                    }
                },
            };
            parent.push(p);
        }

        // Pass 2: children lists (CSR), each sorted by start time then file order.
        let mut child_start = vec![0u32; n + 1];
        for p in parent.iter().flatten() {
            child_start[*p as usize + 1] += 1;
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut fill = child_start.clone();
        let mut children = vec![0u32; child_start[n] as usize];
        let mut roots: Vec<u32> = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => {
                    let slot = &mut fill[*p as usize];
                    children[*slot as usize] = i as u32;
                    *slot += 1;
                }
                None => roots.push(i as u32),
            }
        }
        let by_start = |a: &u32, b: &u32| {
            let (sa, sb) = (&spans[*a as usize], &spans[*b as usize]);
            (sa.start_unix_nanos, *a).cmp(&(sb.start_unix_nanos, *b))
        };
        for i in 0..n {
            children[child_start[i] as usize..child_start[i + 1] as usize]
                .sort_unstable_by(by_start);
        }
        // The trace's root (its name) comes first, the other roots by start.
        let main_root = main_root(&spans, &parent, &pools);
        roots.sort_unstable_by(|a, b| {
            (Some(*a) != main_root)
                .cmp(&(Some(*b) != main_root))
                .then_with(|| by_start(a, b))
        });

        // Pass 3: depth-first walk with an explicit stack.
        let mut walk = Walk::new(n);
        for &r in &roots {
            walk.visit_from(r, &parent, &child_start, &children);
        }
        // Every span on or under a parent cycle: the chosen span is cut from
        // its parent, so the root is the one the trace is named after.
        if let Some(m) = main_root.filter(|&m| walk.new_ix[m as usize] == u32::MAX) {
            warnings.add(WarningKind::ParentCycle, || {
                format!("span {}", spans[m as usize].span_id)
            });
            parent[m as usize] = None;
            walk.visit_from(m, &parent, &child_start, &children);
        }
        // Spans not reached sit on or under a parent cycle: cut each cycle once.
        if walk.order.len() < n {
            let mut stamp = vec![u32::MAX; n];
            for i in 0..n {
                if walk.new_ix[i] != u32::MAX {
                    continue;
                }
                let mut j = i;
                // Ancestors of an unreached span are unreached, so this ends on the cycle.
                while stamp[j] != i as u32 {
                    stamp[j] = i as u32;
                    match parent[j] {
                        Some(p) => j = p as usize,
                        None => break,
                    }
                }
                warnings.add(WarningKind::ParentCycle, || {
                    format!("span {}", spans[j].span_id)
                });
                parent[j] = None;
                walk.visit_from(j as u32, &parent, &child_start, &children);
            }
        }

        // Pass 4: lay the arena out in walk order.
        let Walk {
            order,
            new_ix,
            depth,
            subtree_end,
        } = walk;
        let mut arena: Vec<Span> = Vec::with_capacity(n);
        for (k, &old) in order.iter().enumerate() {
            let old = old as usize;
            arena.push(Span {
                raw: spans[old],
                parent: parent[old].map(|p| SpanIx(new_ix[p as usize])),
                depth: depth[k],
                subtree_end: subtree_end[k],
                child_count: child_start[old + 1] - child_start[old],
                self_nanos: 0,
                skew_nanos: 0,
            });
        }
        repair_missing_starts(&mut arena, warnings);
        compute_self_times(&mut arena);

        // Pass 5: trace figures.
        let mut start = u64::MAX;
        let mut end = 0u64;
        let mut max_depth = 0;
        let mut errors = 0;
        let mut per_service: FxHashMap<StrId, u32> = FxHashMap::default();
        for s in &arena {
            start = start.min(s.raw.start_unix_nanos);
            end = end.max(s.end_unix_nanos());
            max_depth = max_depth.max(s.depth);
            errors += u32::from(s.is_error());
            *per_service.entry(s.raw.service).or_insert(0) += 1;
        }
        let mut services: Vec<(StrId, u32)> = per_service.into_iter().collect();
        services.sort_by(|a, b| pools.strings.get(a.0).cmp(pools.strings.get(b.0)));
        let root_count = arena.iter().filter(|s| s.parent.is_none()).count() as u32;
        let text_extents = text_extents(&arena, &pools);
        Some(Trace {
            id,
            pools,
            spans: arena,
            start_unix_nanos: start,
            end_unix_nanos: end.max(start),
            depth: max_depth,
            error_count: errors,
            services,
            root_count,
            skewed_spans: 0,
            text_extents,
        })
    }
}

/// A span starting at 0 (the file gave no start, a zero, or a time before
/// 1970) takes its parent's start, as Jaeger UI does, with a warning; else
/// the trace would seem to last 56 years. Parents come first in the arena,
/// so a repaired parent passes its start on. When the reader had an end but
/// no start, its "duration" is that end (it counted from 0): it is measured
/// from the new start instead. A root keeps 0: nothing says when it began
/// (Chrome traces count from 0 on purpose).
///
/// ```text
/// parent      |1700000000.100 ........ .180|
/// child  0 ...(no start)... |.150|          file: start 0, end .150
/// child                   |.100 ...... .150|   start taken from the parent
/// ```
fn repair_missing_starts(arena: &mut [Span], warnings: &mut Warnings) {
    for i in 0..arena.len() {
        let Some(span) = arena.get(i) else { break };
        if span.raw.start_unix_nanos != 0 {
            continue;
        }
        let Some(parent_start) = span
            .parent
            .and_then(|p| arena.get(p.get()))
            .map(|p| p.raw.start_unix_nanos)
            .filter(|&s| s > 0)
        else {
            continue;
        };
        let id = span.raw.span_id;
        let Some(span) = arena.get_mut(i) else { break };
        let end = span.raw.duration_nanos;
        // An end at or past the parent's start is a time of day, not a length.
        let duration = if end >= parent_start {
            end - parent_start
        } else {
            end
        };
        span.raw.start_unix_nanos = parent_start;
        span.raw.duration_nanos = duration.min(u64::MAX - parent_start);
        warnings.add(WarningKind::MissingTimestamp, || format!("span {id}"));
    }
}

/// The span a trace is named after (TESTIDS.md, "trace name"): the earliest
/// span without a parent reference; failing that, an orphan (its parent is
/// not in the file) with the fewest references, then the earliest; when every
/// span's parent is in the file (a parent cycle), the span with the fewest
/// references, then the earliest. Ties go to file order. `parent` is the
/// resolved parent per span (`None` for roots and orphans).
fn main_root(spans: &[RawSpan], parent: &[Option<u32>], pools: &Pools) -> Option<u32> {
    // References as Jaeger counts them: the parent's, and every other
    // CHILD_OF, FOLLOWS_FROM or link (Jaeger lists the parent among them).
    let references = |s: &RawSpan| {
        let links = pools.links(s.links);
        let parent_listed = links
            .iter()
            .any(|l| l.kind != LinkKind::Link && Some(l.span_id) == s.parent_id);
        links.len() + usize::from(s.parent_id.is_some() && !parent_listed)
    };
    let key = |i: usize| {
        let s = &spans[i];
        let refs = if s.parent_id.is_some() {
            references(s)
        } else {
            0
        };
        (s.parent_id.is_some(), refs, s.start_unix_nanos, i)
    };
    let unparented = (0..spans.len()).filter(|&i| parent.get(i).is_some_and(Option::is_none));
    let best = unparented.min_by_key(|&i| key(i)).or_else(|| {
        (0..spans.len()).min_by_key(|&i| (references(&spans[i]), spans[i].start_unix_nanos, i))
    });
    best.map(|i| i as u32)
}

/// State of the depth-first walk over the CSR children lists.
struct Walk {
    order: Vec<u32>,
    new_ix: Vec<u32>,
    depth: Vec<u32>,
    subtree_end: Vec<u32>,
}

impl Walk {
    fn new(n: usize) -> Walk {
        Walk {
            order: Vec::with_capacity(n),
            new_ix: vec![u32::MAX; n],
            depth: Vec::with_capacity(n),
            subtree_end: Vec::with_capacity(n),
        }
    }

    fn enter(&mut self, old: u32, depth: u32) {
        self.new_ix[old as usize] = self.order.len() as u32;
        self.order.push(old);
        self.depth.push(depth);
        self.subtree_end.push(0);
    }

    fn visit_from(
        &mut self,
        root: u32,
        parent: &[Option<u32>],
        child_start: &[u32],
        children: &[u32],
    ) {
        if self.new_ix[root as usize] != u32::MAX {
            return;
        }
        self.enter(root, 1);
        let mut stack: Vec<(u32, u32)> = vec![(root, child_start[root as usize])];
        while let Some(top) = stack.last_mut() {
            let (node, cursor) = (top.0, top.1);
            if cursor < child_start[node as usize + 1] {
                top.1 += 1;
                let c = children[cursor as usize];
                // A cut cycle leaves a stale child entry: follow real parent links only.
                if parent[c as usize] == Some(node) && self.new_ix[c as usize] == u32::MAX {
                    let d = self.depth[self.new_ix[node as usize] as usize] + 1;
                    self.enter(c, d);
                    stack.push((c, child_start[c as usize]));
                }
            } else {
                stack.pop();
                let at = self.new_ix[node as usize] as usize;
                self.subtree_end[at] = self.order.len() as u32 - 1;
            }
        }
    }
}

/// Self time of every span: its duration minus the union of its children's
/// intervals, each clipped to the span.
///
/// ```text
/// parent |-----------------------|
/// child      |------|
/// child          |------|          overlap counted once
/// child                    |---------|  clipped at the parent's end
/// self   |---|          |--|
/// ```
fn compute_self_times(arena: &mut [Span]) {
    for p in 0..arena.len() {
        let (p_start, p_end, sub_end) = {
            let s = &arena[p];
            (
                s.raw.start_unix_nanos,
                s.end_unix_nanos(),
                s.subtree_end as usize,
            )
        };
        let mut covered = 0u64;
        let mut run: Option<(u64, u64)> = None;
        let mut c = p + 1;
        // Children come in start order, so overlapping runs merge in one sweep.
        while c <= sub_end && c < arena.len() {
            let child = &arena[c];
            let a = child.raw.start_unix_nanos.clamp(p_start, p_end);
            let b = child.end_unix_nanos().clamp(p_start, p_end);
            run = match run {
                Some((rs, re)) if a <= re => Some((rs, re.max(b))),
                Some((rs, re)) => {
                    covered += re - rs;
                    Some((a, b))
                }
                None => Some((a, b)),
            };
            c = child.subtree_end as usize + 1;
        }
        if let Some((rs, re)) = run {
            covered += re - rs;
        }
        arena[p].self_nanos = (p_end - p_start).saturating_sub(covered);
    }
}

/// Drops spans that are identical copies of an earlier span with the same id;
/// warns about different spans that share an id (all of those are kept).
fn drop_exact_copies(pools: &Pools, spans: Vec<RawSpan>, warnings: &mut Warnings) -> Vec<RawSpan> {
    let mut first: FxHashMap<SpanId, usize> = map_with_capacity(spans.len());
    let mut keep = vec![true; spans.len()];
    let mut any_dropped = false;
    for (i, s) in spans.iter().enumerate() {
        match first.get(&s.span_id) {
            None => {
                first.insert(s.span_id, i);
            }
            Some(&f) => {
                if same_content(pools, &spans[f], s) {
                    keep[i] = false;
                    any_dropped = true;
                    warnings.add(WarningKind::ExactDuplicateSpan, || {
                        format!("span {}", s.span_id)
                    });
                } else {
                    warnings.add(WarningKind::DuplicateSpanId, || {
                        format!("span {}", s.span_id)
                    });
                }
            }
        }
    }
    if !any_dropped {
        return spans;
    }
    spans
        .into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect()
}

fn same_content(pools: &Pools, a: &RawSpan, b: &RawSpan) -> bool {
    let scalars = a.parent_id == b.parent_id
        && a.name == b.name
        && a.service == b.service
        && a.kind == b.kind
        && a.status == b.status
        && a.start_unix_nanos == b.start_unix_nanos
        && a.duration_nanos == b.duration_nanos
        && a.attrs.len() == b.attrs.len()
        && a.events.len() == b.events.len()
        && a.links.len() == b.links.len();
    scalars
        && pools
            .attrs(a.attrs)
            .iter()
            .zip(pools.attrs(b.attrs))
            .all(|(x, y)| {
                x.key == y.key && pools.value_text(&x.value) == pools.value_text(&y.value)
            })
}
