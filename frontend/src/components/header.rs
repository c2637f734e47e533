//! The header of the public pages that are not the map.

use leptos::prelude::*;

use crate::messages::{Msg, t};

#[component]
pub fn PageHeader() -> impl IntoView {
    view! {
        <header class="page-header">
            <a class="brand-link" href="/">{t(Msg::Title)}</a>
            <span class="tagline">{t(Msg::Tagline)}</span>
            <a class="header-link" href="/figures">{t(Msg::FiguresLink)}</a>
        </header>
    }
}
