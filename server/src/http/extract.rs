//! Extractors whose mistakes are answered in the API's one error shape,
//! naming the parameter or field: a JSON [`Body`], a [`Path`] and a
//! [`Query`]. Handlers take these, never axum's own, so no handler maps a
//! rejection by hand.
//!
//! One rule holds for all text that comes in, whatever reads it: text
//! PostgreSQL's `text` cannot store (a NUL character, U+0000: in a UTF-8
//! database the only one a Rust string can hold) is refused with a 400 that
//! names the field or parameter ([`storable`], [`storable_field`]), rather
//! than reaching the database and failing there.

use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use sidelot_domain::application::FieldError;
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};

use super::ApiError;

/// Why PostgreSQL's `text` would refuse `value`, if it would.
fn unstorable(value: &str) -> Option<&'static str> {
    value
        .contains('\0')
        .then(|| text_in(request_lang(), Msg::ErrNulText))
}

tokio::task_local! {
    static REQUEST_LANG: Lang;
}

/// The language of the request being answered (its `Accept-Language`), for
/// words written far from the handler: an error's, a refusal's. English
/// outside a request.
pub fn request_lang() -> Lang {
    REQUEST_LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// Answers each request within its language, for [`request_lang`].
pub async fn with_request_lang(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lang = accept_language(request.headers());
    REQUEST_LANG.scope(lang, next.run(request)).await
}

fn accept_language(headers: &axum::http::HeaderMap) -> Lang {
    Lang::from_accept_language(
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
    )
}

/// A query or path parameter (or a header) must be storable text.
pub fn storable(parameter: &str, value: &str) -> Result<(), ApiError> {
    match unstorable(value).or_else(|| unstorable(parameter)) {
        Some(why) => Err(ApiError::bad(&parameter.replace('\0', ""), why)),
        None => Ok(()),
    }
}

/// A form field (JSON or multipart) must be storable text.
pub fn storable_field(field: &str, value: &str) -> Result<(), ApiError> {
    match unstorable(value).or_else(|| unstorable(field)) {
        Some(why) => Err(ApiError::Invalid(vec![FieldError::new(
            &field.replace('\0', ""),
            why,
        )])),
        None => Ok(()),
    }
}

/// Every string in a JSON value (keys too) must be storable; the error
/// names the top-level field it is in.
fn storable_json(field: &str, value: &serde_json::Value) -> Result<(), ApiError> {
    match value {
        serde_json::Value::String(s) => storable_field(field, s),
        serde_json::Value::Array(items) => items.iter().try_for_each(|v| storable_json(field, v)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            storable_field(field, k)?;
            storable_json(field, v)
        }),
        _ => Ok(()),
    }
}

/// A JSON body, an object. A syntax error, or a body that is not an object,
/// is answered as a bad `body`; a wrong value
/// in a field (an unknown action, a string where a number belongs) names
/// the field, as every form error does, and every such field is named at
/// once.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad("body", e.body_text()))?;
        // Every body of the API is an object: serde would read a struct from
        // an array of its fields' values in order, which no client means.
        let serde_json::Value::Object(map) = &value else {
            return Err(ApiError::bad(
                "body",
                "The body must be a JSON object, with the fields by name",
            ));
        };
        map.iter()
            .try_for_each(|(k, v)| storable_field(k, k).and_then(|()| storable_json(k, v)))?;
        let mut wrong = Vec::new();
        loop {
            let e = match serde_path_to_error::deserialize::<_, T>(&value) {
                Ok(v) if wrong.is_empty() => return Ok(Body(v)),
                Ok(_) => return Err(ApiError::Invalid(wrong)),
                Err(e) => e,
            };
            // A wrong field is set aside and the rest read again, so that
            // the answer names every wrong field, not only the first.
            let field = field_of(e.path())
                .filter(|f| value.as_object_mut().and_then(|o| o.remove(f)).is_some());
            match field {
                Some(field) => wrong.push(FieldError::new(&field, unreadable(e.inner()))),
                None if wrong.is_empty() => {
                    return Err(ApiError::bad(
                        "body",
                        format!("The JSON body cannot be read: {e}"),
                    ));
                }
                // Setting the wrong fields aside left required ones out.
                None => return Err(ApiError::Invalid(wrong)),
            }
        }
    }
}

/// A `multipart/form-data` body. A request that is not one (no boundary,
/// another content type) is answered as a bad `body` in the one error
/// shape, not axum's plain text; each text field read from it must still
/// pass [`storable_field`].
pub struct Form(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Form)
            .map_err(|e| {
                ApiError::bad(
                    "body",
                    format!(
                        "The request is not a multipart/form-data body: {}",
                        e.body_text()
                    ),
                )
            })
    }
}

/// A value a type refused, in a sentence: the type's own message when it is
/// one (it starts with a capital, as this crate's do), else serde's words
/// after a sentence that says what happened.
fn unreadable(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    if text.starts_with(char::is_uppercase) {
        text
    } else {
        format!("This value cannot be used: {text}")
    }
}

/// The top-level field an error is in, if it is in one.
fn field_of(path: &serde_path_to_error::Path) -> Option<String> {
    match path.iter().next() {
        Some(serde_path_to_error::Segment::Map { key }) => Some(key.clone()),
        _ => None,
    }
}

/// Path parameters. A value that does not parse names its parameter; the
/// message is the type's own (see [`number`] for record numbers) or axum's.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Ok(raw) = axum::extract::RawPathParams::from_request_parts(parts, state).await {
            for (key, value) in &raw {
                storable(key, value)?;
            }
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let text = e.body_text();
                Err(match e.into_kind() {
                    ErrorKind::DeserializeError { key, message, .. } => {
                        ApiError::bad(&key, message)
                    }
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key } => ApiError::bad(
                        &key,
                        format!("The address holds a value that cannot be read: {text}"),
                    ),
                    _ => ApiError::Internal(anyhow::anyhow!("path parameters: {text}")),
                })
            }
            Err(e) => Err(ApiError::Internal(anyhow::anyhow!(
                "path parameters: {}",
                e.body_text()
            ))),
        }
    }
}

/// The language of the reader's page, from `Accept-Language` (the browser
/// app sends its page's own): what a public answer's messages are written
/// in. English when the header names no language we speak.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl PageLang {
    /// `msg` in the page's language.
    pub fn t(self, msg: Msg) -> &'static str {
        text_in(self.0, msg)
    }

    /// `msg` in the page's language, with `args` in its `{0}`, `{1}`, ...
    pub fn tf(self, msg: Msg, args: &[&str]) -> String {
        fill(text_in(self.0, msg), args)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Read once per request, by [`with_request_lang`]; a request that
        // came some other way is read here.
        Ok(PageLang(
            REQUEST_LANG
                .try_with(|lang| *lang)
                .unwrap_or_else(|_| accept_language(&parts.headers)),
        ))
    }
}

/// Query parameters. A value that does not parse names its parameter, with
/// the message of the type that refused it.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            storable(&key, &value)?;
        }
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|e| match field_of(e.path()) {
                Some(parameter) => ApiError::bad(&parameter, unreadable(e.inner())),
                None => ApiError::bad("query", format!("The query cannot be read: {}", e.inner())),
            })
    }
}

/// Record numbers in paths: each says, when it does not parse, what it
/// numbers ("is not an application number").
pub mod number {
    use serde::de::{Deserializer, Error, Visitor};

    macro_rules! number {
        ($name:ident, $wrong:literal) => {
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct $name(pub i64);

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    struct V;
                    impl Visitor<'_> for V {
                        type Value = $name;
                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str("a whole number")
                        }
                        fn visit_str<E: Error>(self, v: &str) -> Result<$name, E> {
                            v.parse().map($name).map_err(|_| E::custom($wrong))
                        }
                    }
                    d.deserialize_str(V)
                }
            }
        };
    }

    number!(ApplicationNo, "That is not an application number.");
    number!(MessageNo, "That is not a message number.");
    number!(AccountNo, "That is not an account number.");
    number!(ImportJobNo, "That is not an import job number.");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{Request, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::get;
    use tower::ServiceExt;

    #[derive(serde::Deserialize)]
    struct Filter {
        #[expect(dead_code, reason = "only parsed")]
        limit: Option<u32>,
    }

    async fn answer(uri: &str) -> (StatusCode, serde_json::Value) {
        let app = axum::Router::new()
            .route(
                "/n/{id}",
                get(|Path(number::ApplicationNo(id))| async move { id.to_string() }),
            )
            .route("/q", get(|Query(_f): Query<Filter>| async { "ok" }));
        let response = app
            .oneshot(Request::get(uri).body(axum::body::Body::empty()).unwrap())
            .await
            .map(IntoResponse::into_response)
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_bad_path_number_names_its_parameter_and_what_it_numbers() {
        let (status, body) = answer("/n/twelve").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["parameter"], "id");
        assert_eq!(
            body["error"]["message"],
            "That is not an application number."
        );
    }

    #[tokio::test]
    async fn a_bad_query_value_names_its_parameter() {
        let (status, body) = answer("/q?limit=many").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "invalid_parameter");
        assert_eq!(body["error"]["parameter"], "limit");
    }
}
