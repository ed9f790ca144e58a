//! RED over the shown traces: per service and per operation, requests,
//! errors and error rate, duration p50/p90/p99, and a small latency histogram
//! per operation. Both tables sort by any column.

use std::sync::Arc;

use leptos::prelude::*;

use crate::model::many::{red, Red};
use crate::model::text;
use crate::ui::app_state::{ListState, Traces};
use crate::ui::shared::table::{sortable_header, Column as TableColumn, VirtualTable};
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::view_model::sorting::Sorting;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Service,
    Operation,
    Requests,
    Errors,
    Rate,
    P50,
    P90,
    P99,
}

/// Height of one row, in CSS pixels (`table.red tr` in the stylesheet).
const ROW_PX: f64 = 28.0;

const COLS: [TableColumn<Col>; 8] = [
    (Col::Service, "Service", true),
    (Col::Operation, "Operation", true),
    (Col::Requests, "Requests", false),
    (Col::Errors, "Errors", false),
    (Col::Rate, "Error rate", false),
    (Col::P50, "p50", false),
    (Col::P90, "p90", false),
    (Col::P99, "p99", false),
];

fn sort(rows: &mut [Red], col: Col, descending: bool) {
    rows.sort_by(|a, b| {
        let o = match col {
            Col::Service => a.service.cmp(&b.service),
            Col::Operation => a.operation.cmp(&b.operation),
            Col::Requests => a.requests.cmp(&b.requests),
            Col::Errors => a.errors.cmp(&b.errors),
            Col::Rate => a.error_rate().total_cmp(&b.error_rate()),
            Col::P50 => a.p50.cmp(&b.p50),
            Col::P90 => a.p90.cmp(&b.p90),
            Col::P99 => a.p99.cmp(&b.p99),
        };
        let o = if descending { o.reverse() } else { o };
        o.then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.operation.cmp(&b.operation))
    });
}

/// A row's latency histogram as a tiny SVG of bars.
fn sparkline(r: &Red) -> impl IntoView {
    let max = r.histogram.counts.iter().copied().max().unwrap_or(0).max(1);
    let n = r.histogram.counts.len().max(1);
    let w = 4.0;
    let bars = r
        .histogram
        .counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let h = 18.0 * f64::from(c) / f64::from(max);
            view! { <rect x=i as f64 * w y=18.0 - h width=w - 1.0 height=h></rect> }
        })
        .collect_view();
    let title = match (r.histogram.edges.first(), r.histogram.edges.last()) {
        (Some(&a), Some(&b)) => format!("{} to {}", text::duration(a), text::duration(b)),
        _ => String::new(),
    };
    view! {
        <svg class="spark" width=n as f64 * w height="18" aria-label=title>
            {bars}
        </svg>
    }
}

fn table(rows: Memo<Arc<Vec<Red>>>, operations: bool, testid: &'static str) -> impl IntoView {
    let sorting = RwSignal::new(Sorting::by(Col::Requests, true));
    let columns: Vec<TableColumn<Col>> = COLS
        .into_iter()
        .filter(|(c, _, _)| operations || *c != Col::Operation)
        .collect();
    let header = view! {
        <tr>
            {sortable_header(&columns, sorting, "red-sort")}
            {operations.then(|| view! { <th>"Latency"</th> })}
        </tr>
    };
    // Sorted once per click; only the rows in view are built (thousands of
    // services or operations would otherwise be as many rows).
    let sorted = Memo::new(move |_| {
        let Sorting { column, descending } = sorting.get();
        let mut list = rows.get().as_ref().clone();
        sort(&mut list, column, descending);
        Arc::new(list)
    });
    let rows_view = VirtualRows::new(ROW_PX, 20);
    let n = Signal::derive(move || sorted.with(|r| r.len()));
    let body = move |range: std::ops::Range<usize>| {
        let list = sorted.get();
        list.get(range)
            .unwrap_or(&[])
            .iter()
            .map(|r| {
                view! {
                    <tr
                        data-testid=testid
                        data-service=r.service.clone()
                        data-operation=r.operation.clone()
                        data-requests=r.requests
                        data-errors=r.errors
                        data-p50-us=text::micros_attr(r.p50)
                        data-p90-us=text::micros_attr(r.p90)
                        data-p99-us=text::micros_attr(r.p99)
                        class:has-errors={r.errors > 0}
                    >
                        <td>{r.service.clone()}</td>
                        {operations.then(|| view! { <td>{r.operation.clone()}</td> })}
                        <td class="num">{r.requests}</td>
                        <td class="num errors">{r.errors}</td>
                        <td class="num">{format!("{:.1}%", r.error_rate() * 100.0)}</td>
                        <td class="num">{text::duration(r.p50)}</td>
                        <td class="num">{text::duration(r.p90)}</td>
                        <td class="num">{text::duration(r.p99)}</td>
                        {operations.then(|| view! { <td>{sparkline(r)}</td> })}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <VirtualTable rows_view=rows_view count=n header=header rows=body scroll_class="red-scroll" class="red" />
    }
}

/// RED of the traces passing the list's filter.
#[component]
pub fn RedTable() -> impl IntoView {
    let (list, traces) = (expect_context::<ListState>(), expect_context::<Traces>());
    let figures = Memo::new(move |_| {
        let shown = list.shown.with(|s| Arc::clone(&s.indices));
        let picked: Vec<Arc<crate::model::Trace>> = traces.with(|ts| {
            shown
                .iter()
                .filter_map(|&i| ts.get(i.get()).cloned())
                .collect()
        });
        let (services, operations) = red(&picked);
        (Arc::new(services), Arc::new(operations))
    });
    let services = Memo::new(move |_| figures.with(|f| Arc::clone(&f.0)));
    let operations = Memo::new(move |_| figures.with(|f| Arc::clone(&f.1)));
    view! {
        <section class="red-view" data-testid="red-view">
            <p class="muted">
                "Over the traces shown. A service's requests are the spans by which work enters it (roots, and spans called from another service); an operation's are all its spans. Percentiles by nearest rank."
            </p>
            <h3>"Services"</h3>
            {table(services, false, "red-service-row")}
            <h3>"Operations"</h3>
            {table(operations, true, "red-row")}
        </section>
    }
}
