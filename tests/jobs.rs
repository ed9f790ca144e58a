//! The load queue's transitions (`view_model::jobs`): which file is read
//! where, what a cancel, a crash or a worker that never starts does, the
//! spare worker, batches, and how long each file's share of the memory
//! budget is held.

use trace_viewer::view_model::jobs::{
    BatchId, Command, Event, File, JobId, Jobs, ON_PAGE_BYTES, PARALLEL,
};
use Command::*;

const BIG: File = File {
    bytes: 50 << 20,
    small_on_page: true,
};
const SMALL: File = File {
    bytes: 1000,
    small_on_page: true,
};

fn add(jobs: &mut Jobs, files: &[File]) -> (BatchId, Vec<JobId>, Vec<Command>) {
    jobs.add(files)
}

/// Read `job` in a new worker.
fn start(job: JobId) -> Command {
    StartWorker { job, spare: false }
}

/// Read `job` in the spare worker.
fn start_spare(job: JobId) -> Command {
    StartWorker { job, spare: true }
}

/// What finishing `job` calls for when nothing else waits: its outcome
/// recorded, its progress gone, its batch added and the shares released.
fn finished_alone(job: JobId, batch: BatchId) -> Vec<Command> {
    vec![
        Terminate(job),
        Record(job),
        Forget(job),
        BatchDone(batch),
        Release(vec![job]),
        SpawnSpare,
    ]
}

#[test]
fn a_small_file_is_read_on_the_page() {
    let mut jobs = Jobs::new(true);
    let (b, ids, out) = add(&mut jobs, &[SMALL]);
    assert_eq!(out, vec![ReadOnPage(ids[0])]);
    assert_eq!(
        jobs.on(Event::ReadOnPage(ids[0])),
        vec![
            Record(ids[0]),
            Forget(ids[0]),
            BatchDone(b),
            Release(vec![ids[0]])
        ]
    );
}

#[test]
fn a_file_of_exactly_the_page_limit_is_read_on_the_page_and_one_byte_more_in_a_worker() {
    let mut jobs = Jobs::new(true);
    let at = File {
        bytes: ON_PAGE_BYTES,
        small_on_page: true,
    };
    let over = File {
        bytes: ON_PAGE_BYTES + 1,
        small_on_page: true,
    };
    let (_, ids, out) = add(&mut jobs, &[at, over]);
    assert_eq!(out, vec![ReadOnPage(ids[0]), start(ids[1])]);
}

#[test]
fn a_large_file_goes_to_a_worker_and_its_end_frees_it() {
    let mut jobs = Jobs::new(true);
    let (b, ids, out) = add(&mut jobs, &[BIG]);
    assert_eq!(out, vec![start(ids[0])]);
    assert_eq!(jobs.answered(ids[0]), Some(false));
    assert_eq!(jobs.on(Event::Answered(ids[0])), vec![]);
    assert_eq!(jobs.answered(ids[0]), Some(true));
    assert_eq!(jobs.on(Event::Finished(ids[0])), finished_alone(ids[0], b));
    assert_eq!(jobs.answered(ids[0]), None);
}

#[test]
fn a_small_file_goes_to_a_worker_when_page_reads_are_turned_off() {
    let mut jobs = Jobs::new(true);
    let file = File {
        small_on_page: false,
        ..SMALL
    };
    let (_, ids, out) = add(&mut jobs, &[file]);
    assert_eq!(out, vec![start(ids[0])]);
}

#[test]
fn at_most_two_workers_read_at_once_and_the_next_starts_when_one_ends() {
    assert_eq!(PARALLEL, 2);
    let mut jobs = Jobs::new(true);
    let (_, ids, out) = add(&mut jobs, &[BIG, BIG, BIG]);
    assert_eq!(out, vec![start(ids[0]), start(ids[1])]);
    let out = jobs.on(Event::Finished(ids[1]));
    assert!(out.contains(&start(ids[2])));
    assert!(!out.contains(&BatchDone(1)), "two files are still pending");
}

#[test]
fn small_files_do_not_wait_behind_busy_workers() {
    let mut jobs = Jobs::new(true);
    let (_, ids, out) = add(&mut jobs, &[BIG, BIG, BIG, SMALL]);
    assert_eq!(out.len(), 3);
    assert_eq!(out[2], ReadOnPage(ids[3]));
    // The third large file still waits for a worker.
    let (_, later, out) = add(&mut jobs, &[SMALL]);
    assert_eq!(out, vec![ReadOnPage(later[0])]);
}

#[test]
fn the_spare_worker_is_used_once_and_asked_for_again_after_a_file() {
    let mut jobs = Jobs::new(true);
    assert_eq!(jobs.on(Event::WarmUp), vec![SpawnSpare]);
    assert_eq!(jobs.on(Event::WarmUp), vec![], "one spare at a time");
    let (b, ids, out) = add(&mut jobs, &[BIG, BIG]);
    assert_eq!(out, vec![start_spare(ids[0]), start(ids[1])]);
    let out = jobs.on(Event::Finished(ids[0]));
    assert_eq!(out.last(), Some(&SpawnSpare));
    let out = jobs.on(Event::Finished(ids[1]));
    assert!(out.contains(&BatchDone(b)));
    assert!(!out.contains(&SpawnSpare), "the spare is there already");
}

#[test]
fn a_spare_that_failed_to_start_is_asked_for_again() {
    let mut jobs = Jobs::new(true);
    assert_eq!(jobs.on(Event::WarmUp), vec![SpawnSpare]);
    assert_eq!(jobs.on(Event::SpareFailed), vec![]);
    assert_eq!(jobs.on(Event::WarmUp), vec![SpawnSpare]);
}

#[test]
fn where_no_worker_can_start_every_file_is_read_on_the_page_and_no_spare_is_asked_for() {
    let mut jobs = Jobs::new(false);
    assert_eq!(jobs.on(Event::WarmUp), vec![]);
    let (_, ids, out) = add(&mut jobs, &[BIG, BIG, BIG]);
    assert_eq!(out, ids.iter().map(|&j| ReadOnPage(j)).collect::<Vec<_>>());
}

#[test]
fn a_compressed_file_found_on_the_page_goes_to_a_worker_ahead_of_the_queue() {
    let mut jobs = Jobs::new(true);
    let (_, ids, _) = add(&mut jobs, &[SMALL]);
    let (_, more, _) = add(&mut jobs, &[BIG, BIG, BIG]);
    // Two workers are busy: it waits, first in line.
    assert_eq!(jobs.on(Event::Compressed(ids[0])), vec![]);
    let out = jobs.on(Event::Finished(more[0]));
    assert!(out.contains(&start(ids[0])));
    assert!(!out
        .iter()
        .any(|c| matches!(c, StartWorker { job, .. } if *job == more[2])));
}

#[test]
fn a_compressed_file_is_read_on_the_page_after_all_when_no_worker_can_start() {
    let mut jobs = Jobs::new(false);
    let (b, ids, _) = add(&mut jobs, &[SMALL]);
    assert_eq!(jobs.on(Event::Compressed(ids[0])), vec![ReadOnPage(ids[0])]);
    let out = jobs.on(Event::ReadOnPage(ids[0]));
    assert!(out.contains(&BatchDone(b)));
}

#[test]
fn a_worker_that_does_not_start_sends_its_file_and_every_later_one_to_the_page() {
    let mut jobs = Jobs::new(true);
    let (_, ids, _) = add(&mut jobs, &[BIG]);
    assert_eq!(
        jobs.on(Event::NotStarted(ids[0])),
        vec![Terminate(ids[0]), WorkersFailed(ids[0]), ReadOnPage(ids[0])]
    );
    assert!(!jobs.workers());
    let (_, later, out) = add(&mut jobs, &[BIG]);
    assert_eq!(out, vec![ReadOnPage(later[0])]);
    assert_eq!(jobs.on(Event::WarmUp), vec![]);
}

#[test]
fn when_workers_fail_the_spare_is_ended_and_the_queue_goes_to_the_page() {
    let mut jobs = Jobs::new(true);
    let (_, ids, _) = add(&mut jobs, &[BIG, BIG, BIG]);
    jobs.on(Event::Finished(ids[0])); // asks for a spare
    let out = jobs.on(Event::NotStarted(ids[2]));
    assert_eq!(
        out,
        vec![
            Terminate(ids[2]),
            WorkersFailed(ids[2]),
            TerminateSpare,
            ReadOnPage(ids[2])
        ]
    );
}

#[test]
fn a_worker_that_answered_did_start_and_a_late_timeout_is_ignored() {
    let mut jobs = Jobs::new(true);
    let (_, ids, _) = add(&mut jobs, &[BIG]);
    jobs.on(Event::Answered(ids[0]));
    assert_eq!(jobs.on(Event::NotStarted(ids[0])), vec![]);
    assert!(jobs.workers());
    assert_eq!(jobs.answered(ids[0]), Some(true));
}

#[test]
fn a_crash_mid_file_ends_that_file_only() {
    let mut jobs = Jobs::new(true);
    let (b, ids, _) = add(&mut jobs, &[BIG]);
    jobs.on(Event::Answered(ids[0]));
    // The page records the crash as the file's outcome and says Finished.
    assert_eq!(jobs.on(Event::Finished(ids[0])), finished_alone(ids[0], b));
    assert!(jobs.workers(), "a crash is not a worker that cannot start");
    let (_, later, out) = add(&mut jobs, &[BIG]);
    assert_eq!(out, vec![start_spare(later[0])]);
}

#[test]
fn cancel_mid_file_ends_its_worker_releases_its_share_and_starts_the_next() {
    let mut jobs = Jobs::new(true);
    let (b1, first, _) = add(&mut jobs, &[BIG, BIG]);
    let (_, second, _) = add(&mut jobs, &[BIG]);
    let out = jobs.on(Event::Cancel(first[0]));
    assert_eq!(
        out,
        vec![
            Terminate(first[0]),
            Forget(first[0]),
            Release(vec![first[0]]),
            start(second[0]),
            SpawnSpare
        ]
    );
    // A message its worker sent before it ended changes nothing.
    assert_eq!(jobs.on(Event::Finished(first[0])), vec![]);
    assert_eq!(jobs.on(Event::Cancel(first[0])), vec![], "cancelled once");
    // The batch is done with its other file, holding that one's share only.
    let out = jobs.on(Event::Finished(first[1]));
    assert!(out.contains(&BatchDone(b1)));
    assert!(out.contains(&Release(vec![first[1]])));
}

#[test]
fn cancel_a_queued_file_removes_it_before_it_starts() {
    let mut jobs = Jobs::new(true);
    let (b, ids, _) = add(&mut jobs, &[BIG, BIG, BIG]);
    let out = jobs.on(Event::Cancel(ids[2]));
    assert_eq!(out[..2], [Forget(ids[2]), Release(vec![ids[2]])]);
    assert!(!out.iter().any(|c| matches!(c, StartWorker { .. })));
    jobs.on(Event::Finished(ids[0]));
    let out = jobs.on(Event::Finished(ids[1]));
    assert!(!out.iter().any(|c| matches!(c, StartWorker { .. })));
    assert!(out.contains(&BatchDone(b)));
    assert!(out.contains(&Release(vec![ids[0], ids[1]])));
}

#[test]
fn cancel_a_file_read_on_the_page_drops_what_its_read_gives() {
    let mut jobs = Jobs::new(true);
    let (b, ids, _) = add(&mut jobs, &[SMALL]);
    assert_eq!(
        jobs.on(Event::Cancel(ids[0])),
        vec![
            Forget(ids[0]),
            Release(vec![ids[0]]),
            BatchDone(b),
            SpawnSpare
        ]
    );
    assert_eq!(jobs.on(Event::ReadOnPage(ids[0])), vec![]);
    assert_eq!(jobs.on(Event::Compressed(ids[0])), vec![]);
}

#[test]
fn a_batch_is_added_once_its_last_file_is_done_and_holds_every_share_until_then() {
    let mut jobs = Jobs::new(true);
    let (b, ids, _) = add(&mut jobs, &[SMALL, BIG]);
    let out = jobs.on(Event::ReadOnPage(ids[0]));
    assert_eq!(out, vec![Record(ids[0]), Forget(ids[0])]);
    let out = jobs.on(Event::Finished(ids[1]));
    assert_eq!(
        out,
        vec![
            Terminate(ids[1]),
            Record(ids[1]),
            Forget(ids[1]),
            BatchDone(b),
            Release(vec![ids[0], ids[1]]),
            SpawnSpare
        ]
    );
}

#[test]
fn a_batch_with_no_file_to_read_is_done_at_once() {
    let mut jobs = Jobs::new(true);
    let (b, ids, out) = add(&mut jobs, &[]);
    assert!(ids.is_empty());
    assert_eq!(out, vec![BatchDone(b)]);
}

#[test]
fn batches_are_added_apart_each_when_its_own_files_are_done() {
    let mut jobs = Jobs::new(true);
    let (b1, one, _) = add(&mut jobs, &[BIG]);
    let (b2, two, _) = add(&mut jobs, &[BIG]);
    assert_ne!(b1, b2);
    let out = jobs.on(Event::Finished(two[0]));
    assert!(out.contains(&BatchDone(b2)) && !out.contains(&BatchDone(b1)));
    let out = jobs.on(Event::Finished(one[0]));
    assert!(out.contains(&BatchDone(b1)));
}

#[test]
fn ids_are_never_reused() {
    let mut jobs = Jobs::new(true);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20 {
        let (b, ids, _) = add(&mut jobs, &[SMALL, SMALL]);
        assert!(seen.insert(b));
        for id in ids {
            assert!(seen.insert(id));
        }
    }
}

/// Random sequences of adds and events, checked against what must always
/// hold: at most [`PARALLEL`] workers; each job forgotten, released and
/// recorded at most once, and recorded only if not cancelled; each batch
/// added once, after all its jobs were forgotten; nothing left once every
/// job has ended.
#[test]
fn random_sequences_keep_every_promise() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..300 {
        let mut jobs = Jobs::new(next(5) != 0);
        let mut all: Vec<(JobId, BatchId)> = Vec::new();
        let mut in_worker: Vec<JobId> = Vec::new();
        let mut on_page: Vec<JobId> = Vec::new();
        let (mut forgotten, mut released, mut recorded, mut batches_done) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut cancelled = Vec::new();
        for _ in 0..40 {
            let out = if next(4) == 0 {
                let files: Vec<File> = (0..next(4))
                    .map(|_| if next(2) == 0 { SMALL } else { BIG })
                    .collect();
                let (b, ids, out) = jobs.add(&files);
                all.extend(ids.iter().map(|&j| (j, b)));
                out
            } else if all.is_empty() {
                jobs.on(Event::WarmUp)
            } else {
                let (job, _) = all[next(all.len() as u64) as usize];
                let event = match next(7) {
                    0 => Event::Cancel(job),
                    1 => Event::Answered(job),
                    2 => Event::NotStarted(job),
                    3 => Event::Compressed(job),
                    4 | 5 => {
                        if on_page.contains(&job) {
                            Event::ReadOnPage(job)
                        } else {
                            Event::Finished(job)
                        }
                    }
                    _ => Event::SpareFailed,
                };
                if event == Event::Cancel(job) && !forgotten.contains(&job) {
                    cancelled.push(job);
                }
                jobs.on(event)
            };
            for c in out {
                match c {
                    StartWorker { job, .. } => {
                        on_page.retain(|&j| j != job);
                        in_worker.push(job);
                    }
                    ReadOnPage(job) => {
                        in_worker.retain(|&j| j != job);
                        if !on_page.contains(&job) {
                            on_page.push(job);
                        }
                    }
                    Terminate(job) => in_worker.retain(|&j| j != job),
                    Record(job) => {
                        assert!(!recorded.contains(&job));
                        assert!(
                            !cancelled.contains(&job),
                            "a cancelled job's outcome is dropped"
                        );
                        recorded.push(job);
                    }
                    Forget(job) => {
                        assert!(!forgotten.contains(&job));
                        forgotten.push(job);
                        on_page.retain(|&j| j != job);
                    }
                    Release(js) => {
                        for j in js {
                            assert!(!released.contains(&j));
                            assert!(forgotten.contains(&j), "a share goes after its load ends");
                            released.push(j);
                        }
                    }
                    BatchDone(b) => {
                        assert!(!batches_done.contains(&b));
                        assert!(all
                            .iter()
                            .filter(|(_, batch)| *batch == b)
                            .all(|(j, _)| forgotten.contains(j)));
                        batches_done.push(b);
                    }
                    WorkersFailed(_) | SpawnSpare | TerminateSpare => {}
                }
                assert!(in_worker.len() <= PARALLEL);
            }
        }
        // Cancelling every job still open leaves nothing held.
        for &(job, _) in &all {
            jobs.on(Event::Cancel(job));
            assert!(jobs.answered(job).is_none());
        }
        assert!(jobs.is_idle());
    }
}
