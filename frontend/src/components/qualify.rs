//! "Do I qualify?": the neighbour names the property they own (by address or
//! PIN, with search), and the server's pre-check answers in plain words.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{EligibilityAnswer, SearchResult};

use crate::api;
use crate::components::search::SearchBox;
use crate::messages::{Msg, others_applied, t, tf};

#[derive(Debug, Clone, PartialEq)]
enum Check {
    Idle,
    Checking,
    Answered(Box<EligibilityAnswer>),
    Failed(String),
}

/// The pre-check for `lot`; `on_owned` hears which parcel the neighbour
/// chose (to highlight it on the map).
#[component]
pub fn Qualify(lot: String, on_owned: Callback<Option<String>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let check = RwSignal::new(Check::Idle);
    let chosen = Callback::new(move |owned: SearchResult| {
        on_owned.run(Some(owned.pin.clone()));
        check.set(Check::Checking);
        let lot = lot.clone();
        spawn_local(async move {
            check.set(match api::public::eligibility(&lot, &owned.pin).await {
                Ok(answer) => Check::Answered(Box::new(answer)),
                Err(e) => Check::Failed(e.message()),
            });
        });
    });
    // A new search that finds nothing: the verdict on the previous property
    // no longer answers what the neighbour typed.
    let none = Callback::new(move |()| {
        on_owned.run(None);
        check.set(Check::Idle);
    });
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button on:click=move |_| {
                    open.set(true);
                    request_animation_frame(|| {
                        if let Some(input) = document().get_element_by_id("owned-input") {
                            use wasm_bindgen::JsCast;
                            if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                                let _ = input.focus();
                            }
                        }
                    });
                }>{t(Msg::Qualify)}</button>
            }
        >
            <div class="qualify" role="group" aria-labelledby="qualify-title">
                <h3 id="qualify-title">{t(Msg::Qualify)}</h3>
                <SearchBox on_choose=chosen on_none=none id="owned" label=Msg::OwnedLabel landmark=false />
                <div class="verdict-area" role="status" aria-live="polite">
                    {move || match check.get() {
                        Check::Idle => ().into_any(),
                        Check::Checking => view! { <p>{t(Msg::Checking)}</p> }.into_any(),
                        Check::Failed(why) => view! { <p class="verdict no">{tf(Msg::CheckFailed, &[&why])}</p> }.into_any(),
                        Check::Answered(a) => {
                            let (class, headline) = if a.eligible {
                                ("verdict yes", t(Msg::Eligible))
                            } else {
                                ("verdict no", t(Msg::NotEligible))
                            };
                            view! {
                                <p class=class data-testid="verdict" data-relation=a.relation.as_str()>
                                    <strong>{headline}</strong>" "{a.explanation.clone()}
                                </p>
                                {(a.eligible && a.round.is_some()).then(|| view! {
                                    <p class="hint" data-testid="others-applied">{others_applied(a.others_applied)}</p>
                                })}
                                {(a.eligible && a.already_applied).then(|| view! {
                                    <p class="verdict no" data-testid="already-applied">{t(Msg::AlreadyApplied)}</p>
                                })}
                                {(a.eligible && !a.already_applied).then(|| view! {
                                    <p class="hint">{t(Msg::ApplyLater)}</p>
                                    <p><a class="button" href=format!("/apply?lot={}&owned={}", a.lot, a.owned)>{t(Msg::ApplyLink)}</a></p>
                                })}
                            }.into_any()
                        }
                    }}
                </div>
            </div>
        </Show>
    }
}
