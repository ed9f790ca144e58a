//! The loaded log files, each with what became of its records: how many
//! belong to loaded traces, and which traces it names that are not loaded
//! (so a person knows which trace file to drop next).

use leptos::prelude::*;

use crate::model::hash::FxHashSet;
use crate::model::TraceId;
use crate::ui::app_state::{LogFiles, Traces};
use crate::view_model::logs::file_attachment;

/// Most trace ids listed per file.
const LISTED: usize = 100;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line per loaded log file.
#[component]
pub fn LogFilesNote() -> impl IntoView {
    let (files, traces) = (expect_context::<LogFiles>(), expect_context::<Traces>());
    move || {
        let loaded: FxHashSet<TraceId> = traces.with(|ts| ts.iter().map(|t| t.id).collect());
        files
            .get()
            .iter()
            .map(|file| {
                let a = file_attachment(file, &loaded);
                let name = file.name.clone();
                let waiting: usize = a.not_loaded.iter().map(|(_, n)| n).sum();
                let mut parts = vec![format!("{} attached to loaded traces", a.attached)];
                if waiting > 0 {
                    parts.push(format!(
                        "{waiting} name {} not loaded",
                        plural(a.not_loaded.len(), "trace", "traces")
                    ));
                }
                if a.without_trace > 0 {
                    parts.push(format!("{} name no trace", a.without_trace));
                }
                let ids = a
                    .not_loaded
                    .iter()
                    .take(LISTED)
                    .map(|(id, n)| {
                        view! {
                            <li data-testid="log-file-trace" data-trace-id=id.to_hex() data-count=*n>
                                <code>{id.to_hex()}</code>
                                {format!(" · {}", plural(*n, "record", "records"))}
                            </li>
                        }
                    })
                    .collect_view();
                let more = a.not_loaded.len().saturating_sub(LISTED);
                let close = name.clone();
                view! {
                    <details
                        class="log-file"
                        data-testid="log-file"
                        data-file=name.clone()
                        data-records=a.records
                        data-attached=a.attached
                        data-not-loaded=waiting
                        data-without-trace=a.without_trace
                    >
                        <summary>
                            <strong>{name.clone()}</strong>
                            {format!(": {}: {}", plural(a.records, "log record", "log records"), parts.join(", "))}
                            <button
                                class="dismiss"
                                title="Close this log file"
                                data-testid="log-file-close"
                                on:click=move |_| files.update(|fs| fs.retain(|f| f.name != close))
                            >
                                "×"
                            </button>
                        </summary>
                        {(!a.not_loaded.is_empty()).then(|| view! {
                            <p class="muted">"Traces this file names that are not loaded (drop their trace files to see the records on their spans):"</p>
                            <ul>{ids}</ul>
                            {(more > 0).then(|| view! { <p class="muted">{format!("and {more} more")}</p> })}
                        })}
                    </details>
                }
            })
            .collect_view()
    }
}
