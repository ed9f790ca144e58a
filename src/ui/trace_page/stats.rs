//! The statistics view: per service and operation, sortable.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::analysis::{stats, OpStats};
use crate::model::{text, Trace};
use crate::ui::shared::table::{sortable_header, Column as TableColumn, VirtualTable};
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::view_model::sorting::Sorting;

/// Height of one table row in CSS pixels (`.stats-view td` in the stylesheet).
const ROW_PX: f64 = 27.0;

/// A sortable column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Service,
    Operation,
    Count,
    Total,
    Avg,
    Min,
    Max,
    SelfTotal,
    SelfAvg,
    SelfMin,
    SelfMax,
}

const COLUMNS: [TableColumn<Column>; 11] = [
    (Column::Service, "Service", true),
    (Column::Operation, "Operation", true),
    (Column::Count, "Count", false),
    (Column::Total, "Total", false),
    (Column::Avg, "Avg", false),
    (Column::Min, "Min", false),
    (Column::Max, "Max", false),
    (Column::SelfTotal, "Self total", false),
    (Column::SelfAvg, "Self avg", false),
    (Column::SelfMin, "Self min", false),
    (Column::SelfMax, "Self max", false),
];

fn sort(rows: &mut [OpStats], trace: &Trace, column: Column, descending: bool) {
    rows.sort_by(|a, b| {
        let order = match column {
            Column::Service => trace.str(a.service).cmp(trace.str(b.service)),
            Column::Operation => trace.str(a.operation).cmp(trace.str(b.operation)),
            Column::Count => a.count.cmp(&b.count),
            Column::Total => a.total_nanos.cmp(&b.total_nanos),
            Column::Avg => a.avg_nanos().cmp(&b.avg_nanos()),
            Column::Min => a.min_nanos.cmp(&b.min_nanos),
            Column::Max => a.max_nanos.cmp(&b.max_nanos),
            Column::SelfTotal => a.self_total_nanos.cmp(&b.self_total_nanos),
            Column::SelfAvg => a.self_avg_nanos().cmp(&b.self_avg_nanos()),
            Column::SelfMin => a.self_min_nanos.cmp(&b.self_min_nanos),
            Column::SelfMax => a.self_max_nanos.cmp(&b.self_max_nanos),
        };
        let order = if descending { order.reverse() } else { order };
        // Ties in a stable, readable order.
        order
            .then_with(|| trace.str(a.service).cmp(trace.str(b.service)))
            .then_with(|| trace.str(a.operation).cmp(trace.str(b.operation)))
    });
}

/// Statistics of one trace.
#[component]
pub fn StatsView(
    /// The trace shown.
    trace: Arc<Trace>,
) -> impl IntoView {
    let all = Arc::new(stats(&trace));
    let count = all.len();
    let sorting = RwSignal::new(Sorting::by(Column::SelfTotal, true));
    let trace_nanos = trace.duration_nanos();
    let header = view! { <tr>{sortable_header(&COLUMNS, sorting, "stats-sort")}</tr> };
    // Sorted once per click; only the rows in view are built (a trace can
    // have thousands of operations).
    let sorted = {
        let trace = Arc::clone(&trace);
        Memo::new(move |_| {
            let Sorting { column, descending } = sorting.get();
            let mut rows: Vec<OpStats> = all.as_ref().clone();
            sort(&mut rows, &trace, column, descending);
            Arc::new(rows)
        })
    };
    let rows_view = VirtualRows::new(ROW_PX, 20);
    let n = Signal::derive(move || sorted.with(|r| r.len()));
    let rows = move |range: std::ops::Range<usize>| {
        let sorted = sorted.get();
        sorted
            .get(range)
            .unwrap_or(&[])
            .iter()
            .map(|o| {
                view! {
                    <tr
                        data-testid="stats-row"
                        data-service=trace.str(o.service).to_string()
                        data-operation=trace.str(o.operation).to_string()
                        data-count=o.count
                        data-total-us=text::micros_attr(o.total_nanos)
                        data-self-total-us=text::micros_attr(o.self_total_nanos)
                    >
                        <td>{trace.str(o.service).to_string()}</td>
                        <td>{trace.str(o.operation).to_string()}</td>
                        <td class="num">{o.count}</td>
                        <td class="num">{text::duration(o.total_nanos)}</td>
                        <td class="num">{text::duration(o.avg_nanos())}</td>
                        <td class="num">{text::duration(o.min_nanos)}</td>
                        <td class="num">{text::duration(o.max_nanos)}</td>
                        <td class="num">
                            {text::duration(o.self_total_nanos)}
                            <span class="muted">{format!(" {:.1}%", o.self_percent_of(trace_nanos))}</span>
                        </td>
                        <td class="num">{text::duration(o.self_avg_nanos())}</td>
                        <td class="num">{text::duration(o.self_min_nanos)}</td>
                        <td class="num">{text::duration(o.self_max_nanos)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <VirtualTable rows_view=rows_view count=n header=header rows=rows scroll_class="stats-view" {..} data-testid="stats-view" data-count=count>
            <p class="muted">
                {format!("{count} operation{}; % is self time as a share of the trace's duration.", if count == 1 { "" } else { "s" })}
            </p>
        </VirtualTable>
    }
}
