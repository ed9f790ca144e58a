//! The trace page's keyboard: which key does what, given where it was
//! pressed and what is selected. The page applies the [`Action`].
//!
//! ```text
//! ↑ ↓        previous / next row          ← →   collapse / expand, else parent / first child
//! Enter      open the detail              Esc   close help, else the detail
//! /          find                         n N   next / previous match
//! [ ]        zoom in / out around the     0     the whole trace
//!            selected span
//! t s f g    timeline, statistics, flame, service graph     ?  the list of keys
//! ```

use crate::model::{SpanIx, Trace};
use crate::view_model::scale::zoom_by;
use crate::view_model::url_state::View;

/// What the page should do for a key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Select this span.
    Select(SpanIx),
    /// Fold (`true`) or unfold the span's children.
    Fold(SpanIx, bool),
    /// Open the selected span's detail.
    OpenDetail,
    /// Close the list of keys.
    CloseHelp,
    /// Close the detail panel.
    CloseDetail,
    /// Put the cursor in the find field.
    FocusFind,
    /// Go to the next (`true`) or previous match of find.
    JumpMatch(bool),
    /// Show this part of the trace (fractions of its duration).
    Zoom(f64, f64),
    /// Switch to a view.
    Show(View),
    /// Show or hide the list of keys.
    ToggleHelp,
    /// The page's key, with nothing to do now (no row to move to): the
    /// browser must not act on it either (an arrow would scroll).
    Nothing,
}

/// Where the key was pressed: the element's tag name (`INPUT`, `BUTTON`…),
/// and whether Ctrl, Meta or Alt was held.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pressed<'a> {
    /// The key, as `KeyboardEvent.key` names it.
    pub key: &'a str,
    /// Tag name of the focused element.
    pub tag: &'a str,
    /// Ctrl, Meta or Alt held: the browser's shortcut, not ours.
    pub modified: bool,
}

/// What the page shows when the key comes.
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a> {
    /// The rows shown, in order.
    pub rows: &'a [SpanIx],
    /// The selected span.
    pub selected: Option<SpanIx>,
    /// Per span: its children are folded.
    pub collapsed: &'a [bool],
    /// The list of keys is open.
    pub help_open: bool,
    /// The part of the trace shown.
    pub zoom: (f64, f64),
}

/// The action for a key, or `None` when the page leaves it to the browser
/// (typing in a field, Enter or Space on a button or link, shortcuts with
/// modifiers, keys it does not use).
pub fn action(pressed: Pressed, trace: &Trace, shown: &Shown) -> Option<Action> {
    if pressed.modified {
        return None;
    }
    let key = pressed.key;
    let in_field = matches!(pressed.tag, "INPUT" | "TEXTAREA" | "SELECT");
    let on_control =
        matches!(pressed.tag, "BUTTON" | "A" | "SUMMARY") && matches!(key, "Enter" | " ");
    if in_field || on_control {
        return None;
    }
    let sel = shown.selected;
    let pos = sel.and_then(|ix| shown.rows.binary_search(&ix).ok());
    Some(match key {
        "ArrowDown" | "ArrowUp" => {
            let next = match (pos, key == "ArrowDown") {
                (None, _) => shown.rows.first(),
                (Some(p), true) => shown.rows.get(p + 1).or(shown.rows.get(p)),
                (Some(p), false) => shown.rows.get(p.saturating_sub(1)),
            };
            next.map_or(Action::Nothing, |&ix| Action::Select(ix))
        }
        "ArrowLeft" | "ArrowRight" => {
            let Some(ix) = sel else {
                return Some(Action::Nothing);
            };
            let expand = key == "ArrowRight";
            let span = trace.span(ix);
            let has_children = span.is_some_and(|s| s.child_count > 0);
            let is_collapsed = shown.collapsed.get(ix.get()).copied().unwrap_or(false);
            if has_children && expand == is_collapsed {
                Action::Fold(ix, !expand)
            } else if expand && has_children {
                // The first child: the next span, depth-first.
                Action::Select(SpanIx(ix.0 + 1))
            } else if !expand {
                span.and_then(|s| s.parent)
                    .map_or(Action::Nothing, Action::Select)
            } else {
                Action::Nothing
            }
        }
        "Enter" if sel.is_some() => Action::OpenDetail,
        "Enter" => Action::Nothing,
        "Escape" if shown.help_open => Action::CloseHelp,
        "Escape" => Action::CloseDetail,
        "/" => Action::FocusFind,
        "n" => Action::JumpMatch(true),
        "N" => Action::JumpMatch(false),
        "[" | "]" => {
            let (from, to) = shown.zoom;
            let dur = trace.duration_nanos().max(1) as f64;
            let centre = sel
                .and_then(|ix| trace.span(ix))
                .map(|s| {
                    (s.raw
                        .start_unix_nanos
                        .saturating_sub(trace.start_unix_nanos) as f64
                        + s.raw.duration_nanos as f64 / 2.0)
                        / dur
                })
                .unwrap_or((from + to) / 2.0);
            let factor = if key == "[" { 0.5 } else { 2.0 };
            let (a, b) = zoom_by((from, to), factor, centre);
            Action::Zoom(a, b)
        }
        "0" => Action::Zoom(0.0, 1.0),
        "t" => Action::Show(View::Timeline),
        "s" => Action::Show(View::Stats),
        "f" => Action::Show(View::Flame),
        "g" => Action::Show(View::Graph),
        "a" => Action::Show(View::Table),
        "e" => Action::Show(View::Events),
        "l" => Action::Show(View::Logs),
        "?" => Action::ToggleHelp,
        _ => return None,
    })
}
