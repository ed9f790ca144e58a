//! Getting files in: drag and drop anywhere, the file picker, paste, and the
//! messages about what could not be read or was worked around, with the
//! progress of files still loading.

use crate::model::wire::Stage;
use leptos::prelude::*;

use crate::ui::load::log_files::LogFilesNote;

use crate::model::trace_context::TraceContext;
use crate::ui::app_state::{current_hash, FileMessages, Loader, Navigation, Traces};
use crate::ui::load::backend::source_in;
use crate::ui::load::backend_panel::BackendPanel;
use crate::ui::load::loader::{load_files, load_text};
use crate::ui::load::workers;
use crate::ui::shared::trace_context::{context_note, follow};
use crate::view_model::examples::EXAMPLES;
use crate::view_model::progress::describe;

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Wraps the page so that files dropped anywhere are loaded.
#[component]
pub fn DropTarget(children: Children) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let dragging = RwSignal::new(false);
    view! {
        <div
            class="app"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |ev: web_sys::DragEvent| {
                // Only when the pointer leaves the window, not when it crosses children.
                if ev.related_target().is_none() {
                    dragging.set(false);
                }
            }
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                let files = files_of(ev.data_transfer().and_then(|dt| dt.files()));
                load_files(loader, files);
            }
        >
            {children()}
            <div class="drop-overlay">"Drop trace files to open them"</div>
        </div>
    }
}

/// The visible drop zone with the file picker.
#[component]
pub fn DropZone() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let paste_open = RwSignal::new(false);
    let backend_open = RwSignal::new(false);
    view! {
        <div class="drop-zone" data-testid="drop-zone">
            <label class="button">
                "Open files…"
                <input
                    type="file"
                    multiple
                    data-testid="file-input"
                    on:change=move |ev| {
                        let input = event_target::<web_sys::HtmlInputElement>(&ev);
                        let files = files_of(input.files());
                        load_files(loader, files);
                        // Let the same file be picked again after a fix.
                        input.set_value("");
                    }
                />
            </label>
            <button
                class="button"
                data-testid="paste-toggle"
                on:click=move |_| {
                    backend_open.set(false);
                    paste_open.update(|o| *o = !*o);
                }
            >
                "Paste…"
            </button>
            <button
                class="button"
                data-testid="backend-toggle"
                title="Open a trace from a Jaeger or Tempo server"
                on:click=move |_| {
                    paste_open.set(false);
                    backend_open.update(|o| *o = !*o);
                }
            >
                "Backend…"
            </button>
            <span class="hint">"or drop trace files anywhere"</span>
            {move || paste_open.get().then(|| view! { <PastePanel close=move || paste_open.set(false) /> })}
            {move || backend_open.get().then(|| view! { <BackendPanel close=move || backend_open.set(false) /> })}
            {move || (loader.loading.files.get() > 0).then(|| view! { <span class="loading">"Reading…"</span> })}
        </div>
    }
}

/// A text box to paste trace JSON (or console output) into.
#[component]
fn PastePanel(close: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let text: NodeRef<leptos::html::Textarea> = NodeRef::new();
    let close_after = close.clone();
    let (traces, nav) = (expect_context::<Traces>(), expect_context::<Navigation>());
    let context: RwSignal<Option<String>> = RwSignal::new(None);
    let load = move |_| {
        if let Some(area) = text.get_untracked() {
            let value = area.value();
            // A traceparent header or trace id opens that trace, if loaded.
            if let Some(ctx) = TraceContext::parse(&value) {
                context.set(follow(&ctx, traces, nav));
                if context.with_untracked(Option::is_none) {
                    close_after();
                }
            } else if !value.trim().is_empty() {
                load_text(loader, "pasted text", &value);
                close_after();
            }
        }
    };
    view! {
        <div class="paste-panel" data-testid="paste-panel">
            <textarea
                node_ref=text
                data-testid="paste-input"
                rows="10"
                placeholder="Paste a trace (Jaeger, OTLP, Zipkin JSON, SDK console output), or a traceparent header or trace id to open"
            ></textarea>
            {context_note(context)}
            <div class="paste-actions">
                <button class="button primary" data-testid="paste-load" on:click=load>
                    "Load"
                </button>
                <button class="button" on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}

/// Errors and warnings per file.
#[component]
pub fn Messages() -> impl IntoView {
    let messages = expect_context::<FileMessages>();
    view! {
        <div class="messages">
            <For
                each=move || messages.errors.get()
                key=|p| (p.file.clone(), p.message.clone())
                children=move |p| {
                    let file = p.file.clone();
                    view! {
                        <div class="load-error" role="alert" data-testid="load-error" data-file=p.file.clone()>
                            <span class="msg">
                                <strong>{p.file.clone()}</strong>
                                {format!(": {}", p.message)}
                            </span>
                            <button
                                class="dismiss"
                                title="Dismiss"
                                on:click=move |_| messages.errors.update(|es| es.retain(|e| e.file != file))
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
            <For
                each=move || messages.notes.get()
                key=|p| (p.file.clone(), p.message.clone())
                children=move |p| {
                    let file = p.file.clone();
                    let message = p.message.clone();
                    view! {
                        <div class="load-note" role="status" data-testid="load-note" data-file=p.file.clone()>
                            <span class="msg">
                                <strong>{p.file.clone()}</strong>
                                {format!(" {}", p.message)}
                            </span>
                            <button
                                class="dismiss"
                                title="Dismiss"
                                on:click=move |_| messages.notes.update(|ns| ns.retain(|n| n.file != file || n.message != message))
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
            <LogFilesNote />
            <For
                each=move || messages.warnings.get()
                key=|w| (w.file.clone(), w.warnings.len())
                children=move |w| {
                    let total: u64 = w.warnings.iter().map(|x| x.count).sum();
                    view! {
                        <details class="load-warnings" data-testid="load-warnings" data-file=w.file.clone()>
                            <summary>
                                <strong>{w.file.clone()}</strong>
                                {format!(": read with {total} work-around{}", if total == 1 { "" } else { "s" })}
                            </summary>
                            <ul>
                                {w
                                    .warnings
                                    .iter()
                                    .map(|x| {
                                        view! {
                                            <li data-kind=format!("{:?}", x.kind)>
                                                {format!("{} × {} (e.g. {})", x.count, x.kind.describe(), x.example)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    }
                }
            />
        </div>
    }
}

/// The first page: what the viewer does and where to drop. For a trace
/// that is not loaded, says so, or that it is being fetched from its
/// backend (`source=` in the address).
#[component]
pub fn Landing(
    /// The id of a trace the address asked for that is not loaded.
    missing: Option<String>,
) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let source = source_in(&current_hash());
    view! {
        <section class="landing">
            {missing
                .map(|id| {
                    let source = source.clone();
                    move || match &source {
                        Some(base) if loader.loading.files.get() > 0 => {
                            view! {
                                <p class="fetching" data-testid="backend-fetching">
                                    {format!("Fetching trace {id} from {base}…")}
                                </p>
                            }
                                .into_any()
                        }
                        Some(base) => {
                            view! {
                                <p class="missing">
                                    {format!(
                                        "Trace {id} could not be opened from {base} (the message above says why). Drop the file that holds it instead.",
                                    )}
                                </p>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <p class="missing">
                                    {format!("Trace {id} is not loaded. Drop the file that holds it.")}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            <h1>"Drop trace files here"</h1>
            <p>
                "Jaeger, OpenTelemetry OTLP (JSON and JSON Lines), Grafana Tempo, Zipkin v1/v2, "
                "AWS X-Ray, Chrome trace events, and the console output of the OpenTelemetry "
                "Python, Go and JavaScript SDKs. Several files at once are fine; a trace spread "
                "over several files is merged. Nothing leaves your browser."
            </p>
            <p>
                "Or open a trace straight from your Jaeger or Tempo server with "
                <strong>"Backend…"</strong>
                " in the top bar."
            </p>
            <h2 class="try-title">"Try an example"</h2>
            <ul class="examples" data-testid="examples">
                {EXAMPLES
                    .iter()
                    .map(|e| {
                        view! {
                            <li>
                                <a href=e.fragment() data-testid=format!("example-{}", e.id)>{e.label}</a>
                                <span class="muted">{format!(" — {}", e.about)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// One bar per file still loading after about half a second: what the
/// worker is doing, how far it has got, and a button to stop it.
#[component]
pub fn LoadProgress() -> impl IntoView {
    let loader = expect_context::<Loader>();
    let shown = move || {
        loader
            .loading
            .progress
            .get()
            .into_iter()
            .filter(|l| l.shown)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="load-progress-list">
            <For
                each=shown
                key=|l| l.job
                children=move |l| {
                    let job = l.job;
                    let status = move || loader.loading.progress.with(|ls| ls.iter().find(|x| x.job == job).cloned());
                    let stage = move || status().map(|s| format!("{:?}", s.progress.stage)).unwrap_or_default();
                    // How many workers parse the file at once (set while parsing).
                    let readers = move || {
                        status()
                            .filter(|s| s.progress.stage == Stage::Parsing)
                            .map(|s| s.progress.done.max(1).to_string())
                    };
                    // Reading has a known end; the later stages animate.
                    let value = move || {
                        status()
                            .filter(|s| s.progress.stage == Stage::Reading)
                            .map(|s| s.progress.bytes_read as f64)
                    };
                    let max = move || status().map_or(1.0, |s| s.progress.total_bytes.max(1) as f64);
                    let text = move || status().map(|s| describe(&s.progress)).unwrap_or_default();
                    view! {
                        <div class="load-progress" data-testid="load-progress" data-file=l.name.clone() data-stage=stage data-readers=readers role="status">
                            <strong class="name">{l.name.clone()}</strong>
                            <progress data-testid="load-progress-bar" max=max value=value></progress>
                            <span class="what">{text}</span>
                            <button class="button" data-testid="load-cancel" on:click=move |_| workers::cancel(loader, job)>
                                "Cancel"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
