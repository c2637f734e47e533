//! `/figures`: the program's public figures per round, from
//! `GET /api/figures`. Counts only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::Figures;

use crate::api;
use crate::format::thousands;
use crate::messages::{Msg, t, tf};

#[component]
pub fn FiguresPage() -> impl IntoView {
    let figures = RwSignal::new(None::<Result<Figures, String>>);
    spawn_local(async move {
        figures.set(Some(api::public::figures().await.map_err(|e| e.message())));
    });
    view! {
        <main class="page">
            <h1>{t(Msg::FiguresTitle)}</h1>
            <p>{t(Msg::FiguresIntro)}</p>
            {move || match figures.get() {
                None => view! { <p role="status">{t(Msg::StatusLoading)}</p> }.into_any(),
                Some(Err(m)) => view! { <p role="alert">{m}</p> }.into_any(),
                Some(Ok(f)) if f.rounds.is_empty() => view! { <p>{t(Msg::NoRoundsYet)}</p> }.into_any(),
                Some(Ok(f)) => f.rounds.into_iter().map(|r| view! {
                    <section class="status">
                        <h2>{r.name.clone()}</h2>
                        <p><a href=format!("/api/rounds/{}/awarded.geojson", r.round) download=format!("awarded-{}.geojson", r.round)>
                            {tf(Msg::AwardedDownload, &[&r.name])}</a></p>
                        <dl class="facts">
                            <dt>{t(Msg::LotsOffered)}</dt><dd>{thousands(r.lots_offered)}</dd>
                            <dt>{t(Msg::LotsSold)}</dt><dd>{thousands(r.lots_sold)}</dd>
                            <dt>{t(Msg::ApplicationsCount)}</dt><dd>{thousands(r.applications)}</dd>
                        </dl>
                        {(!r.by_ward.is_empty()).then(|| view! {
                            <table>
                                <caption>{t(Msg::ByWard)}</caption>
                                <thead><tr><th scope="col">{t(Msg::Ward)}</th><th scope="col">{t(Msg::LotsOffered)}</th>
                                    <th scope="col">{t(Msg::RequestedLots)}</th><th scope="col">{t(Msg::LotsSold)}</th></tr></thead>
                                <tbody>{r.by_ward.iter().map(|w| view! {
                                    <tr><th scope="row">{w.ward.clone()}</th><td>{thousands(w.lots_offered)}</td>
                                        <td>{thousands(w.requested)}</td><td>{thousands(w.lots_sold)}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        })}
                        {(!r.by_state.is_empty()).then(|| view! {
                            <table>
                                <caption>{t(Msg::RequestedLotsByState)}</caption>
                                <tbody>{r.by_state.iter().map(|c| view! {
                                    <tr><th scope="row">{c.state.label_in(crate::messages::current())}</th><td>{thousands(c.count)}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        })}
                    </section>
                }).collect_view().into_any(),
            }}
        </main>
    }
}
