//! One virtualised table and one sortable header for every table of the
//! page (statistics, RED, the trace list, Compare): only the rows in view
//! exist, with padding rows standing in for the others.

use std::ops::Range;

use leptos::prelude::*;

use crate::ui::shared::virtual_rows::VirtualRows;
use crate::view_model::sorting::Sorting;

/// A column of a sortable table: its key, label, and whether it holds names
/// (sorted A to Z first) rather than numbers (largest first).
pub type Column<C> = (C, &'static str, bool);

/// Header cells that sort `sorting` when clicked, each `data-testid=testid`
/// and `data-column=<label>`, with an arrow on the sorted one.
pub fn sortable_header<C>(
    columns: &[Column<C>],
    sorting: RwSignal<Sorting<C>>,
    testid: &'static str,
) -> impl IntoView
where
    C: Copy + PartialEq + Send + Sync + 'static,
{
    columns
        .iter()
        .map(|&(column, label, is_text)| {
            view! {
                <th
                    class:num=!is_text
                    data-testid=testid
                    data-column=label
                    on:click=move |_| sorting.update(|s| *s = s.clicked(column, is_text))
                >
                    {label}
                    {move || sorting.get().arrow(column)}
                </th>
            }
        })
        .collect_view()
}

/// A virtualised list of `count` rows: its own scrolling element (class
/// `scroll_class`; attributes given after `{..}` go on it too) holding a
/// `<table>` with `header` in the head and the rows in view drawn by `rows`
/// (given their range) between two padding rows, then `children`. The
/// element is measured once mounted and on every scroll; `rows_view` moves
/// it.
#[component]
pub fn VirtualTable<H, R, V>(
    /// The scroll state (and the handle that moves the element).
    rows_view: VirtualRows,
    /// How many rows there are.
    #[prop(into)]
    count: Signal<usize>,
    /// The head's row.
    header: H,
    /// Draws the rows of a range.
    rows: R,
    /// The scrolling element's class.
    scroll_class: &'static str,
    /// The table's class.
    #[prop(optional)]
    class: &'static str,
    /// What follows the table in the scrolling element.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    H: IntoView + 'static,
    R: Fn(Range<usize>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let element = rows_view.element();
    Effect::new(move |_| {
        if element.get().is_some() {
            rows_view.measure();
        }
    });
    view! {
        <div class=scroll_class node_ref=element on:scroll=move |_| rows_view.measure()>
            <table class=class>
                <thead>{header}</thead>
                <tbody>
                    <tr class="pad" style:height=move || rows_view.pad(count.get(), true)></tr>
                    {move || rows(rows_view.window(count.get()))}
                    <tr class="pad" style:height=move || rows_view.pad(count.get(), false)></tr>
                </tbody>
            </table>
            {children.map(|c| c())}
        </div>
    }
}
