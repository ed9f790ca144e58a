//! The list of loaded traces.

use leptos::prelude::*;

use super::{Route, Store};
use crate::model::format;

/// One row per loaded trace, by start time.
#[component]
pub fn TraceList() -> impl IntoView {
    let store = expect_context::<Store>();
    let rows = move || {
        let mut traces = store.traces.get();
        traces.sort_by_key(|t| (t.start_unix_nanos, t.id));
        traces
    };
    view! {
        <section class="trace-list">
            <table>
                <thead>
                    <tr>
                        <th>"Trace"</th>
                        <th class="num">"Spans"</th>
                        <th class="num">"Services"</th>
                        <th class="num">"Depth"</th>
                        <th class="num">"Duration"</th>
                        <th class="num">"Errors"</th>
                        <th>"Start"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=rows
                        key=|t| t.id
                        children=move |t| {
                            let id = t.id.to_hex();
                            let target = Route::Trace(id.clone());
                            let errors = t.error_count;
                            view! {
                                <tr
                                    class="trace-row"
                                    class:has-errors={errors > 0}
                                    data-testid="trace-row"
                                    data-trace-id=id.clone()
                                    data-span-count=t.spans.len()
                                    data-service-count=t.services.len()
                                    data-depth=t.depth
                                    data-duration-us=format::micros_attr(t.duration_nanos())
                                    data-error-count=errors
                                    data-start-us=format::micros_attr(t.start_unix_nanos)
                                    on:click=move |_| store.navigate(target.clone())
                                >
                                    <td>
                                        <a href=Route::Trace(id.clone()).to_hash() data-testid="trace-name">
                                            {t.name()}
                                        </a>
                                        <span class="trace-id">{id[..7.min(id.len())].to_string()}</span>
                                    </td>
                                    <td class="num">{t.spans.len()}</td>
                                    <td class="num">{t.services.len()}</td>
                                    <td class="num">{t.depth}</td>
                                    <td class="num">{format::duration(t.duration_nanos())}</td>
                                    <td class="num errors">{errors}</td>
                                    <td>{format::utc_time(t.start_unix_nanos)}</td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
    }
}
