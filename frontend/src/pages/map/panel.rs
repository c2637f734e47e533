//! The panel of the parcel chosen on the map: what it is, whether and how
//! it is offered, and "Do I qualify?" when it is for sale; for a property
//! that is not, "Tell me when lots open near this property".

use leptos::prelude::*;
use sidelot_domain::api::{ParcelProperties, ParcelStatus};
use sidelot_domain::pin::dashed;

use crate::components::qualify::Qualify;
use crate::components::subscribe::Subscribe;
use crate::format;
use crate::messages::{Msg, t};

/// The panel of `parcel`; Escape and Close call `on_close`, and the
/// property a neighbour names in "Do I qualify?" goes to `on_owned`.
#[component]
pub fn Panel(
    parcel: ParcelProperties,
    on_owned: Callback<Option<String>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let p = parcel;
    let address = p
        .address
        .clone()
        .unwrap_or_else(|| t(Msg::NoAddress).to_owned());
    view! {
        <aside
            class="overlay panel"
            aria-labelledby="panel-title"
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" {
                    on_close.run(());
                }
            }
        >
            <h2 id="panel-title" tabindex="-1">{address.clone()}</h2>
            <dl>
                <dt>{t(Msg::Pin)}</dt><dd data-testid="panel-pin">{dashed(&p.pin)}</dd>
                <dt>{t(Msg::Address)}</dt><dd data-testid="panel-address">{address}</dd>
                <dt>{t(Msg::Area)}</dt><dd>{format::area(p.area_sqft)}</dd>
                <dt>{t(Msg::Status)}</dt><dd>{format::status(p.status)}</dd>
                {p.ward.clone().map(|w| view! { <dt>{t(Msg::Ward)}</dt><dd data-testid="panel-ward">{w}</dd> })}
                {p.offer.clone().map(|o| view! {
                    <dt>{t(Msg::OfferedIn)}</dt><dd>{o.round_name.clone()}</dd>
                    <dt>{t(Msg::Price)}</dt><dd data-testid="panel-price">{o.price_cents.map_or_else(|| t(Msg::PriceNotSet).to_owned(), format::price)}</dd>
                    <dt>{t(Msg::ApplyBy)}</dt><dd data-testid="panel-closes">{format::when_in(&o.closes_at, &o.time_zone)}</dd>
                })}
            </dl>
            {p.offer.clone().map(|o| view! {
                <p><a href=format!("/how-it-works#{}", o.round)>{t(Msg::HowItWorksRules)}</a></p>
            })}
            {if matches!(p.status, ParcelStatus::Available | ParcelStatus::Pending) {
                view! { <Qualify lot=p.pin.clone() on_owned=on_owned /> }.into_any()
            } else {
                view! {
                    <p class="hint">{t(Msg::NotOffered)}</p>
                    <Subscribe pin=p.pin.clone() />
                }.into_any()
            }}
            <p class="panel-actions">
                <button class="secondary" on:click=move |_| on_close.run(())>{t(Msg::Close)}</button>
            </p>
        </aside>
    }
}
