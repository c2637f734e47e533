//! `/how-it-works`: how a neighbour buys a lot, and each round's rules in
//! plain words (who may apply, in what priority, until when, how many lots),
//! with links to the figures and the lotteries.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{RoundList, RoundSummary};
use sidelot_domain::eligibility::who_may_apply;

use crate::api;
use crate::format::when_in;
use crate::messages::{Msg, t, tf};

#[component]
fn RoundRules(round: RoundSummary) -> impl IntoView {
    let zone = round.time_zone.clone();
    let eligible: Vec<String> = round
        .rules
        .eligible
        .iter()
        .map(|r| who_may_apply(*r, &round.rules, crate::messages::current()))
        .collect();
    view! {
        <section class="status" id=round.slug.clone() aria-labelledby=format!("round-{}", round.slug)>
            <h2 id=format!("round-{}", round.slug)>{round.name.clone()}</h2>
            <p>{tf(Msg::HowDates, &[&when_in(&round.opens_at, &zone), &when_in(&round.closes_at, &zone)])}</p>
            <p>{tf(Msg::HowLots, &[&round.lots.to_string(), &round.rules.max_lots.to_string()])}</p>
            <p>{t(Msg::HowWhoMay)}</p>
            <ol>{eligible.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ol>
            <p class="hint">{t(Msg::HowPriority)}</p>
            <p><a href=format!("/lottery/{}", round.slug)>{tf(Msg::HowLotteryLink, &[&round.name])}</a></p>
        </section>
    }
}

#[component]
pub fn HowPage() -> impl IntoView {
    let rounds = RwSignal::new(None::<Result<RoundList, String>>);
    spawn_local(async move {
        rounds.set(Some(api::public::rounds().await.map_err(|e| e.message())));
    });
    view! {
        <main class="page how">
            <p><a href="/">{t(Msg::BackToMap)}</a></p>
            <h1>{t(Msg::HowItWorksLink)}</h1>
            <p>{t(Msg::HowIntro)}</p>
            <ol class="steps">
                <li>{t(Msg::HowStep1)}</li>
                <li>{t(Msg::HowStep2)}</li>
                <li>{t(Msg::HowStep3)}</li>
                <li>{t(Msg::HowStep4)}</li>
                <li>{t(Msg::HowStep5)}</li>
                <li>{t(Msg::HowStep6)}</li>
            </ol>
            <p><a href="/find">{t(Msg::FindLost)}</a>" · "<a href="/figures">{t(Msg::HowFiguresLink)}</a></p>
            <h2>{t(Msg::HowRounds)}</h2>
            {move || match rounds.get() {
                None => view! { <p role="status">{t(Msg::StatusLoading)}</p> }.into_any(),
                Some(Err(m)) => view! { <p role="alert">{m}</p> }.into_any(),
                Some(Ok(list)) if list.rounds.is_empty() => view! { <p>{t(Msg::NoRoundsYet)}</p> }.into_any(),
                Some(Ok(list)) => list.rounds.into_iter().map(|r| view! { <RoundRules round=r /> }).collect_view().into_any(),
            }}
        </main>
    }
}
