//! A panic in wasm stops the program: instead of leaving a dead page, say
//! what happened and offer "Reload". The kept files (see
//! [`crate::ui::load::keep`]) are not reopened on their own after it: the
//! next visit lists them and asks (see [`crate::ui::load::reopen`]), so a
//! file that crashes the tab cannot crash every later visit.
//!
//! The loading workers run the readers' module, whose own hook is
//! [`crate::worker::panic`].

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::view_model::files::quote;

/// Installs a panic hook that logs the panic and shows a message on the
/// page.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        show(&message);
    }));
}

/// Shows the banner when the page's wasm stops without a panic: a
/// `RuntimeError` (memory running out ends in `unreachable`) reaching the
/// window as an uncaught error or an unhandled rejection.
pub fn watch_traps() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|ev: web_sys::ErrorEvent| {
        trapped(&ev.error());
    });
    let on_rejection = Closure::<dyn FnMut(web_sys::PromiseRejectionEvent)>::new(
        |ev: web_sys::PromiseRejectionEvent| {
            trapped(&ev.reason());
        },
    );
    let _ = window.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback(
        "unhandledrejection",
        on_rejection.as_ref().unchecked_ref(),
    );
    // They listen as long as the page lives.
    on_error.forget();
    on_rejection.forget();
}

fn trapped(error: &JsValue) {
    let Some(e) = error.dyn_ref::<js_sys::WebAssembly::RuntimeError>() else {
        return;
    };
    let message = String::from(e.message());
    show(&format!(
        "the WebAssembly program stopped ({message}); most likely the page ran out of memory"
    ));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // A panic ends in a trap too: one banner is enough.
    if document
        .query_selector("[data-testid=fatal-error]")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    let Ok(el) = document.create_element("div") else {
        return;
    };
    let _ = el.set_attribute("role", "alert");
    let _ = el.set_attribute("data-testid", "fatal-error");
    el.set_class_name("fatal-error");
    crate::ui::load::reopen::mark_crashed();
    let kept = crate::ui::load::keep::reopen_count();
    let after = match kept {
        0 => String::from(
            "Reload the page to continue (keeping files is off, so it starts empty). Your files were not uploaded anywhere.",
        ),
        1 => String::from(
            "The file you opened is kept in this browser (never uploaded); after a reload the page asks before reopening it.",
        ),
        n => format!(
            "The {n} files you opened are kept in this browser (never uploaded); after a reload the page lists them and asks before reopening any."
        ),
    };
    // Text only: the message may contain file content.
    let parts = [
        (
            "p",
            "The viewer hit an internal error and stopped. ".to_string() + &after,
        ),
        ("p", format!("What happened: {}", quote(message))),
    ];
    for (tag, text) in parts {
        if let Ok(p) = document.create_element(tag) {
            p.set_text_content(Some(&text));
            let _ = el.append_child(&p);
        }
    }
    if let Ok(button) = document.create_element("button") {
        let _ = button.set_attribute("data-testid", "reload-reopen");
        button.set_class_name("button");
        button.set_text_content(Some("Reload"));
        // `location.reload` itself, bound: the click runs no wasm, which
        // may be in no state to run after this.
        let location = document.location();
        let reload = location.as_ref().and_then(|l| {
            js_sys::Reflect::get(l, &"reload".into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()
                .map(|f| f.bind0(l))
        });
        if let Some(reload) = reload {
            let _ = button.add_event_listener_with_callback("click", &reload);
        }
        let _ = el.append_child(&button);
    }
    if let Some(body) = document.body() {
        let _ = body.unchecked_ref::<web_sys::Node>().append_child(&el);
    }
}
