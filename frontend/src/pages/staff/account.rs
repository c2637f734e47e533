//! `/staff/account`: the signed-in person changes their password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::PasswordChange;

use crate::api;
use crate::messages::{S, s};

#[component]
pub fn AccountPage() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let req = PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        spawn_local(async move {
            result.set(Some(
                api::staff::change_password(&req)
                    .await
                    .map_err(|e| e.explain()),
            ));
        });
    };
    view! {
        <main class="page">
            <h1>{s(S::YourAccount)}</h1>
            <h2>{s(S::ChangeYourPassword)}</h2>
            <form on:submit=submit>
                <div class="field"><label for="pw-current">{s(S::CurrentPassword)}</label>
                    <input id="pw-current" type="password" autocomplete="current-password" on:input=move |ev| current.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="pw-new">{s(S::NewPassword12CharactersOr)}</label>
                    <input id="pw-new" type="password" autocomplete="new-password" on:input=move |ev| new.set(event_target_value(&ev)) /></div>
                <div class="form-actions"><button type="submit">{s(S::ChangePassword)}</button></div>
            </form>
            <p role="status">{move || match result.get() {
                None => String::new(),
                Some(Ok(())) => {s(S::YourPasswordIsChangedYour)}.into(),
                Some(Err(m)) => m,
            }}</p>
        </main>
    }
}
