//! The page's entry point: panic hook, the readers' module compiling (see
//! `ui::load::reader`), then mount the page. The loading workers run the
//! readers' module instead (`src/bin/reader.rs`).

fn main() {
    trace_viewer::ui::shared::panic::install();
    trace_viewer::ui::shared::panic::watch_traps();
    trace_viewer::ui::shared::debug::install();
    trace_viewer::ui::load::reader::start();
    leptos::mount::mount_to_body(trace_viewer::ui::App);
}
