//! The form's labelled fields, each with its hint and error message, wired
//! for screen readers.

use leptos::prelude::*;
use sidelot_domain::application::FieldError;

use crate::api;
use crate::messages::{Msg, t};

/// The messages for `field` among `errors`, joined.
pub fn messages_for(
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
) -> impl Fn() -> String + Copy {
    move || errors.with(|e| api::messages_for(e, field))
}

/// A labelled text input (or, `rows` > 0, a text area) bound to `value`,
/// with an optional hint and its error message, wired for screen readers.
#[component]
pub fn TextField(
    name: &'static str,
    label: Msg,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(default = 0)] rows: u32,
) -> impl IntoView {
    let id = format!("field-{name}");
    let described = if hint.is_some() {
        format!("hint-{name} error-{name}")
    } else {
        format!("error-{name}")
    };
    let invalid = move || {
        errors
            .with(|e| e.iter().any(|e| e.field == name))
            .to_string()
    };
    let on_input = move |ev: web_sys::Event| value.set(event_target_value(&ev));
    let control = if rows > 0 {
        view! {
            <textarea id=id.clone() name=name rows=rows autocomplete=autocomplete aria-invalid=invalid
                aria-describedby=described prop:value=move || value.get() on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type=kind autocomplete=autocomplete aria-invalid=invalid
                aria-describedby=described prop:value=move || value.get() on:input=on_input />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{t(label)}</label>
            {control}
            {hint.map(|h| view! { <p class="hint" id=format!("hint-{name}")>{t(h)}</p> })}
            <p class="field-error" id=format!("error-{name}")>{messages_for(errors, name)}</p>
        </div>
    }
}

/// A labelled checkbox bound to `value`, with its error message.
#[component]
pub fn CheckField(
    name: &'static str,
    label: Msg,
    value: RwSignal<bool>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let invalid = move || {
        errors
            .with(|e| e.iter().any(|e| e.field == name))
            .to_string()
    };
    view! {
        <div class="field check">
            <input id=format!("field-{name}") name=name type="checkbox" value="true" aria-invalid=invalid
                aria-describedby=format!("error-{name}") on:change=move |ev| value.set(event_target_checked(&ev)) />
            <label for=format!("field-{name}")>{t(label)}</label>
            <p class="field-error" id=format!("error-{name}")>{messages_for(errors, name)}</p>
        </div>
    }
}
