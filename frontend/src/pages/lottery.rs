//! `/lottery/<round>`: the round's lottery as published, and a **Verify**
//! button that recomputes it here, in the browser, with the same `domain`
//! code the server drew with. `/lottery/<round>/<lot>` is one lot's page:
//! the same published facts and Verify (a lot's order depends on the whole
//! statement), with only that lot's entrants.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::lottery::{self, Lottery};
use sidelot_domain::pin::dashed;

use crate::api;
use crate::format::when_in;
use crate::messages::{Msg, t, tf};

#[component]
pub fn LotteryPage(round: String, lot: Option<String>) -> impl IntoView {
    let round_page = format!("/lottery/{round}");
    let page = RwSignal::new(None::<Result<Lottery, String>>);
    let verdict = RwSignal::new(None::<Vec<lottery::Difference>>);
    let url = api::public::lottery_url(&round);
    let fetch_round = round.clone();
    spawn_local(async move {
        page.set(Some(
            api::public::lottery(&fetch_round)
                .await
                .map_err(|e| e.message()),
        ));
    });
    // The round as people know it: its name (not its slug), and its times
    // in its own time zone.
    let name = RwSignal::new(None::<(String, String)>);
    let slug = round.clone();
    spawn_local(async move {
        if let Ok(list) = api::public::rounds().await {
            name.set(
                list.rounds
                    .into_iter()
                    .find(|r| r.slug == slug)
                    .map(|r| (r.name, r.time_zone)),
            );
        }
    });
    let verify = move |_| {
        if let Some(Ok(l)) = page.get_untracked() {
            verdict.set(Some(lottery::verify(&l)));
        }
    };
    view! {
        <main class="page lottery">
            {move || match page.get() {
                None => view! { <p role="status">{t(Msg::StatusLoading)}</p> }.into_any(),
                Some(Err(m)) => view! { <h1>{t(Msg::LotteryTitle)}</h1><p role="alert">{m}</p> }.into_any(),
                Some(Ok(l)) => {
                    let drawn = l.randomness.is_some();
                    // The lot as linked (its PIN), or as a person writes it (dashed).
                    let shown: Vec<_> = l.entrants.iter().filter(|e| lot.as_ref().is_none_or(|p| *p == e.lot || *p == dashed(&e.lot))).cloned().collect();
                    let (round_name, zone) = name.get().unwrap_or_else(|| (l.round.clone(), String::new()));
                    let heading = match &lot {
                        None => tf(Msg::LotteryOf, &[&round_name]),
                        Some(p) => tf(Msg::LotteryLotOf, &[&dashed(p), &round_name]),
                    };
                    view! {
                        <h1>{heading}</h1>
                        {lot.as_ref().map(|p| view! {
                            <p><a href=round_page.clone()>{tf(Msg::LotteryWholeRound, &[&round_name])}</a></p>
                            {shown.is_empty().then(|| view! { <p role="alert">{tf(Msg::LotteryLotAbsent, &[&dashed(p)])}</p> })}
                        })}
                        <p>{if drawn { t(Msg::LotteryDrawnIntro) } else { t(Msg::LotteryCommittedIntro) }}</p>
                        {(l.draw_number > 1).then(|| view! {
                            <p class="verdict no">{tf(Msg::LotteryRedraw, &[&l.draw_number.to_string(), l.redraw_reason.as_deref().unwrap_or("")])}</p>
                        })}
                        <dl class="facts">
                            <dt>{t(Msg::LotteryAlgorithm)}</dt><dd><code>{l.algorithm.clone()}</code></dd>
                            <dt>{t(Msg::LotteryCommitted)}</dt><dd>{when_in(&l.committed_at, &zone)}</dd>
                            <dt>{t(Msg::LotterySource)}</dt><dd>{l.randomness_source.clone()}</dd>
                            <dt>{t(Msg::LotteryEntrantsHash)}</dt><dd><code class="hash">{l.entrants_sha256.clone()}</code></dd>
                            <dt>{t(Msg::LotteryRandomness)}</dt><dd><code data-testid="randomness">{l.randomness.clone().unwrap_or_else(|| t(Msg::LotteryNotYet).to_owned())}</code></dd>
                            {l.beacon.clone().map(|b| view! {
                                <dt>{t(Msg::LotteryBeacon)}</dt><dd><code class="hash" data-testid="beacon">{tf(Msg::LotteryBeaconOf, &[&b.round.to_string(), &b.signature])}</code></dd>
                            })}
                            <dt>{t(Msg::LotterySeed)}</dt><dd><code class="hash" data-testid="seed">{l.seed.clone().unwrap_or_else(|| t(Msg::LotteryNotYet).to_owned())}</code></dd>
                            {l.drawn_at.clone().map(|d| view! { <dt>{t(Msg::LotteryDrawnAt)}</dt><dd>{when_in(&d, &zone)}</dd> })}
                        </dl>
                        <h2>{t(Msg::LotteryStatement)}</h2>
                        <pre class="statement">{l.statement.clone()}</pre>
                        <h2>{if drawn { t(Msg::LotteryResults) } else { t(Msg::LotteryEntrants) }}</h2>
                        {(!drawn).then(|| view! { <p class="hint">{t(Msg::LotteryNotRanked)}</p> })}
                        {shown.into_iter().map(|e| {
                            let order = l.results.iter().find(|r| r.lot == e.lot).map(|r| r.order.clone());
                            let ids = order.clone().unwrap_or_else(|| e.entrants.clone());
                            let title = tf(Msg::LotteryLot, &[&dashed(&e.lot)]);
                            view! {
                                <section class="lottery-lot" id=format!("lot-{}", e.lot)>
                                    <h3>{if lot.is_some() { title.into_any() } else {
                                        view! { <a href=format!("{round_page}/{}", e.lot)>{title}</a> }.into_any()
                                    }}</h3>
                                    {if order.is_some() {
                                        view! {
                                            <ol class="ranked" data-lot=e.lot.clone()>
                                                {ids.into_iter().map(|id| view! { <li><code>{id}</code></li> }).collect_view()}
                                            </ol>
                                        }.into_any()
                                    } else {
                                        // Not drawn: the entrants, in no order that means anything.
                                        view! {
                                            <ul class="entrants" data-lot=e.lot.clone()>
                                                {ids.into_iter().map(|id| view! { <li><code>{id}</code></li> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                            }
                        }).collect_view()}
                        <div class="form-actions">
                            <button type="button" on:click=verify>{t(Msg::LotteryVerify)}</button>
                            <a href=url.clone() download=format!("lottery-{}.json", l.round)>{t(Msg::LotteryDownload)}</a>
                        </div>
                        <div role="status" data-testid="verify-result">
                            {move || verdict.get().map(|d| if d.is_empty() {
                                view! { <p class="verdict yes">{t(Msg::LotteryMatches)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="verdict no">
                                        <p>{t(Msg::LotteryDiffers)}</p>
                                        <ul>{d.into_iter().map(|x| view! {
                                            <li>{tf(Msg::LotteryDifference, &[&x.what_in(crate::messages::current()), &x.published, &x.computed])}</li>
                                        }).collect_view()}</ul>
                                    </div>
                                }.into_any()
                            })}
                        </div>
                        <p class="hint">{t(Msg::LotteryHowToCheck)}</p>
                    }.into_any()
                }
            }}
        </main>
    }
}
