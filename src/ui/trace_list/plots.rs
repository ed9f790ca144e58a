//! The long-tail plots of the trace list, drawn with plotters on canvases:
//! trace duration against start time (click a point to open its trace), and
//! a duration histogram with p50/p90/p99 marks (click a bar to filter to it).

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::many::{histogram, p50_p90_p99, percentile};
use crate::model::{text, TraceIx};
use crate::ui::app_state::{ListState, Navigation, ThemeChoice, Traces};
use crate::ui::shared::canvas;
use crate::ui::shared::clock;
use crate::ui::trace_list::hidpi::HiDpi;
use crate::view_model::url_state::ListView;

/// One trace on the scatter plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Start, microseconds since the Unix epoch.
    pub start_us: f64,
    /// Duration, nanoseconds.
    pub duration_nanos: u64,
    /// Has an error span.
    pub error: bool,
    /// Index in the loaded traces.
    pub trace: TraceIx,
}

/// Colours of the plots, resolved for the current theme.
pub struct Colours {
    /// Bars and points.
    pub ok: RGBColor,
    /// Errors, and the why view's selection.
    pub error: RGBColor,
    /// Labels.
    pub text: RGBColor,
    /// Axes and grid lines.
    pub grid: RGBColor,
    /// The page's background.
    pub background: RGBColor,
}

/// The plots' colours for the current theme (also the RED-over-time charts').
pub fn colours() -> Colours {
    let exprs: Vec<String> = [
        "var(--accent)",
        "var(--error)",
        "var(--fg-muted)",
        "var(--border)",
        "var(--bg)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let c = canvas::resolve(&exprs);
    let rgb = |i: usize| {
        c.get(i)
            .map_or(RGBColor(128, 128, 128), |&[r, g, b]| RGBColor(r, g, b))
    };
    Colours {
        ok: rgb(0),
        error: rgb(1),
        text: rgb(2),
        grid: rgb(3),
        background: rgb(4),
    }
}

/// `HH:MM:SS` of a time in microseconds since the epoch, on the chosen clock.
fn clock(us: f64) -> String {
    let text = clock::absolute((us.max(0.0) * 1000.0) as u64);
    text.get(11..19).unwrap_or(&text).to_string()
}

/// Microseconds as a duration the filter reads back exactly: `12ms`, `12.345ms`.
fn ms_text(us: u64) -> String {
    if us.is_multiple_of(1000) {
        format!("{}ms", us / 1000)
    } else {
        let s = format!("{}.{:03}", us / 1000, us % 1000);
        format!("{}ms", s.trim_end_matches('0'))
    }
}

fn ms_label(ms: f64) -> String {
    text::duration((ms.max(0.0) * 1e6) as u64)
}

/// Sizes the canvas to its box (at the device's resolution) and returns the backend.
fn backend(el: &web_sys::HtmlCanvasElement) -> Option<HiDpi> {
    HiDpi::new(el)
}

/// Draws the scatter; returns the pixel position of every point.
fn draw_scatter(
    el: &web_sys::HtmlCanvasElement,
    points: &[Point],
    selected_from: Option<u64>,
) -> Option<Vec<(f64, f64, TraceIx)>> {
    let c = colours();
    let root = backend(el)?.into_drawing_area();
    root.fill(&c.background).ok()?;
    let (mut x0, mut x1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| {
        (a.min(p.start_us), b.max(p.start_us))
    });
    if points.is_empty() {
        (x0, x1) = (0.0, 1.0);
    }
    let pad = ((x1 - x0) * 0.03).max(500.0);
    (x0, x1) = (x0 - pad, x1 + pad);
    let y1 = points
        .iter()
        .map(|p| p.duration_nanos as f64 / 1e6)
        .fold(0.0, f64::max)
        .max(0.001)
        * 1.08;
    let font = ("sans-serif", 11).into_font().color(&c.text);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(22)
        .y_label_area_size(58)
        .build_cartesian_2d(x0..x1, 0.0..y1)
        .ok()?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| clock(*x))
        .y_label_formatter(&|y| ms_label(*y))
        .label_style(font)
        .axis_style(c.grid)
        .bold_line_style(c.grid.mix(0.5))
        .light_line_style(c.background)
        .draw()
        .ok()?;
    // The why view's threshold: traces above the line are the selection.
    if let Some(t) = selected_from.map(|n| n as f64 / 1e6).filter(|&t| t < y1) {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x0, t), (x1, y1)],
                c.error.mix(0.08).filled(),
            )))
            .ok()?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0, t), (x1, t)],
                c.error.stroke_width(2),
            )))
            .ok()?;
    }
    // Errors drawn last, on top.
    for error in [false, true] {
        let colour = if error { c.error } else { c.ok };
        chart
            .draw_series(points.iter().filter(|p| p.error == error).map(|p| {
                Circle::new(
                    (p.start_us, p.duration_nanos as f64 / 1e6),
                    3,
                    colour.mix(0.8).filled(),
                )
            }))
            .ok()?;
    }
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    for (k, v) in [
        ("data-plot-left", xr.start),
        ("data-plot-right", xr.end),
        ("data-plot-top", yr.start),
        ("data-plot-bottom", yr.end),
    ] {
        let _ = el.set_attribute(k, &v.to_string());
    }
    let _ = el.set_attribute("data-x-min-us", &x0.to_string());
    let _ = el.set_attribute("data-x-max-us", &x1.to_string());
    let _ = el.set_attribute("data-y-max-ms", &y1.to_string());
    let spec = chart.as_coord_spec();
    root.present().ok()?;
    Some(
        points
            .iter()
            .map(|p| {
                let (x, y) = spec.translate(&(p.start_us, p.duration_nanos as f64 / 1e6));
                (f64::from(x), f64::from(y), p.trace)
            })
            .collect(),
    )
}

/// Trace duration against start time; a click near a point opens its trace.
#[component]
pub fn Scatter(
    /// The traces' points.
    points: Memo<Arc<Vec<Point>>>,
    /// The why view's threshold ([`why_threshold`]), shaded above it.
    threshold: Memo<Option<u64>>,
) -> impl IntoView {
    let (theme, traces, nav, list) = (
        expect_context::<ThemeChoice>(),
        expect_context::<Traces>(),
        expect_context::<Navigation>(),
        expect_context::<ListState>(),
    );
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let placed: StoredValue<Vec<(f64, f64, TraceIx)>> = StoredValue::new(Vec::new());
    Effect::new(move |_| {
        theme.track();
        let points = points.get();
        let from = threshold.get();
        if let Some(el) = canvas_ref.get() {
            placed.set_value(draw_scatter(&el, &points, from).unwrap_or_default());
        }
    });
    let open_nearest = move |x: f64, y: f64| {
        let nearest = placed.with_value(|pts| {
            pts.iter()
                .map(|&(px, py, t)| ((px - x).powi(2) + (py - y).powi(2), t))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        });
        if let Some((d2, t)) = nearest {
            if d2 <= 64.0 {
                let id = traces.with_untracked(|ts| ts.get(t.get()).map(|t| t.id.to_hex()));
                if let Some(id) = id {
                    nav.navigate(crate::view_model::route::Route::Trace(id));
                }
            }
        }
    };
    let down: StoredValue<(f64, f64)> = StoredValue::new((0.0, 0.0));
    // The duration at a height of the plot, from the axes it was drawn with.
    let duration_at = move |y: f64| {
        let el = canvas_ref.get_untracked()?;
        let num = |k: &str| el.get_attribute(k)?.parse::<f64>().ok();
        let (top, bottom, max_ms) = (
            num("data-plot-top")?,
            num("data-plot-bottom")?,
            num("data-y-max-ms")?,
        );
        let f = ((bottom - y) / (bottom - top).max(1.0)).clamp(0.0, 1.0);
        Some((f * max_ms * 1e6) as u64)
    };
    let up = move |ev: web_sys::PointerEvent| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        let (x0, y0) = down.get_value();
        let dragged = (x - x0).abs() > 4.0 || (y - y0).abs() > 4.0;
        if threshold.get_untracked().is_some() && dragged {
            // The why view: the selection starts at the lower end of the drag.
            if let Some(nanos) = duration_at(y.max(y0)) {
                list.params.update(|l| l.slow_us = Some(nanos / 1000));
            }
        } else if !dragged {
            open_nearest(x, y);
        }
    };
    view! {
        <figure class="plot">
            <figcaption>"Duration by start time (" {clock::zone_name} ") " <span class="muted">"(red: with errors; click a point to open it)"</span></figcaption>
            <canvas
                node_ref=canvas_ref
                data-testid="scatter-plot"
                data-points=move || points.with(|p| p.len())
                data-threshold-us=move || threshold.get().map(text::micros_attr)
                on:pointerdown=move |ev| down.set_value((f64::from(ev.offset_x()), f64::from(ev.offset_y())))
                on:pointerup=up
            ></canvas>
        </figure>
    }
}

/// Histogram bucket edges in ms and counts; percentiles in ns.
struct Drawn {
    edges_ms: Vec<f64>,
    x_pixels: Vec<i32>,
}

fn draw_histogram(
    el: &web_sys::HtmlCanvasElement,
    durations: &[u64],
    selected_from: Option<u64>,
) -> Option<Drawn> {
    let c = colours();
    let root = backend(el)?.into_drawing_area();
    root.fill(&c.background).ok()?;
    let h = histogram(durations, 30);
    let mut sorted = durations.to_vec();
    let [p50, p90, p99] = p50_p90_p99(&mut sorted);
    let edges_ms: Vec<f64> = h.edges.iter().map(|&e| e as f64 / 1e6).collect();
    let (x0, x1) = match (edges_ms.first(), edges_ms.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        (Some(&a), _) => (a, a + 1.0),
        _ => (0.0, 1.0),
    };
    let top = f64::from(h.counts.iter().copied().max().unwrap_or(1).max(1)) * 1.15;
    let font = ("sans-serif", 11).into_font().color(&c.text);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(22)
        .y_label_area_size(40)
        .build_cartesian_2d(x0..x1, 0.0..top)
        .ok()?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(4)
        .x_label_formatter(&|x| ms_label(*x))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(font.clone())
        .axis_style(c.grid)
        .bold_line_style(c.grid.mix(0.5))
        .light_line_style(c.background)
        .draw()
        .ok()?;
    // The why view's selection: everything at or past its threshold.
    if let Some(from) = selected_from.map(|n| n as f64 / 1e6).filter(|&t| t < x1) {
        let from = from.max(x0);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(from, 0.0), (x1, top)],
                c.error.mix(0.12).filled(),
            )))
            .ok()?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(from, 0.0), (from, top)],
                c.error.stroke_width(2),
            )))
            .ok()?;
    }
    chart
        .draw_series(
            h.counts
                .iter()
                .enumerate()
                .filter(|(_, &n)| n > 0)
                .filter_map(|(i, &n)| {
                    let a = *edges_ms.get(i)?;
                    let b = *edges_ms.get(i + 1)?;
                    Some(Rectangle::new(
                        [(a, 0.0), (b, f64::from(n))],
                        c.ok.mix(0.75).filled(),
                    ))
                }),
        )
        .ok()?;
    if !durations.is_empty() {
        for (label, v) in [("p50", p50), ("p90", p90), ("p99", p99)] {
            let x = v as f64 / 1e6;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, 0.0), (x, top)],
                    c.error.stroke_width(1),
                )))
                .ok()?;
            // Labels right of their line, or left of it in the right half.
            let anchor = if x > (x0 + x1) / 2.0 {
                HPos::Right
            } else {
                HPos::Left
            };
            let y = top
                * if label == "p90" {
                    0.9
                } else if label == "p99" {
                    0.8
                } else {
                    0.99
                };
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {label} {} ", text::duration(v)),
                    (x, y),
                    font.clone().pos(Pos::new(anchor, VPos::Top)),
                )))
                .ok()?;
        }
    }
    for (k, v) in [
        ("data-p50-us", p50),
        ("data-p90-us", p90),
        ("data-p99-us", p99),
    ] {
        let _ = el.set_attribute(k, &text::micros_attr(v));
    }
    let spec = chart.as_coord_spec();
    let x_pixels = edges_ms
        .iter()
        .map(|&e| spec.translate(&(e, 0.0)).0)
        .collect();
    root.present().ok()?;
    Some(Drawn { edges_ms, x_pixels })
}

/// Duration histogram of the shown traces; a click on a bar narrows the
/// filter to that bar's durations.
#[component]
pub fn DurationHistogram(
    /// The traces' durations.
    durations: Memo<Arc<Vec<u64>>>,
    /// The why view's threshold ([`why_threshold`]), shaded past it.
    threshold: Memo<Option<u64>>,
) -> impl IntoView {
    let (theme, list) = (
        expect_context::<ThemeChoice>(),
        expect_context::<ListState>(),
    );
    let canvas_ref: NodeRef<html::Canvas> = NodeRef::new();
    let drawn: StoredValue<Option<Drawn>> = StoredValue::new(None);
    Effect::new(move |_| {
        theme.track();
        let values = durations.get();
        let from = threshold.get();
        if let Some(el) = canvas_ref.get() {
            drawn.set_value(draw_histogram(&el, &values, from));
        }
    });
    let down: StoredValue<i32> = StoredValue::new(0);
    let duration_at = move |x: i32| {
        drawn.with_value(|d| {
            let d = d.as_ref()?;
            let (&px0, &px1) = (d.x_pixels.first()?, d.x_pixels.last()?);
            let (&ms0, &ms1) = (d.edges_ms.first()?, d.edges_ms.last()?);
            let f = f64::from(x.clamp(px0, px1) - px0) / f64::from((px1 - px0).max(1));
            Some(((ms0 + f * (ms1 - ms0)) * 1e6) as u64)
        })
    };
    let up = move |ev: web_sys::PointerEvent| {
        let x = ev.offset_x();
        if threshold.get_untracked().is_some() {
            // The why view: the selection starts where the drag (or click) started.
            if let Some(nanos) = duration_at(x.min(down.get_value())) {
                list.params.update(|l| l.slow_us = Some(nanos / 1000));
            }
            return;
        }
        let bucket = drawn.with_value(|d| {
            let d = d.as_ref()?;
            let i = d.x_pixels.windows(2).position(|w| w[0] <= x && x < w[1])?;
            Some((*d.edges_ms.get(i)?, *d.edges_ms.get(i + 1)?))
        });
        if let Some((a, b)) = bucket {
            list.params.update(|l| {
                l.filter.min_duration = ms_text((a * 1000.0).floor() as u64);
                l.filter.max_duration = ms_text((b * 1000.0).ceil() as u64);
            });
        }
    };
    view! {
        <figure class="plot">
            <figcaption>
                "Duration histogram "
                <span class="muted">
                    {move || if threshold.get().is_some() {
                        "(drag across to select the slow traces)"
                    } else {
                        "(click a bar to show only those traces)"
                    }}
                </span>
            </figcaption>
            <canvas
                node_ref=canvas_ref
                data-testid="duration-histogram"
                data-threshold-us=move || threshold.get().map(text::micros_attr)
                on:pointerdown=move |ev| down.set_value(ev.offset_x())
                on:pointerup=up
            ></canvas>
        </figure>
    }
}

/// In the why view (selecting by duration), the threshold of its
/// selection: the one in the address, else the p90 of `durations`.
pub fn why_threshold(list: ListState, durations: Memo<Arc<Vec<u64>>>) -> Memo<Option<u64>> {
    Memo::new(move |_| {
        let (view, errors, slow_us) = list.params.with(|l| (l.view, l.why_errors, l.slow_us));
        if view != ListView::Why || errors {
            return None;
        }
        Some(match slow_us {
            Some(us) => us.saturating_mul(1000),
            None => durations.with(|d| {
                let mut d = d.as_ref().clone();
                d.sort_unstable();
                percentile(&d, 90.0)
            }),
        })
    })
}
