//! The log records of the open trace: the Logs view (every record in time
//! order, filtered by severity and text; a click opens its span), the
//! span detail's list of a span's own records, and the header's count.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::logs::{LogFile, LogRecord};
use crate::model::{text, SpanIx, Trace};
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::ui::trace_page::state::{AttachedLogs, Moves, OpenView};
use crate::view_model::logs::{
    attributes_line, filtered, level_from_name, level_name, offset_nanos, severity_label,
    LogFilter, LEVELS,
};
use crate::view_model::url_state::View;

/// Height of one row of the Logs view, in CSS pixels.
const ROW_PX: f64 = 27.0;
/// Longest body a row's tooltip carries.
const TITLE_CHARS: usize = 2_000;
/// Most records the span detail lists; the Logs view has them all.
const DETAIL_SHOWN: usize = 200;

/// `+1.2ms`, or `-300µs` for a record written before the trace's first
/// span: as the Events view writes an offset ([`text::signed_duration`]).
fn offset_text(time: u64, trace_start: u64) -> String {
    let off = offset_nanos(time, trace_start);
    let saturated = if off < 0 { i64::MIN } else { i64::MAX };
    text::signed_duration(i64::try_from(off).unwrap_or(saturated))
}

/// The header's figure: how many records the trace has.
pub fn logs_figure() -> impl IntoView {
    let (logs, view) = (
        expect_context::<AttachedLogs>(),
        expect_context::<OpenView>(),
    );
    let count = move || logs.with(|l| l.logs.len());
    view! {
        <div data-testid="trace-logs" data-count=count>
            <dt>"Logs"</dt>
            <dd>
                <button class="link-button" title="Show the trace's logs (l)" on:click=move |_| view.set(View::Logs)>
                    {count}
                </button>
            </dd>
        </div>
    }
}

/// The span detail's list of span `ix`'s own records (follows the loaded
/// log files).
pub fn span_logs_section(trace: &Arc<Trace>, ix: SpanIx) -> impl IntoView {
    let (attached, view) = (
        expect_context::<AttachedLogs>(),
        expect_context::<OpenView>(),
    );
    let start = trace.start_unix_nanos;
    move || {
        let logs = attached.get();
        let mine: Vec<_> = logs.logs.of_span(ix).copied().collect();
        if mine.is_empty() {
            return None;
        }
        let n = mine.len();
        let items = mine
            .iter()
            .take(DETAIL_SHOWN)
            .filter_map(|e| {
                let (file, rec) = logs.record(e)?;
                Some(view! {
                    <li
                        class=format!("log sev-{}", level_name(rec.severity.level()))
                        data-testid="span-log"
                        data-time-us=text::micros_attr(rec.time_unix_nanos)
                        data-severity=level_name(rec.severity.level())
                    >
                        <span class="at">{offset_text(rec.time_unix_nanos, start)}</span>
                        " "
                        <span class="sev">{severity_label(file, rec)}</span>
                        " "
                        <span class="body">{file.body(rec).into_owned()}</span>
                        {attributes(file, rec)}
                    </li>
                })
            })
            .collect_view();
        Some(view! {
            <h4>{format!("Logs ({n})")}</h4>
            <ul class="logs" data-testid="span-logs">{items}</ul>
            {(n > DETAIL_SHOWN).then(|| view! {
                <p class="muted">
                    {format!("and {} more: ", n - DETAIL_SHOWN)}
                    <button class="link-button" on:click=move |_| view.set(View::Logs)>"all in the Logs view"</button>
                </p>
            })}
        })
    }
}

fn attributes(file: &LogFile, rec: &LogRecord) -> Option<impl IntoView> {
    let line = attributes_line(file, rec);
    (!line.is_empty()).then(|| view! { <div class="log-attrs">{line}</div> })
}

/// The Logs view: the trace's records in time order, filtered; a click on
/// a record with a span opens that span in the timeline.
#[component]
pub fn LogsView(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let (attached, moves) = (expect_context::<AttachedLogs>(), expect_context::<Moves>());
    let filter = RwSignal::new(LogFilter::default());
    let shown = Memo::new(move |_| {
        let logs = attached.get();
        filter.with(|f| Arc::new(filtered(&logs.logs.entries, f, |e| logs.record(e))))
    });
    let total = move || attached.with(|l| l.logs.len());
    let count = move || shown.with(|s| s.len());
    let rows_view = VirtualRows::new(ROW_PX, 20);
    let start = trace.start_unix_nanos;
    let rows = move |range: std::ops::Range<usize>| {
        let logs = attached.get();
        let shown = shown.get();
        let trace = Arc::clone(&trace);
        shown
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&at| {
                let e = *logs.logs.entries.get(at as usize)?;
                let (file, rec) = logs.record(&e)?;
                let level = rec.severity.level();
                let span = e.span.and_then(|ix| trace.span(ix).map(|s| (ix, s)));
                let where_ = span.map_or_else(
                    || String::from("(trace)"),
                    |(_, s)| format!("{}: {}", trace.str(s.raw.service), trace.str(s.raw.name)),
                );
                let span_id = span.map(|(_, s)| s.raw.span_id.to_hex());
                let span = span.map(|(ix, _)| ix);
                let body = file.body(rec);
                let open_trace = Arc::clone(&trace);
                let open = move |_| {
                    if let Some(ix) = span {
                        // Unfolds what hides it, as the Events view does.
                        moves.open_in_timeline(&open_trace, ix);
                    }
                };
                Some(view! {
                    <tr
                        class=format!("log-row sev-{}", level_name(level))
                        class:has-span=span.is_some()
                        data-testid="log-row"
                        data-time-us=text::micros_attr(rec.time_unix_nanos)
                        data-severity=level_name(level)
                        data-span-id=span_id
                        on:click=open
                    >
                        <td class="num at">{offset_text(rec.time_unix_nanos, start)}</td>
                        <td class="sev">{severity_label(file, rec)}</td>
                        <td class="where">{where_}</td>
                        <td class="body" title=text::clip(&body, TITLE_CHARS)>
                            {text::clip(&body, 400)}
                            <span class="log-attrs">{text::clip(&attributes_line(file, rec), 400)}</span>
                        </td>
                    </tr>
                })
            })
            .collect_view()
    };
    let n = Signal::derive(count);
    let header = view! {
        <tr>
            <th class="num">"Offset"</th>
            <th>"Severity"</th>
            <th>"Span"</th>
            <th>"Body and attributes"</th>
        </tr>
    };
    let levels = LEVELS
        .into_iter()
        .map(|l| view! { <option value=level_name(l)>{format!("{} and above", l.as_str().to_lowercase())}</option> })
        .collect_view();
    view! {
        <div class="logs-page">
        <div class="logs-toolbar">
            <select
                class="small"
                data-testid="logs-level"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.min_level = level_from_name(&v));
                }
            >
                <option value="">"All severities"</option>
                {levels}
            </select>
            <input
                type="search"
                data-testid="logs-filter"
                placeholder="Filter: text in the body, severity or attributes"
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.text = v);
                }
            />
            <span class="muted">
                {move || match (count(), total()) {
                    (_, 0) => String::from("No log records attached to this trace: drop a log file (OTLP logs, Loki, JSON Lines) beside it."),
                    (c, t) if c == t => format!("{t} record{}", if t == 1 { "" } else { "s" }),
                    (c, t) => format!("{c} of {t} records"),
                }}
            </span>
        </div>
        <VirtualTable
            rows_view=rows_view
            count=n
            header=header
            rows=rows
            scroll_class="logs-view stats-view"
            {..}
            data-testid="logs-view"
            data-count=count
            data-total=total
        />
        </div>
    }
}
