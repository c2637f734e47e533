//! `/confirm/<token>`: the link of the confirmation email. Opening it
//! confirms the email address (the page sends the confirmation, so that a
//! mail scanner that only fetches links confirms nothing).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::messages::{Msg, t};

#[derive(Debug, Clone, PartialEq)]
enum Page {
    Confirming,
    Confirmed { already: bool },
    Missing,
    Failed(String),
}

#[component]
pub fn ConfirmPage(token: String) -> impl IntoView {
    let page = RwSignal::new(Page::Confirming);
    spawn_local(async move {
        page.set(match api::public::confirm(&token).await {
            Ok(c) => Page::Confirmed { already: c.already },
            Err(ApiError::Server { status: 404, .. }) => Page::Missing,
            Err(e) => Page::Failed(e.message()),
        });
    });
    view! {
        <main class="page confirm">
            <p><a href="/">{t(Msg::BackToMap)}</a></p>
            {move || match page.get() {
                Page::Confirming => view! { <p role="status">{t(Msg::Confirming)}</p> }.into_any(),
                Page::Confirmed { already } => view! {
                    <h1 data-testid="confirmed">
                        {if already { t(Msg::ConfirmedBefore) } else { t(Msg::ConfirmedNow) }}
                    </h1>
                    <p>{t(Msg::ConfirmedNext)}</p>
                }.into_any(),
                Page::Missing => view! {
                    <h1>{t(Msg::ConfirmMissing)}</h1>
                    <p><a href="/find">{t(Msg::FindLost)}</a></p>
                }.into_any(),
                Page::Failed(message) => view! {
                    <h1>{t(Msg::ConfirmFailed)}</h1>
                    <p role="alert">{message}</p>
                }.into_any(),
            }}
        </main>
    }
}
