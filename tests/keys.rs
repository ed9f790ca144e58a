//! The trace page's keyboard, without a browser: each key's action for a
//! given selection, folding and focus.

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::keys::{
    action, command, markdown, view_key, Action, Pressed, Shown, KEYS,
};
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
        on_group: false,
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
fn digits_switch_views_and_letters_find_and_help() {
    let t = trace();
    let cases = [
        ("1", Action::Show(View::Timeline)),
        ("2", Action::Show(View::Stats)),
        ("3", Action::Show(View::Flame)),
        ("4", Action::Show(View::Graph)),
        ("5", Action::Show(View::Table)),
        ("6", Action::Show(View::Events)),
        ("7", Action::Show(View::Logs)),
        ("/", Action::FocusFind),
        ("n", Action::JumpMatch(true)),
        ("N", Action::JumpMatch(false)),
        ("?", Action::ToggleHelp),
        ("0", Action::Zoom(0.0, 1.0)),
        ("[", Action::FoldAll(false)),
        ("]", Action::FoldAll(true)),
    ];
    for (k, want) in cases {
        assert_eq!(action(key(k), &t, &shown(None)), Some(want), "{k}");
    }
    assert_eq!(action(key("x"), &t, &shown(None)), None);
    // Every view has its digit, and the tabs show it.
    for v in View::ALL {
        let k = view_key(v).unwrap();
        assert_eq!(action(key(k), &t, &shown(None)), Some(Action::Show(v)));
    }
}

#[test]
fn each_key_in_the_table_is_one_action() {
    let t = trace();
    let mut seen = std::collections::HashSet::new();
    for row in KEYS {
        assert!(
            !row.keys.is_empty() && !row.does.is_empty(),
            "{}",
            row.shown
        );
        for (k, c) in row.keys {
            assert!(seen.insert(*k), "{k} is bound twice");
            assert_eq!(command(k), Some(*c), "{k}");
            // The handler acts on it (with a selection, so that nothing is
            // left to chance), and the help shows it.
            assert!(
                action(key(k), &t, &shown(Some(1))).is_some(),
                "{k} does nothing"
            );
            let shown_keys: Vec<&str> = row.shown.split(' ').collect();
            let named = match *k {
                "ArrowUp" => "↑",
                "ArrowDown" => "↓",
                "ArrowLeft" => "←",
                "ArrowRight" => "→",
                "Escape" => "Esc",
                other => other,
            };
            let digits = row.shown.contains('–')
                && k.len() == 1
                && (shown_keys[0]..=shown_keys[2]).contains(k);
            assert!(
                shown_keys.contains(&named) || digits,
                "{k} is not in the help's {:?}",
                row.shown
            );
        }
    }
}

#[test]
fn the_readme_lists_the_keys_of_the_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = markdown();
    assert!(
        readme.contains(&table),
        "README.md must hold the key table exactly as view_model::keys::markdown() prints it:\n{table}"
    );
}

#[test]
fn w_s_zoom_about_the_centre_and_a_d_pan_by_a_fifth() {
    let t = trace();
    let at = |zoom: (f64, f64)| Shown {
        zoom,
        ..shown(None)
    };
    let Some(Action::Zoom(a, b)) = action(key("w"), &t, &at((0.2, 0.6))) else {
        panic!("no zoom");
    };
    assert!(
        ((a + b) / 2.0 - 0.4).abs() < 1e-9 && b - a < 0.4,
        "{a}..{b}"
    );
    let Some(Action::Zoom(c, d)) = action(key("s"), &t, &at((a, b))) else {
        panic!("no zoom");
    };
    assert!((c - 0.2).abs() < 1e-9 && (d - 0.6).abs() < 1e-9, "{c}..{d}");
    let near = |k: &str, zoom: (f64, f64), want: (f64, f64)| {
        let Some(Action::Zoom(a, b)) = action(key(k), &t, &at(zoom)) else {
            panic!("{k}: no zoom");
        };
        assert!(
            (a - want.0).abs() < 1e-9 && (b - want.1).abs() < 1e-9,
            "{k} on {zoom:?}: {a}..{b}, not {want:?}"
        );
    };
    near("d", (0.2, 0.6), (0.28, 0.68));
    near("a", (0.2, 0.6), (0.12, 0.52));
    // At the ends of the trace a pan stops there, keeping the width.
    near("d", (0.5, 1.0), (0.5, 1.0));
    near("A", (0.1, 0.3), (0.0, 0.2));
    near("D", (0.1, 0.3), (0.3, 0.5));
}

#[test]
fn f_fits_the_selected_span() {
    let t = trace();
    // a1 runs 20..40 of 0..100: shown with a twentieth of room each side.
    let Some(Action::Zoom(a, b)) = action(key("f"), &t, &shown(Some(2))) else {
        panic!("no zoom");
    };
    assert!(
        (a - 0.19).abs() < 1e-9 && (b - 0.41).abs() < 1e-9,
        "{a}..{b}"
    );
    assert_eq!(action(key("f"), &t, &shown(None)), Some(Action::Nothing));
}

/// Zooming about the pointer keeps the time under it where it was: for
/// random ranges, pointer positions and wheel turns, the pointer's fraction
/// of the axis maps to the same time before and after (zooming in always;
/// zooming out unless the range reached an end of the trace and had to
/// shift). Pans keep the width and stay inside the trace.
#[test]
fn zoom_about_the_pointer_keeps_the_pointers_time() {
    use trace_viewer::view_model::scale::{drag_pan, pan_by, select_range, wheel_factor, zoom_by};
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut unit = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut kept_out = 0;
    for _ in 0..20_000 {
        let a = unit() * 0.9;
        let b = a + 1e-5 + unit() * (1.0 - a - 1e-5);
        let f = unit();
        let delta = (unit() - 0.5) * 800.0;
        let at = a + f * (b - a);
        let (c, d) = zoom_by((a, b), wheel_factor(delta), at);
        assert!(0.0 <= c && c < d && d <= 1.0, "{c}..{d}");
        let clamped = c == 0.0 || d == 1.0;
        if delta < 0.0 || !clamped {
            let after = c + f * (d - c);
            assert!(
                (after - at).abs() < 1e-9,
                "{a}..{b} at {f}: {at} became {after}"
            );
            kept_out += usize::from(delta > 0.0);
        }
        if delta < 0.0 {
            assert!(d - c < b - a, "a turn towards the user zooms in");
        }
        let (p, q) = pan_by((a, b), (unit() - 0.5) * 4.0);
        assert!(p >= 0.0 && q <= 1.0 && ((q - p) - (b - a)).abs() < 1e-9);
        // A drag of the whole axis's width moves the view by its width.
        let (r, s) = drag_pan((0.4, 0.5), -1000.0, 1000.0);
        assert!((r - 0.5).abs() < 1e-12 && (s - 0.6).abs() < 1e-12);
        // A selected range on the ruler maps into the shown range.
        let (u, v) = select_range((a, b), 0.75, 0.25);
        assert!(
            (u - (a + 0.25 * (b - a))).abs() < 1e-12 && (v - (a + 0.75 * (b - a))).abs() < 1e-12
                || v - u <= 1.1e-6
        );
    }
    assert!(kept_out > 1000);
}

#[test]
fn right_and_enter_on_a_group_row_unfold_the_group() {
    let t = trace();
    let on_group = Shown {
        on_group: true,
        ..shown(Some(1))
    };
    for k in ["ArrowRight", "Enter"] {
        assert_eq!(
            action(key(k), &t, &on_group),
            Some(Action::ExpandGroup(SpanIx(1))),
            "{k}"
        );
    }
    // ← still goes to the parent; the other keys act as anywhere.
    assert_eq!(
        action(key("ArrowLeft"), &t, &on_group),
        Some(Action::Select(SpanIx(0)))
    );
    assert_eq!(
        action(key("ArrowDown"), &t, &on_group),
        Some(Action::Select(SpanIx(2)))
    );
}
