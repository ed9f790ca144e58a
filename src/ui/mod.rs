//! The leptos page. The state lives in [`app_state`]; each page has its
//! folder (`load`, `trace_list`, `trace_page`, `compare`), and `shared` holds
//! what they all use. Components draw what `view_model` derives.

pub mod app;
pub mod app_state;
pub mod compare;
pub mod load;
pub mod shared;
pub mod trace_list;
pub mod trace_page;

pub use app::App;
