//! `/find`: "Find my application". A neighbour who lost their links gives
//! their email address and gets new links by email; the page never shows a
//! link, and answers the same whether or not the address is known.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::messages::{Msg, t};

#[derive(Debug, Clone, PartialEq)]
enum Asked {
    Not,
    Sending,
    Answered(String),
    /// What is wrong with the address, said beside it.
    Invalid(String),
    Failed(String),
}

#[component]
pub fn FindPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let asked = RwSignal::new(Asked::Not);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if asked.get_untracked() == Asked::Sending {
            return;
        }
        asked.set(Asked::Sending);
        let address = email.get_untracked();
        spawn_local(async move {
            asked.set(match api::public::find_links(&address).await {
                Ok(answer) => Asked::Answered(answer.message),
                Err(ApiError::Server { fields, .. }) if !fields.is_empty() => {
                    Asked::Invalid(fields[0].message.clone())
                }
                Err(e) => Asked::Failed(e.explain()),
            });
        });
    };
    let invalid = move || match asked.get() {
        Asked::Invalid(m) => Some(m),
        _ => None,
    };
    view! {
        <main class="page find">
            <p><a href="/">{t(Msg::BackToMap)}</a></p>
            <h1>{t(Msg::FindTitle)}</h1>
            <p>{t(Msg::FindIntro)}</p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="find-email">{t(Msg::FindEmail)}</label>
                    <input id="find-email" name="email" type="email" autocomplete="email" required
                        aria-invalid=move || invalid().is_some().to_string()
                        aria-describedby="find-email-error"
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                    <p id="find-email-error" class="error" aria-live="polite">{invalid}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" disabled=move || asked.get() == Asked::Sending>
                        {move || if asked.get() == Asked::Sending { t(Msg::FindSending) } else { t(Msg::FindSend) }}
                    </button>
                </div>
            </form>
            <p role="status" data-testid="find-answer">{move || match asked.get() {
                Asked::Answered(m) | Asked::Failed(m) => m,
                _ => String::new(),
            }}</p>
        </main>
    }
}
