//! The header of the public pages that are not the map, and the links to
//! the site's pages that every public page carries.

use leptos::prelude::*;

use crate::messages::{Msg, t};

#[component]
pub fn PageHeader() -> impl IntoView {
    view! {
        <header class="page-header">
            <a class="brand-link" href="/">{t(Msg::Title)}</a>
            <span class="tagline">{t(Msg::Tagline)}</span>
            <SiteLinks />
        </header>
    }
}

/// The site's other pages, on every public page (the map's header too).
#[component]
pub fn SiteLinks() -> impl IntoView {
    view! {
        <nav class="site-links" aria-label=t(Msg::SiteLinks)>
            <a href="/how-it-works">{t(Msg::HowItWorksLink)}</a>
            <a href="/figures">{t(Msg::FiguresLink)}</a>
            <a href="/find">{t(Msg::FindLink)}</a>
        </nav>
    }
}
