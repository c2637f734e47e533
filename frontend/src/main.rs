//! The sidelot map, a leptos client-side app.

mod api;
mod app;
mod format;
mod list;
mod map;
mod messages;
mod qualify;
mod search;
mod url;
mod viewport;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
