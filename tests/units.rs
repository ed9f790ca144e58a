//! Unit-level checks of the id parser, the lenient serde helpers and the
//! warm-up samples.
#![cfg(not(target_arch = "wasm32"))]

use std::borrow::Cow;

use trace_viewer::model::formats::lenient::{IntOrName, LenientF64, LenientU64};
use trace_viewer::model::ids::{IdProblem, IdSpelling, SpanId, TraceId};
use trace_viewer::model::load;
use trace_viewer::worker::warmup::samples;

#[test]
fn hex_any_case_and_prefix() {
    let (a, s) = TraceId::parse("5B8EFFF798038103D269B633813FC60C").unwrap();
    assert_eq!(s, IdSpelling::Hex);
    assert_eq!(a.to_hex(), "5b8efff798038103d269b633813fc60c");
    let (b, _) = TraceId::parse("0x5b8efff798038103d269b633813fc60c").unwrap();
    assert_eq!(a, b);
}

#[test]
fn short_trace_id_left_padded() {
    let (a, s) = TraceId::parse("d269b633813fc60c").unwrap();
    assert_eq!(s, IdSpelling::ShortHex);
    assert_eq!(a.to_hex(), "0000000000000000d269b633813fc60c");
}

#[test]
fn base64_ids() {
    // 16 bytes 0x01..=0x10 in base64.
    let (a, s) = TraceId::parse("AQIDBAUGBwgJCgsMDQ4PEA==").unwrap();
    assert_eq!(s, IdSpelling::Base64);
    assert_eq!(a.to_hex(), "0102030405060708090a0b0c0d0e0f10");
    let (b, _) = SpanId::parse("AQIDBAUGBwg").unwrap();
    assert_eq!(b.to_hex(), "0102030405060708");
}

#[test]
fn empty_zero_and_garbage() {
    assert_eq!(SpanId::parse(""), Err(IdProblem::Empty));
    assert_eq!(SpanId::parse("0000000000000000"), Err(IdProblem::AllZero));
    assert_eq!(SpanId::parse("not an id!"), Err(IdProblem::Malformed));
}

#[test]
fn u64_in_every_spelling() {
    let v: Vec<LenientU64> = serde_json::from_str(
        r#"[1778835368110008800, "1778835368110008801", 12.6, {"low": 1, "high": 2}, null]"#,
    )
    .unwrap();
    let got: Vec<u64> = v.iter().map(|x| x.0).collect();
    assert_eq!(
        got,
        vec![
            1778835368110008800,
            1778835368110008801,
            13,
            (2 << 32) | 1,
            0
        ]
    );
}

#[test]
fn enums_as_int_or_name() {
    let v: Vec<IntOrName> = serde_json::from_str(r#"[2, "SPAN_KIND_SERVER", "3"]"#).unwrap();
    assert_eq!(v[0], IntOrName::Int(2));
    assert_eq!(v[1], IntOrName::Name(Cow::Borrowed("SPAN_KIND_SERVER")));
    assert_eq!(v[2], IntOrName::Int(3));
}

#[test]
fn floats_as_strings() {
    let v: Vec<LenientF64> = serde_json::from_str(r#"[1.5, "2.5", "NaN", 3]"#).unwrap();
    assert_eq!(v[0].0, 1.5);
    assert_eq!(v[1].0, 2.5);
    assert!(v[2].0.is_nan());
    assert_eq!(v[3].0, 3.0);
}

#[test]
fn samples_are_valid_traces() {
    let (jaeger, otlp) = samples(100);
    let j = load(jaeger.as_bytes()).unwrap();
    let o = load(otlp.as_bytes()).unwrap();
    assert_eq!(j.traces[0].spans.len(), 100);
    assert_eq!(o.traces[0].spans.len(), 100);
    assert!(j.warnings.is_empty() && o.warnings.is_empty());
}

#[test]
fn one_short_id_rule_for_64_and_128_bit_trace_ids() {
    // The list, the "Compare with…" picker and every other short form use
    // this: 7 digits of the id at its own width, never the zero padding.
    let short = |text: &str| TraceId::parse(text).unwrap().0.short();
    assert_eq!(short("463ac35c9f6413ad"), "463ac35");
    assert_eq!(short("00000000000000000463ac35c9f6413a"), "0463ac3");
    assert_eq!(short("4bf92f3577b34da6a3ce929d0e0e4736"), "4bf92f3");
    assert_eq!(short("0000000000000001ffffffffffffffff"), "0000000");
    assert_eq!(short("1"), "0000000");
}
