//! `/apply?lot=PIN&owned=PIN`: the application form, in four steps. Each
//! step is checked with the same `domain` rules the server applies, and a
//! message sits beside each field at fault; the server's own refusals come
//! back the same way and take the reader to the step that needs them.

mod fields;
pub mod form;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{EligibilityAnswer, EligibleLot};
use sidelot_domain::application::{ApplicationForm, FieldError, PlannedUse};
use sidelot_domain::pin::dashed;
use wasm_bindgen::JsCast;

use self::fields::{CheckField, TextField};
use self::form::STEPS;
use crate::api::{self, ApiError};
use crate::messages::{Msg, t, tf};
use crate::url::query_param;

fn use_label(u: PlannedUse) -> &'static str {
    t(match u {
        PlannedUse::Garden => Msg::UseGarden,
        PlannedUse::SideYard => Msg::UseSideYard,
        PlannedUse::Parking => Msg::UseParking,
        PlannedUse::PlayArea => Msg::UsePlayArea,
        PlannedUse::Other => Msg::UseOther,
    })
}

fn focus_field(name: &str) {
    let selector = format!("[name=\"{name}\"], #field-{name}");
    if let Ok(Some(el)) = document().query_selector(&selector)
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = el.focus();
    }
}

/// A random key for this page's submission: sending twice (a double click,
/// a retry after a lost answer) is one application.
fn idempotency_key() -> String {
    (0..4)
        .map(|_| {
            format!(
                "{:08x}",
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            )
        })
        .collect()
}

#[component]
pub fn ApplyPage() -> impl IntoView {
    let query = window().location().search().unwrap_or_default();
    let lot = query_param(&query, "lot").unwrap_or_default();
    let owned = query_param(&query, "owned").unwrap_or_default();
    let key = idempotency_key();

    let step = RwSignal::new(0usize);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let sending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let check = RwSignal::new(None::<EligibilityAnswer>);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let mailing = RwSignal::new(String::new());
    // The other lots of the round the property qualifies for, and those ticked.
    let others = RwSignal::new(None::<Result<Vec<EligibleLot>, String>>);
    let extra_lots = RwSignal::new(Vec::<String>::new());
    let planned_use = RwSignal::new(String::new());
    let details = RwSignal::new(String::new());
    let attest_owner = RwSignal::new(false);
    let attest_taxes = RwSignal::new(false);
    let deed_size = RwSignal::new(None::<f64>);
    let form_ref = NodeRef::<leptos::html::Form>::new();

    if !lot.is_empty() && !owned.is_empty() {
        let (lot, owned) = (lot.clone(), owned.clone());
        spawn_local(async move {
            if let Ok(answer) = api::public::eligibility(&lot, &owned).await {
                let round = answer
                    .round
                    .as_ref()
                    .filter(|r| r.rules.max_lots > 1)
                    .map(|r| r.slug.clone());
                check.set(Some(answer));
                if let Some(round) = round {
                    others.set(Some(
                        api::public::eligible_lots(&round, &owned)
                            .await
                            .map(|e| e.lots.into_iter().filter(|l| l.pin != lot).collect())
                            .map_err(|e| e.message()),
                    ));
                }
            }
        });
    }
    let max_lots = move || {
        check.with(|c| {
            c.as_ref()
                .and_then(|c| c.round.as_ref())
                .map_or(1, |r| r.rules.max_lots)
        })
    };

    let (lot_v, owned_v) = (
        StoredValue::new(lot.clone()),
        StoredValue::new(owned.clone()),
    );
    let form_now = move || ApplicationForm {
        applicant_name: name.get_untracked(),
        email: email.get_untracked(),
        phone: phone.get_untracked(),
        mailing_address: mailing.get_untracked(),
        owned: owned_v.get_value(),
        lots: std::iter::once(lot_v.get_value())
            .chain(extra_lots.get_untracked())
            .collect(),
        planned_use: planned_use.get_untracked(),
        planned_use_details: details.get_untracked(),
        attests_ownership: attest_owner.get_untracked(),
        attests_taxes: attest_taxes.get_untracked(),
    };
    // Every problem the browser can see, across all steps.
    let problems = move || {
        form::problems(
            &form_now(),
            max_lots(),
            deed_size.get_untracked(),
            crate::messages::current(),
        )
    };
    let show_errors = move |found: Vec<FieldError>| {
        let first = found.first().map(|e| e.field.clone());
        errors.set(found);
        if let Some(field) = first {
            request_animation_frame(move || focus_field(&field));
        }
    };

    let next = move |_| match form::next(step.get_untracked(), problems()) {
        Ok(after) => {
            errors.set(Vec::new());
            step.set(after);
            request_animation_frame(|| focus_field("step-title"));
        }
        Err(found) => show_errors(found),
    };
    let back = move |_| {
        errors.set(Vec::new());
        step.update(|s| *s = s.saturating_sub(1));
    };

    let key_v = StoredValue::new(key);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if !form::is_last(step.get_untracked()) {
            return;
        }
        let found = problems();
        if let Some(at) = form::step_to_show(&found) {
            step.set(at);
            show_errors(found);
            return;
        }
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        sending.set(true);
        failure.set(None);
        let key = key_v.get_value();
        spawn_local(async move {
            match api::public::apply(&data, &key).await {
                Ok(receipt) => {
                    if let Some(url) = receipt.status_url {
                        // The status page lives on this server whatever the public address.
                        let path = url
                            .find("/status/")
                            .map_or(url.as_str(), |i| &url[i..])
                            .to_owned();
                        let _ = window().location().assign(&path);
                    } else {
                        failure.set(Some(tf(Msg::SendFailed, &[&receipt.tracking_code])));
                        sending.set(false);
                    }
                }
                Err(ApiError::Server { fields, .. }) if !fields.is_empty() => {
                    sending.set(false);
                    step.set(form::step_to_show(&fields).unwrap_or_default());
                    show_errors(fields);
                }
                Err(e) => {
                    sending.set(false);
                    failure.set(Some(tf(Msg::SendFailed, &[&e.message()])));
                }
            }
        });
    };

    let error_for = move |field: &'static str| fields::messages_for(errors, field);
    let invalid = move |field: &'static str| {
        move || {
            errors
                .with(|e| e.iter().any(|e| e.field == field))
                .to_string()
        }
    };
    let hidden_unless = move |n: usize| move || step.get() != n;

    if lot.is_empty() || owned.is_empty() {
        return view! {
            <main class="page">
                <p>{t(Msg::MissingContext)}</p>
                <p><a href="/">{t(Msg::BackToMap)}</a></p>
            </main>
        }
        .into_any();
    }
    let lot_dashed = dashed(&lot);
    let owned_dashed = dashed(&owned);
    view! {
        <main class="page apply">
            <p><a href=format!("/?pin={lot}")>{t(Msg::BackToMap)}</a></p>
            <h1>{tf(Msg::ApplyTitle, &[&lot_dashed])}</h1>
            <p>{t(Msg::ApplyIntro)}</p>
            <h2 id="field-step-title" tabindex="-1" aria-live="polite">
                {move || tf(Msg::StepOf, &[&(step.get() + 1).to_string(), &STEPS.len().to_string(), t(STEPS[step.get()].0)])}
            </h2>
            {move || (!errors.with(Vec::is_empty)).then(|| view! {
                <div class="error-summary" role="alert">
                    <p>{t(Msg::ErrorSummary)}</p>
                    <ul>
                        {errors.get().into_iter().map(|e| {
                            let target = format!("#field-{}", e.field);
                            view! { <li><a href=target>{e.message.clone()}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <form node_ref=form_ref on:submit=on_submit novalidate>
                <fieldset hidden=hidden_unless(0)>
                    <legend>{t(STEPS[0].0)}</legend>
                    <p><strong>{t(Msg::OwnedProperty)}</strong>": "{owned_dashed}</p>
                    <p><strong>{t(Msg::LotsAsked)}</strong>": "{lot_dashed}</p>
                    <p class="hint" data-testid="apply-check">{move || check.get().map(|c| c.explanation)}</p>
                    {move || check.get().filter(|c| c.already_applied).map(|_| view! {
                        <p class="verdict no" data-testid="already-applied">{t(Msg::AlreadyApplied)}</p>
                    })}
                    <input type="hidden" name="owned" value=owned.clone() />
                    <input type="hidden" name="lot" value=lot.clone() />
                    <fieldset class="field other-lots" id="field-lots" tabindex="-1" hidden=move || max_lots() < 2
                        aria-describedby="hint-lots error-lots">
                        <legend>{t(Msg::AnotherLot)}</legend>
                        <p class="hint" id="hint-lots">{move || tf(Msg::AnotherLotHint, &[&max_lots().to_string()])}</p>
                        {move || match others.get() {
                            None => view! { <p role="status">{t(Msg::OtherLotsLoading)}</p> }.into_any(),
                            Some(Err(m)) => view! { <p role="alert">{m}</p> }.into_any(),
                            Some(Ok(lots)) if lots.is_empty() => view! { <p data-testid="no-other-lots">{t(Msg::OtherLotsNone)}</p> }.into_any(),
                            Some(Ok(lots)) => lots.into_iter().map(|l| {
                                let id = format!("lot-{}", l.pin);
                                let pin = l.pin.clone();
                                let ticked = pin.clone();
                                let name = l.address.clone().unwrap_or_else(|| t(Msg::NoAddress).to_owned());
                                view! {
                                    <div class="field check">
                                        <input type="checkbox" id=id.clone() name="lot" value=l.pin.clone()
                                            aria-describedby=format!("why-{}", l.pin)
                                            prop:checked=move || extra_lots.with(|x| x.contains(&ticked))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                extra_lots.update(|x| {
                                                    x.retain(|p| *p != pin);
                                                    if on {
                                                        x.push(pin.clone());
                                                    }
                                                });
                                            } />
                                        <label for=id>{format!("{name} ({})", dashed(&l.pin))}</label>
                                        <p class="hint" id=format!("why-{}", l.pin)>{l.explanation}</p>
                                    </div>
                                }
                            }).collect_view().into_any(),
                        }}
                    </fieldset>
                    <p class="field-error" id="error-lots">{error_for("lots")}</p>
                    <p class="field-error" id="error-owned">{error_for("owned")}</p>
                </fieldset>
                <fieldset hidden=hidden_unless(1)>
                    <legend>{t(STEPS[1].0)}</legend>
                    <TextField name="applicant_name" label=Msg::ApplicantName value=name errors=errors autocomplete="name" />
                    <TextField name="email" label=Msg::Email value=email errors=errors kind="email" autocomplete="email" hint=Msg::EmailHint />
                    <TextField name="phone" label=Msg::Phone value=phone errors=errors kind="tel" autocomplete="tel" />
                    <TextField name="mailing_address" label=Msg::MailingAddress value=mailing errors=errors autocomplete="street-address" rows=3 />
                </fieldset>
                <fieldset hidden=hidden_unless(2)>
                    <legend>{t(STEPS[2].0)}</legend>
                    <div class="field">
                        <label for="field-planned_use">{t(Msg::PlannedUse)}</label>
                        <select id="field-planned_use" name="planned_use" required
                            aria-invalid=invalid("planned_use") aria-describedby="error-planned_use"
                            on:change=move |ev| planned_use.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {PlannedUse::ALL.into_iter().map(|u| view! { <option value=u.as_str()>{use_label(u)}</option> }).collect_view()}
                        </select>
                        <p class="field-error" id="error-planned_use">{error_for("planned_use")}</p>
                    </div>
                    <TextField name="planned_use_details" label=Msg::UseDetails value=details errors=errors rows=3 />
                </fieldset>
                <fieldset hidden=hidden_unless(3)>
                    <legend>{t(STEPS[3].0)}</legend>
                    <div class="field">
                        <label for="field-deed">{t(Msg::Deed)}</label>
                        <input id="field-deed" name="deed" type="file" accept="application/pdf,image/jpeg,image/png" required
                            aria-invalid=invalid("deed") aria-describedby="error-deed"
                            on:change=move |ev: web_sys::Event| {
                                let size = ev
                                    .target()
                                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                    .and_then(|i| i.files())
                                    .and_then(|f| f.get(0))
                                    .map(|f| f.size());
                                deed_size.set(size);
                            } />
                        <p class="field-error" id="error-deed">{error_for("deed")}</p>
                    </div>
                    <CheckField name="attests_ownership" label=Msg::AttestOwnership value=attest_owner errors=errors />
                    <CheckField name="attests_taxes" label=Msg::AttestTaxes value=attest_taxes errors=errors />
                </fieldset>
                <p class="form-actions">
                    <button type="button" class="secondary" hidden=move || step.get() == 0 on:click=back>{t(Msg::Back)}</button>
                    " "
                    <button type="button" hidden=move || step.get() + 1 == STEPS.len() on:click=next>{t(Msg::Next)}</button>
                    <button type="submit" hidden=move || step.get() + 1 != STEPS.len() disabled=move || sending.get()>
                        {move || if sending.get() { t(Msg::Sending) } else { t(Msg::Submit) }}
                    </button>
                </p>
                <p role="alert" class="field-error">{move || failure.get()}</p>
            </form>
        </main>
    }
    .into_any()
}
