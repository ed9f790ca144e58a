//! What a loading worker's message says, read where it arrived (a window at
//! a time: never copied whole into the page's memory).

use wasm_bindgen::{JsCast, JsValue};

use crate::model::wire::{Progress, Reply};
use crate::model::Loaded;
use crate::ui::shared::js::JsBytes;
use crate::view_model::files::panicked_while_reading;

/// A worker's message.
pub enum Said {
    /// How far it has got.
    Progress(Progress),
    /// The file's outcome: read, or why not (a panic included).
    Outcome(Result<Loaded, String>),
    /// It could not start (its glue or module failed to load).
    NotStarted(String),
}

/// Reads one message of a loading worker.
pub fn read(data: &JsValue) -> Said {
    let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() else {
        let field = |name: &str| {
            js_sys::Reflect::get(data, &name.into())
                .ok()
                .and_then(|f| f.as_string())
        };
        return match field("panic") {
            Some(panic) => Said::Outcome(Err(panicked_while_reading(&panic))),
            None => Said::NotStarted(
                field("fatal").unwrap_or_else(|| String::from("an unexpected message")),
            ),
        };
    };
    if bytes.length() > 1 << 20 {
        // Grow wasm memory once, up front, for the model read from the
        // message, rather than step by step while reading.
        let mut reserve: Vec<u8> = Vec::new();
        let _ = reserve.try_reserve(bytes.length() as usize * 2);
    }
    match Reply::decode_from(&JsBytes(bytes)) {
        Ok(Reply::Progress { progress, .. }) => Said::Progress(progress),
        Ok(Reply::Loaded { loaded, .. }) => Said::Outcome(Ok(loaded)),
        Ok(Reply::Failed { message, .. }) => Said::Outcome(Err(message)),
        Ok(Reply::Part { .. }) => Said::Outcome(Err(String::from(
            "the worker sent a part of a file, not the file",
        ))),
        Err(e) => Said::Outcome(Err(e.to_string())),
    }
}
