//! `/staff`: the review queue, its filters (in the URL) and counts per
//! state, and a bulk action on everything the filters select.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{BulkResult, DenialReason, QueuePage, QueueSort, RoundList};
use sidelot_domain::pin::dashed;
use sidelot_domain::workflow::{self, Action, LotState};

use sidelot_domain::api::QueueFilter;

use super::filters::{self, QueueLinks};
use super::reason_fields::ReasonFields;
use super::{Load, load, owner_match_words, relation_words};
use crate::api;
use crate::format::when;
use crate::messages::{S, fill, s};
use sidelot_domain::owners::NameMatch;

#[component]
pub fn QueuePage() -> impl IntoView {
    // A link with a wrong filter shows why, with the form empty to start again.
    let (f, page): (QueueFilter, RwSignal<Load<QueuePage>>) =
        match filters::parse(&window().location().search().unwrap_or_default()) {
            Ok(f) => {
                let query = f.clone();
                (f, load(async move { api::staff::queue(&query).await }))
            }
            Err(m) => (QueueFilter::default(), RwSignal::new(Load::Err(m))),
        };
    let rounds: RwSignal<Load<RoundList>> = load(api::public::rounds());
    let f2 = f.clone();
    let round_options = move || match rounds.get() {
        Load::Ok(list) => list
            .rounds
            .into_iter()
            .map(|r| {
                let selected = f2.round.as_deref() == Some(r.slug.as_str());
                view! { <option value=r.slug.clone() selected=selected>{r.name}</option> }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let state_options = LotState::ALL
        .iter()
        .map(|s| {
            let selected = f.state == Some(*s);
            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
        })
        .collect_view();
    let owner_options = [
        NameMatch::Match,
        NameMatch::Partial,
        NameMatch::NoMatch,
        NameMatch::NoRecord,
    ]
    .into_iter()
    .map(|m| {
        let selected = f.owner == Some(m);
        view! { <option value=m.as_str() selected=selected>{owner_match_words(m)}</option> }
    })
    .collect_view();
    let f3 = f.clone();
    let f4 = f.clone();
    view! {
        <main class="page wide">
            <h1>{s(S::ReviewQueue)}</h1>
            <form method="get" action="/staff" class="filters" aria-label=s(S::FilterTheQueue)>
                <div class="field"><label for="f-round">{s(S::Round)}</label>
                    <select id="f-round" name="round"><option value="">{s(S::AllRounds)}</option>{round_options}</select></div>
                <div class="field"><label for="f-state">{s(S::State)}</label>
                    <select id="f-state" name="state"><option value="">{s(S::AnyState)}</option>{state_options}</select></div>
                <div class="field"><label for="f-lot">{s(S::LotPin)}</label>
                    <input id="f-lot" name="lot" type="text" value=f.lot.clone().unwrap_or_default() /></div>
                <div class="field"><label for="f-ward">{s(S::Ward)}</label>
                    <input id="f-ward" name="ward" type="text" inputmode="numeric" size="4" value=f.ward.clone().unwrap_or_default() /></div>
                <div class="field"><label for="f-owner">{s(S::OwnerMatchLabel)}</label>
                    <select id="f-owner" name="owner"><option value="">{s(S::OwnerMatchAny)}</option>{owner_options}</select></div>
                <div class="field"><label for="f-code">{s(S::TrackingCode)}</label>
                    <input id="f-code" name="code" type="text" value=f.code.clone().unwrap_or_default() /></div>
                <div class="field"><label for="f-sort">{s(S::Order)}</label>
                    <select id="f-sort" name="sort">
                        <option value="oldest" selected=f.sort != Some(QueueSort::Newest)>{s(S::OldestFirst)}</option>
                        <option value="newest" selected=f.sort == Some(QueueSort::Newest)>{s(S::NewestFirst)}</option>
                    </select></div>
                <div class="field check"><input id="f-contested" name="contested" type="checkbox" value="true" checked=f.contested == Some(true) />
                    <label for="f-contested">{s(S::ContestedOnly)}</label></div>
                <div class="field check"><input id="f-unconfirmed" name="unconfirmed" type="checkbox" value="true" checked=f.unconfirmed == Some(true) />
                    <label for="f-unconfirmed">{s(S::EmailNotConfirmed)}</label></div>
                <div class="form-actions"><button type="submit">{s(S::Filter)}</button> <a href="/staff">{s(S::Clear)}</a></div>
            </form>
            {move || match page.get() {
                Load::Wait => view! { <p role="status">{s(S::LoadingTheQueue)}</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(p) => {
                    let f = f3.clone();
                    let counts = p.counts.iter().map(|c| {
                        let href = f.state_href(c.state);
                        let current = if f.state == Some(c.state) { "true" } else { "false" };
                        view! { <li><a href=href aria-current=current>{format!("{}: {}", c.state.label(), c.count)}</a></li> }
                    }).collect_view();
                    let next = p.next.as_deref().map(|n| f.next_page_href(n));
                    // The order a reviewer walks from one application to the next.
                    super::walk::remember(&p.rows.iter().map(|r| r.application_id).collect::<Vec<_>>());
                    view! {
                        <nav aria-label=s(S::CountsPerState)><ul class="counts">{counts}</ul></nav>
                        <p role="status">{format!("{} requested lots match.", p.total)}</p>
                        <table class="queue">
                            <caption class="visually-hidden">{s(S::RequestedLotsOneRowPer)}</caption>
                            <thead><tr>
                                <th scope="col">{s(S::Application)}</th><th scope="col">{s(S::Lot)}</th><th scope="col">{s(S::ApplicantSProperty)}</th>
                                <th scope="col">{s(S::Applicant)}</th><th scope="col">{s(S::Relation)}</th><th scope="col">{s(S::State)}</th>
                                <th scope="col">{s(S::Flags)}</th><th scope="col">{s(S::Submitted)}</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td><a href=format!("/staff/applications/{}", r.application_id)>{r.tracking_code.clone()}</a></td>
                                        <td>{dashed(&r.lot)}<br/><span class="hint">{r.lot_address.clone().unwrap_or_default()}
                                            {r.ward.clone().map(|w| format!(" · ward {w}"))}</span></td>
                                        <td>{r.owned_address.clone().unwrap_or_else(|| dashed(&r.owned))}</td>
                                        <td>{r.applicant_name.clone()}<br/><span class=format!("hint owner-{}", r.owner_match.unwrap_or_default().as_str())>{owner_match_words(r.owner_match.unwrap_or_default())}</span></td>
                                        <td>{format!("{} (priority {})", relation_words(r.relation), r.priority)}</td>
                                        <td><span class=format!("state state-{}", r.state)>{r.state.label()}</span></td>
                                        <td>{r.contested.then_some(s(S::Contested))}{(!r.email_confirmed).then_some(s(S::EmailUnconfirmed))}</td>
                                        <td>{when(&r.submitted_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="pager">
                            {f.after.is_some().then(|| view! {
                                <a href=f.first_page_href()>{s(S::FirstPage)}</a>" "
                            })}
                            {next.map(|href| view! { <a href=href rel="next">{s(S::NextPage)}</a> })}
                        </p>
                    }.into_any()
                }
            }}
            {f4.state.is_some().then(|| view! { <BulkForm filters=f4.clone() /> })}
            <section aria-labelledby="exports-title">
                <h2 id="exports-title">{s(S::Exports)}</h2>
                <ul class="exports">
                    {move || match rounds.get() {
                        Load::Ok(list) => list.rounds.into_iter().map(|r| view! {
                            <li><a href=format!("/api/staff/rounds/{}/applications.csv", r.slug)>{fill(s(S::ApplicationsOfCsv), &[&r.name])}</a>
                                " · "<a href=format!("/api/rounds/{}/awarded.geojson", r.slug)>{s(S::LotsAwardedGeojson)}</a>
                                " · "<a href=format!("/api/staff/rounds/{}/letters.csv", r.slug)>{s(S::LettersShort)}</a>
                                " · "<a href=format!("/api/staff/rounds/{}/letters.pdf", r.slug)>{s(S::LettersPdfShort)}</a></li>
                        }).collect_view().into_any(),
                        _ => ().into_any(),
                    }}
                </ul>
            </section>
        </main>
    }
}

/// The reason fields an action needs: a catalogue reason, or a note.
#[component]
fn BulkForm(filters: QueueFilter) -> impl IntoView {
    let Some(from) = filters.state else {
        return ().into_any();
    };
    let actions = workflow::actions_from(from);
    let action = RwSignal::new(
        actions
            .first()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load(api::staff::reasons());
    let result = RwSignal::new(None::<Result<BulkResult, String>>);
    let f = filters.clone();
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        // The select offers only the domain's actions from this state.
        let Some(chosen) = Action::parse(&action.get_untracked()) else {
            return;
        };
        let question = fill(
            s(S::ApplyToEveryRequestedLot),
            &[chosen.label(), from.label()],
        );
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let Some(req) = f.bulk(chosen, &reason.get_untracked(), &note.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            result.set(Some(api::staff::bulk(&req).await.map_err(|e| e.explain())));
        });
    };
    view! {
        <section class="bulk" aria-labelledby="bulk-title">
            <h2 id="bulk-title">{fill(s(S::BulkActionOnEverythingIn), &[from.label()])}</h2>
            <form on:submit=submit>
                <div class="field">
                    <label for="bulk-action">{s(S::Action)}</label>
                    <select id="bulk-action" prop:value=move || action.get() on:change=move |ev| action.set(event_target_value(&ev))>
                        {actions.iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
                    </select>
                </div>
                <ReasonFields action reason note reasons prefix="bulk".into() />
                <div class="form-actions"><button type="submit">{s(S::ApplyToAll)}</button></div>
            </form>
            <div role="status">
                {move || match result.get() {
                    None => ().into_any(),
                    Some(Err(m)) => view! { <p class="verdict no">{m}</p> }.into_any(),
                    Some(Ok(r)) => view! {
                        <p class="verdict yes">{format!("{} moved, {} refused.", r.moved.len(), r.refused.len())}
                            " " <a href=window().location().href().unwrap_or_default()>{s(S::RefreshTheQueue)}</a></p>
                        <ul>{r.refused.into_iter().map(|x| view! { <li>{format!("{} lot {}: {}", x.tracking_code, dashed(&x.lot), x.message)}</li> }).collect_view()}</ul>
                    }.into_any(),
                }}
            </div>
        </section>
    }
    .into_any()
}
