//! RED over time: per service (or per operation of one service), requests
//! per second, errors and p50/p99 duration in time buckets over the shown
//! traces' span start times, drawn with plotters as small multiples. A click
//! on a bucket lists the traces with a span starting in it.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;

use crate::model::aggregate::red::{RedBuilder, RedOverTime, Series};
use crate::model::text;
use crate::ui::app_state::{ListState, ThemeChoice, Traces};
use crate::ui::trace_list::hidpi::HiDpi;
use crate::ui::trace_list::plots::colours;
use crate::ui::trace_list::sliced::{progress_note, Sliced};
use crate::ui::trace_list::views::show_in_list;

/// Charts drawn at most (the RED table lists every service).
const MOST_CHARTS: usize = 48;

/// RED over time, above the RED table.
#[component]
pub fn RedOverTimeView() -> impl IntoView {
    let (list, traces) = (expect_context::<ListState>(), expect_context::<Traces>());
    let sliced: Sliced<RedOverTime> = Sliced::over_shown(
        list,
        traces,
        RedBuilder::new,
        RedBuilder::add,
        RedBuilder::finish,
    );
    // "" = per service; a name = the operations of that service.
    let per_service = RwSignal::new(String::new());
    let result = sliced.result;
    let charts = move || {
        result.get().map(|red| {
            let service = per_service.get();
            let series: Vec<Series> = if service.is_empty() {
                red.services.clone()
            } else {
                red.operations
                    .iter()
                    .filter(|s| s.service == service)
                    .cloned()
                    .collect()
            };
            let total = series.len();
            let note = (total > MOST_CHARTS).then(|| {
                format!("The first {MOST_CHARTS} of {total}; the table below lists every one.")
            });
            let options = red
                .services
                .iter()
                .map(|s| view! { <option value=s.service.clone()>{format!("Operations of {}", s.service)}</option> })
                .collect_view();
            let size = text::duration(red.bucket_nanos);
            let charts = series
                .into_iter()
                .take(MOST_CHARTS)
                .map(|s| view! { <RedChart red=Arc::clone(&red) series=s /> })
                .collect_view();
            view! {
                <div class="red-time-bar">
                    <select data-testid="red-time-by" prop:value=service on:change=move |ev| per_service.set(event_target_value(&ev))>
                        <option value="">"Per service"</option>
                        {options}
                    </select>
                    <span class="muted">
                        {format!(" Buckets of {size}. Bars: requests per second or minute (errors in red); lines: p50 and p99 duration. Click a bucket to list its traces.")}
                    </span>
                    {note.map(|n| view! { <span class="muted">" " {n}</span> })}
                </div>
                <div class="red-charts">{charts}</div>
            }
        })
    };
    view! {
        <section class="red-time">
            {progress_note(&sliced)}
            {charts}
        </section>
    }
}

#[component]
fn RedChart(red: Arc<RedOverTime>, series: Series) -> impl IntoView {
    let (list, theme) = (
        expect_context::<ListState>(),
        expect_context::<ThemeChoice>(),
    );
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let plot: StoredValue<Option<(i32, i32)>> = StoredValue::new(None);
    let buckets = series.buckets.len();
    let (r, s) = (Arc::clone(&red), series.clone());
    Effect::new(move |_| {
        theme.track();
        if let Some(el) = canvas_ref.get() {
            plot.set_value(draw(&el, &r, &s));
        }
    });
    let name = if series.operation.is_empty() {
        series.service.clone()
    } else {
        series.operation.clone()
    };
    let requests: u32 = series.buckets.iter().map(|b| b.requests).sum();
    let errors: u32 = series.buckets.iter().map(|b| b.errors).sum();
    let service = series.service.clone();
    let (bucket_us, start_us) = (
        text::micros_attr(red.bucket_nanos),
        text::micros_attr(red.start_unix_nanos),
    );
    let click = move |ev: web_sys::MouseEvent| {
        let Some((left, right)) = plot.get_value() else {
            return;
        };
        let x = ev.offset_x();
        if x < left || x >= right || buckets == 0 {
            return;
        }
        let i = ((x - left) as f64 / f64::from((right - left).max(1)) * buckets as f64) as usize;
        let (from, to) = red.bucket_range(i.min(buckets - 1));
        let service = service.clone();
        show_in_list(list, move |l| {
            l.filter.service = service;
            l.filter.operation.clear();
            l.filter.window = format!("{}-{}", from / 1000, to / 1000);
        });
    };
    view! {
        <figure class="red-chart-box">
            <figcaption>
                <strong>{name}</strong>
                <span class="muted">{format!(" {requests} requests · {errors} errors")}</span>
            </figcaption>
            <canvas
                node_ref=canvas_ref
                data-testid="red-chart"
                data-service=series.service.clone()
                data-operation=series.operation.clone()
                data-buckets=buckets
                data-bucket-us=bucket_us
                data-start-us=start_us
                data-requests=requests
                data-errors=errors
                on:click=click
            ></canvas>
        </figure>
    }
}

/// Draws one series; returns the plot's left and right edge in pixels.
fn draw(el: &web_sys::HtmlCanvasElement, red: &RedOverTime, s: &Series) -> Option<(i32, i32)> {
    let c = colours();
    let root = HiDpi::new(el)?.into_drawing_area();
    root.fill(&c.background).ok()?;
    let n = s.buckets.len().max(1);
    // Requests per second, or per minute where fewer than one a second.
    let busiest = s.buckets.iter().map(|b| b.requests).max().unwrap_or(0);
    let per_minute = f64::from(busiest) < red.bucket_nanos as f64 / 1e9;
    let (secs, unit) = if per_minute {
        (red.bucket_nanos as f64 / 6e10, "/min")
    } else {
        (red.bucket_nanos as f64 / 1e9, "/s")
    };
    let rate_max = s
        .buckets
        .iter()
        .map(|b| f64::from(b.requests) / secs)
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.1;
    let ms_max = s
        .buckets
        .iter()
        .map(|b| b.p99_nanos as f64 / 1e6)
        .fold(0.0, f64::max)
        .max(1e-6)
        * 1.1;
    let font = ("sans-serif", 10).into_font().color(&c.text);
    let mut chart = ChartBuilder::on(&root)
        .margin(4)
        .x_label_area_size(14)
        .y_label_area_size(44)
        .right_y_label_area_size(44)
        .build_cartesian_2d(0f64..n as f64, 0f64..rate_max)
        .ok()?
        .set_secondary_coord(0f64..n as f64, 0f64..ms_max);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(3)
        .y_labels(3)
        .x_label_formatter(&|x| {
            let (from, _) = red.bucket_range(*x as usize);
            let t = text::utc_time(from);
            t.get(11..19).unwrap_or(&t).to_string()
        })
        .y_label_formatter(&|y| format!("{y:.1}{unit}"))
        .label_style(font.clone())
        .axis_style(c.grid)
        .bold_line_style(c.grid.mix(0.4))
        .light_line_style(c.background)
        .draw()
        .ok()?;
    chart
        .configure_secondary_axes()
        .y_labels(3)
        .y_label_formatter(&|y| text::duration((y * 1e6) as u64))
        .label_style(font)
        .axis_style(c.grid)
        .draw()
        .ok()?;
    let bars = s.buckets.iter().enumerate().flat_map(|(i, b)| {
        let x = i as f64;
        let rate = f64::from(b.requests) / secs;
        let err = f64::from(b.errors) / secs;
        [
            Rectangle::new([(x + 0.1, 0.0), (x + 0.9, rate)], c.ok.mix(0.55).filled()),
            Rectangle::new([(x + 0.1, 0.0), (x + 0.9, err)], c.error.mix(0.85).filled()),
        ]
    });
    chart.draw_series(bars).ok()?;
    for (pick, colour) in [(0usize, c.text), (1, c.error)] {
        let points = s
            .buckets
            .iter()
            .enumerate()
            .filter(|(_, b)| b.requests > 0)
            .map(|(i, b)| {
                let v = if pick == 0 { b.p50_nanos } else { b.p99_nanos };
                (i as f64 + 0.5, v as f64 / 1e6)
            });
        chart
            .draw_secondary_series(LineSeries::new(points, colour.stroke_width(1)))
            .ok()?;
    }
    let (xr, _) = chart.plotting_area().get_pixel_range();
    for (k, v) in [("data-plot-left", xr.start), ("data-plot-right", xr.end)] {
        let _ = el.set_attribute(k, &v.to_string());
    }
    root.present().ok()?;
    Some((xr.start, xr.end))
}
