//! "Tell me when lots open near this property": an email address for the
//! parcel chosen on the map; a first email confirms it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::messages::{Msg, t};

#[derive(Debug, Clone, PartialEq)]
enum Asked {
    Not,
    Sending,
    Answered(String),
    /// What is wrong, said beside the address.
    Invalid(String),
    Failed(String),
}

#[component]
pub fn Subscribe(pin: String) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let asked = RwSignal::new(Asked::Not);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if asked.get_untracked() == Asked::Sending {
            return;
        }
        asked.set(Asked::Sending);
        let (pin, address) = (pin.clone(), email.get_untracked());
        spawn_local(async move {
            asked.set(match api::public::subscribe(&pin, &address).await {
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
        <details class="subscribe">
            <summary>{t(Msg::SubFormTitle)}</summary>
            <p class="hint">{t(Msg::SubFormHint)}</p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="subscribe-email">{t(Msg::SubFormEmail)}</label>
                    <input id="subscribe-email" name="email" type="email" autocomplete="email" required
                        aria-invalid=move || invalid().is_some().to_string()
                        aria-describedby="subscribe-email-error"
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                    <p id="subscribe-email-error" class="error" aria-live="polite">{invalid}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" disabled=move || asked.get() == Asked::Sending>{t(Msg::SubFormButton)}</button>
                </div>
            </form>
            <p role="status" data-testid="subscribe-answer">{move || match asked.get() {
                Asked::Answered(m) | Asked::Failed(m) => m,
                _ => String::new(),
            }}</p>
        </details>
    }
}
