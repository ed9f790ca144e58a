//! The load queue as a state machine: events in ([`Jobs::add`],
//! [`Jobs::on`]), commands out ([`Command`]). It decides which file is read
//! where (a worker, or the page), when the next one starts, what a cancel or
//! a crash does, when a batch of files dropped together is done, and how long
//! each file's share of the memory budget is held. `ui/load/workers.rs`
//! carries the commands out: it holds the files, the workers and the shares,
//! keyed by the ids given here.

use std::collections::VecDeque;

/// Files read at once, each in its own worker.
pub const PARALLEL: usize = 2;

/// Files up to this size are read on the page: handing one to a worker
/// (start-up, transfer, hand-back) costs more than parsing it.
pub const ON_PAGE_BYTES: u64 = 2 * 1024 * 1024;

/// One load (one file).
pub type JobId = u32;
/// One batch (files dropped together).
pub type BatchId = u32;

/// A file to read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct File {
    /// Its size in bytes.
    pub bytes: u64,
    /// A small file may be read on the page (a debugging hook can forbid it).
    pub small_on_page: bool,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    /// The person stopped this load.
    Cancel(JobId),
    /// The worker reading it answered for the first time (it started).
    Answered(JobId),
    /// Its worker is done with it (read, failed, panicked or crashed after
    /// it started); its outcome is held by whoever sends this.
    Finished(JobId),
    /// Its worker did not start (an error or a timeout before any answer,
    /// or it could not be created or posted to): no worker will.
    NotStarted(JobId),
    /// Its read on the page is done, its outcome held by the sender.
    ReadOnPage(JobId),
    /// Read on the page, it turned out compressed: a worker decompresses it.
    Compressed(JobId),
    /// The spare worker asked for could not be started.
    SpareFailed,
    /// Keep a spare worker ready, if workers can start.
    WarmUp,
}

/// What to do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Read it in a worker: the spare one (`spare`), else a new one.
    StartWorker {
        /// The job.
        job: JobId,
        /// Take the spare worker.
        spare: bool,
    },
    /// Read it on the page.
    ReadOnPage(JobId),
    /// End the worker reading it.
    Terminate(JobId),
    /// Its outcome joins its batch (and the file is kept when it should be).
    Record(JobId),
    /// It is no longer loading: its progress goes.
    Forget(JobId),
    /// Their shares of the budget go back.
    Release(Vec<JobId>),
    /// Every file of the batch is done: add its traces.
    BatchDone(BatchId),
    /// Say that workers cannot start, naming this job's file; every later
    /// file is read on the page.
    WorkersFailed(JobId),
    /// Start a spare worker.
    SpawnSpare,
    /// End the spare worker.
    TerminateSpare,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Queued {
    job: JobId,
    batch: BatchId,
    file: File,
    /// Read in a worker whatever its size (compressed).
    to_worker: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Running {
    job: JobId,
    batch: BatchId,
    file: File,
    answered: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Batch {
    id: BatchId,
    pending: usize,
    /// Jobs done whose shares are held until the batch's traces are added.
    held: Vec<JobId>,
}

/// The load queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Jobs {
    next: u32,
    /// Workers can start on this page.
    workers: bool,
    queued: VecDeque<Queued>,
    running: Vec<Running>,
    on_page: Vec<Queued>,
    batches: Vec<Batch>,
    /// A spare worker has been asked for (and not failed to start).
    spare: bool,
}

impl Jobs {
    /// An empty queue; `workers`: whether workers can start on this page.
    pub fn new(workers: bool) -> Jobs {
        Jobs {
            next: 0,
            workers,
            queued: VecDeque::new(),
            running: Vec::new(),
            on_page: Vec::new(),
            batches: Vec::new(),
            spare: false,
        }
    }

    /// Whether workers can (still) start.
    pub fn workers(&self) -> bool {
        self.workers
    }

    /// Whether the worker reading `job` has answered; `None` once it is
    /// not running in a worker.
    pub fn answered(&self, job: JobId) -> Option<bool> {
        self.running
            .iter()
            .find(|r| r.job == job)
            .map(|r| r.answered)
    }

    /// True when nothing is queued, read or waiting for its batch.
    pub fn is_idle(&self) -> bool {
        self.queued.is_empty()
            && self.running.is_empty()
            && self.on_page.is_empty()
            && self.batches.is_empty()
    }

    /// Files dropped together: their ids (in order), and what to do.
    pub fn add(&mut self, files: &[File]) -> (BatchId, Vec<JobId>, Vec<Command>) {
        let batch = self.id();
        self.batches.push(Batch {
            id: batch,
            pending: files.len(),
            held: Vec::new(),
        });
        let jobs = files
            .iter()
            .map(|&file| {
                let job = self.id();
                self.queued.push_back(Queued {
                    job,
                    batch,
                    file,
                    to_worker: false,
                });
                job
            })
            .collect();
        let mut out = Vec::new();
        self.batch_if_done(batch, &mut out);
        self.pump(&mut out);
        (batch, jobs, out)
    }

    /// What `event` calls for.
    pub fn on(&mut self, event: Event) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            Event::Cancel(job) => self.cancel(job, &mut out),
            Event::Answered(job) => {
                if let Some(r) = self.running.iter_mut().find(|r| r.job == job) {
                    r.answered = true;
                }
            }
            Event::Finished(job) => {
                if let Some(r) = self.take_running(job) {
                    out.push(Command::Terminate(job));
                    self.done(job, r.batch, &mut out);
                    self.pump(&mut out);
                    self.warm_up(&mut out);
                }
            }
            Event::NotStarted(job) => {
                // One that has answered did start: that is not this event.
                if self.answered(job) == Some(false) {
                    if let Some(r) = self.take_running(job) {
                        out.push(Command::Terminate(job));
                        self.workers_failed(job, &mut out);
                        self.read_on_page(job, r.batch, r.file, &mut out);
                        self.pump(&mut out);
                    }
                }
            }
            Event::ReadOnPage(job) => {
                if let Some(q) = self.take_on_page(job) {
                    self.done(job, q.batch, &mut out);
                }
            }
            Event::Compressed(job) => {
                // Never decompressed on the page while a worker can do it.
                // When none can, it is read on the page after all.
                if !self.on_page.iter().any(|q| q.job == job) {
                    // cancelled meanwhile
                } else if !self.workers {
                    out.push(Command::ReadOnPage(job));
                } else if let Some(q) = self.take_on_page(job) {
                    self.queued.push_front(Queued {
                        to_worker: true,
                        ..q
                    });
                    self.pump(&mut out);
                }
            }
            Event::SpareFailed => self.spare = false,
            Event::WarmUp => self.warm_up(&mut out),
        }
        out
    }

    fn id(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// Starts queued loads while fewer than [`PARALLEL`] run in workers.
    /// Small files ([`ON_PAGE_BYTES`]) are read on the page unless
    /// compressed, and so is every file once workers cannot start: those
    /// never wait for a worker.
    fn pump(&mut self, out: &mut Vec<Command>) {
        loop {
            let workers_busy = self.running.len() >= PARALLEL;
            let next = self
                .queued
                .iter()
                .position(|q| !workers_busy || self.on_page_fits(q));
            let Some(q) = next.and_then(|at| self.queued.remove(at)) else {
                return;
            };
            if self.on_page_fits(&q) {
                self.read_on_page(q.job, q.batch, q.file, out);
                continue;
            }
            self.running.push(Running {
                job: q.job,
                batch: q.batch,
                file: q.file,
                answered: false,
            });
            out.push(Command::StartWorker {
                job: q.job,
                spare: std::mem::take(&mut self.spare),
            });
        }
    }

    /// Whether `q` is read on the page.
    fn on_page_fits(&self, q: &Queued) -> bool {
        let small = q.file.bytes <= ON_PAGE_BYTES && q.file.small_on_page && !q.to_worker;
        !self.workers || small
    }

    fn read_on_page(&mut self, job: JobId, batch: BatchId, file: File, out: &mut Vec<Command>) {
        self.on_page.push(Queued {
            job,
            batch,
            file,
            to_worker: false,
        });
        out.push(Command::ReadOnPage(job));
    }

    fn cancel(&mut self, job: JobId, out: &mut Vec<Command>) {
        let batch = if let Some(pos) = self.queued.iter().position(|q| q.job == job) {
            self.queued.remove(pos).map(|q| q.batch)
        } else if let Some(q) = self.take_on_page(job) {
            Some(q.batch)
        } else if let Some(r) = self.take_running(job) {
            out.push(Command::Terminate(job));
            Some(r.batch)
        } else {
            None
        };
        let Some(batch) = batch else {
            return; // done already
        };
        out.push(Command::Forget(job));
        out.push(Command::Release(vec![job]));
        self.leave(batch, None, out);
        self.pump(out);
        self.warm_up(out);
    }

    /// `job` was read (well or not): recorded, its share held until its
    /// batch is added.
    fn done(&mut self, job: JobId, batch: BatchId, out: &mut Vec<Command>) {
        out.push(Command::Record(job));
        out.push(Command::Forget(job));
        self.leave(batch, Some(job), out);
    }

    fn leave(&mut self, batch: BatchId, held: Option<JobId>, out: &mut Vec<Command>) {
        if let Some(b) = self.batches.iter_mut().find(|b| b.id == batch) {
            b.pending = b.pending.saturating_sub(1);
            b.held.extend(held);
        }
        self.batch_if_done(batch, out);
    }

    fn batch_if_done(&mut self, batch: BatchId, out: &mut Vec<Command>) {
        let Some(pos) = self
            .batches
            .iter()
            .position(|b| b.id == batch && b.pending == 0)
        else {
            return;
        };
        let b = self.batches.swap_remove(pos);
        out.push(Command::BatchDone(batch));
        // Their models are counted as open now.
        if !b.held.is_empty() {
            out.push(Command::Release(b.held));
        }
    }

    fn workers_failed(&mut self, job: JobId, out: &mut Vec<Command>) {
        self.workers = false;
        out.push(Command::WorkersFailed(job));
        if std::mem::take(&mut self.spare) {
            out.push(Command::TerminateSpare);
        }
    }

    fn warm_up(&mut self, out: &mut Vec<Command>) {
        if self.workers && !self.spare {
            self.spare = true;
            out.push(Command::SpawnSpare);
        }
    }

    fn take_running(&mut self, job: JobId) -> Option<Running> {
        let pos = self.running.iter().position(|r| r.job == job)?;
        Some(self.running.swap_remove(pos))
    }

    fn take_on_page(&mut self, job: JobId) -> Option<Queued> {
        let pos = self.on_page.iter().position(|q| q.job == job)?;
        Some(self.on_page.swap_remove(pos))
    }
}
