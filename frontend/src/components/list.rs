//! The parcels in view as a table, for keyboards and screen readers (and
//! anyone who would rather read than look at a map). Each PIN is a button
//! that opens the same panel as a click on the map.

use leptos::prelude::*;
use sidelot_domain::api::ParcelProperties;

use crate::format;
use crate::messages::{Msg, t, tf};

/// Rows shown at most: more is not a list anyone reads.
pub const MAX_ROWS: usize = 200;

/// The rows to show from the parcels in view: by address (parcels without
/// one last), then PIN; at most `MAX_ROWS`. Returns them and the total.
pub fn rows(mut in_view: Vec<ParcelProperties>) -> (Vec<ParcelProperties>, usize) {
    in_view.sort_by(|a, b| {
        (a.address.is_none(), &a.address, &a.pin).cmp(&(b.address.is_none(), &b.address, &b.pin))
    });
    let total = in_view.len();
    in_view.truncate(MAX_ROWS);
    (in_view, total)
}

#[component]
pub fn ParcelList(
    /// The parcels in view, or `None` when the map is zoomed out too far.
    in_view: Signal<Option<Vec<ParcelProperties>>>,
    /// Whether only the lots for sale are listed.
    #[prop(into, optional)]
    for_sale: Signal<bool>,
    on_open: Callback<String>,
    on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <section id="parcel-list" class="overlay list" aria-labelledby="list-title">
            <div class="list-head">
                <h2 id="list-title">{move || if for_sale.get() { t(Msg::ListTitleForSale) } else { t(Msg::ListTitle) }}</h2>
                <button class="secondary" on:click=move |_| on_close.run(())>{t(Msg::ListHide)}</button>
            </div>
            {move || match in_view.get() {
                None => view! { <p>{t(Msg::ListZoomIn)}</p> }.into_any(),
                Some(parcels) if parcels.is_empty() => view! { <p>{t(Msg::ListEmpty)}</p> }.into_any(),
                Some(parcels) => {
                    let (shown, total) = rows(parcels);
                    let note = (total > shown.len()).then(|| {
                        tf(Msg::ListPartial, &[&format::thousands(shown.len() as i64), &format::thousands(total as i64)])
                    });
                    view! {
                        <p class="hint">{note}</p>
                        <div class="table-scroll" tabindex="0" role="group" aria-labelledby="list-title">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">{t(Msg::Pin)}</th>
                                        <th scope="col">{t(Msg::Address)}</th>
                                        <th scope="col" class="num">{t(Msg::Area)}</th>
                                        <th scope="col">{t(Msg::Status)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {shown.into_iter().map(|p| {
                                        let pin = p.pin.clone();
                                        let dashed = sidelot_domain::pin::dashed(&p.pin);
                                        view! {
                                            <tr>
                                                <td>
                                                    <button class="link" data-pin=p.pin.clone()
                                                        aria-label=tf(Msg::ListOpenParcel, &[&dashed])
                                                        on:click=move |_| on_open.run(pin.clone())>
                                                        {dashed.clone()}
                                                    </button>
                                                </td>
                                                <td>{p.address.clone().unwrap_or_else(|| t(Msg::NoAddress).to_owned())}</td>
                                                <td class="num">{format::area(p.area_sqft)}</td>
                                                <td>{format::status(p.status)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidelot_domain::api::ParcelStatus;

    fn parcel(pin: &str, address: Option<&str>) -> ParcelProperties {
        ParcelProperties {
            pin: pin.into(),
            address: address.map(Into::into),
            area_sqft: 3125,
            status: ParcelStatus::NotForSale,
            ward: None,
            offer: None,
        }
    }

    #[test]
    fn rows_go_by_address_then_pin_and_stop_at_the_limit() {
        let (shown, total) = rows(vec![
            parcel("3", None),
            parcel("2", Some("5312 W VAN BUREN ST")),
            parcel("1", Some("5300 W VAN BUREN ST")),
            parcel("0", Some("5312 W VAN BUREN ST")),
        ]);
        let pins: Vec<_> = shown.iter().map(|p| p.pin.as_str()).collect();
        assert_eq!(pins, ["1", "0", "2", "3"]);
        assert_eq!(total, 4);
        let many = (0..MAX_ROWS + 5)
            .map(|i| parcel(&format!("{i:05}"), None))
            .collect();
        let (shown, total) = rows(many);
        assert_eq!((shown.len(), total), (MAX_ROWS, MAX_ROWS + 5));
    }
}
