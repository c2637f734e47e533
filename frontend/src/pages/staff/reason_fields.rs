//! The reason an action needs, as a reviewer gives it: a catalogue reason
//! (which the applicant reads) or a note. Shared by one lot's review and the
//! queue's bulk action.

use leptos::prelude::*;
use sidelot_domain::api::DenialReason;
use sidelot_domain::workflow::{self, Action, Reason};

use super::Load;
use crate::messages::{S, s};

#[component]
pub fn ReasonFields(
    action: RwSignal<String>,
    reason: RwSignal<String>,
    note: RwSignal<String>,
    reasons: RwSignal<Load<Vec<DenialReason>>>,
    prefix: String,
) -> impl IntoView {
    let needs = move || {
        Action::parse(&action.get())
            .and_then(|a| workflow::TRANSITIONS.iter().find(|t| t.action == a))
            .map_or(Reason::None, |t| t.reason)
    };
    let reason_id = format!("{prefix}-reason");
    let note_id = format!("{prefix}-note");
    let reason_id2 = reason_id.clone();
    view! {
        <div class="field" hidden=move || needs() != Reason::Catalogue>
            <label for=reason_id.clone()>{s(S::ReasonTheApplicantReadsIt)}</label>
            <select id=reason_id2 name="reason_code" prop:value=move || reason.get()
                on:change=move |ev| reason.set(event_target_value(&ev))>
                <option value="">{s(S::ChooseAReason)}</option>
                {move || match reasons.get() {
                    Load::Ok(list) => list.into_iter().filter(|r| r.active).map(|r| view! {
                        <option value=r.code.clone()>{r.label}</option>
                    }).collect_view().into_any(),
                    _ => ().into_any(),
                }}
            </select>
        </div>
        <div class="field">
            <label for=note_id.clone()>{move || if needs() == Reason::Note { s(S::NoteRequiredWhy) } else { s(S::NoteStaffOnlyOptional) }}</label>
            <textarea id=note_id name="note" rows=2 prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        </div>
    }
}
