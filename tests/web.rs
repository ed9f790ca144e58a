//! The page's components in a real browser (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use trace_viewer::model::load;
use trace_viewer::ui::app_state::provide_app_state;
use trace_viewer::ui::trace_page::TracePage;
use trace_viewer::view_model::clock::Zone;
use trace_viewer::view_model::theme::Theme;

wasm_bindgen_test_configure!(run_in_browser);

const CHECKOUT: &[u8] = include_bytes!("fixtures/jaeger-checkout.json");
const STYLE: &str = include_str!("../style/main.css");

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh container of a known size, with the real stylesheet applied.
fn container(height_px: u32) -> web_sys::HtmlElement {
    let doc = document();
    if doc.get_element_by_id("test-style").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("test-style");
        style.set_text_content(Some(STYLE));
        doc.head().unwrap().append_child(&style).unwrap();
    }
    let div: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    div.set_attribute(
        "style",
        &format!("height:{height_px}px;width:1200px;display:flex;flex-direction:column"),
    )
    .unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn all(root: &web_sys::HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .collect()
}

fn attr(root: &web_sys::HtmlElement, selector: &str, name: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.get_attribute(name))
        .unwrap_or_default()
}

async fn settle() {
    leptos::task::tick().await;
    // Effects that measure the layout run after the next frame.
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
fn model_reads_the_same_in_wasm() {
    let loaded = load(CHECKOUT).unwrap();
    let t = &loaded.traces[0];
    assert_eq!(
        (t.spans.len(), t.services.len(), t.depth, t.error_count),
        (7, 3, 4, 1)
    );
    assert_eq!(t.duration_nanos(), 150_000_000);
}

#[wasm_bindgen_test]
async fn trace_page_header_rows_and_detail() {
    let trace = Arc::new(load(CHECKOUT).unwrap().traces.remove(0));
    let root = container(500);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        // The page's own state, as the page makes it.
        let state = provide_app_state(Theme::System, Zone::Utc);
        state.loader.traces.set(vec![Arc::clone(&trace)]);
        view! { <TracePage trace=Arc::clone(&trace) /> }
    });
    settle().await;

    assert_eq!(
        attr(&root, "[data-testid=trace-total-spans]", "data-count"),
        "7"
    );
    assert_eq!(attr(&root, "[data-testid=trace-depth]", "data-depth"), "4");
    assert_eq!(
        attr(&root, "[data-testid=trace-duration]", "data-duration-us"),
        "150000"
    );
    assert_eq!(
        attr(&root, "[data-testid=trace-services]", "data-count"),
        "3"
    );
    assert_eq!(attr(&root, "[data-testid=trace-errors]", "data-count"), "1");
    let rows = all(&root, "[data-testid=span-row]");
    let depths: Vec<String> = rows
        .iter()
        .map(|r| r.get_attribute("data-depth").unwrap())
        .collect();
    assert_eq!(depths, ["1", "2", "3", "2", "3", "4", "2"]);

    // Clicking a row opens its detail.
    rows[4].unchecked_ref::<web_sys::HtmlElement>().click();
    settle().await;
    let detail = root
        .query_selector("[data-testid=span-detail]")
        .unwrap()
        .expect("detail panel");
    let text = detail.text_content().unwrap_or_default();
    assert!(
        text.contains("GetCart") && text.contains("cart store timed out"),
        "{text}"
    );

    // Collapsing the root leaves one row.
    let toggle = root
        .query_selector("[data-testid=span-toggle]")
        .unwrap()
        .unwrap();
    toggle.unchecked_ref::<web_sys::HtmlElement>().click();
    settle().await;
    assert_eq!(all(&root, "[data-testid=span-row]").len(), 1);
    root.remove();
}

#[wasm_bindgen_test]
async fn only_visible_rows_are_in_the_dom() {
    // A root with 2000 children.
    let mut json = String::from(
        r#"{"traceID":"1","processes":{"p1":{"serviceName":"s"}},"spans":[{"traceID":"1","spanID":"1","operationName":"root","startTime":0,"duration":5000,"processID":"p1"}"#,
    );
    for i in 2..=2001 {
        json.push_str(&format!(
            r#",{{"traceID":"1","spanID":"{i:x}","operationName":"c{i}","references":[{{"refType":"CHILD_OF","spanID":"1"}}],"startTime":{i},"duration":2,"processID":"p1"}}"#
        ));
    }
    json.push_str("]}");
    let trace = Arc::new(load(json.as_bytes()).unwrap().traces.remove(0));
    let root = container(600);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        // The page's own state, as the page makes it.
        let state = provide_app_state(Theme::System, Zone::Utc);
        state.loader.traces.set(vec![Arc::clone(&trace)]);
        view! { <TracePage trace=Arc::clone(&trace) /> }
    });
    settle().await;
    let count = all(&root, "[data-testid=span-row]").len();
    assert!(
        count > 5 && count < 80,
        "{count} rows in the DOM for 2001 spans"
    );

    let viewport: web_sys::HtmlElement = root
        .query_selector(".rows-viewport")
        .unwrap()
        .unwrap()
        .unchecked_into();
    viewport.set_scroll_top(viewport.scroll_height());
    viewport
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    settle().await;
    let rows = all(&root, "[data-testid=span-row]");
    assert!(rows.len() < 80);
    let ids: Vec<String> = rows
        .iter()
        .map(|r| r.get_attribute("data-span-id").unwrap())
        .collect();
    assert!(
        ids.contains(&format!("{:016x}", 2001)),
        "last span rendered after scrolling: {ids:?}"
    );
    root.remove();
}
