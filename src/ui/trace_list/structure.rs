//! Structure: the shown traces merged by path, as an icicle on a canvas and
//! an expandable tree table (only the rows in view exist), sortable by any
//! figure; a click lists the traces holding the path.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::model::aggregate::structure::{SortColumn, Structure, StructureBuilder};
use crate::model::text;
use crate::ui::app_state::{Colours, ListState, ThemeChoice, Traces};
use crate::ui::shared::canvas;
use crate::ui::shared::table::VirtualTable;
use crate::ui::shared::virtual_rows::VirtualRows;
use crate::ui::trace_list::sliced::{progress_note, Sliced};
use crate::ui::trace_list::views::show_in_list;
use crate::view_model::icicle::{box_at, icicle, IcicleBox};

/// Height of one table row, in CSS pixels (`table.structure td`).
const ROW_PX: f64 = 28.0;
/// Height of one icicle row.
const ICICLE_ROW_PX: f64 = 20.0;
/// Icicle rows drawn at most.
const ICICLE_ROWS: u32 = 24;

/// The structure view.
#[component]
pub fn StructureView() -> impl IntoView {
    let (list, traces) = (expect_context::<ListState>(), expect_context::<Traces>());
    let sliced: Sliced<Structure> = Sliced::over_shown(
        list,
        traces,
        StructureBuilder::new,
        StructureBuilder::add,
        StructureBuilder::finish,
    );
    let result = sliced.result;
    view! {
        <section class="structure">
            <p class="muted">
                "Every path (a span's ancestry as service: operation steps) over the shown traces: the traces holding it, its spans (repeated siblings counted), their total self time and durations. Boxes are as wide as the self time under them; click a box or a row to list the traces holding the path."
            </p>
            {progress_note(&sliced)}
            {move || result.get().map(|s| view! { <IcicleAndTable structure=s /> })}
        </section>
    }
}

#[component]
fn IcicleAndTable(structure: Arc<Structure>) -> impl IntoView {
    let list = expect_context::<ListState>();
    let theme = expect_context::<ThemeChoice>();
    let colours = expect_context::<Colours>();
    let sort = Memo::new(move |_| list.params.with(|l| l.structure_by));
    // Closed paths (by node); the top three levels start open.
    let closed: RwSignal<HashSet<u32>> = RwSignal::new(
        structure
            .rows
            .iter()
            .filter(|r| r.depth >= 3)
            .map(|r| r.node)
            .collect(),
    );
    let s = Arc::clone(&structure);
    let ordered = Memo::new(move |_| Arc::new(s.ordered(sort.get())));
    let s = Arc::clone(&structure);
    // Rows shown: the tree order, the subtrees of closed rows left out.
    let visible = Memo::new(move |_| {
        let order = ordered.get();
        closed.with(|closed| {
            let mut out = Vec::with_capacity(order.len());
            let mut skip_below: Option<u32> = None;
            for &node in order.iter() {
                let Some(row) = s.rows.get(node as usize) else {
                    continue;
                };
                if let Some(d) = skip_below {
                    if row.depth > d {
                        continue;
                    }
                    skip_below = None;
                }
                out.push(node);
                if closed.contains(&node) {
                    skip_below = Some(row.depth);
                }
            }
            Arc::new(out)
        })
    });
    let has_children: Arc<Vec<bool>> = {
        let mut v = vec![false; structure.rows.len()];
        for r in &structure.rows {
            if let Some(p) = r.parent.and_then(|p| v.get_mut(p as usize)) {
                *p = true;
            }
        }
        Arc::new(v)
    };
    let rows_view = VirtualRows::new(ROW_PX, 20);
    let count = Signal::derive(move || visible.with(|v| v.len()));
    let s = Arc::clone(&structure);
    let rows = move |range: std::ops::Range<usize>| {
        let nodes = visible.get();
        nodes
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&node| {
                let row = s.rows.get(node as usize)?.clone();
                let path = s.path(&row);
                let (service, operation) = s.step(&row);
                let label = format!("{service}: {operation}");
                let open = move || !closed.with(|c| c.contains(&node));
                let toggle = has_children
                    .get(node as usize)
                    .copied()
                    .unwrap_or(false)
                    .then(|| {
                        view! {
                            <button
                                class="fold"
                                data-testid="structure-toggle"
                                on:click=move |ev| {
                                    ev.stop_propagation();
                                    closed.update(|c| {
                                        if !c.remove(&node) {
                                            c.insert(node);
                                        }
                                    })
                                }
                            >
                                {move || if open() { "▾" } else { "▸" }}
                            </button>
                        }
                    });
                let indent = format!("{}em", f64::from(row.depth - 1) * 1.1);
                let click_path = path.clone();
                Some(view! {
                    <tr
                        class="structure-row"
                        data-testid="structure-row"
                        data-path=path
                        data-depth=row.depth
                        data-traces=row.traces
                        data-count=row.count
                        data-self-us=text::micros_attr(row.self_nanos)
                        data-p50-us=text::micros_attr(row.p50_nanos)
                        data-p90-us=text::micros_attr(row.p90_nanos)
                        title="List the traces holding this path"
                        on:click=move |_| {
                            let p = click_path.clone();
                            show_in_list(list, move |l| l.filter.path = p)
                        }
                    >
                        <td class="name">
                            <span class="indent" style:width=indent></span>
                            {toggle}
                            {label}
                        </td>
                        <td class="num">{row.traces}</td>
                        <td class="num">{row.count}</td>
                        <td class="num">{text::duration(row.self_nanos)}</td>
                        <td class="num">{text::duration(row.p50_nanos)}</td>
                        <td class="num">{text::duration(row.p90_nanos)}</td>
                    </tr>
                })
            })
            .collect_view()
    };
    let head = |column: SortColumn, label: &'static str| {
        view! {
            <th
                class="num sortable"
                data-testid="structure-sort"
                data-column=column.as_str()
                class:active=move || sort.get() == column
                on:click=move |_| list.params.update(|l| l.structure_by = column)
            >
                {label}
                {move || (sort.get() == column).then_some(" ▼")}
            </th>
        }
    };
    let header = view! {
        <tr>
            <th>"Path"</th>
            {head(SortColumn::Traces, "Traces")}
            {head(SortColumn::Count, "Spans")}
            {head(SortColumn::SelfTime, "Self time")}
            {head(SortColumn::P50, "p50")}
            {head(SortColumn::P90, "p90")}
        </tr>
    };
    // The icicle, redrawn when the theme or the width changes.
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let boxes: StoredValue<Vec<IcicleBox>> = StoredValue::new(Vec::new());
    let s = Arc::clone(&structure);
    Effect::new(move |_| {
        theme.track();
        if let Some(el) = canvas_ref.get() {
            let slots = colours.get();
            boxes.set_value(draw_icicle(&el, &s, &|service| slots.slot(service)));
        }
    });
    let s = Arc::clone(&structure);
    let click = move |ev: web_sys::MouseEvent| {
        let (x, row) = (
            f64::from(ev.offset_x()),
            (f64::from(ev.offset_y()) / ICICLE_ROW_PX) as u32,
        );
        let path = boxes.with_value(|b| {
            box_at(b, x, row)
                .and_then(|b| s.rows.get(b.node as usize))
                .map(|r| s.path(r))
        });
        if let Some(p) = path {
            show_in_list(list, move |l| l.filter.path = p);
        }
    };
    view! {
        <canvas
            class="icicle"
            node_ref=canvas_ref
            data-testid="structure-icicle"
            data-paths=structure.rows.len()
            on:click=click
        ></canvas>
        <VirtualTable
            rows_view=rows_view
            count=count
            header=header
            rows=rows
            scroll_class="structure-box"
            class="structure"
            {..}
            data-testid="structure-table"
            data-paths=structure.rows.len()
            data-traces=structure.traces
        />
    }
}

/// Draws the icicle of `s` across the canvas's width; returns the boxes.
fn draw_icicle(
    el: &web_sys::HtmlCanvasElement,
    s: &Structure,
    slot_of: &dyn Fn(&str) -> usize,
) -> Vec<IcicleBox> {
    let width = f64::from(el.client_width().max(300));
    let boxes = icicle(s, width, 1.0, ICICLE_ROWS);
    let rows = boxes.iter().map(|b| b.row + 1).max().unwrap_or(1);
    let height = f64::from(rows) * ICICLE_ROW_PX;
    let Some(ctx) = canvas::sized(el, width, height) else {
        return boxes;
    };
    let palette = canvas::palette();
    let [text_rgb] = match canvas::resolve(&[String::from("#111")])[..] {
        [a] => [a],
        _ => [[17, 17, 17]],
    };
    ctx.clear_rect(0.0, 0.0, width, height);
    ctx.set_font("11px system-ui, sans-serif");
    for b in &boxes {
        let Some(row) = s.rows.get(b.node as usize) else {
            continue;
        };
        let (service, operation) = s.step(row);
        let slot = slot_of(service);
        let colour = palette
            .get(slot % palette.len().max(1))
            .copied()
            .unwrap_or([128, 128, 128]);
        let y = f64::from(b.row) * ICICLE_ROW_PX;
        ctx.set_fill_style_str(&canvas::css(colour));
        ctx.fill_rect(b.x, y, (b.w - 0.5).max(0.5), ICICLE_ROW_PX - 1.0);
        if b.w > 30.0 {
            let label = if row.count > 1 {
                format!("{service}: {operation} ×{}", row.count)
            } else {
                format!("{service}: {operation}")
            };
            if let Some(fit) = canvas::fit_text(&ctx, &label, b.w - 6.0) {
                ctx.set_fill_style_str(&canvas::css(text_rgb));
                let _ = ctx.fill_text(&fit, b.x + 3.0, y + 14.0);
            }
        }
    }
    boxes
}
