//! The endpoints neighbours use: parcels, search, eligibility, applying,
//! the status page, the public figures and lotteries.

use sidelot_domain::api::{
    ApplicationReceipt, ApplicationStatus, ClientConfig, EligibilityAnswer, EligibleLots, Figures,
    RoundList, SearchResults,
};
use sidelot_domain::lottery::Lottery;

use super::{ApiError, enc, get_json, get_text, parse, send};
use crate::viewport::{LightCollection, LightFeature};

/// `GET /api/parcels?bbox=...`: the FeatureCollection as text (for the map)
/// and read light (properties and extents, for the list and the panel).
pub async fn parcels_in(
    bbox: [f64; 4],
    limit: u32,
    signal: &web_sys::AbortSignal,
) -> Result<(String, LightCollection), ApiError> {
    let [w, s, e, n] = bbox;
    let url = format!("/api/parcels?bbox={w:.7},{s:.7},{e:.7},{n:.7}&limit={limit}");
    let text = get_text(&url, Some(signal)).await?;
    let typed = parse(&text)?;
    Ok((text, typed))
}

/// The lots offered in open rounds within `bbox`, from the OGC API's `lots`
/// collection (their parcels' properties; a lot offered in two rounds once).
pub async fn lots_in(
    bbox: [f64; 4],
    signal: &web_sys::AbortSignal,
) -> Result<Vec<sidelot_domain::api::ParcelProperties>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Feature {
        properties: sidelot_domain::api::ParcelProperties,
    }
    #[derive(serde::Deserialize)]
    struct Lots {
        features: Vec<Feature>,
    }
    let [w, s, e, n] = bbox;
    let url = format!("/ogc/collections/lots/items?bbox={w:.7},{s:.7},{e:.7},{n:.7}&limit=1000");
    let lots: Lots = parse(&get_text(&url, Some(signal)).await?)?;
    let mut seen = std::collections::BTreeSet::new();
    Ok(lots
        .features
        .into_iter()
        .map(|f| f.properties)
        .filter(|p| seen.insert(p.pin.clone()))
        .collect())
}

/// `GET /api/parcels/{pin}`, read light (its properties and extent: the
/// app draws parcels from `parcels_in`'s text, not from this).
pub async fn parcel(pin: &str) -> Result<LightFeature, ApiError> {
    get_json(&format!("/api/parcels/{}", enc(pin))).await
}

/// `GET /api/search?q=...`: parcels by address or PIN, best first.
pub async fn search(
    query: &str,
    limit: u32,
    signal: &web_sys::AbortSignal,
) -> Result<SearchResults, ApiError> {
    let url = format!("/api/search?q={}&limit={limit}", enc(query));
    parse(&get_text(&url, Some(signal)).await?)
}

/// `GET /api/config`: the basemap, if the server has one.
pub async fn config() -> Result<ClientConfig, ApiError> {
    get_json("/api/config").await
}

/// `GET /api/rounds`.
pub async fn rounds() -> Result<RoundList, ApiError> {
    get_json("/api/rounds").await
}

/// `GET /api/rounds/{round}/eligible-lots?owned=...`: the round's lots the
/// property qualifies for.
pub async fn eligible_lots(round: &str, owned: &str) -> Result<EligibleLots, ApiError> {
    get_json(&format!(
        "/api/rounds/{}/eligible-lots?owned={}",
        enc(round),
        enc(owned)
    ))
    .await
}

/// `GET /api/eligibility?lot=...&owned=...`: the neighbour's pre-check.
pub async fn eligibility(lot: &str, owned: &str) -> Result<EligibilityAnswer, ApiError> {
    get_json(&format!(
        "/api/eligibility?lot={}&owned={}",
        enc(lot),
        enc(owned)
    ))
    .await
}

/// `POST /api/applications`: the form (with the deed) as the browser
/// collected it; `key` makes a repeated send return the first answer.
pub async fn apply(form: &web_sys::FormData, key: &str) -> Result<ApplicationReceipt, ApiError> {
    // The emails about the application are written in the page's language.
    form.set_with_str("language", crate::messages::current().tag())
        .map_err(super::net)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(form);
    let headers = web_sys::Headers::new().map_err(super::net)?;
    headers.set("idempotency-key", key).map_err(super::net)?;
    init.set_headers(&headers);
    parse(&send("/api/applications", &init).await?)
}

/// `POST /api/confirm/{token}`: the confirmation link of the email.
pub async fn confirm(token: &str) -> Result<sidelot_domain::api::EmailConfirmation, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    parse(&send(&format!("/api/confirm/{}", enc(token)), &init).await?)
}

/// `POST /api/applications/links`: "Find my application".
pub async fn find_links(email: &str) -> Result<sidelot_domain::api::LinksAnswer, ApiError> {
    let body = sidelot_domain::api::LinksRequest {
        email: email.to_owned(),
    };
    super::post_json("/api/applications/links", &body).await
}

/// `POST /api/subscriptions`: "Tell me when lots open near me", in the
/// page's language.
pub async fn subscribe(
    pin: &str,
    email: &str,
) -> Result<sidelot_domain::api::SubscriptionAnswer, ApiError> {
    let body = sidelot_domain::api::SubscribeRequest {
        pin: Some(pin.to_owned()),
        address: None,
        email: email.to_owned(),
        language: Some(crate::messages::current()),
    };
    super::post_json("/api/subscriptions", &body).await
}

/// `POST /api/subscriptions/confirm/{token}` or `.../stop/{token}`: a
/// subscription email's link.
pub async fn subscription_link(
    token: &str,
    stop: bool,
) -> Result<sidelot_domain::api::SubscriptionAnswer, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let what = if stop { "stop" } else { "confirm" };
    parse(&send(&format!("/api/subscriptions/{what}/{}", enc(token)), &init).await?)
}

/// `GET /api/status/{token}`: the applicant's own application.
pub async fn status(token: &str) -> Result<ApplicationStatus, ApiError> {
    get_json(&format!("/api/status/{}", enc(token))).await
}

/// `GET /api/figures`: the program's public counts per round.
pub async fn figures() -> Result<Figures, ApiError> {
    get_json("/api/figures").await
}

/// `GET /api/rounds/{round}/lottery`, as `lottery_url` writes it.
pub async fn lottery(round: &str) -> Result<Lottery, ApiError> {
    get_json(&lottery_url(round)).await
}

/// Where a round's published lottery is (also its download link).
pub fn lottery_url(round: &str) -> String {
    format!("/api/rounds/{}/lottery", enc(round))
}
