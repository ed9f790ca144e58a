//! Where a row's parts go: its indentation and its bar on the time axis
//! (shared by span rows and group rows).

use crate::view_model::TimeScale;

/// Indentation per level, capped so that very deep traces stay readable.
pub const INDENT_PX: u32 = 14;
pub const MAX_INDENT_LEVELS: u32 = 30;
/// Left padding of a row's name at `depth` (root = 1).
pub fn indent_px(depth: u32) -> u32 {
    depth.saturating_sub(1).min(MAX_INDENT_LEVELS) * INDENT_PX
}

/// `left` and `width` of a bar on `scale`; `None` when it is outside.
pub fn bar_css(scale: &TimeScale, start: u64, duration: u64) -> Option<(String, String)> {
    let end = start.saturating_add(duration);
    let view_end = scale.start_unix_nanos.saturating_add(scale.span_nanos);
    if end < scale.start_unix_nanos || start > view_end {
        return None;
    }
    let (left, width) = scale.bar_percent(start, duration);
    Some((format!("{left}%"), format!("max({width}%, 1px)")))
}
