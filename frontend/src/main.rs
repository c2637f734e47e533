//! The sidelot map, a leptos client-side app.

mod api;
mod app;
mod apply;
mod figures;
mod format;
mod imports;
mod list;
mod lottery;
mod map;
mod messages;
mod qualify;
mod search;
mod shape;
mod staff;
mod status;
mod url;
mod viewport;

use leptos::prelude::*;

/// The header of the pages that are not the map.
#[component]
fn PageHeader() -> impl IntoView {
    view! {
        <header class="page-header">
            <a class="brand-link" href="/">{messages::t(messages::Msg::Title)}</a>
            <span class="tagline">{messages::t(messages::Msg::Tagline)}</span>
            <a class="header-link" href="/figures">{messages::t(messages::Msg::FiguresLink)}</a>
        </header>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    // The pages, chosen by the path: the server answers every path that
    // is not a file with this app.
    let path = window().location().pathname().unwrap_or_default();
    if path == "/staff" || path.starts_with("/staff/") {
        leptos::mount::mount_to_body(move || view! { <staff::StaffApp path=path.clone() /> });
    } else if let Some(rest) = path.strip_prefix("/lottery/") {
        // /lottery/<round> or /lottery/<round>/<lot>
        let rest = rest.trim_end_matches('/');
        let (round, lot) = match rest.split_once('/') {
            Some((round, lot)) => (round.to_owned(), Some(lot.to_owned())),
            None => (rest.to_owned(), None),
        };
        leptos::mount::mount_to_body(move || {
            view! { <PageHeader /> <lottery::LotteryPage round=round.clone() lot=lot.clone() /> }
        });
    } else if path == "/figures" {
        leptos::mount::mount_to_body(|| view! { <PageHeader /> <figures::FiguresPage /> });
    } else if path == "/apply" {
        leptos::mount::mount_to_body(|| view! { <PageHeader /> <apply::ApplyPage /> });
    } else if let Some(token) = path.strip_prefix("/status/") {
        let token = token.trim_end_matches('/').to_owned();
        leptos::mount::mount_to_body(
            move || view! { <PageHeader /> <status::StatusPage token=token.clone() /> },
        );
    } else {
        leptos::mount::mount_to_body(app::App);
    }
}
