//! `/status/<token>`: the applicant's private page. (The email address is
//! confirmed by the email's other link, `/confirm/<token>`.)

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::ApplicationStatus;
use sidelot_domain::pin::dashed;

use crate::api;
use crate::format::when_in;
use crate::messages::{Msg, t, tf};

#[derive(Debug, Clone, PartialEq)]
enum Page {
    Loading,
    Found(Box<ApplicationStatus>),
    Missing,
}

#[component]
pub fn StatusPage(token: String) -> impl IntoView {
    let page = RwSignal::new(Page::Loading);
    spawn_local(async move {
        page.set(match api::public::status(&token).await {
            Ok(s) => Page::Found(Box::new(s)),
            Err(_) => Page::Missing,
        });
    });
    view! {
        <main class="page status">
            <p><a href="/">{t(Msg::BackToMap)}</a></p>
            {move || match page.get() {
                Page::Loading => view! { <p role="status">{t(Msg::StatusLoading)}</p> }.into_any(),
                Page::Missing => view! {
                    <h1>{t(Msg::StatusMissing)}</h1>
                    <p><a href="/find">{t(Msg::FindLost)}</a></p>
                }.into_any(),
                Page::Found(s) => view! {
                    <h1 data-testid="tracking-code">{tf(Msg::StatusTitle, &[&s.tracking_code])}</h1>
                    <p>{tf(Msg::Received, &[&when_in(&s.submitted_at, &s.round.time_zone), &s.round.name])}</p>
                    {if s.email_confirmed {
                        view! { <p class="verdict yes">{t(Msg::EmailConfirmed)}</p> }.into_any()
                    } else {
                        view! { <p class="hint" data-testid="confirm-hint">{t(Msg::EmailNotConfirmed)}</p> }.into_any()
                    }}
                    <h2>{t(Msg::YourLots)}</h2>
                    <table class="stacking">
                        <thead><tr>
                            <th scope="col">{t(Msg::Pin)}</th>
                            <th scope="col">{t(Msg::Address)}</th>
                            <th scope="col">{t(Msg::Relation)}</th>
                            <th scope="col">{t(Msg::Where)}</th>
                        </tr></thead>
                        <tbody>
                            {s.lots.iter().map(|l| view! {
                                <tr>
                                    <td data-label=t(Msg::Pin)>{dashed(&l.pin)}</td>
                                    <td data-label=t(Msg::Address)>{l.address.clone().unwrap_or_else(|| t(Msg::NoAddress).to_owned())}</td>
                                    <td data-label=t(Msg::Relation)>{l.explanation.clone()}</td>
                                    <td data-label=t(Msg::Where) data-testid="lot-state">{l.state_plain.clone()}
                                        {l.denial_reason.clone().map(|r| view! { <br/><strong>{tf(Msg::Reason, &[&r])}</strong> })}
                                        {l.lottery.clone().map(|x| view! { <br/><a href=x.page.clone() data-testid="lottery-standing">{match x.rank {
                                            Some(rank) => tf(Msg::LotteryStanding, &[&x.public_id, &rank.to_string(), &x.of.to_string()]),
                                            None => tf(Msg::LotteryEntered, &[&x.public_id]),
                                        }}</a> })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h2>{t(Msg::History)}</h2>
                    <ol class="history">
                        {s.history.iter().map(|h| view! {
                            <li><time datetime=h.at.clone()>{when_in(&h.at, &s.round.time_zone)}</time>": "
                                {h.lot.as_deref().map(|l| tf(Msg::LotPrefix, &[&dashed(l)]))}{h.text.clone()}</li>
                        }).collect_view()}
                    </ol>
                    <h2>{t(Msg::NextStep)}</h2>
                    <p>{s.next_step.clone()}</p>
                    <p class="hint">{t(Msg::KeepLink)}</p>
                }.into_any(),
            }}
        </main>
    }
}
