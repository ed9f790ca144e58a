//! Plain Rust the page draws from: which rows are visible, which of them are
//! in the viewport, where a time falls on the axis, the ruler's ticks, the
//! minimap image, the flame graph's boxes, the density bands of spans too small
//! to draw one by one, the state kept in the URL.
//! Tested natively; the UI only turns these into elements.

pub mod adding;
pub mod address;
pub mod backend;
pub mod backend_answers;
pub mod backend_login;
pub mod backend_search;
pub mod budget;
pub mod choices;
pub mod clock;
pub mod colours;
pub mod consent;
pub mod critical;
pub mod density;
pub mod events;
pub mod examples;
pub mod export;
pub mod files;
pub mod flame;
pub mod graph;
pub mod groups;
pub mod icicle;
pub mod jobs;
pub mod kept;
pub mod keys;
pub mod legend;
pub mod links_out;
pub mod links_out_list;
pub mod logs;
pub mod minimap;
pub mod post_message;
pub mod progress;
pub mod route;
pub mod rows;
pub mod scale;
pub mod sorting;
pub mod span_facts;
pub mod span_table;
pub mod theme;
pub mod trace_context;
pub mod url_state;

pub use rows::{row_window, visible_rows};
pub use scale::{ticks, TimeScale};
