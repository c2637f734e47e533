//! `/staff/admin`: rounds (and opening one), the lottery's steps, the
//! denial reason catalogue, staff accounts and the outbox.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{
    CommitRequest, DenialReason, DrawRequest, NewRound, NewStaffAccount, OutboxMessage,
    RedrawRequest, RoundList, StaffAccount, StaffAccountChange,
};
use sidelot_domain::workflow::Role;

use super::{Load, load, refetch};
use crate::api::{self, ApiError};
use crate::format::when;
use crate::messages::{S, fill, s};

#[component]
pub fn AdminPage() -> impl IntoView {
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load(api::staff::reasons());
    let users: RwSignal<Load<Vec<StaffAccount>>> = load(api::staff::users());
    let outbox: RwSignal<Load<Vec<OutboxMessage>>> = load(api::staff::outbox());
    let rounds: RwSignal<Load<RoundList>> = load(api::public::rounds());
    // What the last action did, said in the section where it was done.
    let message = RwSignal::new(None::<Said>);
    let (code, rlabel, plain, plain_es) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (email, role, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(Role::Reviewer),
        RwSignal::new(String::new()),
    );
    // What an action did, said where it was done; then every list again,
    // since it may have changed.
    let report = move |at: Section, r: Result<(), ApiError>, done: &str| match r {
        Ok(()) => {
            message.set(Some(Said::ok(at, done)));
            refetch(reasons, api::staff::reasons());
            refetch(users, api::staff::users());
            refetch(outbox, api::staff::outbox());
            refetch(rounds, api::public::rounds());
        }
        Err(e) => message.set(Some(Said::refused(at, e.explain()))),
    };
    let save_reason = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let req = DenialReason {
            code: code.get_untracked(),
            label: rlabel.get_untracked(),
            plain: plain.get_untracked(),
            plain_es: Some(plain_es.get_untracked()).filter(|p| !p.trim().is_empty()),
            active: true,
        };
        spawn_local(async move {
            report(
                Section::Reasons,
                api::staff::save_reason(&req).await.map(drop),
                s(S::ReasonSaved),
            )
        });
    };
    let add_user = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let req = NewStaffAccount {
            email: email.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            report(
                Section::Users,
                api::staff::add_user(&req).await.map(drop),
                s(S::AccountCreated),
            )
        });
    };
    let round_toml =
        RwSignal::new(include_str!("../../../../gis-data/rounds/example.toml").to_owned());
    let create_round = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let req = NewRound {
            toml: round_toml.get_untracked(),
        };
        spawn_local(async move {
            report(
                Section::Rounds,
                api::staff::create_round(&req).await.map(drop),
                s(S::RoundCreated),
            )
        });
    };
    let change_user = move |id: i64, who: String, req: StaffAccountChange| {
        // Disabling ends the account's sessions at once: asked first.
        if req.disabled == Some(true)
            && !window()
                .confirm_with_message(&fill(s(S::DisableTheirSessionsEndAt), &[&who.to_string()]))
                .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            report(
                Section::Users,
                api::staff::change_user(id, &req).await.map(drop),
                s(S::AccountChanged),
            )
        });
    };
    let lottery_round = RwSignal::new(String::new());
    let lottery_source = RwSignal::new(String::new());
    let lottery_beacon = RwSignal::new(String::new());
    // The drand quicknet round typed, as a number (0 when it is not one:
    // the server then says what is wrong).
    let beacon_round = move || {
        lottery_source
            .get_untracked()
            .trim()
            .parse::<u64>()
            .unwrap_or(0)
    };
    let commit_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        let req = CommitRequest {
            beacon_round: beacon_round(),
        };
        spawn_local(async move {
            report(
                Section::Lottery,
                api::staff::commit_lottery(&round, &req).await.map(drop),
                s(S::EntrantsFrozenAndTheStatement),
            )
        });
    };
    let draw_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        if !window()
            .confirm_with_message(&fill(s(S::DrawTheLotteryOfNow), &[&round.to_string()]))
            .unwrap_or(false)
        {
            return;
        }
        let req = DrawRequest {
            beacon: lottery_beacon.get_untracked(),
        };
        spawn_local(async move {
            match api::staff::draw_lottery(&round, &req).await {
                // A refused beacon: its plain sentence alone.
                Err(e) if !api::messages_for(&e.fields(), "beacon").is_empty() => {
                    message.set(Some(Said::refused(
                        Section::Lottery,
                        api::messages_for(&e.fields(), "beacon"),
                    )))
                }
                r => report(Section::Lottery, r.map(drop), s(S::DrawnAndPublished)),
            }
        });
    };
    let redraw_reason = RwSignal::new(String::new());
    let redraw_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        if !window()
            .confirm_with_message(&fill(s(S::DrawTheLotteryOfAgain), &[&round.to_string()]))
            .unwrap_or(false)
        {
            return;
        }
        let req = RedrawRequest {
            reason: redraw_reason.get_untracked(),
            beacon_round: beacon_round(),
        };
        spawn_local(async move {
            report(
                Section::Lottery,
                api::staff::redraw_lottery(&round, &req).await.map(drop),
                s(S::CommittedAgainForARedraw),
            )
        });
    };
    let resend = move |id: i64| {
        spawn_local(async move {
            report(
                Section::Outbox,
                api::staff::resend(id).await,
                s(S::QueuedAgain),
            )
        });
    };
    view! {
        <main class="page wide">
            <h1>{s(S::Admin)}</h1>
            <section aria-labelledby="rounds-title">
                <h2 id="rounds-title">{s(S::Rounds)}</h2>
                {move || match rounds.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">{s(S::Round)}</th><th scope="col">{s(S::State)}</th><th scope="col">{s(S::Opens)}</th>
                            <th scope="col">{s(S::Closes)}</th><th scope="col">{s(S::Lots)}</th><th scope="col">{s(S::Export)}</th><th scope="col">{s(S::Lottery)}</th></tr></thead>
                        <tbody>{list.rounds.into_iter().map(|r| view! { <tr>
                            <td>{format!("{} ({})", r.name, r.slug)}</td><td>{format!("{:?}", r.state).to_lowercase()}</td>
                            <td>{when(&r.opens_at)}</td><td>{when(&r.closes_at)}</td><td>{r.lots}</td>
                            <td><a href=format!("/api/staff/rounds/{}/applications.csv", r.slug)>{fill(s(S::ApplicationsOfCsv), &[&r.name])}</a>
                                <br/><a href=format!("/api/rounds/{}/awarded.geojson", r.slug)>{fill(s(S::LotsAwardedInGeojson), &[&r.name])}</a>
                                <br/><a href=format!("/api/staff/rounds/{}/letters.csv", r.slug)>{fill(s(S::LettersOfCsv), &[&r.name])}</a>
                                <br/><a href=format!("/api/staff/rounds/{}/letters.pdf", r.slug)>{s(S::LettersPdfOf)}</a></td>
                            <td><a href=format!("/lottery/{}", r.slug)>{fill(s(S::LotteryOf), &[&r.slug])}</a></td>
                        </tr> }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=create_round class="inline-form">
                    <h3>{s(S::OpenANewRound)}</h3>
                    <p class="hint">{s(S::TheSameFileAs)}<code>"sidelot round create"</code>{s(S::RoundFileTimes)}</p>
                    <div class="field"><label for="round-toml">{s(S::RoundFileToml)}</label>
                        <textarea id="round-toml" rows=16 class="code" prop:value=move || round_toml.get()
                            on:input=move |ev| round_toml.set(event_target_value(&ev))></textarea></div>
                    <div class="form-actions"><button type="submit">{s(S::CreateRound)}</button></div>
                </form>
                <SaidHere at=Section::Rounds message=message />
            </section>
            <section aria-labelledby="lottery-title">
                <h2 id="lottery-title">{s(S::Lottery)}</h2>
                <p class="hint">{s(S::OnceOwnershipAndLocationAre)}</p>
                <div class="field"><label for="lottery-round">{s(S::Round)}</label>
                    <select id="lottery-round" on:change=move |ev| lottery_round.set(event_target_value(&ev))>
                        <option value="">{s(S::ChooseTheRound)}</option>
                        {move || match rounds.get() {
                            Load::Ok(list) => list.rounds.into_iter().map(|r| view! { <option value=r.slug.clone()>{r.name}</option> }).collect_view().into_any(),
                            _ => ().into_any(),
                        }}
                    </select></div>
                <form on:submit=commit_lottery class="inline-form">
                    <div class="field"><label for="lottery-source">{s(S::DrandQuicknetRoundNamedIn)}</label>
                        <input id="lottery-source" type="text" inputmode="numeric" on:input=move |ev| lottery_source.set(event_target_value(&ev)) />
                        <p class="hint">{move || round_hint(&lottery_source.get())}</p></div>
                    <div class="form-actions"><button type="submit">{s(S::FreezeEntrantsAndCommit)}</button></div>
                </form>
                <form on:submit=draw_lottery class="inline-form">
                    <div class="field"><label for="lottery-beacon">{s(S::TheRoundSBeaconAs)}</label>
                        <textarea id="lottery-beacon" rows="4" spellcheck="false" on:input=move |ev| lottery_beacon.set(event_target_value(&ev))></textarea>
                        <p class="hint">{s(S::ForExampleHttpsApiDrand)}</p></div>
                    <div class="form-actions"><button type="submit">{s(S::Draw)}</button></div>
                </form>
                <form on:submit=redraw_lottery class="inline-form">
                    <div class="field"><label for="redraw-reason">{s(S::ReasonForDrawingAgainPublished)}</label>
                        <input id="redraw-reason" type="text" on:input=move |ev| redraw_reason.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit" class="secondary">{s(S::Redraw)}</button></div>
                </form>
                <SaidHere at=Section::Lottery message=message />
            </section>
            <section aria-labelledby="reasons-title">
                <h2 id="reasons-title">{s(S::DenialReasons)}</h2>
                {move || match reasons.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">{s(S::Code)}</th><th scope="col">{s(S::Label)}</th><th scope="col">{s(S::WhatTheApplicantReads)}</th><th scope="col">{s(S::InSpanish)}</th><th scope="col">{s(S::Active)}</th></tr></thead>
                        <tbody>{list.into_iter().map(|r| view! { <tr><td>{r.code}</td><td>{r.label}</td><td>{r.plain}</td><td lang="es">{r.plain_es}</td><td>{if r.active { s(S::Yes) } else { s(S::No) }}</td></tr> }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=save_reason class="inline-form">
                    <h3>{s(S::AddOrChangeAReason)}</h3>
                    <div class="field"><label for="r-code">{s(S::Code)}</label><input id="r-code" on:input=move |ev| code.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="r-label">{s(S::Label)}</label><input id="r-label" on:input=move |ev| rlabel.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="r-plain">{s(S::WhatTheApplicantReads)}</label><textarea id="r-plain" rows=2 on:input=move |ev| plain.set(event_target_value(&ev))></textarea></div>
                    <div class="field"><label for="r-plain-es">{s(S::WhatTheApplicantReadsInSpanish)}</label><textarea id="r-plain-es" lang="es" rows=2 on:input=move |ev| plain_es.set(event_target_value(&ev))></textarea></div>
                    <div class="form-actions"><button type="submit">{s(S::SaveReason)}</button></div>
                </form>
                <SaidHere at=Section::Reasons message=message />
            </section>
            <section aria-labelledby="users-title">
                <h2 id="users-title">{s(S::StaffAccounts)}</h2>
                {move || match users.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">{s(S::Email)}</th><th scope="col">{s(S::Role)}</th><th scope="col">{s(S::Since)}</th>
                            <th scope="col">{s(S::Status)}</th></tr></thead>
                        <tbody>{list.into_iter().map(|u| {
                            let id = u.id;
                            let disabled = u.disabled;
                            let roles = Role::ALL.map(|r| view! { <option value=r.as_str() selected=r == u.role>{r.as_str()}</option> });
                            view! { <tr>
                                <td>{u.email.clone()}</td>
                                <td><select aria-label=fill(s(S::RoleOf), &[&u.email])
                                    on:change={
                                        let who = u.email.clone();
                                        move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { change_user(id, who.clone(), StaffAccountChange { role: Some(r), disabled: None }) }
                                    }>{roles.into_iter().collect_view()}</select></td>
                                <td>{when(&u.created_at)}</td>
                                <td>{if disabled { s(S::Disabled) } else { s(S::ActiveFlag) }}
                                    <button type="button" class="secondary" on:click={
                                        let who = u.email.clone();
                                        move |_| change_user(id, who.clone(), StaffAccountChange { role: None, disabled: Some(!disabled) })
                                    }>
                                        {format!("{} {}", if disabled { s(S::Enable) } else { s(S::Disable) }, u.email)}</button></td>
                            </tr> }
                        }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=add_user class="inline-form">
                    <h3>{s(S::AddAnAccount)}</h3>
                    <div class="field"><label for="u-email">{s(S::Email)}</label><input id="u-email" type="email" on:input=move |ev| email.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="u-role">{s(S::Role)}</label>
                        <select id="u-role" on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
                            <option value="reviewer">{s(S::Reviewer)}</option><option value="admin">{s(S::Admin)}</option><option value="analyst">{s(S::Analyst)}</option>
                        </select></div>
                    <div class="field"><label for="u-password">{s(S::FirstPassword12CharactersOr)}</label>
                        <input id="u-password" type="password" autocomplete="new-password" on:input=move |ev| password.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit">{s(S::AddAccount)}</button></div>
                </form>
                <SaidHere at=Section::Users message=message />
            </section>
            <section aria-labelledby="outbox-title">
                <h2 id="outbox-title">{s(S::Outbox)}</h2>
                {move || match outbox.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">{s(S::Created)}</th><th scope="col">{s(S::Application)}</th><th scope="col">{s(S::Subject)}</th>
                            <th scope="col">{s(S::Delivery)}</th><th scope="col"><span class="visually-hidden">{s(S::Actions)}</span></th></tr></thead>
                        <tbody>{list.into_iter().map(|m| {
                            let id = m.id;
                            let delivery = match (&m.sent_at, &m.last_error) {
                                (Some(at), _) => fill(s(S::Sent), &[&when(at)]),
                                (None, Some(err)) => fill(s(S::WaitingAfterAttempts), &[&m.attempts.to_string(), &err.to_string()]),
                                (None, None) => {s(S::Waiting)}.to_owned(),
                            };
                            view! { <tr><td>{when(&m.created_at)}</td><td>{m.tracking_code.unwrap_or_default()}</td><td>{m.subject}</td>
                                <td>{delivery}</td><td><button type="button" on:click=move |_| resend(id)>{s(S::SendAgain)}</button></td></tr> }
                        }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <SaidHere at=Section::Outbox message=message />
            </section>
        </main>
    }
}

/// The sections of the page, where an action's result is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Rounds,
    Lottery,
    Reasons,
    Users,
    Outbox,
}

/// What an action did, and where.
#[derive(Debug, Clone, PartialEq)]
struct Said {
    at: Section,
    ok: bool,
    text: String,
}

impl Said {
    fn ok(at: Section, text: &str) -> Said {
        Said {
            at,
            ok: true,
            text: text.to_owned(),
        }
    }
    fn refused(at: Section, text: String) -> Said {
        Said {
            at,
            ok: false,
            text,
        }
    }
}

/// The result of the last action, if it was done in this section: a
/// status (announced politely) or, for a refusal, an alert.
#[component]
fn SaidHere(at: Section, message: RwSignal<Option<Said>>) -> impl IntoView {
    let here = move || message.get().filter(|m| m.at == at);
    view! {
        <p role="status" class="said" data-section=format!("{at:?}").to_lowercase()>
            {move || here().filter(|m| m.ok).map(|m| view! { <span class="verdict yes">{m.text}</span> })}
        </p>
        <p role="alert" class="said">
            {move || here().filter(|m| !m.ok).map(|m| view! { <span class="verdict no">{m.text}</span> })}
        </p>
    }
}

/// When the typed drand quicknet round is published, in UTC.
fn round_hint(typed: &str) -> String {
    let quicknet = sidelot_domain::drand::QUICKNET;
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let suggested = quicknet.suggested_round(now);
    match typed.trim().parse::<u64>() {
        Ok(round) if round >= 1 => {
            let at = quicknet.round_time(round) as f64 * 1000.0;
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at));
            let published = String::from(date.to_iso_string());
            match quicknet.still_to_come(round, now) {
                Ok(()) => fill(
                    s(S::RoundIsPublishedAtUtc),
                    &[&round.to_string(), &published.to_string()],
                ),
                Err(_) => fill(
                    s(S::RoundWasPublishedAtUtc),
                    &[
                        &round.to_string(),
                        &published.to_string(),
                        &suggested.to_string(),
                    ],
                ),
            }
        }
        _ => fill(s(S::AWholeNumberDrandQuicknet), &[&suggested.to_string()]),
    }
}
