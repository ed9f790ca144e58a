//! Export buttons: the chosen traces downloaded as OTLP, Jaeger or Zipkin
//! JSON, with a note of what the format could not hold. The text is written
//! in parts ([`Writer`]) straight into a `Blob`, the page painting between
//! parts, with a progress bar and *Cancel* while it runs.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::model::export::{Target, Writer};
use crate::model::Trace;
use crate::ui::shared::js::js_message;
use crate::view_model::export::{cancelled_note, file_stem, note, Progress};

/// Which traces to write, asked at the moment a button is pressed.
pub type Pick = Arc<dyn Fn() -> Vec<Arc<Trace>> + Send + Sync>;

/// Three download buttons (`<prefix>export-otlp`, …), while one runs its
/// progress (`<prefix>export-progress`) and `<prefix>export-cancel`, and the
/// note of the last download (`<prefix>export-note`).
pub fn export_buttons(pick: Pick, prefix: &'static str, label: Signal<String>) -> impl IntoView {
    let lines: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let running: RwSignal<Option<Progress>> = RwSignal::new(None);
    let cancelled = RwSignal::new(false);
    let buttons = Target::ALL
        .into_iter()
        .map(|target| {
            let pick = Arc::clone(&pick);
            view! {
                <button
                    class="small"
                    data-testid=format!("{prefix}export-{}", target.slug())
                    title=format!("Download as {}", target.label())
                    prop:disabled=move || running.with(Option::is_some)
                    on:click=move |_| {
                        if running.with_untracked(Option::is_some) {
                            return;
                        }
                        let traces = pick();
                        leptos::task::spawn_local(save(target, traces, lines, running, cancelled));
                    }
                >
                    {match target {
                        Target::Otlp => "OTLP",
                        Target::Jaeger => "Jaeger",
                        Target::Zipkin => "Zipkin",
                    }}
                </button>
            }
        })
        .collect_view();
    let progress = move || {
        let p = running.get()?;
        Some(view! {
            <span class="export-progress" role="status" data-testid=format!("{prefix}export-progress")>
                <progress max="1" value=p.fraction()></progress>
                <span>{p.text()}</span>
                <button
                    class="small"
                    data-testid=format!("{prefix}export-cancel")
                    title="Stop writing; nothing is saved"
                    on:click=move |_| cancelled.set(true)
                >
                    "Cancel"
                </button>
            </span>
        })
    };
    view! {
        <span class="export">
            <span class="muted">{move || label.get()}</span>
            {buttons}
            {progress}
        </span>
        {move || {
            let l = lines.get();
            let (first, rest) = l.split_first()?;
            let first = first.clone();
            let items = rest.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view();
            Some(view! {
                    <div class="export-note" role="status" data-testid=format!("{prefix}export-note")>
                        <div>
                            <p>{first}</p>
                            {(!rest.is_empty()).then(|| view! { <ul>{items}</ul> })}
                        </div>
                        <button class="close" title="Close" on:click=move |_| lines.set(Vec::new())>"×"</button>
                    </div>
            })
        }}
    }
}

/// Parts gathered into `Blob`s of [`PARTS_PER_BLOB`] parts as they come,
/// so that the parts' copies can go as soon as the browser holds them.
struct BlobParts {
    blobs: js_sys::Array,
    parts: js_sys::Array,
}

/// 16 parts of 4 MiB: 64 MiB of text before it becomes a `Blob`.
const PARTS_PER_BLOB: u32 = 16;

impl BlobParts {
    fn new() -> BlobParts {
        BlobParts {
            blobs: js_sys::Array::new(),
            parts: js_sys::Array::new(),
        }
    }

    /// Copies `part` out of the module's memory.
    fn push(&mut self, part: &str) -> Result<(), String> {
        self.parts.push(&js_sys::Uint8Array::from(part.as_bytes()));
        if self.parts.length() >= PARTS_PER_BLOB {
            self.seal()?;
        }
        Ok(())
    }

    fn seal(&mut self) -> Result<(), String> {
        if self.parts.length() > 0 {
            let blob = web_sys::Blob::new_with_u8_array_sequence(&self.parts)
                .map_err(|e| js_message(&e))?;
            self.blobs.push(&blob);
            self.parts = js_sys::Array::new();
        }
        Ok(())
    }

    /// The whole file.
    fn finish(mut self) -> Result<web_sys::Blob, String> {
        self.seal()?;
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        web_sys::Blob::new_with_blob_sequence_and_options(&self.blobs, &options)
            .map_err(|e| js_message(&e))
    }
}

/// Lets the browser run what waits (paint a frame, take a click) before
/// the next part is written.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Writes `traces` as `target` part by part into a `Blob`, showing how far
/// it is in `running`, stopping when `cancelled`; then downloads the file
/// and sets the note's lines.
async fn save(
    target: Target,
    traces: Vec<Arc<Trace>>,
    lines: RwSignal<Vec<String>>,
    running: RwSignal<Option<Progress>>,
    cancelled: RwSignal<bool>,
) {
    if traces.is_empty() {
        lines.set(vec![String::from("No traces to export.")]);
        return;
    }
    let ids: Vec<_> = traces.iter().map(|t| t.id).collect();
    let name = target.file_name(&file_stem(&ids));
    let refs: Vec<&Trace> = traces.iter().map(|t| &**t).collect();
    let mut writer = Writer::new(target, &refs);
    let progress = |writer: &Writer| Progress {
        target,
        written: writer.spans_written(),
        total: writer.spans_total(),
    };
    cancelled.set(false);
    lines.set(Vec::new());
    running.set(Some(progress(&writer)));
    let mut blob = BlobParts::new();
    let mut failed = None;
    while let Some(part) = writer.next_part() {
        if let Err(e) = blob.push(&part) {
            failed = Some(e);
            break;
        }
        drop(part);
        running.set(Some(progress(&writer)));
        next_task().await;
        // Cancelled, or the buttons are gone (their page was closed).
        if cancelled.try_get_untracked().unwrap_or(true) {
            running.set(None);
            lines.set(cancelled_note(target));
            return;
        }
    }
    let saved = match failed {
        Some(e) => Err(e),
        None => blob.finish().and_then(|b| download(&name, &b)),
    };
    running.set(None);
    lines.set(match saved {
        Ok(()) => note(target, &name, traces.len(), writer.losses()),
        Err(e) => vec![format!("Could not save {name}: {e}")],
    });
}

/// Offers `blob` to the user as a file called `name`.
fn download(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|e| js_message(&e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a = document
        .create_element("a")
        .map_err(|e| js_message(&e))?
        .dyn_into::<web_sys::HtmlElement>()
        .map_err(|_| "no link element")?;
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", name);
    a.click();
    // The download has its own copy once it starts; free ours a minute later.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// Copies `trace`'s span `ix` to the clipboard as an OTLP JSON document.
pub fn copy_span_json(trace: &Trace, ix: crate::model::SpanIx) -> bool {
    let text = crate::model::export::span_json(trace, ix);
    match web_sys::window() {
        Some(w) if !text.is_empty() => {
            let _ = w.navigator().clipboard().write_text(&text);
            true
        }
        _ => false,
    }
}
