//! Export buttons: the chosen traces downloaded as OTLP, Jaeger or Zipkin
//! JSON, with a note of what the format could not hold.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::export::{export, Target};
use crate::model::Trace;
use crate::ui::shared::js::js_message;
use crate::view_model::export::{file_stem, note};

/// Which traces to write, asked at the moment a button is pressed.
pub type Pick = Arc<dyn Fn() -> Vec<Arc<Trace>> + Send + Sync>;

/// Three download buttons (`<prefix>export-otlp`, …) and the note of the
/// last download (`<prefix>export-note`).
pub fn export_buttons(pick: Pick, prefix: &'static str, label: Signal<String>) -> impl IntoView {
    let lines: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let buttons = Target::ALL
        .into_iter()
        .map(|target| {
            let pick = Arc::clone(&pick);
            view! {
                <button
                    class="small"
                    data-testid=format!("{prefix}export-{}", target.slug())
                    title=format!("Download as {}", target.label())
                    on:click=move |_| lines.set(save(target, &pick()))
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
    view! {
        <span class="export">
            <span class="muted">{move || label.get()}</span>
            {buttons}
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

/// Writes `traces` as `target` and downloads the file; the note's lines.
fn save(target: Target, traces: &[Arc<Trace>]) -> Vec<String> {
    if traces.is_empty() {
        return vec![String::from("No traces to export.")];
    }
    let ids: Vec<_> = traces.iter().map(|t| t.id).collect();
    let name = target.file_name(&file_stem(&ids));
    let refs: Vec<&Trace> = traces.iter().map(|t| &**t).collect();
    let out = export(target, &refs);
    match download(&name, out.text.as_bytes()) {
        Ok(()) => note(target, &name, traces.len(), &out.losses),
        Err(e) => vec![format!("Could not save {name}: {e}")],
    }
}

/// Offers `bytes` to the user as a file called `name`.
fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| js_message(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_message(&e))?;
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
