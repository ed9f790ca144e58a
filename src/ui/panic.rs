//! A panic in wasm stops the program: instead of leaving a dead page, say so.

use wasm_bindgen::JsCast;

/// Installs a panic hook that logs the panic and shows a message on the page.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        show(&message);
    }));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(el) = document.create_element("div") else {
        return;
    };
    let _ = el.set_attribute("role", "alert");
    let _ = el.set_attribute("data-testid", "fatal-error");
    el.set_class_name("fatal-error");
    // Text only: the message may contain file content.
    el.set_text_content(Some(&format!(
        "The viewer hit an internal error and stopped. Reload the page to continue; your files were not uploaded anywhere. Details: {message}"
    )));
    if let Some(body) = document.body() {
        let _ = body.unchecked_ref::<web_sys::Node>().append_child(&el);
    }
}
