//! Talking to the server: one error type mirroring the server's, the
//! requests every endpoint function is made of, and one way to put a
//! refusal into words. The endpoints themselves are in `public` (what
//! neighbours use) and `staff` (the console), one function each, taking and
//! returning the types of `sidelot_domain::api`.

pub mod public;
pub mod staff;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sidelot_domain::api::ErrorBody;
use sidelot_domain::application::FieldError;
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

impl ApiError {
    /// What to tell the reader, in the page's language. The server writes
    /// a refusal in it already; a fault of ours, a database away or no
    /// answer at all are said by the page itself.
    pub fn message(&self) -> String {
        use crate::messages::{Msg, t};
        match self {
            ApiError::Server { status: 500, .. } => t(Msg::ErrServer).into(),
            ApiError::Server { status: 503, .. } => t(Msg::ErrUnavailable).into(),
            ApiError::Server { message, .. } => message.clone(),
            ApiError::Network(_) => t(Msg::ErrNetwork).into(),
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

    /// The refusal in words: the sentence of every field at fault, one
    /// after the other (field names are for programs and never shown), or
    /// the message when no field is named.
    pub fn explain(&self) -> String {
        match self {
            ApiError::Server { fields, .. } if !fields.is_empty() => fields
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            _ => self.message(),
        }
    }
}

/// The sentences for one field among `errors`, one after the other (empty
/// when the field is fine): what a form shows beside the field.
pub fn messages_for(errors: &[FieldError], field: &str) -> String {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A path segment or query value, escaped.
pub(crate) fn enc(s: &str) -> String {
    crate::url::encode_component(s)
}

fn net(e: wasm_bindgen::JsValue) -> ApiError {
    ApiError::Network(format!("{e:?}"))
}

async fn send(url: &str, init: &web_sys::RequestInit) -> Result<String, ApiError> {
    let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
    let request = web_sys::Request::new_with_str_and_init(url, init).map_err(net)?;
    // The server writes what it says (the status page, the emails) in the
    // page's language.
    request
        .headers()
        .set("accept-language", crate::messages::current().tag())
        .map_err(net)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
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

/// `GET url` as text, abortable.
async fn get_text(url: &str, signal: Option<&web_sys::AbortSignal>) -> Result<String, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    send(url, &init).await
}

/// An answer's JSON; an empty answer (`204`) reads as `null`, that is `()`.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Network(e.to_string()))
}

/// `GET` a JSON endpoint.
async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse(&get_text(url, None).await?)
}

thread_local! {
    /// The staff session's anti-forgery token, sent with every change.
    static CSRF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Remembers the staff session's anti-forgery token for the requests that follow.
pub fn set_csrf(token: &str) {
    CSRF.with(|c| *c.borrow_mut() = token.to_owned());
}

/// `POST` with the staff session's anti-forgery token; `json` marks a JSON body.
async fn post<T: DeserializeOwned>(
    url: &str,
    body: &wasm_bindgen::JsValue,
    json: bool,
) -> Result<T, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(body);
    let headers = web_sys::Headers::new().map_err(net)?;
    if json {
        headers
            .set("content-type", "application/json")
            .map_err(net)?;
    }
    CSRF.with(|c| headers.set("x-csrf-token", &c.borrow()))
        .map_err(net)?;
    init.set_headers(&headers);
    parse(&send(url, &init).await?)
}

/// `POST` a JSON body.
async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    let text = serde_json::to_string(body).map_err(|e| ApiError::Network(e.to_string()))?;
    post(url, &wasm_bindgen::JsValue::from_str(&text), true).await
}

/// `POST` a multipart form (a file upload).
async fn post_form<T: DeserializeOwned>(
    url: &str,
    form: &web_sys::FormData,
) -> Result<T, ApiError> {
    post(url, form, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(fields: &[(&str, &str)]) -> ApiError {
        ApiError::Server {
            status: 400,
            message: "Some fields are wrong.".into(),
            fields: fields.iter().map(|(f, m)| FieldError::new(f, *m)).collect(),
        }
    }

    #[test]
    fn a_refusal_names_every_field_at_fault_or_says_its_message() {
        assert_eq!(
            refused(&[
                ("email", "That is not an email."),
                ("role", "No such role.")
            ])
            .explain(),
            "That is not an email. No such role."
        );
        assert_eq!(refused(&[]).explain(), "Some fields are wrong.");
        assert_eq!(
            ApiError::Network("TypeError".into()).explain(),
            "The server could not be reached. Check your connection and try again."
        );
    }

    #[test]
    fn a_field_shows_only_its_own_messages() {
        let errors = refused(&[
            ("email", "Your email is required."),
            ("name", "Your name is required."),
            ("email", "It is too long."),
        ])
        .fields();
        assert_eq!(
            messages_for(&errors, "email"),
            "Your email is required. It is too long."
        );
        assert_eq!(messages_for(&errors, "phone"), "");
    }
}
