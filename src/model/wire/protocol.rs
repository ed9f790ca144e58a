//! What the page and the loading worker say to each other: requests,
//! progress, the finished model or why it failed.

use super::bytes::{Reader, Source, WireError, Writer};
use super::codec::{estimate, read_loaded, write_loaded};
use super::part;
use crate::model::formats::parallel::{Part, PartKind};
use crate::model::formats::Loaded;
use crate::model::progress::Stage;

/// How far a load has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Current stage.
    pub stage: Stage,
    /// Bytes read so far (reading), or spans so far (later stages).
    pub done: u64,
    /// The file's size in bytes.
    pub total_bytes: u64,
    /// Bytes read so far (equals `total_bytes` after reading).
    pub bytes_read: u64,
}

/// From the page to the worker. The file itself travels beside the message
/// (a `File` or an `ArrayBuffer`, which need no copying).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Read and parse the file sent with this message.
    Load {
        /// Which load this is; replies carry it back.
        job: u32,
        /// File name, for messages.
        name: String,
        /// The most bytes a compressed file may decompress to: what the
        /// page's memory budget has left for it.
        inflate_limit_bytes: u64,
    },
    /// From a loading worker to its helper: read the run of elements sent
    /// with this message (`[` elements `]`) as a part of a file.
    ReadPart {
        /// The load it belongs to; the reply carries it back.
        job: u32,
        /// What the elements are.
        kind: PartKind,
    },
}

/// From the worker to the page (and from a helper to its loading worker).
#[derive(Debug)]
pub enum Reply {
    /// Still working.
    Progress {
        /// The load.
        job: u32,
        /// How far.
        progress: Progress,
    },
    /// The file's traces.
    Loaded {
        /// The load.
        job: u32,
        /// What the file held.
        loaded: Loaded,
    },
    /// A helper's part (`None`: refused, read the file in one pass).
    Part {
        /// The load.
        job: u32,
        /// What the helper read.
        part: Option<Box<Part>>,
    },
    /// The file could not be read; `message` says why, in plain words.
    Failed {
        /// The load.
        job: u32,
        /// Why.
        message: String,
    },
}

impl Request {
    /// As bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(64);
        match self {
            Request::Load {
                job,
                name,
                inflate_limit_bytes,
            } => {
                w.u8(1);
                w.u32(*job);
                w.str(name);
                w.u64(*inflate_limit_bytes);
            }
            Request::ReadPart { job, kind } => {
                w.u8(2);
                w.u32(*job);
                part::write_kind(&mut w, *kind);
            }
        }
        w.buf
    }

    /// From bytes [`Request::encode`] made.
    pub fn decode(bytes: &[u8]) -> Result<Request, WireError> {
        let mut r = Reader::new(bytes)?;
        let request = match r.u8()? {
            1 => Request::Load {
                job: r.u32()?,
                name: r.string()?,
                inflate_limit_bytes: r.u64()?,
            },
            2 => Request::ReadPart {
                job: r.u32()?,
                kind: part::read_kind(&mut r)?,
            },
            _ => return Err(WireError("unknown request")),
        };
        if !r.is_at_end() {
            return Err(WireError("trailing bytes"));
        }
        Ok(request)
    }
}

impl Reply {
    /// The load this reply is about.
    pub fn job(&self) -> u32 {
        match self {
            Reply::Progress { job, .. }
            | Reply::Loaded { job, .. }
            | Reply::Part { job, .. }
            | Reply::Failed { job, .. } => *job,
        }
    }

    /// As bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Reply::Progress { job, progress } => {
                let mut w = Writer::with_capacity(40);
                w.u8(1);
                w.u32(*job);
                w.u8(Stage::ALL
                    .iter()
                    .position(|s| *s == progress.stage)
                    .unwrap_or(0) as u8);
                w.u64(progress.done);
                w.u64(progress.total_bytes);
                w.u64(progress.bytes_read);
                w.buf
            }
            Reply::Loaded { job, loaded } => {
                let mut w = Writer::with_capacity(estimate(loaded));
                w.u8(2);
                w.u32(*job);
                write_loaded(&mut w, loaded);
                w.buf
            }
            Reply::Part { job, part } => {
                let mut w = Writer::with_capacity(part.as_deref().map_or(16, part::estimate));
                w.u8(4);
                w.u32(*job);
                w.opt(part.as_deref(), part::write_part);
                w.buf
            }
            Reply::Failed { job, message } => {
                let mut w = Writer::with_capacity(16 + message.len());
                w.u8(3);
                w.u32(*job);
                w.str(message);
                w.buf
            }
        }
    }

    /// From bytes [`Reply::encode`] made.
    pub fn decode(bytes: &[u8]) -> Result<Reply, WireError> {
        Reply::read(Reader::new(bytes)?)
    }

    /// From bytes [`Reply::encode`] made, held in `source` and read a
    /// window at a time (the page reads a worker's answer this way, without
    /// copying it whole into its memory first).
    pub fn decode_from(source: &dyn Source) -> Result<Reply, WireError> {
        Reply::read(Reader::windowed(source)?)
    }

    fn read(mut r: Reader) -> Result<Reply, WireError> {
        let tag = r.u8()?;
        let job = r.u32()?;
        let reply = match tag {
            1 => Reply::Progress {
                job,
                progress: Progress {
                    stage: *Stage::ALL
                        .get(r.u8()? as usize)
                        .ok_or(WireError("unknown stage"))?,
                    done: r.u64()?,
                    total_bytes: r.u64()?,
                    bytes_read: r.u64()?,
                },
            },
            2 => Reply::Loaded {
                job,
                loaded: read_loaded(&mut r)?,
            },
            3 => Reply::Failed {
                job,
                message: r.string()?,
            },
            4 => Reply::Part {
                job,
                part: match r.u8()? {
                    0 => None,
                    1 => Some(Box::new(part::read_part(&mut r)?)),
                    _ => return Err(WireError("unknown part marker")),
                },
            },
            _ => return Err(WireError("unknown reply")),
        };
        if !r.is_at_end() {
            return Err(WireError("trailing bytes"));
        }
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_message_is_an_error_not_a_panic() {
        let loaded = crate::model::load(br#"{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x","startTime":1,"duration":2,"processID":"p1"}],"processes":{"p1":{"serviceName":"a"}}}]}"#)
            .expect("fixture loads");
        let bytes = Reply::Loaded { job: 3, loaded }.encode();
        for cut in 0..bytes.len() {
            assert!(Reply::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert!(Reply::decode(&bytes).is_ok());
    }
}
