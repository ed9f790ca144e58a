//! Reading files in Web Workers, so that the page stays responsive while a
//! large file loads, shows how far it has got, and can stop it.
//!
//! Which file is read where, when the next one starts, and what a cancel or
//! a crash does is decided by the load queue ([`crate::view_model::jobs`]);
//! this module carries out its commands. It holds what the queue does not:
//! each file, its share of the memory budget (a [`Reservation`], held until
//! its batch's traces are added), its worker, its outcome, and each batch's
//! traces. One worker per file, ended when its file is done, so a cancel is
//! `terminate()` and the memory a large file needed goes back at once.
//! Workers run the readers' module ([`crate::ui::load::reader`]); messages
//! are the bytes of [`crate::model::wire`]. A compressed file always goes
//! to a worker, which decompresses it up to what the budget leaves for it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::model::wire::{Progress, Request, Stage};
use crate::model::{Loaded, Trace};
use crate::ui::app_state::Loader;
use crate::ui::load::in_worker::{self, Reading};
use crate::ui::load::outcome::{accept, add_traces_then, loaded, Then};
use crate::ui::load::reply::Said;
use crate::ui::load::reserve::Reservation;
use crate::ui::load::source::{compression_of, Source};
use crate::ui::load::spawn::debug_mode;
pub use crate::ui::load::spawn::{set_debug, DebugWorkers};
use crate::view_model::files::{read_on_page_instead, reader_crashed, FileProblem};
use crate::view_model::jobs::{Command, Event, File, JobId, Jobs};

/// The progress bar appears for loads still running after this long.
const SHOW_AFTER: Duration = Duration::from_millis(400);

/// A worker must answer its first message within this long, or it is taken
/// for one that could not start (and the file is read on the page instead).
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

struct Job {
    batch: u32,
    source: Arc<Source>,
    budget: Reservation,
    worker: Option<Reading>,
    outcome: Option<Result<Loaded, String>>,
    /// Why its worker did not start.
    failure: String,
}

/// A batch's traces so far, each with its file's name.
type Added = Vec<(String, Arc<Trace>)>;

#[derive(Default)]
struct State {
    queue: Option<Jobs>,
    jobs: HashMap<JobId, Job>,
    /// Each batch's traces so far, and whom to tell once it is added.
    batches: HashMap<u32, (Added, Then)>,
}

impl State {
    fn queue(&mut self) -> &mut Jobs {
        self.queue
            .get_or_insert_with(|| Jobs::new(in_worker::glue().is_some()))
    }
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// `f` on `job`, unless it has ended.
fn with_job(job: JobId, f: impl FnOnce(&mut Job)) {
    with(|s| s.jobs.get_mut(&job).map(f));
}

/// Tells the queue what happened and carries out what it asks for.
fn send(loader: Loader, event: Event) {
    let commands = with(|s| s.queue().on(event));
    run(loader, commands);
}

/// Starts a spare worker now, so that the next file starts reading at once.
pub fn warm_up() {
    // Warming up asks for nothing but a spare.
    if with(|s| s.queue().on(Event::WarmUp)).contains(&Command::SpawnSpare) {
        spawn_spare();
    }
}

/// Reads `files` (in workers where the page can start them), then adds
/// their traces as one batch and tells `then`; each file's share of the
/// budget is held until then.
pub fn load(loader: Loader, files: Vec<(Source, Reservation)>, then: Then) {
    let small_on_page = matches!(
        debug_mode(),
        DebugWorkers::Normal | DebugWorkers::PanicOnPage
    );
    let specs: Vec<File> = files
        .iter()
        .map(|(s, _)| File {
            bytes: s.blob.size() as u64,
            small_on_page,
        })
        .collect();
    let (batch, ids, commands) = with(|s| s.queue().add(&specs));
    with(|s| s.batches.insert(batch, (Vec::new(), then)));
    for (job, (source, budget)) in ids.into_iter().zip(files) {
        let bytes = source.blob.size() as u64;
        loader.loading.started(job, &source.name, bytes, SHOW_AFTER);
        let source = Arc::new(source);
        let (worker, outcome, failure) = (None, None, String::new());
        let new = Job {
            batch,
            source,
            budget,
            worker,
            outcome,
            failure,
        };
        with(|s| s.jobs.insert(job, new));
    }
    run(loader, commands);
}

/// Stops a load; what was loaded before stays as it was.
pub fn cancel(loader: Loader, job: JobId) {
    send(loader, Event::Cancel(job));
}

fn run(loader: Loader, commands: Vec<Command>) {
    for command in commands {
        match command {
            Command::StartWorker { job, spare } => start(loader, job, spare),
            Command::ReadOnPage(job) => read_on_page(loader, job),
            Command::Terminate(job) => {
                if let Some(reading) = with(|s| s.jobs.get_mut(&job)?.worker.take()) {
                    reading.end();
                }
            }
            Command::Record(job) => record(loader, job),
            Command::Forget(job) => loader.loading.ended(job),
            // Dropped outside the state's borrow: their shares go back.
            Command::Release(jobs) => drop(with(|s| {
                jobs.iter()
                    .filter_map(|j| s.jobs.remove(j))
                    .collect::<Vec<Job>>()
            })),
            Command::BatchDone(batch) => {
                if let Some((added, then)) = with(|s| s.batches.remove(&batch)) {
                    add_traces_then(loader, added, then);
                }
            }
            Command::WorkersFailed(job) => workers_failed(loader, job),
            Command::SpawnSpare => spawn_spare(),
            Command::TerminateSpare => in_worker::end_spare(),
        }
    }
}

/// `job`'s outcome joins its batch; its file is kept when it should be.
fn record(loader: Loader, job: JobId) {
    let Some((source, outcome, batch)) = with(|s| {
        let j = s.jobs.get_mut(&job)?;
        Some((Arc::clone(&j.source), j.outcome.take(), j.batch))
    }) else {
        return;
    };
    let outcome = outcome.unwrap_or_else(|| Err(String::from("the read gave no answer")));
    loaded(loader, &source, &outcome);
    let mut added = Vec::new();
    accept(loader, &source.name, outcome, &mut added);
    with(|s| {
        if let Some((traces, _)) = s.batches.get_mut(&batch) {
            traces.extend(added);
        }
    });
}

fn spawn_spare() {
    if !in_worker::spawn_spare() {
        drop(with(|s| s.queue().on(Event::SpareFailed)));
    }
}

/// No worker could start: say so, naming the file, with the reason.
fn workers_failed(loader: Loader, job: JobId) {
    let Some((name, reason)) = with(|s| {
        s.jobs
            .get(&job)
            .map(|j| (j.source.name.clone(), j.failure.clone()))
    }) else {
        return;
    };
    web_sys::console::warn_1(&format!("loading worker did not start: {reason}").into());
    let message = read_on_page_instead(&reason);
    let note = FileProblem {
        file: name,
        message,
    };
    loader.messages.notes.update(|ns| ns.push(note));
}

/// Reads `job`'s file on the page, unless it is compressed and a worker
/// can decompress it (then the queue sends it to one).
fn read_on_page(loader: Loader, job: JobId) {
    let Some(source) = with(|s| s.jobs.get(&job).map(|j| Arc::clone(&j.source))) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let workers = with(|s| s.queue().workers());
        if workers && compression_of(&source.blob).await.is_some() {
            send(loader, Event::Compressed(job));
            return;
        }
        let limit = with(|s| {
            s.jobs
                .get(&job)
                .map_or(0, |j| j.budget.inflate_limit_bytes(loader))
        });
        let outcome =
            crate::ui::load::source::read_on_page(&source.blob, &source.name, limit).await;
        ended(loader, job, Event::ReadOnPage(job), outcome);
    });
}

/// `job`'s read ended with `outcome`: kept for [`record`], then `event` sent.
fn ended(loader: Loader, job: JobId, event: Event, outcome: Result<Loaded, String>) {
    with_job(job, |j| j.outcome = Some(outcome));
    send(loader, event);
}

/// The worker for `job` did not start, for `reason`.
fn not_started(loader: Loader, job: JobId, reason: &str) {
    with_job(job, |j| j.failure = reason.to_string());
    send(loader, Event::NotStarted(job));
}

fn start(loader: Loader, job: JobId, spare: bool) {
    let Some((glue, request, blob)) = with(|s| {
        let glue = in_worker::glue()?;
        let j = s.jobs.get(&job)?;
        let request = Request::Load {
            job,
            name: j.source.name.clone(),
            inflate_limit_bytes: j.budget.inflate_limit_bytes(loader),
        };
        Some((glue, request.encode(), j.source.blob.clone()))
    }) else {
        return not_started(loader, job, "its script was not found");
    };
    let said = move |said: Said| match said {
        Said::NotStarted(fatal) => not_started(loader, job, &fatal),
        Said::Progress(progress) => {
            send(loader, Event::Answered(job));
            on_progress(loader, job, progress);
        }
        Said::Outcome(outcome) => {
            send(loader, Event::Answered(job));
            ended(loader, job, Event::Finished(job), outcome);
        }
    };
    let failed = move |detail: String| match with(|s| s.queue().answered(job)) {
        Some(false) => not_started(loader, job, &detail),
        Some(true) => ended(
            loader,
            job,
            Event::Finished(job),
            Err(reader_crashed(&detail)),
        ),
        None => {}
    };
    match in_worker::start(&glue, spare, &request, &blob, said, failed) {
        Ok(reading) => with_job(job, |j| j.worker = Some(reading)),
        Err(e) => return not_started(loader, job, &e),
    }
    let timeout = move || {
        if with(|s| s.queue().answered(job)) == Some(false) {
            let secs = START_TIMEOUT.as_secs();
            not_started(loader, job, &format!("it did not answer within {secs} s"));
        }
    };
    set_timeout(timeout, START_TIMEOUT);
}

fn on_progress(loader: Loader, job: JobId, progress: Progress) {
    if progress.stage == Stage::Decompressing {
        // What the file really is grows as it decompresses (the worker
        // stops it at the budget; this tells later files).
        with_job(job, |j| drop(j.budget.grow_to(loader, progress.bytes_read)));
    }
    loader.loading.advanced(job, progress);
}
