//! `/staff/applications/<id>`: one application as staff review it, each
//! requested lot with its facts, drawing and actions, notes and the history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::OwnerEvidence;
use sidelot_domain::api::{
    DenialReason, NoteRequest, StaffApplication, StaffLot, TransitionRequest,
};
use sidelot_domain::format::feet;
use sidelot_domain::owners::{NameMatch, OwnerNote};
use sidelot_domain::pin::dashed;
use sidelot_domain::workflow::{self, Action, Reason};

use super::reason_fields::ReasonFields;
use super::review_map::ReviewMap;
use super::{Load, load, refetch, relation_words};
use crate::api;
use crate::format::when;
use crate::messages::{S, fill, s};

#[component]
pub fn ApplicationPage(id: i64) -> impl IntoView {
    let app: RwSignal<Load<StaffApplication>> = load(api::staff::application(id));
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load(api::staff::reasons());
    let announce = RwSignal::new(String::new());
    let refresh = move || refetch(app, api::staff::application(id));
    view! {
        <main class="page wide">
            <p><a href="/staff">{s(S::BackToTheQueue)}</a></p>
            <super::walk::Walk id=id />
            <p role="status" class="announce">{move || announce.get()}</p>
            {move || match app.get() {
                Load::Wait => view! { <p role="status">{s(S::Loading)}</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(a) => view! {
                    <h1>{fill(s(S::ApplicationCode), &[&a.tracking_code])}</h1>
                    <dl class="facts">
                        <dt>{s(S::Applicant)}</dt><dd>{a.applicant_name.clone()}</dd>
                        <dt>{s(S::Email)}</dt><dd>{a.email.clone()}{if a.email_confirmed { s(S::ConfirmedAfter) } else { s(S::NotConfirmedAfter) }}</dd>
                        <dt>{s(S::Language)}</dt><dd data-testid="applicant-language">{match a.language {
                            sidelot_domain::lang::Lang::En => {s(S::English)},
                            sidelot_domain::lang::Lang::Es => {s(S::SpanishEveryEmailToThem)},
                        }}</dd>
                        <dt>{s(S::Phone)}</dt><dd>{a.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>{s(S::MailingAddress)}</dt><dd>{a.mailing_address.clone()}</dd>
                        <dt>{s(S::TheirProperty)}</dt><dd>{match &a.owned_address {
                            Some(addr) => format!("{addr} ({})", dashed(&a.owned)),
                            None => fill(s(S::PinNoAddressOnRecord), &[&dashed(&a.owned)]),
                        }}</dd>
                        <dt>{s(S::PlannedUse)}</dt><dd>{format!("{}{}", a.planned_use.replace('_', " "), a.planned_use_details.clone().map(|d| format!(": {d}")).unwrap_or_default())}</dd>
                        <dt>{s(S::Round)}</dt><dd>{a.round.clone()}</dd>
                        <dt>{s(S::Submitted)}</dt><dd>{when(&a.submitted_at)}</dd>
                        <dt>{s(S::ProofOfOwnership)}</dt>
                        <dd><a href=a.deed_url.clone() target="_blank" rel="noopener">{fill(s(S::OpenTheDeed), &[&a.deed_type])}</a></dd>
                        <dt>{s(S::OwnerOfRecord)}</dt>
                        <dd data-testid="owner-of-record">{owner_evidence(&a.owner)}</dd>
                    </dl>
                    {a.lots.iter().cloned().map(|l| view! {
                        <LotReview application=id lot=l reasons announce on_done=refresh />
                    }).collect_view()}
                    <NoteForm application=id announce on_done=refresh />
                    <h2>{s(S::History)}</h2>
                    <table class="history-table stacking">
                        <thead><tr><th scope="col">{s(S::When)}</th><th scope="col">{s(S::Lot)}</th><th scope="col">{s(S::Who)}</th>
                            <th scope="col">{s(S::Step)}</th><th scope="col">{s(S::Reason)}</th><th scope="col">{s(S::Note)}</th></tr></thead>
                        <tbody>
                            {a.history.iter().map(|h| view! {
                                <tr>
                                    <td data-label=s(S::When)>{when(&h.at)}</td>
                                    <td data-label=s(S::Lot)>{h.lot.as_deref().map(dashed).unwrap_or_default()}</td>
                                    <td data-label=s(S::Who)>{h.actor.clone()}</td>
                                    <td data-label=s(S::Step)>{match (&h.from, &h.to) {
                                        (Some(f), Some(t)) => format!("{} → {}", f.label(), t.label()),
                                        _ => h.kind.replace('_', " "),
                                    }}</td>
                                    <td data-label=s(S::Reason)>{h.reason_code.clone().unwrap_or_default()}</td>
                                    <td data-label=s(S::Note)>{h.note.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn LotReview<F: Fn() + Copy + Send + Sync + 'static>(
    application: i64,
    lot: StaffLot,
    reasons: RwSignal<Load<Vec<DenialReason>>>,
    announce: RwSignal<String>,
    on_done: F,
) -> impl IntoView {
    let pin = lot.pin.clone();
    let chosen = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |act: Action| {
        let pin = pin.clone();
        busy.set(true);
        spawn_local(async move {
            let req = TransitionRequest {
                action: act,
                reason_code: Some(reason.get_untracked()).filter(|r| !r.is_empty()),
                note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            };
            match api::staff::transition(application, &pin, &req).await {
                Ok(moved) => {
                    let last = moved.last().map_or("", |m| m.to.label());
                    announce.set(fill(s(S::LotIsNowIn), &[&dashed(&pin), last]));
                    failure.set(None);
                    chosen.set(String::new());
                    reason.set(String::new());
                    note.set(String::new());
                    on_done();
                }
                Err(e) => failure.set(Some(e.explain())),
            }
            busy.set(false);
        });
    };
    let needs_reason = |a: Action| {
        workflow::TRANSITIONS
            .iter()
            .find(|t| t.action == a)
            .is_some_and(|t| t.reason != Reason::None)
    };
    let send2 = send.clone();
    let buttons = lot
        .actions
        .iter()
        .map(|a| {
            let a = *a;
            let send = send.clone();
            let click = move |_| {
                if needs_reason(a) {
                    chosen.set(a.as_str().to_owned());
                } else {
                    send(a);
                }
            };
            view! { <button type="button" class=format!("act act-{a}") on:click=click disabled=move || busy.get()>{a.label()}</button> }
        })
        .collect_view();
    let confirm = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        // `chosen` holds one of the lot's own actions, set by its button.
        if let Some(a) = Action::parse(&chosen.get_untracked()) {
            send2(a);
        }
    };
    let heading = fill(
        s(S::LotWithAddress),
        &[
            &dashed(&lot.pin),
            &lot.address
                .as_ref()
                .map(|a| format!(" — {a}"))
                .unwrap_or_default()
                .to_string(),
        ],
    );
    let prefix = format!("lot-{}", lot.pin);
    view! {
        <section class="lot-review" aria-label=heading.clone()>
            <h2>{heading.clone()}</h2>
            <p>{s(S::StateLabel)}<span class=format!("state state-{}", lot.state)>{lot.state.label()}</span>
                {lot.denial_reason.clone().map(|r| format!(" — {r}"))}</p>
            <div class="lot-grid">
                {lot.map.clone().map(|shapes| view! { <ReviewMap shapes /> })}
                <dl class="facts">
                    <dt>{s(S::Relation)}</dt><dd>{format!("{} (priority {})", relation_words(lot.relation), lot.priority)}</dd>
                    <dt>{s(S::SharedBoundary)}</dt><dd>{feet(lot.shared_boundary_m)}</dd>
                    <dt>{s(S::Distance)}</dt><dd>{if lot.distance_m > 0.0 { feet(lot.distance_m) } else { s(S::Touching).to_owned() }}</dd>
                    <dt>{s(S::SameBlock)}</dt><dd>{if lot.same_block { s(S::Yes) } else { s(S::No) }}</dd>
                    <dt>{s(S::Explanation)}</dt><dd>{lot.explanation.clone()}</dd>
                    <dt>{s(S::OtherOpenApplications)}</dt><dd>{lot.rivals}</dd>
                </dl>
            </div>
            <div class="actions" role="group" aria-label=fill(s(S::ActionsForLot), &[&dashed(&lot.pin)])>{buttons}</div>
            {(!lot.unavailable.is_empty()).then(|| view! {
                <ul class="hint unavailable">
                    {lot.unavailable.iter().map(|u| view! {
                        <li>{format!("{}: not now. {}", u.action.label(), u.reason)}</li>
                    }).collect_view()}
                </ul>
            })}
            <form class="reason-form" on:submit=confirm hidden=move || chosen.get().is_empty()>
                <h3>{move || Action::parse(&chosen.get()).map_or("", Action::label).trim_end_matches('…').to_owned()}</h3>
                <ReasonFields action=chosen reason note reasons prefix />
                <div class="form-actions">
                    <button type="submit" disabled=move || busy.get()>{s(S::Confirm)}</button>
                    <button type="button" on:click=move |_| chosen.set(String::new())>{s(S::Cancel)}</button>
                </div>
            </form>
            <p role="alert" class="field-error">{move || failure.get().unwrap_or_default()}</p>
        </section>
    }
}

#[component]
fn NoteForm<F: Fn() + Copy + Send + Sync + 'static>(
    application: i64,
    announce: RwSignal<String>,
    on_done: F,
) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let failure = RwSignal::new(String::new());
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let req = NoteRequest {
            note: note.get_untracked(),
        };
        spawn_local(async move {
            match api::staff::add_note(application, &req).await {
                Ok(()) => {
                    note.set(String::new());
                    failure.set(String::new());
                    announce.set(s(S::NoteAdded).into());
                    on_done();
                }
                Err(e) => failure.set(e.explain()),
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <div class="field"><label for="staff-note">{s(S::AddANoteStaffOnly)}</label>
                <textarea id="staff-note" rows=2 prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <p class="field-error" role="alert">{move || failure.get()}</p></div>
            <div class="form-actions"><button type="submit">{s(S::AddNote)}</button></div>
        </form>
    }
}

/// The applicant's name beside the roll: the verdict, what the roll says,
/// and what a reviewer should know of it.
fn owner_evidence(o: &OwnerEvidence) -> impl IntoView + use<> {
    let verdict = match o.verdict {
        NameMatch::Match => s(S::OwnerVerdictMatch),
        NameMatch::Partial => s(S::OwnerVerdictPartial),
        NameMatch::NoMatch => s(S::OwnerVerdictNoMatch),
        NameMatch::NoRecord if o.roll_import.is_none() => s(S::OwnerNoRollLoaded),
        NameMatch::NoRecord => s(S::OwnerVerdictNoRecord),
    };
    let says = (!o.names.is_empty()).then(|| {
        fill(
            s(S::OwnerRollSays),
            &[
                &o.roll_import.map(|i| format!("#{i}")).unwrap_or_default(),
                &o.roll_loaded_at.as_deref().map(when).unwrap_or_default(),
                &o.names.join("; "),
            ],
        )
    });
    let closest = o
        .closest
        .as_ref()
        .filter(|_| o.names.len() > 1)
        .map(|c| fill(s(S::OwnerClosest), &[c]));
    let mail = o
        .mailing_address
        .as_ref()
        .map(|m| fill(s(S::OwnerRollMailsTo), &[m]));
    let notes: Vec<&'static str> = o
        .notes
        .iter()
        .map(|n| match n {
            OwnerNote::Trust => s(S::OwnerNoteTrust),
            OwnerNote::Estate => s(S::OwnerNoteEstate),
            OwnerNote::Company => s(S::OwnerNoteCompany),
            OwnerNote::Government => s(S::OwnerNoteGovernment),
            OwnerNote::OthersNotNamed => s(S::OwnerNoteOthers),
            OwnerNote::InCareOf => s(S::OwnerNoteInCareOf),
        })
        .collect();
    let class = format!("owner-verdict owner-{}", o.verdict.as_str());
    view! {
        <p class=class>{verdict}</p>
        {says.map(|t| view! { <p>{t}</p> })}
        {closest.map(|t| view! { <p>{t}</p> })}
        {mail.map(|t| view! { <p>{t}</p> })}
        {(!notes.is_empty()).then(|| view! { <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> })}
        <p class="hint">{s(S::OwnerEvidenceOnly)}</p>
    }
}
