//! Moving about a time axis with the mouse and touchpad, the way Perfetto,
//! Jaeger UI and Grafana users already do (`view_model::keys::GESTURES`):
//! Ctrl/⌘ + wheel and pinch zoom about the pointer, Shift + wheel and the
//! sideways wheel pan, a drag with the middle button or with Space held
//! pans, and a drag on the ruler zooms to the dragged range. Used by the
//! timeline and the flame graph; the arithmetic is `view_model::scale`'s.

use std::cell::Cell;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::text;
use crate::view_model::scale::{
    drag_pan, pan_by, select_range, ticks_between, wheel_factor, zoom_by, TimeScale,
};

thread_local! {
    /// Space is held down (Space + drag pans).
    static SPACE_HELD: Cell<bool> = const { Cell::new(false) };
}

/// A drag on the axis that pans: where it started and what was shown then.
#[derive(Clone, Copy, Debug)]
struct Pan {
    x: f64,
    zoom: (f64, f64),
    width: f64,
}

/// The navigation of one time axis, driving `zoom` (fractions of the trace).
/// It owns the axis's ruler ([`AxisNav::ruler`]), whose width is the time
/// axis every gesture is measured on.
#[derive(Clone, Copy)]
pub struct AxisNav {
    zoom: RwSignal<(f64, f64)>,
    pan: RwSignal<Option<Pan>>,
    ruler_ref: NodeRef<html::Div>,
    /// A range being dragged on the ruler, as fractions of the axis's width.
    pub selecting: RwSignal<Option<(f64, f64)>>,
}

/// The wheel's movement in pixels, whatever unit the browser reports it in.
fn wheel_px(delta: f64, mode: u32) -> f64 {
    match mode {
        1 => delta * 16.0,  // lines
        2 => delta * 800.0, // pages
        _ => delta,
    }
}

/// Left edge and width of the element the event's axis is measured on.
fn rect_of(el: &web_sys::Element) -> Option<(f64, f64)> {
    let r = el.get_bounding_client_rect();
    (r.width() > 0.0).then(|| (r.left(), r.width()))
}

fn in_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
            )
        })
}

impl AxisNav {
    /// Navigation driving `zoom`; Space is watched while the axis exists.
    pub fn new(zoom: RwSignal<(f64, f64)>) -> AxisNav {
        let down = window_event_listener(leptos::ev::keydown, |ev| {
            if ev.key() == " " && !in_field(&ev) {
                SPACE_HELD.with(|s| s.set(true));
                // Not the page scrolling by a screen.
                ev.prevent_default();
            }
        });
        let up = window_event_listener(leptos::ev::keyup, |ev| {
            if ev.key() == " " {
                SPACE_HELD.with(|s| s.set(false));
            }
        });
        on_cleanup(move || {
            down.remove();
            up.remove();
        });
        AxisNav {
            zoom,
            pan: RwSignal::new(None),
            ruler_ref: NodeRef::new(),
            selecting: RwSignal::new(None),
        }
    }

    /// The ruler, as laid out.
    fn axis(&self) -> Option<web_sys::HtmlDivElement> {
        self.ruler_ref.get_untracked()
    }

    /// A wheel turn over the axis's area. Plain vertical turns are left to
    /// the page (they scroll the rows).
    pub fn wheel(&self, ev: &web_sys::WheelEvent) {
        let Some((left, width)) = self.axis().and_then(|a| rect_of(&a)) else {
            return;
        };
        let mode = ev.delta_mode();
        let (dx, dy) = (wheel_px(ev.delta_x(), mode), wheel_px(ev.delta_y(), mode));
        let zoom = self.zoom.get_untracked();
        if ev.ctrl_key() || ev.meta_key() {
            // Ctrl + wheel, and a pinch (the browser sends it as one).
            let f = ((f64::from(ev.client_x()) - left) / width).clamp(0.0, 1.0);
            let at = zoom.0 + f * (zoom.1 - zoom.0);
            self.zoom.set(zoom_by(zoom, wheel_factor(dy), at));
        } else if ev.shift_key() || dx.abs() > dy.abs() {
            let by = if ev.shift_key() && dx == 0.0 { dy } else { dx };
            self.zoom.set(pan_by(zoom, by / width));
        } else {
            return;
        }
        ev.prevent_default();
    }

    /// A button pressed over the axis's area: the middle button, or any with
    /// Space held, starts a pan. Returns true when it did.
    pub fn pointer_down(&self, ev: &web_sys::PointerEvent) -> bool {
        let space = SPACE_HELD.with(Cell::get);
        if !(ev.button() == 1 || (space && ev.button() == 0)) {
            return false;
        }
        let Some((_, width)) = self.axis().and_then(|a| rect_of(&a)) else {
            return false;
        };
        ev.prevent_default();
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        self.pan.set(Some(Pan {
            x: f64::from(ev.client_x()),
            zoom: self.zoom.get_untracked(),
            width,
        }));
        true
    }

    /// The pointer moved: a pan in progress follows it.
    pub fn pointer_move(&self, ev: &web_sys::PointerEvent) {
        if let Some(p) = self.pan.get_untracked() {
            let dx = f64::from(ev.client_x()) - p.x;
            self.zoom.set(drag_pan(p.zoom, dx, p.width));
        }
    }

    /// The button was let go: a pan ends. Returns true when one did (the
    /// release is then not a click).
    pub fn pointer_up(&self) -> bool {
        let panned = self.pan.get_untracked().is_some();
        if panned {
            self.pan.set(None);
        }
        panned
    }

    /// True while a pan is in progress (for the cursor).
    pub fn panning(&self) -> bool {
        self.pan.with(Option::is_some)
    }

    /// A press on the ruler starts selecting a range (Space held or the
    /// middle button pans instead).
    fn ruler_down(&self, ev: &web_sys::PointerEvent) {
        if self.pointer_down(ev) || ev.button() != 0 {
            return;
        }
        let Some(ruler) = self.axis() else { return };
        let Some((left, width)) = rect_of(&ruler) else {
            return;
        };
        let _ = ruler.set_pointer_capture(ev.pointer_id());
        let f = ((f64::from(ev.client_x()) - left) / width).clamp(0.0, 1.0);
        self.selecting.set(Some((f, f)));
    }

    /// The pointer moved over the ruler.
    fn ruler_move(&self, ev: &web_sys::PointerEvent) {
        self.pointer_move(ev);
        if self.selecting.with_untracked(Option::is_none) {
            return;
        }
        let Some((left, width)) = self.axis().and_then(|a| rect_of(&a)) else {
            return;
        };
        let f = ((f64::from(ev.client_x()) - left) / width).clamp(0.0, 1.0);
        self.selecting.update(|s| {
            if let Some(s) = s {
                s.1 = f;
            }
        });
    }

    /// Let go over the ruler: a range of more than 3 pixels is zoomed to.
    fn ruler_up(&self) {
        self.pointer_up();
        let Some((a, b)) = self.selecting.get_untracked() else {
            return;
        };
        self.selecting.set(None);
        let width = self
            .axis()
            .and_then(|a| rect_of(&a))
            .map_or(1.0, |(_, w)| w);
        if (b - a).abs() * width > 3.0 {
            self.zoom.set(select_range(self.zoom.get_untracked(), a, b));
        }
    }
}

impl AxisNav {
    /// The wheel and drag handlers and the `panning` class, for the area
    /// the gestures act on: `<div {..nav.gestures()}>`.
    pub fn gestures(self) -> impl leptos::attr::Attribute {
        view! {
            <{..}
                class:panning=move || self.panning()
                on:wheel=move |ev| self.wheel(&ev)
                on:pointerdown=move |ev| {
                    self.pointer_down(&ev);
                }
                on:pointermove=move |ev| self.pointer_move(&ev)
                on:pointerup=move |_| {
                    self.pointer_up();
                }
            />
        }
    }

    /// The axis's ruler (element `class`, hook `testid`): the ticks of
    /// `scale` over a trace starting at `t_start`, and a drag on it zooms
    /// to the dragged range.
    pub fn ruler(
        self,
        scale: Memo<TimeScale>,
        t_start: u64,
        class: &'static str,
        testid: &'static str,
    ) -> impl IntoView {
        // The ruler may sit inside an area that pans (Compare's lanes): its
        // presses are its own, not the area's.
        view! {
            <div
                class=class
                data-testid=testid
                node_ref=self.ruler_ref
                title="Drag to zoom to a time range"
                on:pointerdown=move |ev| {
                    ev.stop_propagation();
                    self.ruler_down(&ev);
                }
                on:pointermove=move |ev| {
                    ev.stop_propagation();
                    self.ruler_move(&ev);
                }
                on:pointerup=move |ev| {
                    ev.stop_propagation();
                    self.ruler_up();
                }
            >
                {move || ruler_marks(scale.get(), t_start, self)}
            </div>
        }
    }
}

/// The ruler's ticks for `scale` over a trace starting at `t_start`, and
/// the range being dragged on it.
fn ruler_marks(scale: TimeScale, t_start: u64, nav: AxisNav) -> impl IntoView {
    let from = scale.start_unix_nanos.saturating_sub(t_start);
    let ticks = ticks_between(from, from.saturating_add(scale.span_nanos), 8)
        .into_iter()
        .map(|(offset, label)| {
            let left = scale.fraction(t_start.saturating_add(offset)) * 100.0;
            view! {
                <span class="tick" style:left=format!("{left}%")>
                    <span class="tick-label">{label}</span>
                </span>
            }
        })
        .collect_view();
    let band = move || {
        nav.selecting.get().map(|(a, b)| {
            view! {
                <div
                    class="axis-select"
                    data-testid="axis-select"
                    style:left=format!("{}%", a.min(b) * 100.0)
                    style:width=format!("{}%", (b - a).abs() * 100.0)
                ></div>
            }
        })
    };
    (ticks, band)
}

/// `data-view-start-us` / `data-view-end-us` of a scale over a trace
/// starting at `t_start`: the visible range, from the trace's start.
pub fn view_range_us(scale: &TimeScale, t_start: u64) -> (String, String) {
    let start = scale.start_unix_nanos.saturating_sub(t_start);
    (
        text::micros_attr(start),
        text::micros_attr(start.saturating_add(scale.span_nanos)),
    )
}
