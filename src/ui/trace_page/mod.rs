//! One trace: its header figures, find, the service legend and the views
//! (timeline with span detail, statistics, flame graph, service graph), the
//! keyboard, and the page state kept in the URL hash.

pub mod critical;
pub mod detail;
pub mod events;
pub mod flame;
pub mod graph;
pub mod help;
pub mod legend;
pub mod links_import;
pub mod links_out;
pub mod logs;
pub mod minimap;
pub mod state;
pub mod stats;
pub mod table;
pub mod timeline;

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::analysis::critical_path;
use crate::model::trace_context::TraceContext;
use crate::model::{text, Trace};
use crate::ui::app_state::hash_page_state;
use crate::ui::app_state::replace_hash;
use crate::ui::app_state::{Navigation, Traces};
use crate::ui::shared::check::check;
use crate::ui::shared::clock;
use crate::ui::shared::export::export_buttons;
use crate::ui::shared::trace_context::{context_note, follow};
use crate::ui::trace_page::critical::critical_list;
use crate::ui::trace_page::detail::SpanDetail;
use crate::ui::trace_page::events::EventsView;
use crate::ui::trace_page::flame::FlameGraph;
use crate::ui::trace_page::graph::ServiceGraphView;
use crate::ui::trace_page::help::help_overlay;
use crate::ui::trace_page::legend::legend;
use crate::ui::trace_page::links_out::LinksEditor;
use crate::ui::trace_page::logs::{logs_figure, LogsView};
use crate::ui::trace_page::state::{Finding, Moves, TraceState};
use crate::ui::trace_page::stats::StatsView;
use crate::ui::trace_page::table::SpanTableView;
use crate::ui::trace_page::timeline::Timeline;
use crate::view_model::critical::CriticalPath;
use crate::view_model::keys::{self, Action, Pressed};
use crate::view_model::route::Route;
use crate::view_model::url_state::View;

/// "Compare with…": another loaded trace (those with the same root operation
/// first), or the baseline of all of them.
fn compare_with(trace: &Trace) -> impl IntoView {
    let (traces, nav) = (expect_context::<Traces>(), expect_context::<Navigation>());
    let name = trace.name();
    let id = trace.id.to_hex();
    let mut others: Vec<(bool, String, String, u64, String)> = traces.with_untracked(|ts| {
        ts.iter()
            .filter(|t| t.id != trace.id)
            .map(|t| {
                (
                    t.name() == name,
                    t.id.to_hex(),
                    t.name(),
                    t.duration_nanos(),
                    t.id.short(),
                )
            })
            .collect()
    });
    if others.is_empty() {
        return None;
    }
    others.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    let same = others.iter().filter(|o| o.0).count();
    let options = others
        .into_iter()
        .take(300)
        .map(|(_, oid, oname, dur, short)| {
            view! { <option value=oid.clone()>{format!("{oname} · {} · {short}", text::duration(dur))}</option> }
        })
        .collect_view();
    let on_change = move |ev: web_sys::Event| {
        let v = event_target_value(&ev);
        if v == "baseline" {
            nav.navigate(Route::Baseline(id.clone()));
        } else if !v.is_empty() {
            nav.navigate(Route::Compare(id.clone(), v));
        }
    };
    Some(view! {
        <select class="small compare-with" data-testid="compare-with" on:change=on_change>
            <option value="">"Compare with…"</option>
            {(same > 0).then(|| view! { <option value="baseline">{format!("Baseline: the {same} other trace{} of this operation", if same == 1 { "" } else { "s" })}</option> })}
            {options}
        </select>
    })
}

/// The trace page: the trace as recorded, or with clock skew corrected.
#[component]
pub fn TracePage(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let corrected = RwSignal::new(false);
    let skewed = trace.skewed_spans;
    move || {
        let shown = if corrected.get() {
            Arc::new(trace.skew_corrected())
        } else {
            Arc::clone(&trace)
        };
        view! { <TraceView trace=shown corrected=corrected skewed=skewed /> }
    }
}

/// The find box: query, count, previous/next, "only matches".
fn find_bar(trace: &Arc<Trace>, input: NodeRef<html::Input>) -> impl IntoView {
    let (finding, moves) = (expect_context::<Finding>(), expect_context::<Moves>());
    let (prev_trace, next_trace, key_trace) =
        (Arc::clone(trace), Arc::clone(trace), Arc::clone(trace));
    let (traces, nav) = (expect_context::<Traces>(), expect_context::<Navigation>());
    let context: RwSignal<Option<String>> = RwSignal::new(None);
    let count = move || finding.found.with(|f| f.matches.len());
    let status = move || {
        finding.found.with(|f| {
            if f.error.is_some() {
                // Why: under the field (`find-error`).
                String::from("cannot read")
            } else if !f.active {
                String::new()
            } else {
                match moves.match_position() {
                    Some(p) => format!("{p} of {}", f.matches.len()),
                    None => format!(
                        "{} match{}",
                        f.matches.len(),
                        if f.matches.len() == 1 { "" } else { "es" }
                    ),
                }
            }
        })
    };
    view! {
        <div class="find-bar">
            <input
                type="search"
                node_ref=input
                data-testid="find-input"
                placeholder="Find: text, service=x, op~regex, key=value, duration>50ms, status=error, kind=server   ( / )"
                prop:value=move || finding.query.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    // A pasted traceparent or trace id opens its trace and span.
                    let ctx = TraceContext::parse(&value);
                    let note = ctx.as_ref().and_then(|c| follow(c, traces, nav));
                    if ctx.is_some() && note.is_none() {
                        if let Some(el) = input.get_untracked() {
                            el.set_value("");
                        }
                        return;
                    }
                    context.set(note);
                    finding.query.set(value);
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        moves.jump_match(&key_trace, !ev.shift_key());
                    } else if ev.key() == "Escape" {
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = el.blur();
                        }
                    }
                }
            />
            <span
                class="find-count"
                class:bad=move || finding.found.with(|f| f.error.is_some())
                data-testid="find-count"
                data-count=count
            >
                {status}
            </span>
            <button class="small" data-testid="find-prev" title="Previous match (N)" on:click=move |_| moves.jump_match(&prev_trace, false)>
                "↑"
            </button>
            <button class="small" data-testid="find-next" title="Next match (n)" on:click=move |_| moves.jump_match(&next_trace, true)>
                "↓"
            </button>
            {check(finding.only_matches, "Only matches", "Show only matching spans and their ancestors", "find-only")}
            {context_note(context)}
            {move || {
                finding.found.with(|f| f.error.clone()).map(|e| {
                    view! { <p class="find-error" role="alert" data-testid="find-error">{e}</p> }
                })
            }}
        </div>
    }
}

/// The trace page's keys (`view_model::keys::KEYS`): the page's own
/// handler, so it reads the whole state.
fn on_key(ev: &web_sys::KeyboardEvent, trace: &Trace, st: TraceState, find: NodeRef<html::Input>) {
    let tag = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name())
        .unwrap_or_default();
    let key = ev.key();
    let pressed = Pressed {
        key: &key,
        tag: &tag,
        modified: ev.ctrl_key() || ev.meta_key() || ev.alt_key(),
    };
    let rows = st.rows.get_untracked();
    let (selection, folding) = (st.selection, st.folding);
    let action = folding.collapsed.with_untracked(|collapsed| {
        keys::action(
            pressed,
            trace,
            &keys::Shown {
                rows: &rows,
                selected: selection.selected.get_untracked(),
                collapsed,
                help_open: st.help.get_untracked(),
                zoom: st.zoom.get_untracked(),
                on_group: selection
                    .selected
                    .get_untracked()
                    .is_some_and(|ix| folding.is_folded_group(ix)),
            },
        )
    });
    let Some(action) = action else { return };
    match action {
        Action::Select(ix) => selection.selected.set(Some(ix)),
        Action::Fold(ix, fold) => folding.fold(ix, fold),
        Action::FoldAll(fold) => folding.fold_all(fold),
        Action::ExpandGroup(ix) => folding.expand_group(ix),
        Action::OpenDetail => selection.detail_open.set(true),
        Action::CloseHelp => st.help.set(false),
        Action::CloseDetail => selection.detail_open.set(false),
        Action::FocusFind => {
            if let Some(input) = find.get_untracked() {
                let _ = input.focus();
                input.select();
            }
        }
        Action::JumpMatch(forward) => st.moves().jump_match(trace, forward),
        Action::Zoom(from, to) => st.zoom.set((from, to)),
        Action::Show(view) => st.view.set(view),
        Action::ToggleHelp => st.help.update(|h| *h = !*h),
        Action::Nothing => {}
    }
    ev.prevent_default();
}

/// Header, find, legend and views of one (possibly corrected) trace.
#[component]
fn TraceView(trace: Arc<Trace>, corrected: RwSignal<bool>, skewed: u32) -> impl IntoView {
    let nav = expect_context::<Navigation>();
    let critical = Arc::new(CriticalPath::new(critical_path(&trace)));
    let st = TraceState::new(&trace, &hash_page_state(), &critical);
    let now = st.provide(&trace);
    let path_list = critical_list(&trace, &critical);
    let find_input: NodeRef<html::Input> = NodeRef::new();
    let id = trace.id.to_hex();

    // The URL hash follows the state (replacing the history entry, so that
    // Back leaves the trace rather than undoing each keystroke).
    {
        let id = id.clone();
        Effect::new(move |_| {
            let hash = format!(
                "{}{}",
                Route::Trace(id.clone()).to_hash(),
                now.with(|state| state.to_params())
            );
            replace_hash(&hash);
        });
    }
    // A hash change to this same trace (Back, a link to a span) is applied.
    {
        let trace = Arc::clone(&trace);
        Effect::watch(
            move || nav.page.get(),
            move |state, _, _| st.apply(&trace, state),
            false,
        );
    }
    let keys = {
        let trace = Arc::clone(&trace);
        window_event_listener(leptos::ev::keydown, move |ev| {
            on_key(&ev, &trace, st, find_input)
        })
    };
    on_cleanup(move || keys.remove());

    let tabs = View::ALL
        .into_iter()
        .map(|v| {
            view! {
                <button
                    class="tab"
                    class:active=move || st.view.get() == v
                    data-testid=format!("view-tab-{}", v.as_str())
                    title=keys::view_key(v).map(|k| format!("{} ({k})", v.label()))
                    on:click=move |_| st.view.set(v)
                >
                    {keys::view_key(v).map(|k| view! { <kbd class="tab-key">{k}</kbd> })}
                    {v.label()}
                </button>
            }
        })
        .collect_view();
    let body_trace = Arc::clone(&trace);
    let body = move || match st.view.get() {
        View::Stats => view! { <StatsView trace=Arc::clone(&body_trace) /> }.into_any(),
        View::Graph => view! { <ServiceGraphView trace=Arc::clone(&body_trace) /> }.into_any(),
        View::Table => view! { <SpanTableView trace=Arc::clone(&body_trace) /> }.into_any(),
        View::Events => view! { <EventsView trace=Arc::clone(&body_trace) /> }.into_any(),
        View::Logs => view! { <LogsView trace=Arc::clone(&body_trace) /> }.into_any(),
        View::Flame => view! {
            <div class="trace-body">
                <FlameGraph trace=Arc::clone(&body_trace) />
                <SpanDetail trace=Arc::clone(&body_trace) critical=Arc::clone(&critical) />
            </div>
        }
        .into_any(),
        View::Timeline => view! {
            <div class="trace-body">
                <Timeline trace=Arc::clone(&body_trace) critical=Arc::clone(&critical) />
                <SpanDetail trace=Arc::clone(&body_trace) critical=Arc::clone(&critical) />
            </div>
        }
        .into_any(),
    };
    let back = move || {
        (nav.link_jumps.get() > 0).then(|| {
            view! {
                <button
                    class="small"
                    data-testid="nav-back"
                    title="Back to where the link was followed from"
                    on:click=move |_| {
                        nav.link_jumps.update(|n| *n = n.saturating_sub(1));
                        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                            let _ = h.back();
                        }
                    }
                >
                    "← Back"
                </button>
            }
        })
    };
    let t = &trace;
    let start = t.start_unix_nanos;
    view! {
        <section class="trace-page" data-view=move || st.view.get().as_str()>
            <div class="trace-header" data-testid="trace-header" data-trace-id=id.clone()>
                <div class="title-row">
                <h2 class="trace-title">
                    {back}
                    {t.name()} <span class="trace-id">{id.clone()}</span>
                    {compare_with(t)}
                    <button class="small help-button" data-testid="help-button" title="Keyboard shortcuts (?)" on:click=move |_| st.help.update(|h| *h = !*h)>
                        "?"
                    </button>
                </h2>
                <div class="trace-export">
                    <LinksEditor />
                    {export_buttons(
                        {
                            let t = Arc::clone(&trace);
                            Arc::new(move || vec![Arc::clone(&t)])
                        },
                        "",
                        Signal::stored(String::from("Download")),
                    )}
                </div>
                </div>
                <dl class="figures">
                    <div data-testid="trace-start" data-start-us=text::micros_attr(t.start_unix_nanos)>
                        <dt>"Trace Start"</dt>
                        <dd>{move || clock::absolute(start)}</dd>
                    </div>
                    <div data-testid="trace-duration" data-duration-us=text::micros_attr(t.duration_nanos())>
                        <dt>"Duration"</dt>
                        <dd>{text::duration(t.duration_nanos())}</dd>
                    </div>
                    <div data-testid="trace-services" data-count=t.services.len()>
                        <dt>"Services"</dt>
                        <dd>{t.services.len()}</dd>
                    </div>
                    <div data-testid="trace-depth" data-depth=t.depth>
                        <dt>"Depth"</dt>
                        <dd>{t.depth}</dd>
                    </div>
                    <div data-testid="trace-total-spans" data-count=t.spans.len()>
                        <dt>"Total Spans"</dt>
                        <dd>{t.spans.len()}</dd>
                    </div>
                    <div data-testid="trace-errors" data-count=t.error_count class:has-errors={t.error_count > 0}>
                        <dt>"Errors"</dt>
                        <dd>{t.error_count}</dd>
                    </div>
                    {logs_figure()}
                </dl>
                {(skewed > 0)
                    .then(|| {
                        view! {
                            <div class="skew-note" data-testid="clock-skew">
                                {move || {
                                    if corrected.get() {
                                        format!("Clock skew corrected on {skewed} span{}.", if skewed == 1 { "" } else { "s" })
                                    } else {
                                        format!(
                                            "{skewed} span{} on another service lie outside their parent: their clocks differ.",
                                            if skewed == 1 { "" } else { "s" },
                                        )
                                    }
                                }}
                                <button
                                    class="small"
                                    data-testid="clock-skew-toggle"
                                    on:click=move |_| corrected.update(|c| *c = !*c)
                                >
                                    {move || if corrected.get() { "Show recorded times" } else { "Correct clock skew" }}
                                </button>
                            </div>
                        }
                    })}
            </div>
            {path_list}
            {find_bar(t, find_input)}
            {legend(&trace)}
            <nav class="view-tabs">{tabs}</nav>
            {body}
            {help_overlay()}
        </section>
    }
}
