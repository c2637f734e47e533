//! One function per API endpoint, one error type mirroring the server's.

use sidelot_domain::api::{
    ClientConfig, EligibilityAnswer, EligibleLots, ErrorBody, ParcelFeature, SearchResults,
};

use sidelot_domain::api::{ApplicationReceipt, ApplicationStatus};
use sidelot_domain::application::FieldError;

use crate::viewport::LightCollection;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What went wrong talking to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with its error shape (and, for a form, every
    /// field at fault).
    Server {
        status: u16,
        message: String,
        fields: Vec<FieldError>,
    },
    /// No answer (offline, aborted) or an unreadable one.
    Network(String),
}

async fn get_text(url: &str, signal: Option<&web_sys::AbortSignal>) -> Result<String, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    send(url, &init).await
}

async fn send(url: &str, init: &web_sys::RequestInit) -> Result<String, ApiError> {
    let net = |e: wasm_bindgen::JsValue| ApiError::Network(format!("{e:?}"));
    let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(net)?
        .dyn_into()
        .map_err(net)?;
    let text = JsFuture::from(response.text().map_err(net)?)
        .await
        .map_err(net)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        Ok(text)
    } else {
        let (message, fields) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(b) => (b.error.message, b.error.fields),
            Err(_) => (text.clone(), Vec::new()),
        };
        Err(ApiError::Server {
            status: response.status(),
            message,
            fields,
        })
    }
}

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
    let typed = serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))?;
    Ok((text, typed))
}

/// `GET /api/parcels/{pin}`.
pub async fn parcel(pin: &str) -> Result<ParcelFeature, ApiError> {
    let pin = js_sys::encode_uri_component(pin);
    let text = get_text(&format!("/api/parcels/{pin}"), None).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET /api/search?q=...`: parcels by address or PIN, best first.
pub async fn search(
    query: &str,
    limit: u32,
    signal: &web_sys::AbortSignal,
) -> Result<SearchResults, ApiError> {
    let q = js_sys::encode_uri_component(query);
    let text = get_text(&format!("/api/search?q={q}&limit={limit}"), Some(signal)).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET /api/config`: the basemap, if the server has one.
pub async fn config() -> Result<ClientConfig, ApiError> {
    let text = get_text("/api/config", None).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET /api/rounds/{round}/eligible-lots?owned=...`: the round's lots the
/// property qualifies for.
pub async fn eligible_lots(round: &str, owned: &str) -> Result<EligibleLots, ApiError> {
    let (round, owned) = (
        js_sys::encode_uri_component(round),
        js_sys::encode_uri_component(owned),
    );
    let text = get_text(
        &format!("/api/rounds/{round}/eligible-lots?owned={owned}"),
        None,
    )
    .await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET /api/eligibility?lot=...&owned=...`: the neighbour's pre-check.
pub async fn eligibility(lot: &str, owned: &str) -> Result<EligibilityAnswer, ApiError> {
    let (lot, owned) = (
        js_sys::encode_uri_component(lot),
        js_sys::encode_uri_component(owned),
    );
    let text = get_text(&format!("/api/eligibility?lot={lot}&owned={owned}"), None).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `POST /api/applications`: the form (with the deed) as the browser
/// collected it; `key` makes a repeated send return the first answer.
pub async fn apply(form: &web_sys::FormData, key: &str) -> Result<ApplicationReceipt, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(form);
    let headers = web_sys::Headers::new().map_err(|e| ApiError::Network(format!("{e:?}")))?;
    headers
        .set("idempotency-key", key)
        .map_err(|e| ApiError::Network(format!("{e:?}")))?;
    init.set_headers(&headers);
    let text = send("/api/applications", &init).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET /api/status/{token}`: the applicant's own application.
pub async fn status(token: &str) -> Result<ApplicationStatus, ApiError> {
    let token = js_sys::encode_uri_component(token);
    let text = get_text(&format!("/api/status/{token}"), None).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

thread_local! {
    /// The staff session's anti-forgery token, sent with every change.
    static CSRF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

pub fn set_csrf(token: &str) {
    CSRF.with(|c| *c.borrow_mut() = token.to_owned());
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET` any JSON endpoint.
pub async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse(&get_text(url, None).await?)
}

/// `POST` JSON with the staff session's anti-forgery token.
pub async fn post_json<T: serde::de::DeserializeOwned>(
    url: &str,
    body: &serde_json::Value,
) -> Result<T, ApiError> {
    let net = |e: wasm_bindgen::JsValue| ApiError::Network(format!("{e:?}"));
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&wasm_bindgen::JsValue::from_str(&body.to_string()));
    let headers = web_sys::Headers::new().map_err(net)?;
    headers
        .set("content-type", "application/json")
        .map_err(net)?;
    CSRF.with(|c| headers.set("x-csrf-token", &c.borrow()))
        .map_err(net)?;
    init.set_headers(&headers);
    parse(&send(url, &init).await?)
}

impl ApiError {
    /// What to tell the reader.
    pub fn message(&self) -> String {
        match self {
            ApiError::Server { message, .. } => message.clone(),
            ApiError::Network(_) => {
                "The server could not be reached. Check your connection and try again.".into()
            }
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } => Some(*status),
            ApiError::Network(_) => None,
        }
    }

    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            ApiError::Server { fields, .. } => fields.clone(),
            ApiError::Network(_) => Vec::new(),
        }
    }
}

/// `POST` a multipart form (a file upload) with the staff session's
/// anti-forgery token.
pub async fn post_form<T: serde::de::DeserializeOwned>(
    url: &str,
    form: &web_sys::FormData,
) -> Result<T, ApiError> {
    let net = |e: wasm_bindgen::JsValue| ApiError::Network(format!("{e:?}"));
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(form);
    let headers = web_sys::Headers::new().map_err(net)?;
    CSRF.with(|c| headers.set("x-csrf-token", &c.borrow()))
        .map_err(net)?;
    init.set_headers(&headers);
    parse(&send(url, &init).await?)
}
