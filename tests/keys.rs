//! The trace page's keyboard, without a browser: each key's action for a
//! given selection, folding and focus.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::keys::{action, Action, Pressed, Shown};
use trace_viewer::view_model::url_state::View;

/// root (0) ── a (1) ── a1 (2)
///          └─ b (3)
/// over 0..100 µs; a1 runs 20..40.
fn trace() -> Trace {
    let span = |id: &str, parent: &str, start: u64, dur: u64| {
        let refs = if parent.is_empty() {
            String::new()
        } else {
            format!(r#"{{"refType":"CHILD_OF","spanID":"{parent}"}}"#)
        };
        format!(
            r#"{{"traceID":"1","spanID":"{id}","operationName":"op{id}","references":[{refs}],"startTime":{start},"duration":{dur},"processID":"p"}}"#
        )
    };
    let json = format!(
        r#"{{"traceID":"1","processes":{{"p":{{"serviceName":"s"}}}},"spans":[{},{},{},{}]}}"#,
        span("1", "", 1000, 100),
        span("2", "1", 1010, 50),
        span("3", "2", 1020, 20),
        span("4", "1", 1070, 20)
    );
    load(json.as_bytes()).unwrap().traces.remove(0)
}

const ROWS: [SpanIx; 4] = [SpanIx(0), SpanIx(1), SpanIx(2), SpanIx(3)];
const OPEN: [bool; 4] = [false; 4];

fn shown(selected: Option<u32>) -> Shown<'static> {
    Shown {
        rows: &ROWS,
        selected: selected.map(SpanIx),
        collapsed: &OPEN,
        help_open: false,
        zoom: (0.0, 1.0),
    }
}

fn key(k: &str) -> Pressed<'_> {
    Pressed {
        key: k,
        tag: "BODY",
        modified: false,
    }
}

#[test]
fn arrows_move_through_the_rows_and_stop_at_the_ends() {
    let t = trace();
    assert_eq!(
        action(key("ArrowDown"), &t, &shown(None)),
        Some(Action::Select(SpanIx(0)))
    );
    assert_eq!(
        action(key("ArrowDown"), &t, &shown(Some(1))),
        Some(Action::Select(SpanIx(2)))
    );
    assert_eq!(
        action(key("ArrowDown"), &t, &shown(Some(3))),
        Some(Action::Select(SpanIx(3)))
    );
    assert_eq!(
        action(key("ArrowUp"), &t, &shown(Some(2))),
        Some(Action::Select(SpanIx(1)))
    );
    assert_eq!(
        action(key("ArrowUp"), &t, &shown(Some(0))),
        Some(Action::Select(SpanIx(0)))
    );
}

#[test]
fn arrows_with_no_rows_still_keep_the_page_from_scrolling() {
    let t = trace();
    let none = Shown {
        rows: &[],
        ..shown(None)
    };
    assert_eq!(action(key("ArrowDown"), &t, &none), Some(Action::Nothing));
}

#[test]
fn right_unfolds_then_goes_to_the_first_child() {
    let t = trace();
    let folded = [false, true, false, false];
    let s = Shown {
        collapsed: &folded,
        ..shown(Some(1))
    };
    assert_eq!(
        action(key("ArrowRight"), &t, &s),
        Some(Action::Fold(SpanIx(1), false))
    );
    assert_eq!(
        action(key("ArrowRight"), &t, &shown(Some(1))),
        Some(Action::Select(SpanIx(2)))
    );
    // A leaf has nothing to open.
    assert_eq!(
        action(key("ArrowRight"), &t, &shown(Some(2))),
        Some(Action::Nothing)
    );
}

#[test]
fn left_folds_then_goes_to_the_parent() {
    let t = trace();
    assert_eq!(
        action(key("ArrowLeft"), &t, &shown(Some(1))),
        Some(Action::Fold(SpanIx(1), true))
    );
    let folded = [false, true, false, false];
    let s = Shown {
        collapsed: &folded,
        ..shown(Some(1))
    };
    assert_eq!(
        action(key("ArrowLeft"), &t, &s),
        Some(Action::Select(SpanIx(0)))
    );
    assert_eq!(
        action(key("ArrowLeft"), &t, &shown(Some(2))),
        Some(Action::Select(SpanIx(1)))
    );
    // The root has no parent.
    let root_folded = [true, false, false, false];
    let s = Shown {
        collapsed: &root_folded,
        ..shown(Some(0))
    };
    assert_eq!(action(key("ArrowLeft"), &t, &s), Some(Action::Nothing));
}

#[test]
fn enter_opens_the_detail_of_a_selected_span_only() {
    let t = trace();
    assert_eq!(
        action(key("Enter"), &t, &shown(Some(2))),
        Some(Action::OpenDetail)
    );
    assert_eq!(
        action(key("Enter"), &t, &shown(None)),
        Some(Action::Nothing)
    );
}

#[test]
fn escape_closes_the_help_first_then_the_detail() {
    let t = trace();
    let help = Shown {
        help_open: true,
        ..shown(Some(1))
    };
    assert_eq!(action(key("Escape"), &t, &help), Some(Action::CloseHelp));
    assert_eq!(
        action(key("Escape"), &t, &shown(Some(1))),
        Some(Action::CloseDetail)
    );
}

#[test]
fn typing_in_a_field_is_left_alone() {
    let t = trace();
    for tag in ["INPUT", "TEXTAREA", "SELECT"] {
        for k in ["n", "/", "ArrowDown", "0", "?"] {
            let p = Pressed {
                key: k,
                tag,
                modified: false,
            };
            assert_eq!(action(p, &t, &shown(Some(1))), None, "{k} in {tag}");
        }
    }
}

#[test]
fn enter_and_space_on_a_button_press_the_button() {
    let t = trace();
    for tag in ["BUTTON", "A", "SUMMARY"] {
        for k in ["Enter", " "] {
            let p = Pressed {
                key: k,
                tag,
                modified: false,
            };
            assert_eq!(action(p, &t, &shown(Some(1))), None);
        }
        // Other keys still work there.
        let p = Pressed {
            key: "n",
            tag,
            modified: false,
        };
        assert_eq!(
            action(p, &t, &shown(Some(1))),
            Some(Action::JumpMatch(true))
        );
    }
}

#[test]
fn browser_shortcuts_pass_through() {
    let t = trace();
    let p = Pressed {
        key: "f",
        tag: "BODY",
        modified: true,
    };
    assert_eq!(action(p, &t, &shown(None)), None);
}

#[test]
fn letters_switch_views_find_and_help() {
    let t = trace();
    let cases = [
        ("t", Action::Show(View::Timeline)),
        ("s", Action::Show(View::Stats)),
        ("f", Action::Show(View::Flame)),
        ("g", Action::Show(View::Graph)),
        ("/", Action::FocusFind),
        ("n", Action::JumpMatch(true)),
        ("N", Action::JumpMatch(false)),
        ("?", Action::ToggleHelp),
        ("0", Action::Zoom(0.0, 1.0)),
    ];
    for (k, want) in cases {
        assert_eq!(action(key(k), &t, &shown(None)), Some(want), "{k}");
    }
    assert_eq!(action(key("x"), &t, &shown(None)), None);
}

#[test]
fn brackets_zoom_around_the_selected_span() {
    let t = trace();
    // a1 runs 20..40 of 0..100: centred on 0.3.
    let Some(Action::Zoom(a, b)) = action(key("["), &t, &shown(Some(2))) else {
        panic!("no zoom");
    };
    assert!((b - a - 0.5).abs() < 1e-9, "half as wide: {a}..{b}");
    assert!(a <= 0.3 && 0.3 <= b, "{a}..{b} holds the span's middle");
    // Out again from there: twice as wide, still inside the trace.
    let zoomed = Shown {
        zoom: (a, b),
        ..shown(Some(2))
    };
    let Some(Action::Zoom(c, d)) = action(key("]"), &t, &zoomed) else {
        panic!("no zoom");
    };
    assert!(
        (d - c - 1.0).abs() < 1e-9 && c >= 0.0 && d <= 1.0,
        "{c}..{d}"
    );
    // Nothing selected: around the middle of what is shown.
    let Some(Action::Zoom(e, f)) = action(key("["), &t, &shown(None)) else {
        panic!("no zoom");
    };
    assert!(
        (e - 0.25).abs() < 1e-9 && (f - 0.75).abs() < 1e-9,
        "{e}..{f}"
    );
}
