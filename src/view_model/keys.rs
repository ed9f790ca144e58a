//! The trace page's keyboard: one table ([`KEYS`]) says which key does
//! what; the handler ([`action`]), the help overlay and the README's list
//! are all read from it (`tests/keys.rs` checks the README against it).
//! The keys are the ones Jaeger UI and Perfetto users already have in their
//! hands: `w`/`s` zoom, `a`/`d` pan, `[`/`]` expand/collapse all; the views
//! are on the digits, as the tabs show.

use crate::model::{SpanIx, Trace};
use crate::view_model::scale::{pan_by, span_range, zoom_by};
use crate::view_model::url_state::View;

/// What a key asks for, before the page's state says how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    /// Select the next row.
    Down,
    /// Select the previous row.
    Up,
    /// Fold the selected span, else go to its parent.
    Collapse,
    /// Unfold the selected span, else go to its first child.
    Expand,
    /// Open the selected span's detail.
    Open,
    /// Close the help, else the detail.
    Close,
    /// Put the cursor in the find field.
    Find,
    /// Next (`true`) or previous match.
    Match(bool),
    /// Zoom about the centre by this factor (< 1 zooms in).
    Zoom(f64),
    /// Pan by this part of the view's width.
    Pan(f64),
    /// Zoom to the selected span.
    Fit,
    /// Show the whole trace.
    Whole,
    /// Unfold (`false`) or fold every span.
    FoldAll(bool),
    /// Switch to a view.
    Show(View),
    /// Show or hide the list of keys.
    Help,
}

/// One line of the list of keys: the keys as shown, what they do, and each
/// key's command.
#[derive(Clone, Copy, Debug)]
pub struct KeyRow {
    /// The keys as the help shows them.
    pub shown: &'static str,
    /// What they do, in words.
    pub does: &'static str,
    /// Each key (as `KeyboardEvent.key` names it) and its command.
    pub keys: &'static [(&'static str, Command)],
}

/// Zoom step of `w`/`s`.
const ZOOM_STEP: f64 = 1.5;
/// Pan step of `a`/`d`: a fifth of the view, as in Jaeger UI and Perfetto.
pub const PAN_STEP: f64 = 0.2;

/// Every key of the trace page.
pub const KEYS: &[KeyRow] = &[
    KeyRow {
        shown: "↑ ↓",
        does: "previous / next row",
        keys: &[("ArrowUp", Command::Up), ("ArrowDown", Command::Down)],
    },
    KeyRow {
        shown: "← →",
        does: "fold / unfold the span (→ unfolds a group of repeats), else go to its parent / first child",
        keys: &[
            ("ArrowLeft", Command::Collapse),
            ("ArrowRight", Command::Expand),
        ],
    },
    KeyRow {
        shown: "Enter",
        does: "open the span's detail (on a group of repeats: unfold it)",
        keys: &[("Enter", Command::Open)],
    },
    KeyRow {
        shown: "Esc",
        does: "close this help, else the detail",
        keys: &[("Escape", Command::Close)],
    },
    KeyRow {
        shown: "/",
        does: "find in the trace (Enter / Shift+Enter in the field: next / previous match)",
        keys: &[("/", Command::Find)],
    },
    KeyRow {
        shown: "n N",
        does: "next / previous match",
        keys: &[("n", Command::Match(true)), ("N", Command::Match(false))],
    },
    KeyRow {
        shown: "w s",
        does: "zoom in / out about the centre",
        keys: &[
            ("w", Command::Zoom(1.0 / ZOOM_STEP)),
            ("s", Command::Zoom(ZOOM_STEP)),
        ],
    },
    KeyRow {
        shown: "a d",
        does: "pan left / right by a fifth of the view",
        keys: &[
            ("a", Command::Pan(-PAN_STEP)),
            ("d", Command::Pan(PAN_STEP)),
        ],
    },
    KeyRow {
        shown: "A D",
        does: "pan left / right by a whole view",
        keys: &[("A", Command::Pan(-1.0)), ("D", Command::Pan(1.0))],
    },
    KeyRow {
        shown: "f",
        does: "zoom to the selected span",
        keys: &[("f", Command::Fit)],
    },
    KeyRow {
        shown: "0",
        does: "the whole trace",
        keys: &[("0", Command::Whole)],
    },
    KeyRow {
        shown: "[ ]",
        does: "unfold / fold every span",
        keys: &[
            ("[", Command::FoldAll(false)),
            ("]", Command::FoldAll(true)),
        ],
    },
    KeyRow {
        shown: "1 – 7",
        does: "timeline, statistics, flame graph, service graph, span table, events, logs",
        keys: &[
            ("1", Command::Show(View::Timeline)),
            ("2", Command::Show(View::Stats)),
            ("3", Command::Show(View::Flame)),
            ("4", Command::Show(View::Graph)),
            ("5", Command::Show(View::Table)),
            ("6", Command::Show(View::Events)),
            ("7", Command::Show(View::Logs)),
        ],
    },
    KeyRow {
        shown: "?",
        does: "show or hide this list",
        keys: &[("?", Command::Help)],
    },
];

/// What the mouse and touchpad do on a time axis (the timeline, the flame
/// graph, Compare's lanes): shown with the keys, not dispatched by them.
pub const GESTURES: &[(&str, &str)] = &[
    (
        "Ctrl/⌘ + wheel, pinch",
        "zoom about the pointer (the time under it stays put)",
    ),
    ("Shift + wheel, sideways wheel", "pan"),
    ("drag on the ruler", "zoom to the dragged range"),
    ("middle-button drag, Space + drag", "pan"),
];

/// The command of a key, if the page has one.
pub fn command(key: &str) -> Option<Command> {
    KEYS.iter()
        .flat_map(|row| row.keys.iter())
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
}

/// The digit a view's tab shows (its key).
pub fn view_key(view: View) -> Option<&'static str> {
    KEYS.iter()
        .flat_map(|row| row.keys.iter())
        .find(|(_, c)| *c == Command::Show(view))
        .map(|(k, _)| *k)
}

/// The list of keys and gestures as the README prints it (one Markdown
/// table).
pub fn markdown() -> String {
    let mut out = String::from("| keys | what they do |\n|---|---|\n");
    for row in KEYS {
        let shown = row.shown.split(' ').filter(|k| !k.is_empty() && *k != "–");
        let keys: Vec<String> = shown.map(|k| format!("`{k}`")).collect();
        let sep = if row.shown.contains('–') {
            " – "
        } else {
            " "
        };
        out.push_str(&format!("| {} | {} |\n", keys.join(sep), row.does));
    }
    for (gesture, does) in GESTURES {
        out.push_str(&format!("| {gesture} | {does} |\n"));
    }
    out
}

/// What the page should do for a key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Select this span.
    Select(SpanIx),
    /// Fold (`true`) or unfold the span's children.
    Fold(SpanIx, bool),
    /// Fold (`true`) or unfold every span.
    FoldAll(bool),
    /// Show the members of the group starting at this span one by one.
    ExpandGroup(SpanIx),
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
    /// The selected row is a folded group of repeated siblings.
    pub on_group: bool,
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
    let command = command(key)?;
    let sel = shown.selected;
    let pos = sel.and_then(|ix| shown.rows.binary_search(&ix).ok());
    Some(match command {
        Command::Down | Command::Up => {
            let next = match (pos, command == Command::Down) {
                (None, _) => shown.rows.first(),
                (Some(p), true) => shown.rows.get(p + 1).or(shown.rows.get(p)),
                (Some(p), false) => shown.rows.get(p.saturating_sub(1)),
            };
            next.map_or(Action::Nothing, |&ix| Action::Select(ix))
        }
        Command::Expand | Command::Open if shown.on_group => match sel {
            Some(ix) => Action::ExpandGroup(ix),
            None => Action::Nothing,
        },
        Command::Collapse if shown.on_group => sel
            .and_then(|ix| trace.span(ix))
            .and_then(|s| s.parent)
            .map_or(Action::Nothing, Action::Select),
        Command::Collapse | Command::Expand => {
            let Some(ix) = sel else {
                return Some(Action::Nothing);
            };
            let expand = command == Command::Expand;
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
        Command::Open if sel.is_some() => Action::OpenDetail,
        Command::Open => Action::Nothing,
        Command::Close if shown.help_open => Action::CloseHelp,
        Command::Close => Action::CloseDetail,
        Command::Find => Action::FocusFind,
        Command::Match(forward) => Action::JumpMatch(forward),
        Command::Zoom(factor) => {
            let (from, to) = shown.zoom;
            let (a, b) = zoom_by(shown.zoom, factor, (from + to) / 2.0);
            Action::Zoom(a, b)
        }
        Command::Pan(by) => {
            let (a, b) = pan_by(shown.zoom, by);
            Action::Zoom(a, b)
        }
        Command::Fit => match sel.and_then(|ix| trace.span(ix)) {
            Some(s) => {
                let (from, to) = span_range(trace, s);
                // A little room on each side, as Perfetto leaves.
                let pad = (to - from) * 0.05;
                let (a, b) = crate::view_model::scale::clamp_zoom(from - pad, to + pad);
                Action::Zoom(a, b)
            }
            None => Action::Nothing,
        },
        Command::Whole => Action::Zoom(0.0, 1.0),
        Command::FoldAll(fold) => Action::FoldAll(fold),
        Command::Show(view) => Action::Show(view),
        Command::Help => Action::ToggleHelp,
    })
}
