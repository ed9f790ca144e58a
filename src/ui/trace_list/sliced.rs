//! Builds a view over many traces in slices of a few milliseconds, letting
//! the browser paint (and take clicks) between them: a view over a million
//! spans takes seconds, and the page must not freeze meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::Trace;
use crate::ui::app_state::{ListState, Traces};
use crate::ui::shared::export::next_task;
use crate::ui::trace_list::views::shown_traces;

/// How long one slice may run before the browser gets a turn, in ms.
const SLICE_MS: f64 = 12.0;

/// A view's answer, and how far its build has come.
pub struct Sliced<R: Send + Sync + 'static> {
    /// The last answer built.
    pub result: RwSignal<Option<Arc<R>>>,
    /// Spans gathered and spans in all, while a build runs.
    pub progress: RwSignal<Option<(u64, u64)>>,
    /// The current build; a build whose number is no longer this one stops.
    generation: Arc<AtomicU64>,
}

impl<R: Send + Sync + 'static> Clone for Sliced<R> {
    fn clone(&self) -> Self {
        Sliced {
            result: self.result,
            progress: self.progress,
            generation: Arc::clone(&self.generation),
        }
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl<R: Send + Sync + 'static> Sliced<R> {
    /// No answer yet; the build stops when the component goes.
    pub fn new() -> Sliced<R> {
        let generation = Arc::new(AtomicU64::new(0));
        let stop = Arc::clone(&generation);
        on_cleanup(move || {
            stop.fetch_add(1, Ordering::Relaxed);
        });
        Sliced {
            result: RwSignal::new(None),
            progress: RwSignal::new(None),
            generation,
        }
    }

    /// A view built over the traces the list shows, anew whenever they
    /// change: `start` makes the builder, `add` takes one trace, `finish`
    /// the builder.
    pub fn over_shown<B: 'static>(
        list: ListState,
        traces: Traces,
        start: fn() -> B,
        add: fn(&mut B, &Trace),
        finish: fn(B) -> R,
    ) -> Sliced<R> {
        let sliced = Sliced::new();
        let runner = sliced.clone();
        Effect::new(move |_| {
            let shown = shown_traces(list, traces);
            runner.run(
                shown.into_iter().map(|t| (t, false)).collect(),
                start(),
                move |b, t, _| add(b, t),
                finish,
            );
        });
        sliced
    }

    /// Builds anew over `traces` (each with whether it is selected): `add`
    /// takes one trace, `finish` the builder. A build still running stops.
    /// The first slice runs now, so a small set answers before the next paint.
    pub fn run<B: 'static>(
        &self,
        traces: Vec<(Arc<Trace>, bool)>,
        builder: B,
        add: impl Fn(&mut B, &Trace, bool) + 'static,
        finish: fn(B) -> R,
    ) {
        let mine = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let generation = Arc::clone(&self.generation);
        let (result, progress) = (self.result, self.progress);
        let total: u64 = traces.iter().map(|(t, _)| t.spans.len() as u64).sum();
        let mut builder = builder;
        let mut at = 0usize;
        let mut done = 0u64;
        let mut slice = move |builder: &mut B| {
            let started = now_ms();
            while let Some((t, selected)) = traces.get(at) {
                add(builder, t, *selected);
                done += t.spans.len() as u64;
                at += 1;
                if now_ms() - started > SLICE_MS {
                    break;
                }
            }
            (at >= traces.len(), done)
        };
        let (finished, done_now) = slice(&mut builder);
        if finished {
            let _ = progress.try_set(None);
            let _ = result.try_set(Some(Arc::new(finish(builder))));
            return;
        }
        let _ = progress.try_set(Some((done_now, total)));
        leptos::task::spawn_local(async move {
            loop {
                next_task().await;
                if generation.load(Ordering::Relaxed) != mine {
                    return;
                }
                let (finished, done_now) = slice(&mut builder);
                if finished {
                    break;
                }
                if progress.try_set(Some((done_now, total))).is_some() {
                    return; // the view is gone
                }
            }
            let answer = Arc::new(finish(builder));
            if generation.load(Ordering::Relaxed) == mine {
                let _ = progress.try_set(None);
                let _ = result.try_set(Some(answer));
            }
        });
    }
}

/// "Gathering… 45 %" while a build runs.
pub fn progress_note<R: Send + Sync + 'static>(sliced: &Sliced<R>) -> impl IntoView {
    let progress = sliced.progress;
    move || {
        progress.get().map(|(done, total)| {
            let percent = (done * 100).checked_div(total).unwrap_or(100);
            view! {
                <p class="muted view-progress" data-testid="view-progress" data-done=done data-total=total>
                    <progress max=total value=done></progress>
                    {format!(" Gathering {percent} % of {total} spans…")}
                </p>
            }
        })
    }
}
