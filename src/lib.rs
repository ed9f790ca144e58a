//! A static, in-browser trace viewer.
//!
//! `model` reads trace files and builds traces (pure Rust); `view_model`
//! derives what the page draws (pure Rust); `ui` is the leptos page;
//! `worker` is what runs inside the page's Web Workers.

pub mod model;
pub mod ui;
pub mod view_model;
pub mod worker;
