//! `/staff/contested`: the lots more than one open application wants, with
//! each applicant's standing.

use leptos::prelude::*;
use sidelot_domain::api::ContestedLot;
use sidelot_domain::pin::dashed;

use super::{Load, load, relation_words};
use crate::api;

#[component]
pub fn ContestedPage() -> impl IntoView {
    let lots: RwSignal<Load<Vec<ContestedLot>>> = load(api::staff::contested());
    view! {
        <main class="page wide">
            <h1>"Contested lots"</h1>
            <p class="hint">"Lots that more than one open application wants. The round's priority order decides; equal priority goes to the lottery."</p>
            {move || match lots.get() {
                Load::Wait => view! { <p role="status">"Loading…"</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(list) if list.is_empty() => view! { <p>"No lot is contested."</p> }.into_any(),
                Load::Ok(list) => list.into_iter().map(|l| view! {
                    <section class="contested">
                        <h2>{format!("Lot {}{} ({})", dashed(&l.lot), l.address.map(|a| format!(" — {a}")).unwrap_or_default(), l.round)}</h2>
                        <table>
                            <thead><tr><th scope="col">"Application"</th><th scope="col">"Applicant"</th><th scope="col">"Relation"</th>
                                <th scope="col">"Priority"</th><th scope="col">"State"</th></tr></thead>
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
