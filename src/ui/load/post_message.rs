//! Opening traces another page holds, by `postMessage` (README: "Opening
//! traces from another page"). Once it listens, the viewer posts
//! `{type: 'trace-viewer:ready', version: 1}` to the page that opened it
//! (and to its parent when framed); that page answers
//! `{type: 'trace-viewer:open', version: 1, files: [{name, data}], select?,
//! keep?}`. The files are loaded exactly as dropped ones (workers, budget,
//! compression, messages naming the file, kept when keeping is on), the
//! selected trace or span opens, and the sender is answered
//! `{type: 'trace-viewer:opened', version: 1, traces, errors}`.
//!
//! Any origin may send: the user chose the page that opened the viewer, and
//! the data is only parsed. Messages of any other `type` are ignored, and
//! nothing of a message's data is logged.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::ui::app_state::{hash_page_state, Loader};
use crate::ui::load::loader::load_sources_then;
use crate::ui::load::source::Source;
use crate::ui::shared::js::js_message;
use crate::view_model::files::{set_problem, FileProblem};
use crate::view_model::post_message::{
    message_name, problems_of, read_open, target, trace_count, DataKind, Found, FoundFile,
    FoundOpen, Target, OPEN, OPENED, READY, VERSION,
};
use crate::view_model::route::Route;

/// Listens for open messages for the page's life, then tells the opener
/// (and the parent, when framed) that the viewer is ready.
pub fn start(loader: Loader) {
    let listener = window_event_listener(leptos::ev::message, move |ev| on_message(loader, &ev));
    on_cleanup(move || listener.remove());
    announce_ready();
}

/// Posts the ready message to the opener and to the parent frame. It
/// carries nothing but its type, so any origin may receive it.
fn announce_ready() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let ready = object(&[("type", READY.into()), ("version", VERSION.into())]);
    if let Ok(opener) = window.opener() {
        if opener.is_object() {
            post(&opener, &ready, "*");
        }
    }
    if let Ok(Some(parent)) = window.parent() {
        let parent: JsValue = parent.into();
        if parent != JsValue::from(window) {
            post(&parent, &ready, "*");
        }
    }
}

fn on_message(loader: Loader, ev: &web_sys::MessageEvent) {
    let data = ev.data();
    if get(&data, "type").as_string().as_deref() != Some(OPEN) {
        return; // not ours: other scripts use messages too
    }
    let origin = ev.origin();
    let reply_to: JsValue = ev.source().map_or(JsValue::UNDEFINED, JsValue::from);
    let open = match read_open(&found_open(&data)) {
        Ok(open) => open,
        Err(problem) => {
            let name = message_name(&origin);
            show(loader, &name, &problem);
            let problems = [FileProblem {
                file: name,
                message: problem,
            }];
            reply(&reply_to, &origin, 0, &problems);
            return;
        }
    };
    let name_of_message = message_name(&origin);
    if !open.problems.is_empty() {
        show(loader, &name_of_message, &open.problems.join("; "));
    }
    let entries = entries(&data);
    let mut sources = Vec::new();
    for ((name, verdict), entry) in open.files.iter().zip(&entries) {
        let blob = verdict.clone().and_then(|()| blob_of(&get(entry, "data")));
        match blob {
            Ok(blob) => sources.push(Source {
                name: name.clone(),
                blob,
                keep: open.keep,
            }),
            Err(problem) => show(loader, name, &problem),
        }
    }
    let names: Vec<String> = open.files.iter().map(|(n, _)| n.clone()).collect();
    let select = open.select;
    let mut problems_of_message = open.problems;
    let then = move |ids: Vec<crate::model::TraceId>| {
        let (to, problem) = loader.traces.with_untracked(|ts| target(&select, &ids, ts));
        if let Some(problem) = problem {
            problems_of_message.push(problem);
            show(loader, &name_of_message, &problems_of_message.join("; "));
        }
        if let Some(to) = to {
            open_target(loader, to);
        }
        let mut problems = loader
            .messages
            .errors
            .with_untracked(|es| problems_of(&names, es));
        if !problems_of_message.is_empty() {
            problems.push(FileProblem {
                file: name_of_message,
                message: problems_of_message.join("; "),
            });
        }
        reply(&reply_to, &origin, trace_count(&ids), &problems);
    };
    load_sources_then(loader, sources, Box::new(then));
}

/// Opens the selected trace and span, and shows it in the address bar. The
/// route is set at once, as [`Navigation::navigate`] does: a page that would
/// show meanwhile (the list) could rewrite the address before the
/// `hashchange` arrives.
///
/// [`Navigation::navigate`]: crate::ui::app_state::Navigation::navigate
fn open_target(loader: Loader, to: Target) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&to.hash());
    }
    let route = Route::Trace(to.trace);
    if loader.nav.route.get_untracked() == route {
        loader.nav.page.set(hash_page_state());
    } else {
        loader.nav.route.set(route);
    }
}

/// Shows `message` about `file` where every file's problem is shown.
fn show(loader: Loader, file: &str, message: &str) {
    loader
        .messages
        .errors
        .update(|es| set_problem(es, file, message.to_string()));
}

/// Answers the sender, and only the page of the origin that sent (an
/// opaque origin, `null`, can only be answered with `*`).
fn reply(to: &JsValue, origin: &str, traces: usize, problems: &[FileProblem]) {
    let errors: js_sys::Array = problems
        .iter()
        .map(|p| {
            object(&[
                ("file", p.file.as_str().into()),
                ("message", p.message.as_str().into()),
            ])
        })
        .collect();
    let answer = object(&[
        ("type", OPENED.into()),
        ("version", VERSION.into()),
        ("traces", (traces as u32).into()),
        ("errors", errors.into()),
    ]);
    let target_origin = if origin.is_empty() || origin == "null" {
        "*"
    } else {
        origin
    };
    post(to, &answer, target_origin);
}

/// `window.postMessage` on a window of any origin (a cross-origin window is
/// not an `instanceof Window` here, so it is not checked as one).
fn post(to: &JsValue, message: &JsValue, target_origin: &str) {
    if !to.is_object() {
        return;
    }
    if let Err(e) = to
        .unchecked_ref::<web_sys::Window>()
        .post_message(message, target_origin)
    {
        web_sys::console::warn_1(
            &format!("trace viewer: could not answer: {}", js_message(&e)).into(),
        );
    }
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(key), value);
    }
    o.into()
}

/// `value[key]`, or `undefined` when `value` is not an object.
fn get(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The file entries of a message: its `files` array, else the message itself
/// (the one-file form), in the order [`read_open`] reads them.
fn entries(data: &JsValue) -> Vec<JsValue> {
    let files = get(data, "files");
    if js_sys::Array::is_array(&files) {
        js_sys::Array::from(&files).iter().collect()
    } else {
        vec![data.clone()]
    }
}

/// The message's fields, each reduced to what it is.
fn found_open(data: &JsValue) -> FoundOpen {
    let files = get(data, "files");
    let select = get(data, "select");
    FoundOpen {
        version: found(&get(data, "version"), JsValue::as_f64),
        files: found(&files, |f| {
            js_sys::Array::is_array(f).then(|| {
                js_sys::Array::from(f)
                    .iter()
                    .map(|e| found(&e, |e| e.is_object().then(|| found_file(e))))
                    .collect()
            })
        }),
        single: found_file(data),
        select: (
            found(&get(&select, "traceId"), JsValue::as_string),
            found(&get(&select, "spanId"), JsValue::as_string),
        ),
        keep: found(&get(data, "keep"), JsValue::as_bool),
    }
}

fn found_file(entry: &JsValue) -> FoundFile {
    FoundFile {
        name: found(&get(entry, "name"), JsValue::as_string),
        data: found(&get(entry, "data"), data_kind),
    }
}

/// `Absent` for `undefined`, else what `read` makes of `value`, else what it is.
fn found<T>(value: &JsValue, read: impl Fn(&JsValue) -> Option<T>) -> Found<T> {
    if value.is_undefined() {
        return Found::Absent;
    }
    match read(value) {
        Some(v) => Found::Is(v),
        None => Found::Wrong(what(value)),
    }
}

fn data_kind(value: &JsValue) -> Option<DataKind> {
    if value.is_string() {
        Some(DataKind::Text)
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() || js_sys::ArrayBuffer::is_view(value) {
        Some(DataKind::Bytes)
    } else if value.is_instance_of::<web_sys::Blob>() {
        Some(DataKind::Blob)
    } else {
        None
    }
}

/// What a value is, in words ("a number", "null", "an array"…).
fn what(value: &JsValue) -> String {
    let words = if value.is_null() {
        "null"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_object() {
        "an object"
    } else if value.is_string() {
        "a string"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else {
        "neither text nor bytes"
    };
    words.to_string()
}

/// The file's bytes as a `Blob`, as a dropped file's are.
fn blob_of(data: &JsValue) -> Result<web_sys::Blob, String> {
    if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
        return Ok(blob.clone());
    }
    let parts = js_sys::Array::of1(data);
    let blob = if data.is_string() {
        web_sys::Blob::new_with_str_sequence(&parts)
    } else {
        web_sys::Blob::new_with_buffer_source_sequence(&parts)
    };
    blob.map_err(|e| format!("its data could not be read: {}", js_message(&e)))
}
