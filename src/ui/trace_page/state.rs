//! The state of one open trace page: selection, folding, zoom, find, filters
//! and the open view. Shared by the timeline, flame graph, detail panel,
//! keyboard handler and the URL hash.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::logs::{LogFile, LogRecord, TraceLog, TraceLogs};
use crate::model::search::parse_duration;
use crate::model::search::Query;
use crate::model::{SpanId, SpanIx, Trace};
use crate::ui::app_state::{handle, LogFiles};
use crate::view_model::critical::CriticalPath;
use crate::view_model::groups::Groups;
use crate::view_model::rows::{reveal, rows, service_shown, with_ancestors, RowOptions, Rows};
use crate::view_model::scale::{clamp_zoom, span_range};
use crate::view_model::url_state::{PageState, View};

/// The spans a find query matches, or why the query cannot be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Found {
    /// Arena indices, ascending.
    pub matches: Arc<Vec<SpanIx>>,
    /// The query's problem, in words.
    pub error: Option<String>,
    /// True when there was a query at all.
    pub active: bool,
}

impl Found {
    /// True when span `ix` matches.
    pub fn has(&self, ix: SpanIx) -> bool {
        self.matches.binary_search(&ix).is_ok()
    }
}

/// The log records attached to the open trace, and the files they are in
/// (`TraceLogs::entries` index into `files`).
#[derive(Clone, Debug, Default)]
pub struct SpanLogs {
    /// The loaded log files, when the records were attached.
    pub files: Vec<Arc<LogFile>>,
    /// The trace's records, by time.
    pub logs: TraceLogs,
}

impl SpanLogs {
    /// Attaches every loaded file's records to `trace`.
    pub fn new(trace: &Trace, files: &[Arc<LogFile>]) -> SpanLogs {
        let refs: Vec<&LogFile> = files.iter().map(|f| f.as_ref()).collect();
        SpanLogs {
            logs: TraceLogs::new(trace, &refs),
            files: files.to_vec(),
        }
    }

    /// The file and record of an attached entry.
    pub fn record(&self, e: &TraceLog) -> Option<(&LogFile, &LogRecord)> {
        let file = self.files.get(e.file as usize)?;
        Some((file, file.record(e.record)?))
    }
}

/// Arena index of the span with id `hex`.
pub fn find_span(trace: &Trace, hex: &str) -> Option<SpanIx> {
    let (id, _) = SpanId::parse(hex).ok()?;
    trace
        .spans
        .iter()
        .position(|s| s.raw.span_id == id)
        .map(SpanIx::at)
}

handle!(
    /// The shown part of the trace, as fractions of its duration (the
    /// timeline, flame graph and minimap share it).
    Zoom(RwSignal<(f64, f64)>)
);
handle!(
    /// The open view (timeline, flame graph, table, …).
    OpenView(RwSignal<View>)
);
handle!(
    /// Whether the key help is shown.
    HelpShown(RwSignal<bool>)
);
handle!(
    /// Whether the critical path is drawn on the bars.
    CriticalShown(RwSignal<bool>)
);
handle!(
    /// The attribute key shown after each row's name (`label=`).
    RowLabel(RwSignal<String>)
);
handle!(
    /// The timeline's rows: what folding, hiding and find leave.
    TraceRows(Memo<Arc<Rows>>)
);
handle!(
    /// The log records attached to the trace.
    AttachedLogs(Memo<Arc<SpanLogs>>)
);
handle!(
    /// The page's state as the URL hash says it now.
    PageNow(Memo<PageState>)
);

/// The span under the keyboard cursor (last clicked) and whether its detail
/// is open.
#[derive(Clone, Copy)]
pub struct Selection {
    /// The selected span.
    pub selected: RwSignal<Option<SpanIx>>,
    /// Whether the detail panel is open for it.
    pub detail_open: RwSignal<bool>,
}

/// What the timeline folds, focuses on or hides; the rows follow from it.
#[derive(Clone, Copy)]
pub struct Folding {
    /// Per span: its subtree is folded.
    pub collapsed: RwSignal<Vec<bool>>,
    /// Only this span's subtree (timeline and flame graph).
    pub focus: RwSignal<Option<SpanIx>>,
    /// Repeated siblings folded into one row each.
    pub grouping: RwSignal<bool>,
    /// The groups unfolded by a click (by first member, ascending).
    pub expanded: RwSignal<Vec<SpanIx>>,
    /// The trace's groups of repeated siblings.
    pub groups: StoredValue<Arc<Groups>>,
    /// Spans shorter than this are hidden, as typed (`1ms`).
    pub hide: RwSignal<String>,
    /// Only the spans on the critical path.
    pub critical_only: RwSignal<bool>,
    /// Per service (indexed like `Trace::services`): hidden from the timeline.
    pub hidden_services: RwSignal<Vec<bool>>,
}

impl Folding {
    /// True when `ix` starts a group of repeated siblings drawn folded.
    pub fn is_folded_group(&self, ix: SpanIx) -> bool {
        self.grouping.get_untracked()
            && self
                .expanded
                .with_untracked(|e| e.binary_search(&ix).is_err())
            && self.groups.with_value(|g| g.starting_at(ix).is_some())
    }

    /// Shows the members of the group starting at `ix` one by one.
    pub fn expand_group(&self, ix: SpanIx) {
        self.expanded.update(|e| {
            if let Err(at) = e.binary_search(&ix) {
                e.insert(at, ix);
            }
        });
    }

    /// True when span `ix`'s subtree is folded.
    pub fn is_collapsed(&self, ix: SpanIx) -> bool {
        self.collapsed
            .with(|c| c.get(ix.get()).copied().unwrap_or(false))
    }

    /// Folds (`true`) or unfolds span `ix`'s subtree.
    pub fn fold(&self, ix: SpanIx, fold: bool) {
        self.collapsed.update(|c| {
            if let Some(v) = c.get_mut(ix.get()) {
                *v = fold;
            }
        });
    }

    /// Folds or unfolds span `ix`'s subtree, whichever it is not.
    pub fn toggle(&self, ix: SpanIx) {
        self.collapsed.update(|c| {
            if let Some(v) = c.get_mut(ix.get()) {
                *v = !*v;
            }
        });
    }

    /// Folds (`true`) or unfolds every span.
    pub fn fold_all(&self, fold: bool) {
        self.collapsed
            .update(|c| c.iter_mut().for_each(|x| *x = fold));
    }
}

/// The find query as typed, its matches, and whether the rows are limited
/// to them.
#[derive(Clone, Copy)]
pub struct Finding {
    /// Find query as typed.
    pub query: RwSignal<String>,
    /// Matches of the query.
    pub found: Memo<Found>,
    /// Rows limited to matches and their ancestors.
    pub only_matches: RwSignal<bool>,
}

/// Moving about the trace: selecting a span (unfolding what hides it),
/// opening it in the timeline, focusing on a subtree, stepping through the
/// matches. The one way every view opens a span.
#[derive(Clone, Copy)]
pub struct Moves {
    /// The selection moved.
    pub selection: Selection,
    /// What is unfolded to show the selection.
    pub folding: Folding,
    /// Zoomed to a focused subtree.
    pub zoom: Zoom,
    /// Switched to the timeline.
    pub view: OpenView,
    /// Stepped through.
    pub found: Memo<Found>,
}

/// Every handle of one trace page, as [`TraceState::new`] made them. Only
/// the page itself holds it (the URL hash and the keys read it all); each
/// component asks for the handles it uses (see [`TraceState::provide`]).
#[derive(Clone, Copy)]
pub struct TraceState {
    /// The selection.
    pub selection: Selection,
    /// Folding, focus and hiding.
    pub folding: Folding,
    /// Find.
    pub finding: Finding,
    /// The shown part of the trace.
    pub zoom: Zoom,
    /// The open view.
    pub view: OpenView,
    /// Key help shown.
    pub help: HelpShown,
    /// Critical path drawn on the bars.
    pub show_critical: CriticalShown,
    /// The attribute shown after each row's name.
    pub label: RowLabel,
    /// The backend the trace was fetched from (`source=`), kept in the hash.
    pub source: RwSignal<Option<String>>,
    /// The log records attached to the trace.
    pub logs: AttachedLogs,
    /// The timeline's rows.
    pub rows: TraceRows,
}

impl TraceState {
    /// State for `trace`, starting from what the URL said.
    pub fn new(
        trace: &Arc<Trace>,
        initial: &PageState,
        critical: &Arc<CriticalPath>,
    ) -> TraceState {
        let n = trace.spans.len();
        let selected_ix = initial
            .span
            .as_deref()
            .and_then(|hex| find_span(trace, hex));
        let mut collapsed = vec![false; n];
        if let Some(ix) = selected_ix {
            reveal(trace, &mut collapsed, ix);
        }
        let query = RwSignal::new(initial.query.clone());
        let logs = {
            let trace = Arc::clone(trace);
            let files = use_context::<LogFiles>();
            Memo::new_with_compare(
                move |_| {
                    Arc::new(match files {
                        Some(files) => files.with(|fs| SpanLogs::new(&trace, fs)),
                        None => SpanLogs::default(),
                    })
                },
                |_, _| true,
            )
        };
        let found = {
            let trace = Arc::clone(trace);
            Memo::new(move |_| {
                query.with(|q| match Query::parse(q) {
                    Ok(parsed) if parsed.is_empty() => Found::default(),
                    Ok(parsed) => Found {
                        matches: Arc::new(logs.with(|l| {
                            let files: Vec<&LogFile> = l.files.iter().map(|f| f.as_ref()).collect();
                            parsed.matches_with_logs(&trace, &l.logs, &files)
                        })),
                        error: None,
                        active: true,
                    },
                    Err(error) => Found {
                        matches: Arc::new(Vec::new()),
                        error: Some(error),
                        active: true,
                    },
                })
            })
        };
        let finding = Finding {
            query,
            found,
            only_matches: RwSignal::new(false),
        };
        let folding = Folding {
            collapsed: RwSignal::new(collapsed),
            focus: RwSignal::new(
                initial
                    .focus
                    .as_deref()
                    .and_then(|hex| find_span(trace, hex)),
            ),
            grouping: RwSignal::new(initial.group),
            expanded: RwSignal::new(Vec::new()),
            groups: StoredValue::new(Arc::new(Groups::of(trace))),
            hide: RwSignal::new(initial.hide.clone()),
            critical_only: RwSignal::new(initial.critical_only),
            hidden_services: RwSignal::new(vec![false; trace.services.len()]),
        };
        let rows = {
            let trace = Arc::clone(trace);
            let critical = Arc::clone(critical);
            let Folding {
                collapsed,
                focus,
                grouping,
                expanded,
                groups,
                hide,
                critical_only,
                hidden_services,
            } = folding;
            let only_matches = finding.only_matches;
            Memo::new(move |_| {
                let by_service = hidden_services
                    .with(|h| h.iter().any(|x| *x))
                    .then(|| hidden_services.with(|h| service_shown(&trace, h)));
                let by_find = (only_matches.get() && found.with(|f| f.active))
                    .then(|| found.with(|f| with_ancestors(&trace, &f.matches)));
                let by_critical = critical_only.get().then(|| {
                    (0..trace.spans.len())
                        .map(|i| critical.nanos_of(SpanIx::at(i)) > 0)
                        .collect::<Vec<bool>>()
                });
                let shown = [by_service, by_find, by_critical]
                    .into_iter()
                    .flatten()
                    .reduce(|a, b| a.iter().zip(&b).map(|(x, y)| *x && *y).collect());
                let min_nanos = hide.with(|h| parse_duration(h)).unwrap_or(0);
                let groups = groups.get_value();
                Arc::new(collapsed.with(|c| {
                    expanded.with(|e| {
                        rows(
                            &trace,
                            &RowOptions {
                                collapsed: c,
                                shown: shown.as_deref(),
                                min_nanos,
                                focus: focus.get(),
                                groups: grouping.get().then_some(&*groups),
                                expanded: e,
                            },
                        )
                    })
                }))
            })
        };
        TraceState {
            selection: Selection {
                selected: RwSignal::new(selected_ix),
                detail_open: RwSignal::new(selected_ix.is_some()),
            },
            folding,
            finding,
            zoom: Zoom(RwSignal::new(initial.zoom.unwrap_or((0.0, 1.0)))),
            view: OpenView(RwSignal::new(initial.view)),
            help: HelpShown(RwSignal::new(false)),
            show_critical: CriticalShown(RwSignal::new(true)),
            label: RowLabel(RwSignal::new(initial.label.clone())),
            source: RwSignal::new(initial.source.clone()),
            logs: AttachedLogs(logs),
            rows: TraceRows(rows),
        }
    }

    /// Offers each handle to the page's components (through context), and
    /// the page's state as the URL hash will say it.
    pub fn provide(&self, trace: &Arc<Trace>) -> PageNow {
        let now = {
            let (st, trace) = (*self, Arc::clone(trace));
            PageNow(Memo::new(move |_| st.page_state(&trace)))
        };
        provide_context(now);
        provide_context(self.selection);
        provide_context(self.folding);
        provide_context(self.finding);
        provide_context(self.zoom);
        provide_context(self.view);
        provide_context(self.help);
        provide_context(self.show_critical);
        provide_context(self.label);
        provide_context(self.logs);
        provide_context(self.rows);
        provide_context(self.moves());
        now
    }

    /// The actions that move about the trace.
    pub fn moves(&self) -> Moves {
        Moves {
            selection: self.selection,
            folding: self.folding,
            zoom: self.zoom,
            view: self.view,
            found: self.finding.found,
        }
    }

    /// What goes into the URL hash now.
    pub fn page_state(&self, trace: &Trace) -> PageState {
        let zoom = self.zoom.get();
        PageState {
            span: self
                .selection
                .selected
                .get()
                .and_then(|ix| trace.span(ix))
                .map(|s| s.raw.span_id.to_hex()),
            zoom: (zoom != (0.0, 1.0)).then_some(zoom),
            query: self.finding.query.get(),
            view: self.view.get(),
            source: self.source.get(),
            group: self.folding.grouping.get(),
            hide: self.folding.hide.get(),
            focus: self
                .folding
                .focus
                .get()
                .and_then(|ix| trace.span(ix))
                .map(|s| s.raw.span_id.to_hex()),
            critical_only: self.folding.critical_only.get(),
            label: self.label.get(),
        }
    }

    /// Shows what a URL hash says (after Back, or a link to a span).
    pub fn apply(&self, trace: &Trace, state: &PageState) {
        let ix = state.span.as_deref().and_then(|hex| find_span(trace, hex));
        match ix {
            Some(ix) => self.moves().select(trace, ix, true),
            None => self.selection.selected.set(None),
        }
        self.zoom
            .set(state.zoom.map_or((0.0, 1.0), |(a, b)| clamp_zoom(a, b)));
        if self.finding.query.get_untracked() != state.query {
            self.finding.query.set(state.query.clone());
        }
        self.view.set(state.view);
        self.source.set(state.source.clone());
        self.folding.grouping.set(state.group);
        self.folding.hide.set(state.hide.clone());
        self.folding
            .focus
            .set(state.focus.as_deref().and_then(|hex| find_span(trace, hex)));
        self.folding.critical_only.set(state.critical_only);
        self.label.set(state.label.clone());
    }
}

impl Moves {
    /// Selects span `ix`, unfolding its ancestors so its row exists.
    pub fn select(&self, trace: &Trace, ix: SpanIx, open: bool) {
        let folding = self.folding;
        let hidden = folding.collapsed.with_untracked(|c| {
            let mut at = trace.span(ix).and_then(|s| s.parent);
            while let Some(p) = at {
                if c.get(p.get()).copied().unwrap_or(false) {
                    return true;
                }
                at = trace.span(p).and_then(|s| s.parent);
            }
            false
        });
        if hidden {
            folding.collapsed.update(|c| {
                reveal(trace, c, ix);
            });
        }
        // Outside the focused subtree: the whole trace again.
        if let Some(f) = folding.focus.get_untracked() {
            let inside = trace
                .span(f)
                .is_some_and(|s| f <= ix && ix.get() <= s.subtree_end as usize);
            if !inside {
                folding.focus.set(None);
            }
        }
        // A folded group holding it (or an ancestor) is unfolded too.
        if folding.grouping.get_untracked() {
            let groups = folding.groups.get_value();
            let holding: Vec<SpanIx> = groups
                .all()
                .iter()
                .filter(|g| g.first < ix && ix.get() <= g.end(trace))
                .map(|g| g.first)
                .filter(|f| {
                    folding
                        .expanded
                        .with_untracked(|e| e.binary_search(f).is_err())
                })
                .collect();
            if !holding.is_empty() {
                folding.expanded.update(|e| {
                    e.extend(holding);
                    e.sort_unstable();
                });
            }
        }
        self.selection.selected.set(Some(ix));
        if open {
            self.selection.detail_open.set(true);
        }
    }

    /// Opens span `ix` in the timeline: selected, with its folded
    /// ancestors and any group holding it unfolded, and its detail open.
    /// The one "open this span" of every view (events, logs, links).
    pub fn open_in_timeline(&self, trace: &Trace, ix: SpanIx) {
        self.select(trace, ix, true);
        self.view.set(View::Timeline);
    }

    /// Shows only `ix`'s subtree, zoomed to it (`None`-focus is the whole
    /// trace again).
    pub fn focus_on(&self, trace: &Trace, ix: SpanIx) {
        let Some(span) = trace.span(ix) else { return };
        let (from, to) = span_range(trace, span);
        self.folding.focus.set(Some(ix));
        self.zoom.set(clamp_zoom(from, to));
    }

    /// The whole trace again after a focus.
    pub fn unfocus(&self) {
        self.folding.focus.set(None);
        self.zoom.set((0.0, 1.0));
    }

    /// Selects the next (or previous) match after the selection, wrapping.
    pub fn jump_match(&self, trace: &Trace, forward: bool) {
        let matches = self.found.with_untracked(|f| Arc::clone(&f.matches));
        if matches.is_empty() {
            return;
        }
        let at = self.selection.selected.get_untracked();
        let pick = match (at, forward) {
            (None, true) => matches.first(),
            (None, false) => matches.last(),
            (Some(cur), true) => matches.iter().find(|&&m| m > cur).or(matches.first()),
            (Some(cur), false) => matches.iter().rev().find(|&&m| m < cur).or(matches.last()),
        };
        if let Some(&ix) = pick {
            self.select(trace, ix, self.selection.detail_open.get_untracked());
        }
    }

    /// Position of the selection among the current matches (1-based).
    pub fn match_position(&self) -> Option<usize> {
        let sel = self.selection.selected.get()?;
        self.found
            .with(|f| f.matches.binary_search(&sel).ok().map(|p| p + 1))
    }
}
