//! Getting traces onto the page: files dropped, picked or pasted, `?url=`
//! and `#url=` downloads, the workers that parse them, the files kept for the
//! next visit, and the messages and progress shown meanwhile.

pub mod download;
pub mod keep;
pub mod loader;
pub mod outcome;
pub mod source;
pub mod view;
pub mod workers;
