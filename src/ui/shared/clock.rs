//! UTC or local time for every absolute time on the page: the switch in the
//! top bar, the choice remembered in local storage, and [`absolute`], which
//! every view formats its times with (and so follows the switch).

use leptos::prelude::*;

use crate::model::text;
use crate::ui::app_state::ZoneChoice;
use crate::ui::shared::js::local_storage;
use crate::view_model::clock::Zone;

const KEY: &str = "trace-viewer-time";

/// The clock saved by an earlier visit.
pub fn saved() -> Zone {
    Zone::from_saved(
        local_storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .as_deref(),
    )
}

/// The browser's offset from UTC at `unix_nanos`, in minutes (east positive).
fn local_offset_minutes(unix_nanos: u64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_nanos as f64 / 1e6));
    let offset = -date.get_timezone_offset();
    if offset.is_finite() {
        offset.round() as i32
    } else {
        0
    }
}

/// The chosen clock (UTC outside the page, where none is provided); tracked.
fn zone() -> Zone {
    use_context::<ZoneChoice>().map_or(Zone::Utc, |z| z.get())
}

/// `unix_nanos` on the chosen clock, naming it (`… UTC`, `… UTC+01:00`);
/// reactive: a view that calls it is redrawn when the switch flips.
pub fn absolute(unix_nanos: u64) -> String {
    match zone() {
        Zone::Utc => text::wall_time(unix_nanos, None),
        Zone::Local => text::wall_time(unix_nanos, Some(local_offset_minutes(unix_nanos))),
    }
}

/// The chosen clock in a few words, for axes whose labels omit it
/// (reactive, like [`absolute`]).
pub fn zone_name() -> &'static str {
    match zone() {
        Zone::Utc => "UTC",
        Zone::Local => "local time",
    }
}

/// The switch in the top bar: UTC ⇄ local time, remembered.
#[component]
pub fn ZoneToggle() -> impl IntoView {
    let zone = expect_context::<ZoneChoice>();
    view! {
        <button
            class="small"
            data-testid="time-zone-toggle"
            data-zone=move || zone.get().saved_name()
            title="Show times in UTC or in this browser's time zone"
            on:click=move |_| {
                let next = zone.get_untracked().other();
                zone.set(next);
                if let Some(s) = local_storage() {
                    let _ = s.set_item(KEY, next.saved_name());
                }
            }
        >
            {move || zone.get().label()}
        </button>
    }
}
