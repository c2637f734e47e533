//! sidelot in the browser: four leptos client-side apps sharing these
//! modules, each its own wasm so that a visitor downloads only the one the
//! page needs (`src/bin/`, built by `scripts/frontend.sh`):
//!
//! - `public`: the map (`/`), with search, the parcel panel and "Do I qualify?";
//! - `forms`: the application form (`/apply`), the applicant's status page
//!   (`/status/...`) and the public figures (`/figures`);
//! - `staff`: the staff console under `/staff`;
//! - `lottery`: the published lotteries and their verifier under `/lottery/`.
//!
//! The server answers every client route with the right app's `index.html`
//! (`routes::App::for_path`).

mod api;
mod components;
mod format;
mod messages;
mod pages;
pub mod routes;
mod shape;
mod url;
mod viewport;

use leptos::prelude::*;

use components::header::PageHeader;
use routes::{FormsPage, LotteryPage};

fn path() -> String {
    window().location().pathname().unwrap_or_default()
}

/// The public app: the map, whatever the path.
pub fn public() {
    console_error_panic_hook::set_once();
    messages::init();
    leptos::mount::mount_to_body(pages::map::MapPage);
}

/// The forms app: the page the path names (the figures for a path it does
/// not know, which the server never sends it).
pub fn forms() {
    console_error_panic_hook::set_once();
    messages::init();
    match FormsPage::for_path(&path()).unwrap_or(FormsPage::Figures) {
        FormsPage::Figures => leptos::mount::mount_to_body(
            || view! { <PageHeader /> <pages::figures::FiguresPage /> },
        ),
        FormsPage::Apply => {
            leptos::mount::mount_to_body(|| view! { <PageHeader /> <pages::apply::ApplyPage /> })
        }
        FormsPage::How => {
            leptos::mount::mount_to_body(|| view! { <PageHeader /> <pages::how::HowPage /> })
        }
        FormsPage::Find => {
            leptos::mount::mount_to_body(|| view! { <PageHeader /> <pages::find::FindPage /> })
        }
        FormsPage::Status { token } => leptos::mount::mount_to_body(move || {
            view! { <PageHeader /> <pages::status::StatusPage token=token.clone() /> }
        }),
        FormsPage::Confirm { token } => leptos::mount::mount_to_body(move || {
            view! { <PageHeader /> <pages::confirm::ConfirmPage token=token.clone() /> }
        }),
        FormsPage::SubscriptionConfirm { token } => leptos::mount::mount_to_body(move || {
            view! { <PageHeader /> <pages::subscription::SubscriptionPage token=token.clone() stop=false /> }
        }),
        FormsPage::SubscriptionStop { token } => leptos::mount::mount_to_body(move || {
            view! { <PageHeader /> <pages::subscription::SubscriptionPage token=token.clone() stop=true /> }
        }),
    }
}

/// The staff console.
pub fn staff() {
    console_error_panic_hook::set_once();
    let path = path();
    leptos::mount::mount_to_body(move || view! { <pages::staff::StaffApp path=path.clone() /> });
}

/// A lottery's page.
pub fn lottery() {
    console_error_panic_hook::set_once();
    messages::init();
    let LotteryPage { round, lot } = LotteryPage::for_path(&path());
    leptos::mount::mount_to_body(move || {
        view! { <PageHeader /> <pages::lottery::LotteryPage round=round.clone() lot=lot.clone() /> }
    });
}
