//! Entry point: panic hook, then mount the page.

fn main() {
    trace_viewer::ui::panic::install();
    leptos::mount::mount_to_body(trace_viewer::ui::App);
}
