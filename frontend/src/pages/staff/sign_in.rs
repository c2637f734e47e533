//! `/staff` before sign-in: email and password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{LoginRequest, StaffSession};
use sidelot_domain::application::FieldError;

use crate::api::{self, ApiError};
use crate::messages::{S, s};

#[component]
pub fn Login(session: RwSignal<Option<Result<StaffSession, ApiError>>>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        spawn_local(async move {
            let req = LoginRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
            };
            match api::staff::login(&req).await {
                Ok(s) => session.set(Some(Ok(s))),
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                    sending.set(false);
                }
            }
        });
    };
    let error_for = move |field: &'static str| move || errors.with(|e| api::messages_for(e, field));
    view! {
        <main class="page">
            <h1>{s(S::StaffSignIn)}</h1>
            <p role="alert" class="error-summary" hidden=move || failure.get().is_none()>
                {move || failure.get().unwrap_or_default()}
            </p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="staff-email">{s(S::Email)}</label>
                    <input id="staff-email" name="email" type="email" autocomplete="username"
                        aria-describedby="error-email" prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                    <p class="field-error" id="error-email">{error_for("email")}</p>
                </div>
                <div class="field">
                    <label for="staff-password">{s(S::Password)}</label>
                    <input id="staff-password" name="password" type="password" autocomplete="current-password"
                        aria-describedby="error-password" prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <p class="field-error" id="error-password">{error_for("password")}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" disabled=move || sending.get()>{s(S::SignIn)}</button>
                </div>
            </form>
        </main>
    }
}
