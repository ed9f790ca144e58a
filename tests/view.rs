//! The view model on the checkout fixture: rows under filters, the minimap
//! raster, the flame graph layout and zoom.
//!
//! ```text
//! ix depth span                              time (ms from start)
//! 0  1     frontend GET /checkout            0 ........... 120
//! 1  2     frontend auth-client                5 .. 20
//! 2  3     auth POST /verify                    6 .. 18
//! 3  2     frontend cart-client                     25 ...... 90
//! 4  3     cart GetCart                               27 .... 85
//! 5  4     cart SELECT cart                             30 .. 60
//! 6  2     frontend send-analytics                          110 ...... 150
//! ```

// Tests may unwrap: a failure is the test's answer (the crate's lints
// forbid it outside tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::{load, SpanIx, Trace};
use trace_viewer::view_model::flame::{hit, layout};
use trace_viewer::view_model::minimap::raster;
use trace_viewer::view_model::rows::{collapsed_below, reveal, service_shown, with_ancestors};
use trace_viewer::view_model::visible_rows;

/// Span indices from arena positions.
fn ixs(positions: &[u32]) -> Vec<SpanIx> {
    positions.iter().map(|&i| SpanIx(i)).collect()
}

fn checkout() -> Trace {
    let bytes = std::fs::read("tests/fixtures/jaeger-checkout.json").unwrap();
    load(&bytes).unwrap().traces.remove(0)
}

#[test]
fn only_matches_keeps_their_ancestors() {
    let t = checkout();
    let keep = with_ancestors(&t, &ixs(&[5, 2]));
    assert_eq!(visible_rows(&t, &[], Some(&keep)), ixs(&[0, 1, 2, 3, 4, 5]));
    let keep = with_ancestors(&t, &ixs(&[6]));
    assert_eq!(visible_rows(&t, &[], Some(&keep)), ixs(&[0, 6]));
}

#[test]
fn hiding_a_service_keeps_the_spans_below_it() {
    let t = checkout();
    // services sorted by name: auth, cart, frontend
    let shown = service_shown(&t, &[false, false, true]);
    assert_eq!(visible_rows(&t, &[], Some(&shown)), ixs(&[2, 4, 5]));
    // Collapsed spans still hide their subtree, shown or not.
    let mut collapsed = vec![false; 7];
    collapsed[3] = true;
    assert_eq!(visible_rows(&t, &collapsed, Some(&shown)), ixs(&[2]));
}

#[test]
fn expand_to_depth_and_reveal() {
    let t = checkout();
    let mut collapsed = collapsed_below(&t, 2);
    assert_eq!(visible_rows(&t, &collapsed, None), ixs(&[0, 1, 3, 6]));
    assert!(reveal(&t, &mut collapsed, SpanIx(5)));
    assert_eq!(visible_rows(&t, &collapsed, None), ixs(&[0, 1, 3, 4, 5, 6]));
    assert!(
        !reveal(&t, &mut collapsed, SpanIx(5)),
        "nothing left to unfold"
    );
    assert_eq!(visible_rows(&t, &collapsed_below(&t, 1), None), ixs(&[0]));
}

#[test]
fn minimap_paints_each_span_where_it_runs() {
    let t = checkout();
    // One pixel row per span, 150 pixels = 1 ms each.
    let colours: Vec<[u8; 3]> = (0..12).map(|i| [i as u8 * 10 + 5, 0, 0]).collect();
    let img = raster(&t, 150, 7, &colours);
    let painted = |y: usize| -> Vec<usize> {
        (0..150)
            .filter(|x| img[(y * 150 + x) * 4 + 3] == 255)
            .collect()
    };
    // Row 2 is POST /verify, 6..18 ms: pixels 6 to 17.
    let row = painted(2);
    assert_eq!((row[0], *row.last().unwrap()), (6, 17));
    assert_eq!(row.len(), 12);
    // Row 6 is send-analytics, 110..150 ms (the last pixel is 149).
    let row = painted(6);
    assert_eq!((row[0], *row.last().unwrap()), (110, 149));
    // Colour by service: auth is service 0.
    assert_eq!(img[(2 * 150 + 10) * 4], 5);
}

#[test]
fn minimap_of_many_spans_per_pixel_row_paints_each_pixel_once() {
    // 20k spans on 4 pixel rows: later spans are drawn over earlier ones.
    let mut json = String::from(
        r#"{"traceID":"1","processes":{"a":{"serviceName":"A"},"b":{"serviceName":"B"}},"spans":[{"traceID":"1","spanID":"1","operationName":"root","startTime":0,"duration":20000,"processID":"a"}"#,
    );
    for i in 2..=20_000u64 {
        let svc = if i > 10_000 { "b" } else { "a" };
        json.push_str(&format!(
            r#",{{"traceID":"1","spanID":"{i:x}","operationName":"c","references":[{{"refType":"CHILD_OF","spanID":"1"}}],"startTime":{i},"duration":1,"processID":"{svc}"}}"#
        ));
    }
    json.push_str("]}");
    let t = load(json.as_bytes()).unwrap().traces.remove(0);
    let img = raster(&t, 100, 4, &[[1, 1, 1], [2, 2, 2]]);
    // Row 0 holds the root (all of it) and spans 2..5000: fully painted, the
    // root showing where no child covers it.
    let row0: Vec<u8> = (0..100).map(|x| img[x * 4]).collect();
    assert!(row0.iter().all(|&c| c == 1));
    // Row 3 (spans starting at 15001..=20000 µs, service B) paints only 75..100.
    let row3: Vec<u8> = (0..100).map(|x| img[(300 + x) * 4 + 3]).collect();
    assert_eq!(row3.iter().position(|&a| a == 255), Some(75));
    assert!(row3[..75].iter().all(|&a| a == 0));
    assert!(row3[75..].iter().all(|&a| a == 255));
    assert_eq!(img[(300 + 90) * 4], 2);
}

#[test]
fn flame_layout_places_children_under_parents() {
    let t = checkout();
    let boxes = layout(&t, None, 1500.0, 0.5);
    assert_eq!(boxes.len(), 7);
    let b = |ix: u32| *boxes.iter().find(|b| b.ix == SpanIx(ix)).unwrap();
    assert_eq!((b(0).x, b(0).w, b(0).row), (0.0, 1200.0, 0));
    assert_eq!((b(4).x, b(4).w, b(4).row), (270.0, 580.0, 2));
    assert_eq!(hit(&boxes, 300.0, 2), Some(SpanIx(4)));
    assert_eq!(hit(&boxes, 300.0, 3), Some(SpanIx(5)));
    assert_eq!(hit(&boxes, 100.0, 3), None);

    // Focused on GetCart: its subtree fills the width, rows start at 0.
    let boxes = layout(&t, Some(SpanIx(4)), 580.0, 0.5);
    assert_eq!(boxes.len(), 2);
    assert_eq!((boxes[0].x, boxes[0].w, boxes[0].row), (0.0, 580.0, 0));
    assert_eq!((boxes[1].x, boxes[1].w, boxes[1].row), (30.0, 300.0, 1));

    // Boxes narrower than the minimum are left out: at 40 px for 150 ms,
    // POST /verify (12 ms = 3.2 px) is under 3.5 px, the rest are wider.
    let narrow = layout(&t, None, 40.0, 3.5);
    assert_eq!(narrow.len(), 6);
    assert!(narrow.iter().all(|b| b.ix != SpanIx(2)));
}

#[test]
fn a_service_keeps_its_colour_across_traces_whatever_its_position() {
    use trace_viewer::view_model::colours::{ServiceColours, TraceColours};
    // "db" is the 2nd service of one trace and the 3rd of the other.
    let json = r#"{"data":[
      {"traceID":"a1","processes":{"p1":{"serviceName":"api"},"p2":{"serviceName":"db"}},"spans":[
        {"traceID":"a1","spanID":"1","operationName":"GET","references":[],"startTime":1000,"duration":100,"processID":"p1"},
        {"traceID":"a1","spanID":"2","operationName":"q","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":1010,"duration":50,"processID":"p2"}]},
      {"traceID":"b2","processes":{"p1":{"serviceName":"api"},"p2":{"serviceName":"auth"},"p3":{"serviceName":"db"}},"spans":[
        {"traceID":"b2","spanID":"1","operationName":"GET","references":[],"startTime":5000,"duration":100,"processID":"p1"},
        {"traceID":"b2","spanID":"2","operationName":"c","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":5001,"duration":5,"processID":"p2"},
        {"traceID":"b2","spanID":"3","operationName":"q","references":[{"refType":"CHILD_OF","spanID":"1"}],"startTime":5010,"duration":50,"processID":"p3"}]}
    ]}"#;
    let l = trace_viewer::model::load(json.as_bytes()).unwrap();
    let (a, b) = (&l.traces[0], &l.traces[1]);
    let db = |t: &trace_viewer::model::Trace| {
        t.services
            .iter()
            .find(|(s, _)| t.str(*s) == "db")
            .map(|(s, _)| *s)
            .unwrap()
    };
    assert_ne!(a.service_index(db(a)), b.service_index(db(b)));
    let all = ServiceColours::of_traces(&l.traces);
    let (ca, cb) = (all.for_trace(a), all.for_trace(b));
    assert_eq!(ca.slot(a, db(a)), cb.slot(b, db(b)));
    assert_eq!(ca.slot(a, db(a)), all.slot("db"));
    // Alone, or beside the other, a trace's services all differ.
    let alone = TraceColours::alone(b);
    let mut slots: Vec<usize> = (0..b.services.len()).map(|i| alone.slot_at(i)).collect();
    slots.sort_unstable();
    slots.dedup();
    assert_eq!(slots.len(), 3);
    // Opening the files in the other order changes nothing.
    let reversed = ServiceColours::of_traces(l.traces.iter().rev());
    assert_eq!(reversed, all);
}
