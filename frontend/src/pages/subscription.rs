//! `/subscriptions/confirm/<token>` and `/subscriptions/stop/<token>`: the
//! links of "Tell me when lots open near me". Opening one does what it
//! says (the page sends it, so that a mail scanner that only fetches links
//! does nothing).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::messages::{Msg, t};

#[derive(Debug, Clone, PartialEq)]
enum Page {
    Working,
    Done(String),
    Unknown(String),
    Failed(String),
}

#[component]
pub fn SubscriptionPage(token: String, stop: bool) -> impl IntoView {
    let page = RwSignal::new(Page::Working);
    spawn_local(async move {
        page.set(match api::public::subscription_link(&token, stop).await {
            Ok(answer) => Page::Done(answer.message),
            Err(ApiError::Server {
                status: 404,
                message,
                ..
            }) => Page::Unknown(message),
            Err(e) => Page::Failed(e.explain()),
        });
    });
    view! {
        <main class="page confirm">
            <p><a href="/">{t(Msg::BackToMap)}</a></p>
            <p class="hint">{if stop { t(Msg::SubStopTitle) } else { t(Msg::SubTitle) }}</p>
            {move || match page.get() {
                Page::Working => view! { <p role="status">{t(Msg::SubConfirming)}</p> }.into_any(),
                Page::Done(message) => view! { <h1 data-testid="subscription-done">{message}</h1> }.into_any(),
                Page::Unknown(message) => view! { <h1>{message}</h1> }.into_any(),
                Page::Failed(message) => view! {
                    <h1>{t(Msg::SubFailed)}</h1>
                    <p role="alert">{message}</p>
                }.into_any(),
            }}
        </main>
    }
}
