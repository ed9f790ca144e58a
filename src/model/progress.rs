//! The stages of a load, as the progress bar names them: shared by the
//! readers (which report them) and the worker protocol (which carries them).

/// What the worker is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file: `done` of `total` bytes.
    Reading,
    /// Reading spans out of the JSON, `done` workers at once (0 or 1: one
    /// worker reads the whole file).
    Parsing,
    /// Building the trees of `done` spans.
    Building,
    /// Handing `done` spans to the page.
    Sending,
    /// Decompressing a gzip or deflate file: `bytes_read` bytes out so far.
    Decompressing,
}

impl Stage {
    /// Every stage (the wire format numbers them by their place here, so a
    /// new one goes last).
    pub const ALL: [Stage; 5] = [
        Stage::Reading,
        Stage::Parsing,
        Stage::Building,
        Stage::Sending,
        Stage::Decompressing,
    ];

    /// What the progress bar says.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Parsing => "parsing",
            Stage::Building => "building the tree",
            Stage::Sending => "opening",
            Stage::Decompressing => "decompressing",
        }
    }
}
