//! Who is asking: the session cookie, the anti-forgery token, the role.
//!
//! Every staff handler takes a [`Signed`] extractor as its first argument,
//! so the check runs before anything else is read: no session is 401, a
//! state-changing request without the session's `X-CSRF-Token` (or from
//! another site's page) is 403, and a role that may not use the route is
//! 403.

use std::marker::PhantomData;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use sidelot_domain::workflow::Role;

use super::{ApiError, AppState};
use crate::accounts::{self, StaffUser};
use crate::tokens::token_hash;

pub const SESSION_COOKIE: &str = "sidelot_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The role a route needs.
pub trait Need: Send + Sync {
    const ROLE: Option<Role>;
}

/// Any signed-in staff member.
pub struct AnyStaff;
impl Need for AnyStaff {
    const ROLE: Option<Role> = None;
}
pub struct Reviewer;
impl Need for Reviewer {
    const ROLE: Option<Role> = Some(Role::Reviewer);
}
pub struct Admin;
impl Need for Admin {
    const ROLE: Option<Role> = Some(Role::Admin);
}
pub struct Analyst;
impl Need for Analyst {
    const ROLE: Option<Role> = Some(Role::Analyst);
}

/// A signed-in staff member allowed to use the route.
pub struct Signed<R: Need> {
    pub user: StaffUser,
    /// The session cookie's token (to end or keep this session).
    pub token: String,
    role: PhantomData<R>,
}

/// The value of cookie `name`, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    token_hash(a) == token_hash(b)
}

/// The client's address, for throttling (`unknown` when the server was
/// not started with connection info, as in tests).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_of(
            state,
            &parts.extensions,
            &parts.headers,
        )))
    }
}

/// The client of a request: its connection's address, or the address a
/// trusted proxy names (`unknown` without connection info, as in tests).
pub fn client_of(
    state: &AppState,
    extensions: &axum::http::Extensions,
    headers: &HeaderMap,
) -> String {
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(
        || "unknown".to_owned(),
        |c| state.trusted_proxies.client(c.0.ip(), headers).to_string(),
    )
}

impl<R: Need> FromRequestParts<AppState> for Signed<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ended = || {
            ApiError::Unauthorized(
                "Please sign in: there is no staff session, or it has ended.".into(),
            )
        };
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|t| t.len() == 64)
            .ok_or_else(ended)?
            .to_owned();
        let user = accounts::session_user(&state.pool, &token)
            .await?
            .ok_or_else(ended)?;
        if !parts.method.is_safe() {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same(sent, &user.csrf)
                || super::hosts::foreign_origin(&parts.headers, &state.public_url)
            {
                return Err(ApiError::Forbidden(
                    "This request did not come from the staff console: the X-CSRF-Token header is missing or wrong."
                        .into(),
                ));
            }
        }
        if let Some(needed) = R::ROLE
            && !user.role.may(needed)
        {
            return Err(ApiError::Forbidden(format!(
                "This needs the {needed} role; you are signed in as a {}.",
                user.role
            )));
        }
        Ok(Signed {
            user,
            token,
            role: PhantomData,
        })
    }
}

/// The `Set-Cookie` value of a session; `Secure` unless the portal is
/// served from this machine.
pub fn session_cookie(token: &str, public_url: &str, max_age: i64) -> String {
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|l| public_url.starts_with(l));
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if local { "" } else { "; Secure" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; sidelot_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn cookies_are_secure_outside_this_machine() {
        let c = session_cookie("t", "https://lots.example.city", 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("; Secure"));
        assert!(!session_cookie("t", "http://127.0.0.1:8080", 60).contains("Secure"));
    }
}
