//! The header of the public pages that are not the map, and the links to
//! the site's pages that every public page carries.

use leptos::prelude::*;
use sidelot_domain::lang::Lang;

use crate::messages::{self, Msg, t};

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
            <LanguageSwitch />
        </nav>
    }
}

/// The page in the other language: the switch is written in that language
/// (its name, and what it does for a screen reader), so that its readers
/// find it. The choice is remembered.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let other = match messages::current() {
        Lang::En => Lang::Es,
        Lang::Es => Lang::En,
    };
    view! {
        <button
            type="button"
            class="link language-switch"
            lang=other.tag()
            aria-label=t(Msg::LangSwitchLabel)
            on:click=move |_| messages::choose(other)
        >
            {other.own_name()}
        </button>
    }
}
