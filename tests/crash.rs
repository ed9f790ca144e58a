#![cfg(not(target_arch = "wasm32"))]
//! The crash banner quotes at most ~200 characters of what happened (a
//! panic message may carry a whole line of the file).

use trace_viewer::view_model::files::quote as clip;

#[test]
fn a_long_panic_message_is_cut_to_200_characters_on_a_character_boundary() {
    let long = "é".repeat(1000);
    let shown = clip(&long);
    assert_eq!(
        shown.chars().count(),
        201,
        "200 characters and the ellipsis"
    );
    assert!(shown.ends_with('…'));
    assert_eq!(clip("short message"), "short message");
    let exactly = "x".repeat(200);
    assert_eq!(clip(&exactly), exactly, "nothing cut at exactly 200");
}
