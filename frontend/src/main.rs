//! The sidelot map, a leptos client-side app.

mod api;
mod app;
mod format;
mod map;
mod messages;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
