//! RED over time: per service (and per operation), requests, errors and the
//! p50/p99 of their durations in time buckets over the spans' start times.
//! A service's requests are the spans by which work enters it (roots, and
//! spans whose parent is in another service), as in the RED table; an
//! operation's are all its spans.
//!
//! ```text
//! start times  |..:.....:::..|.....:.......|   buckets of one size from
//!              0s            10s           20s  1 s to 1 h, ≤ 60 of them
//! ```

use crate::model::hash::FxHashMap;
use crate::model::stats::percentile;
use crate::model::trace::Trace;

/// Bucket sizes offered, in seconds: the smallest giving at most
/// [`MOST_BUCKETS`] buckets is used (1 h past that).
pub const BUCKET_SECS: [u64; 13] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
/// Most buckets wanted across the time range.
pub const MOST_BUCKETS: u64 = 60;

/// The bucket size for start times spanning `range_nanos`.
pub fn bucket_nanos(range_nanos: u64) -> u64 {
    let secs = BUCKET_SECS
        .iter()
        .copied()
        .find(|&s| range_nanos / (s * 1_000_000_000) < MOST_BUCKETS)
        .unwrap_or(3600);
    secs * 1_000_000_000
}

/// One bucket of one series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Requests starting in the bucket.
    pub requests: u32,
    /// Of them, with error status.
    pub errors: u32,
    /// Median duration, nanoseconds (0 without requests).
    pub p50_nanos: u64,
    /// 99th percentile.
    pub p99_nanos: u64,
}

/// The buckets of one service or operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Series {
    /// Service.
    pub service: String,
    /// Operation, empty for the service's own series.
    pub operation: String,
    /// One per bucket.
    pub buckets: Vec<Bucket>,
}

/// RED over time for many traces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedOverTime {
    /// Start of the first bucket, nanoseconds since the epoch (a multiple
    /// of the bucket size).
    pub start_unix_nanos: u64,
    /// Bucket size.
    pub bucket_nanos: u64,
    /// Services by name (`operation` empty).
    pub services: Vec<Series>,
    /// Operations by service then name.
    pub operations: Vec<Series>,
}

impl RedOverTime {
    /// Number of buckets.
    pub fn bucket_count(&self) -> usize {
        self.services.first().map_or(0, |s| s.buckets.len())
    }

    /// Start and end of bucket `i`, nanoseconds since the epoch.
    pub fn bucket_range(&self, i: usize) -> (u64, u64) {
        let from = self
            .start_unix_nanos
            .saturating_add((i as u64).saturating_mul(self.bucket_nanos));
        (from, from.saturating_add(self.bucket_nanos))
    }
}

/// One request: series, start, duration, error.
type Request = (u32, u64, u64, bool);

/// Gathers RED over time one trace at a time.
#[derive(Default)]
pub struct RedBuilder {
    /// (service, operation, whether the service's own series) → series.
    names: FxHashMap<(String, String, bool), u32>,
    series: Vec<(String, String, bool)>,
    requests: Vec<Request>,
}

impl RedBuilder {
    /// An empty builder.
    pub fn new() -> RedBuilder {
        RedBuilder::default()
    }

    fn series(&mut self, service: &str, operation: &str, own: bool) -> u32 {
        let key = (service.to_string(), operation.to_string(), own);
        if let Some(&id) = self.names.get(&key) {
            return id;
        }
        let id = self.series.len() as u32;
        self.series.push(key.clone());
        self.names.insert(key, id);
        id
    }

    /// Adds the requests of `trace`.
    pub fn add(&mut self, trace: &Trace) {
        let mut local: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        for span in &trace.spans {
            let raw = &span.raw;
            let start = raw.start_unix_nanos;
            let d = raw.duration_nanos;
            let error = span.is_error();
            let op_key = (raw.service.0, raw.name.0);
            let op = match local.get(&op_key) {
                Some(&id) => id,
                None => {
                    let id = self.series(trace.str(raw.service), trace.str(raw.name), false);
                    local.insert(op_key, id);
                    id
                }
            };
            self.requests.push((op, start, d, error));
            let enters = match span.parent.and_then(|p| trace.span(p)) {
                None => true,
                Some(parent) => parent.raw.service != raw.service,
            };
            if enters {
                let svc_key = (raw.service.0, u32::MAX);
                let svc = match local.get(&svc_key) {
                    Some(&id) => id,
                    None => {
                        let id = self.series(trace.str(raw.service), "", true);
                        local.insert(svc_key, id);
                        id
                    }
                };
                self.requests.push((svc, start, d, error));
            }
        }
    }

    /// Buckets every series.
    pub fn finish(self) -> RedOverTime {
        let lo = self.requests.iter().map(|r| r.1).min().unwrap_or(0);
        let hi = self.requests.iter().map(|r| r.1).max().unwrap_or(0);
        let bucket = bucket_nanos(hi - lo);
        let start = lo - lo % bucket;
        let count = ((hi - start) / bucket + 1) as usize;
        // Durations per (series, bucket), then percentiles.
        let mut cells: Vec<Vec<(u64, bool)>> = vec![Vec::new(); self.series.len() * count];
        for &(series, at, d, error) in &self.requests {
            let b = ((at - start) / bucket) as usize;
            if let Some(cell) = cells.get_mut(series as usize * count + b.min(count - 1)) {
                cell.push((d, error));
            }
        }
        let mut services = Vec::new();
        let mut operations = Vec::new();
        for (i, (service, operation, own)) in self.series.into_iter().enumerate() {
            let buckets = cells
                .get_mut(i * count..(i + 1) * count)
                .unwrap_or(&mut [])
                .iter_mut()
                .map(|cell| {
                    let errors = cell.iter().filter(|c| c.1).count() as u32;
                    let mut d: Vec<u64> = cell.iter().map(|c| c.0).collect();
                    d.sort_unstable();
                    Bucket {
                        requests: d.len() as u32,
                        errors,
                        p50_nanos: percentile(&d, 50.0),
                        p99_nanos: percentile(&d, 99.0),
                    }
                })
                .collect();
            let s = Series {
                service,
                operation,
                buckets,
            };
            if own {
                services.push(s);
            } else {
                operations.push(s);
            }
        }
        services.sort_by(|a, b| a.service.cmp(&b.service));
        operations.sort_by(|a, b| (&a.service, &a.operation).cmp(&(&b.service, &b.operation)));
        RedOverTime {
            start_unix_nanos: start,
            bucket_nanos: bucket,
            services,
            operations,
        }
    }
}

/// True when a span of `trace` starts in `from..to` (nanoseconds since the epoch).
pub fn trace_starts_span_in(trace: &Trace, from: u64, to: u64) -> bool {
    trace
        .spans
        .iter()
        .any(|s| (from..to).contains(&s.raw.start_unix_nanos))
}
