//! Entry point: panic hook, then mount the page (or, in a loading worker,
//! answer its messages).

fn main() {
    trace_viewer::ui::shared::panic::install();
    // The same module runs in the loading workers, where there is no page.
    if web_sys::window().is_none() {
        trace_viewer::worker::serve();
        return;
    }
    trace_viewer::ui::shared::panic::watch_traps();
    trace_viewer::ui::shared::debug::install();
    leptos::mount::mount_to_body(trace_viewer::ui::App);
}
