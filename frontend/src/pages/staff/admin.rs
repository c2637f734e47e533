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

#[component]
pub fn AdminPage() -> impl IntoView {
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load(api::staff::reasons());
    let users: RwSignal<Load<Vec<StaffAccount>>> = load(api::staff::users());
    let outbox: RwSignal<Load<Vec<OutboxMessage>>> = load(api::staff::outbox());
    let rounds: RwSignal<Load<RoundList>> = load(api::public::rounds());
    // What the last action did, said in the section where it was done.
    let message = RwSignal::new(None::<Said>);
    let (code, rlabel, plain) = (
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
            active: true,
        };
        spawn_local(async move {
            report(
                Section::Reasons,
                api::staff::save_reason(&req).await.map(drop),
                "Reason saved.",
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
                "Account created.",
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
                "Round created.",
            )
        });
    };
    let change_user = move |id: i64, who: String, req: StaffAccountChange| {
        // Disabling ends the account's sessions at once: asked first.
        if req.disabled == Some(true)
            && !window()
                .confirm_with_message(&format!(
                    "Disable {who}? Their sessions end at once and they cannot sign in until enabled again."
                ))
                .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            report(
                Section::Users,
                api::staff::change_user(id, &req).await.map(drop),
                "Account changed.",
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
                "Entrants frozen and the statement committed.",
            )
        });
    };
    let draw_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        if !window()
            .confirm_with_message(&format!(
                "Draw the lottery of {round} now? A round is drawn once."
            ))
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
                r => report(Section::Lottery, r.map(drop), "Drawn and published."),
            }
        });
    };
    let redraw_reason = RwSignal::new(String::new());
    let redraw_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        if !window()
            .confirm_with_message(&format!(
                "Draw the lottery of {round} again? The last draw's awards go back to the lottery, and the reason is published."
            ))
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
                "Committed again for a redraw; the reason is published.",
            )
        });
    };
    let resend = move |id: i64| {
        spawn_local(async move {
            report(
                Section::Outbox,
                api::staff::resend(id).await,
                "Queued again.",
            )
        });
    };
    view! {
        <main class="page wide">
            <h1>"Admin"</h1>
            <section aria-labelledby="rounds-title">
                <h2 id="rounds-title">"Rounds"</h2>
                {move || match rounds.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Round"</th><th scope="col">"State"</th><th scope="col">"Opens"</th>
                            <th scope="col">"Closes"</th><th scope="col">"Lots"</th><th scope="col">"Export"</th><th scope="col">"Lottery"</th></tr></thead>
                        <tbody>{list.rounds.into_iter().map(|r| view! { <tr>
                            <td>{format!("{} ({})", r.name, r.slug)}</td><td>{format!("{:?}", r.state).to_lowercase()}</td>
                            <td>{when(&r.opens_at)}</td><td>{when(&r.closes_at)}</td><td>{r.lots}</td>
                            <td><a href=format!("/api/staff/rounds/{}/applications.csv", r.slug)>{format!("Applications of {} (CSV)", r.name)}</a>
                                <br/><a href=format!("/api/rounds/{}/awarded.geojson", r.slug)>{format!("Lots awarded in {} (GeoJSON)", r.name)}</a></td>
                            <td><a href=format!("/lottery/{}", r.slug)>{format!("Lottery of {}", r.slug)}</a></td>
                        </tr> }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=create_round class="inline-form">
                    <h3>"Open a new round"</h3>
                    <p class="hint">"The same file as "<code>"sidelot round create"</code>": times are local to the time zone; the rules cannot change once the round opens. Offer its lots from the Imports page."</p>
                    <div class="field"><label for="round-toml">"Round file (TOML)"</label>
                        <textarea id="round-toml" rows=16 class="code" prop:value=move || round_toml.get()
                            on:input=move |ev| round_toml.set(event_target_value(&ev))></textarea></div>
                    <div class="form-actions"><button type="submit">"Create round"</button></div>
                </form>
                <SaidHere at=Section::Rounds message=message />
            </section>
            <section aria-labelledby="lottery-title">
                <h2 id="lottery-title">"Lottery"</h2>
                <p class="hint">"Once ownership and location are reviewed: freeze the entrants of the contested lots and name, in advance, a future round of the drand quicknet beacon (one every 3 seconds); once that round is out, paste its beacon to draw. See docs/lottery.md."</p>
                <div class="field"><label for="lottery-round">"Round"</label>
                    <select id="lottery-round" on:change=move |ev| lottery_round.set(event_target_value(&ev))>
                        <option value="">"Choose the round"</option>
                        {move || match rounds.get() {
                            Load::Ok(list) => list.rounds.into_iter().map(|r| view! { <option value=r.slug.clone()>{r.name}</option> }).collect_view().into_any(),
                            _ => ().into_any(),
                        }}
                    </select></div>
                <form on:submit=commit_lottery class="inline-form">
                    <div class="field"><label for="lottery-source">"drand quicknet round, named in advance (a future one)"</label>
                        <input id="lottery-source" type="text" inputmode="numeric" on:input=move |ev| lottery_source.set(event_target_value(&ev)) />
                        <p class="hint">{move || round_hint(&lottery_source.get())}</p></div>
                    <div class="form-actions"><button type="submit">"Freeze entrants and commit"</button></div>
                </form>
                <form on:submit=draw_lottery class="inline-form">
                    <div class="field"><label for="lottery-beacon">"The round's beacon, as the drand relay shows it (paste the whole text)"</label>
                        <textarea id="lottery-beacon" rows="4" spellcheck="false" on:input=move |ev| lottery_beacon.set(event_target_value(&ev))></textarea>
                        <p class="hint">"For example https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/ followed by the round. sidelot checks its signature against quicknet's public key before drawing."</p></div>
                    <div class="form-actions"><button type="submit">"Draw"</button></div>
                </form>
                <form on:submit=redraw_lottery class="inline-form">
                    <div class="field"><label for="redraw-reason">"Reason for drawing again (published; uses the drand round named above)"</label>
                        <input id="redraw-reason" type="text" on:input=move |ev| redraw_reason.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit" class="secondary">"Redraw"</button></div>
                </form>
                <SaidHere at=Section::Lottery message=message />
            </section>
            <section aria-labelledby="reasons-title">
                <h2 id="reasons-title">"Denial reasons"</h2>
                {move || match reasons.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Code"</th><th scope="col">"Label"</th><th scope="col">"What the applicant reads"</th><th scope="col">"Active"</th></tr></thead>
                        <tbody>{list.into_iter().map(|r| view! { <tr><td>{r.code}</td><td>{r.label}</td><td>{r.plain}</td><td>{if r.active { "Yes" } else { "No" }}</td></tr> }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=save_reason class="inline-form">
                    <h3>"Add or change a reason"</h3>
                    <div class="field"><label for="r-code">"Code"</label><input id="r-code" on:input=move |ev| code.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="r-label">"Label"</label><input id="r-label" on:input=move |ev| rlabel.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="r-plain">"What the applicant reads"</label><textarea id="r-plain" rows=2 on:input=move |ev| plain.set(event_target_value(&ev))></textarea></div>
                    <div class="form-actions"><button type="submit">"Save reason"</button></div>
                </form>
                <SaidHere at=Section::Reasons message=message />
            </section>
            <section aria-labelledby="users-title">
                <h2 id="users-title">"Staff accounts"</h2>
                {move || match users.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Since"</th>
                            <th scope="col">"Status"</th></tr></thead>
                        <tbody>{list.into_iter().map(|u| {
                            let id = u.id;
                            let disabled = u.disabled;
                            let roles = Role::ALL.map(|r| view! { <option value=r.as_str() selected=r == u.role>{r.as_str()}</option> });
                            view! { <tr>
                                <td>{u.email.clone()}</td>
                                <td><select aria-label=format!("Role of {}", u.email)
                                    on:change={
                                        let who = u.email.clone();
                                        move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { change_user(id, who.clone(), StaffAccountChange { role: Some(r), disabled: None }) }
                                    }>{roles.into_iter().collect_view()}</select></td>
                                <td>{when(&u.created_at)}</td>
                                <td>{if disabled { "Disabled " } else { "Active " }}
                                    <button type="button" class="secondary" on:click={
                                        let who = u.email.clone();
                                        move |_| change_user(id, who.clone(), StaffAccountChange { role: None, disabled: Some(!disabled) })
                                    }>
                                        {format!("{} {}", if disabled { "Enable" } else { "Disable" }, u.email)}</button></td>
                            </tr> }
                        }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=add_user class="inline-form">
                    <h3>"Add an account"</h3>
                    <div class="field"><label for="u-email">"Email"</label><input id="u-email" type="email" on:input=move |ev| email.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="u-role">"Role"</label>
                        <select id="u-role" on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
                            <option value="reviewer">"Reviewer"</option><option value="admin">"Admin"</option><option value="analyst">"Analyst"</option>
                        </select></div>
                    <div class="field"><label for="u-password">"First password (12 characters or more)"</label>
                        <input id="u-password" type="password" autocomplete="new-password" on:input=move |ev| password.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit">"Add account"</button></div>
                </form>
                <SaidHere at=Section::Users message=message />
            </section>
            <section aria-labelledby="outbox-title">
                <h2 id="outbox-title">"Outbox"</h2>
                {move || match outbox.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Created"</th><th scope="col">"Application"</th><th scope="col">"Subject"</th>
                            <th scope="col">"Delivery"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>{list.into_iter().map(|m| {
                            let id = m.id;
                            let delivery = match (&m.sent_at, &m.last_error) {
                                (Some(at), _) => format!("Sent {}", when(at)),
                                (None, Some(err)) => format!("Waiting after {} attempts: {err}", m.attempts),
                                (None, None) => "Waiting".to_owned(),
                            };
                            view! { <tr><td>{when(&m.created_at)}</td><td>{m.tracking_code.unwrap_or_default()}</td><td>{m.subject}</td>
                                <td>{delivery}</td><td><button type="button" on:click=move |_| resend(id)>"Send again"</button></td></tr> }
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
                Ok(()) => format!("Round {round} is published at {published} (UTC)."),
                Err(_) => format!(
                    "Round {round} was published at {published} (UTC), or is due within a minute: its randomness may be known. Name a round still to come, such as {suggested}."
                ),
            }
        }
        _ => format!(
            "A whole number: drand quicknet publishes one round every 3 seconds. Round {suggested} is published about ten minutes from now."
        ),
    }
}
