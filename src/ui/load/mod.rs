//! Getting traces onto the page: files dropped, picked or pasted, `?url=`
//! and `#url=` downloads, traces fetched from a Jaeger or Tempo server or
//! posted by another page, the workers that parse them, the files kept for
//! the next visit, and the messages and progress shown meanwhile.

pub mod backend;
pub mod backend_form;
pub mod backend_panel;
pub mod backend_search;
pub mod backend_state;
pub mod consent;
pub mod download;
pub mod in_worker;
pub mod keep;
pub mod loader;
pub mod log_files;
pub mod outcome;
pub mod post_message;
pub mod reader;
pub mod reopen;
pub mod reply;
pub mod reserve;
pub mod source;
pub mod spawn;
pub mod view;
pub mod workers;
