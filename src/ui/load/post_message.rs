//! Opening traces another page holds, by `postMessage` (docs/embedding.md).
//! Once it listens, the viewer posts
//! `{type: 'trace-viewer:ready', version: 1}` to the page that opened it
//! (and to its parent when framed); that page answers
//! `{type: 'trace-viewer:open', version: 1, files: [{name, data}], select?,
//! keep?}`. Perfetto UI's handshake works too: `'PING'` is answered
//! `'PONG'`, and `{perfetto: {buffer, title, fileName}}` opens one file.
//!
//! Only the opener and the framing parent are heard: a message from any
//! other window (a sibling frame, a page holding a reference) is dropped
//! without a word. The first message from an origin other than the page's
//! own waits for the user's answer (the prompt names the origin, the files
//! and their sizes; see [`crate::view_model::consent`]); nothing of it is
//! read before. Allowed files load as dropped ones do (workers, budget,
//! compression, messages naming the file), but are kept for the next visit
//! only when the user ticks "Keep them"; the selected trace or span opens
//! when the message's own files hold it, and the sender is answered
//! `{type: 'trace-viewer:opened', version: 1, traces, errors}` about its own
//! files only. Nothing of a message's data is logged.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::ui::app_state::{hash_page_state, Loader};
use crate::ui::load::consent::{Consent, PostAnswer, PostPrompt};
use crate::ui::load::loader::{admit_bytes, load_sources_then};
use crate::ui::load::source::Source;
use crate::ui::shared::js::js_message;
use crate::view_model::consent::{post_prompt, Trust, MAX_WAITING};
use crate::view_model::files::{set_problem, FileProblem};
use crate::view_model::post_message::{
    message_name, problems_of, read_open, read_perfetto, target, trace_count, DataKind, Found,
    FoundFile, FoundOpen, FoundPerfetto, Open, Target, MAX_FILES, OPEN, OPENED, PERFETTO_PING,
    PERFETTO_PONG, READY, VERSION,
};
use crate::view_model::route::Route;

/// A message waiting for the user's answer about its origin.
struct Waiting {
    origin: String,
    message: Message,
    /// Its files' names and sizes, for the prompt.
    files: Vec<(String, u64)>,
}

/// A message from a trusted window, read as far as deciding needs.
struct Message {
    data: JsValue,
    source: JsValue,
    origin: String,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `{type: 'trace-viewer:open', …}`: answered.
    Ours,
    /// `{perfetto: {…}}`: not answered, as Perfetto UI does not.
    Perfetto,
}

thread_local! {
    static WAITING: RefCell<Vec<Waiting>> = const { RefCell::new(Vec::new()) };
}

/// Listens for open messages for the page's life, then tells the opener
/// (and the parent, when framed) that the viewer is ready.
pub fn start(loader: Loader, consent: Consent) {
    let listener = window_event_listener(leptos::ev::message, move |ev| {
        on_message(loader, consent, &ev)
    });
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

/// True when `source` is the window that opened this one, or the one that
/// frames it: no other window's messages are heard.
fn from_opener_or_parent(source: &JsValue) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    if !source.is_object() {
        return false;
    }
    let opener = window.opener().unwrap_or(JsValue::NULL);
    if opener.is_object() && js_sys::Object::is(source, &opener) {
        return true;
    }
    let me: JsValue = window.clone().into();
    match window.parent() {
        Ok(Some(parent)) => {
            let parent: JsValue = parent.into();
            !js_sys::Object::is(&parent, &me) && js_sys::Object::is(source, &parent)
        }
        _ => false,
    }
}

fn on_message(loader: Loader, consent: Consent, ev: &web_sys::MessageEvent) {
    let source: JsValue = ev.source().map_or(JsValue::UNDEFINED, JsValue::from);
    if !from_opener_or_parent(&source) {
        return; // a sibling frame, or any other page holding a reference
    }
    let data = ev.data();
    let origin = ev.origin();
    if data.as_string().as_deref() == Some(PERFETTO_PING) {
        post(
            &source,
            &JsValue::from_str(PERFETTO_PONG),
            &reply_origin(&origin),
        );
        return;
    }
    let kind = if get(&data, "type").as_string().as_deref() == Some(OPEN) {
        Kind::Ours
    } else if get(&data, "perfetto").is_object() {
        Kind::Perfetto
    } else {
        return; // not ours: other scripts use messages too
    };
    let message = Message {
        data,
        source,
        origin,
        kind,
    };
    let page_origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    match consent
        .origins
        .with_untracked(|o| o.decide(&page_origin, &message.origin))
    {
        Trust::Load => open_message(loader, message, false),
        Trust::Ignore => {}
        Trust::Ask => wait_for_answer(consent, message),
    }
}

/// Holds `message` until the user answers about its origin, and shows (or
/// updates) that origin's prompt. A message the viewer cannot read is not
/// asked about (nothing of it would open), only noted in the console.
fn wait_for_answer(consent: Consent, message: Message) {
    let files = match read(&message) {
        Ok((open, entries)) => open
            .files
            .iter()
            .zip(&entries)
            .map(|((name, _), entry)| (name.clone(), data_size(&get(entry, "data"))))
            .collect(),
        Err(problem) => {
            web_sys::console::warn_1(
                &format!(
                    "trace viewer: a message from {} was not read: {problem}",
                    message.origin
                )
                .into(),
            );
            return;
        }
    };
    let origin = message.origin.clone();
    let all_files = WAITING.with(|w| {
        let mut waiting = w.borrow_mut();
        let held = waiting.iter().filter(|m| m.origin == origin).count();
        if held >= MAX_WAITING {
            return None; // a prompt is up; more of the same is not news
        }
        waiting.push(Waiting {
            origin: origin.clone(),
            message,
            files,
        });
        Some(
            waiting
                .iter()
                .filter(|m| m.origin == origin)
                .flat_map(|m| m.files.iter().cloned())
                .collect::<Vec<_>>(),
        )
    });
    let Some(all_files) = all_files else {
        return;
    };
    let prompt = PostPrompt {
        text: post_prompt(&origin, &all_files),
        origin: origin.clone(),
    };
    consent
        .posts
        .update(|ps| match ps.iter_mut().find(|p| p.origin == origin) {
            Some(p) => *p = prompt,
            None => ps.push(prompt),
        });
}

/// The user answered the prompt about `origin`: its waiting messages open
/// (kept when the user ticked so) or are dropped.
pub fn answer(loader: Loader, consent: Consent, origin: &str, answer: PostAnswer) {
    consent.posts.update(|ps| ps.retain(|p| p.origin != origin));
    let waiting: Vec<Waiting> = WAITING.with(|w| {
        let mut all = w.borrow_mut();
        let (theirs, others): (Vec<Waiting>, Vec<Waiting>) =
            all.drain(..).partition(|m| m.origin == origin);
        *all = others;
        theirs
    });
    let keep = match answer {
        PostAnswer::Once { keep } => {
            consent.update_origins(|o| o.allow_once(origin));
            keep
        }
        PostAnswer::Always { keep } => {
            consent.update_origins(|o| o.allow_always(origin));
            keep
        }
        PostAnswer::Deny => {
            consent.update_origins(|o| o.deny(origin));
            return;
        }
    };
    for w in waiting {
        open_message(loader, w.message, keep);
    }
}

/// Reads a message: what it opens, and the entries holding each file's `data`.
fn read(message: &Message) -> Result<(Open, Vec<JsValue>), String> {
    match message.kind {
        Kind::Perfetto => {
            let perfetto = get(&message.data, "perfetto");
            let found = FoundPerfetto {
                buffer: found(&get(&perfetto, "buffer"), data_kind),
                title: found(&get(&perfetto, "title"), JsValue::as_string),
                file_name: found(&get(&perfetto, "fileName"), JsValue::as_string),
            };
            let entry = object(&[("data", get(&perfetto, "buffer"))]);
            read_perfetto(&found).map(|open| (open, vec![entry]))
        }
        Kind::Ours => {
            let files = get(&message.data, "files");
            if js_sys::Array::is_array(&files) {
                let n = js_sys::Array::from(&files).length() as usize;
                if n > MAX_FILES {
                    return Err(format!(
                        "it holds {n} files; a message may open at most {MAX_FILES}"
                    ));
                }
            }
            read_open(&found_open(&message.data)).map(|open| (open, entries(&message.data)))
        }
    }
}

/// Opens an allowed message's files; posted files are kept only when the
/// user said so (`keep`) and the message does not say `keep: false`.
fn open_message(loader: Loader, message: Message, keep: bool) {
    let Message {
        source: reply_to,
        origin,
        kind,
        ..
    } = &message;
    let (reply_to, origin, answers) = (reply_to.clone(), origin.clone(), *kind == Kind::Ours);
    let name_of_message = message_name(&origin);
    let (open, entries) = match read(&message) {
        Ok(read) => read,
        Err(problem) => {
            show(loader, &name_of_message, &problem);
            if answers {
                let problems = [FileProblem {
                    file: name_of_message,
                    message: problem,
                }];
                reply(&reply_to, &origin, 0, &problems);
            }
            return;
        }
    };
    if !open.problems.is_empty() {
        show(loader, &name_of_message, &open.problems.join("; "));
    }
    // The budget, from the sizes alone: nothing over it is read.
    let datas: Vec<JsValue> = entries.iter().map(|e| get(e, "data")).collect();
    let sizes: Vec<(&str, u64)> = open
        .files
        .iter()
        .zip(&datas)
        .map(|((name, _), data)| (name.as_str(), data_size(data)))
        .collect();
    let fits = admit_bytes(loader, &sizes);
    let mut sources = Vec::new();
    // Held while the blobs are made, given back just before the loader
    // admits the files again at their sizes.
    let mut held = Vec::new();
    for (((name, verdict), data), fits) in open.files.iter().zip(&datas).zip(fits) {
        let blob = verdict.clone().and(fits).and_then(|reservation| {
            held.push(reservation);
            blob_of(data)
        });
        match blob {
            Ok(blob) => sources.push(Source {
                name: name.clone(),
                blob,
                keep: keep && open.keep,
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
        match to {
            Some(to) => open_target(loader, to),
            // Perfetto's messages select nothing: open what they held.
            None if !answers && trace_count(&ids) == 1 => {
                if let Some(id) = ids.first() {
                    open_target(
                        loader,
                        Target {
                            trace: id.to_hex(),
                            span: None,
                        },
                    );
                }
            }
            None => {}
        }
        if !answers {
            return;
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
    drop(held);
    load_sources_then(loader, sources, Box::new(then));
}

/// The size of a file's `data` in bytes (a string's in UTF-16 code units,
/// its size within a factor of three), read without copying it.
fn data_size(data: &JsValue) -> u64 {
    if data.is_string() {
        u64::from(data.unchecked_ref::<js_sys::JsString>().length())
    } else if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
        blob.size() as u64
    } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        u64::from(buffer.byte_length())
    } else {
        get(data, "byteLength").as_f64().map_or(0, |n| n as u64)
    }
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
    post(to, &answer, &reply_origin(origin));
}

/// The target origin of an answer: the sender's own (an opaque origin,
/// `null`, can only be answered with `*`; only the opener or the parent is
/// ever answered).
fn reply_origin(origin: &str) -> String {
    if origin.is_empty() || origin == "null" {
        String::from("*")
    } else {
        origin.to_string()
    }
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
