//! `/staff/contested`: the lots more than one open application wants, with
//! each applicant's standing.

use leptos::prelude::*;
use sidelot_domain::api::ContestedLot;
use sidelot_domain::pin::dashed;

use super::{Load, load, relation_words};
use crate::api;
use crate::messages::{S, fill, s};

#[component]
pub fn ContestedPage() -> impl IntoView {
    let lots: RwSignal<Load<Vec<ContestedLot>>> = load(api::staff::contested());
    view! {
        <main class="page wide">
            <h1>{s(S::ContestedLots)}</h1>
            <p class="hint">{s(S::LotsThatMoreThanOne)}</p>
            {move || match lots.get() {
                Load::Wait => view! { <p role="status">{s(S::Loading)}</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(list) if list.is_empty() => view! { <p>{s(S::NoLotIsContested)}</p> }.into_any(),
                Load::Ok(list) => list.into_iter().map(|l| view! {
                    <section class="contested">
                        <h2>{fill(s(S::LotWithAddressInRound), &[&dashed(&l.lot), &l.address.map(|a| format!(" — {a}")).unwrap_or_default().to_string(), &l.round])}</h2>
                        <table>
                            <thead><tr><th scope="col">{s(S::Application)}</th><th scope="col">{s(S::Applicant)}</th><th scope="col">{s(S::Relation)}</th>
                                <th scope="col">{s(S::Priority)}</th><th scope="col">{s(S::State)}</th></tr></thead>
                            <tbody>{l.applications.into_iter().map(|r| view! {
                                <tr>
                                    <td><a href=format!("/staff/applications/{}", r.application_id)>{r.tracking_code}</a></td>
                                    <td>{r.applicant_name}</td>
                                    <td>{relation_words(r.relation)}</td>
                                    <td>{r.priority}</td>
                                    <td>{r.state.label()}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                }).collect_view().into_any(),
            }}
        </main>
    }
}
