//! Which hosts this server answers for, and which pages may change things.
//!
//! A request naming another host in its `Host` header (a DNS-rebinding page,
//! a misdirected proxy) is refused: the public URL's host is answered, with
//! the loopback names (for the machine's own checks) and the hosts given with
//! `--allowed-host`. `/api/health` answers any host, for load balancers.
//! A request without a `Host` header (HTTP/2 carries the authority in the
//! URI instead) is judged by its URI's authority, and passes without one.
//!
//! A state-changing request must come from our own pages: its `Origin`, when
//! sent, must be the public URL's, or a loopback origin matching the
//! request's own host (the portal opened on this machine).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};

/// The names that always mean this machine.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The host name of an authority (`Host: name:port`), lower-cased, without
/// its port; none when it is not an authority.
fn host_name(authority: &str) -> Option<String> {
    let parsed: axum::http::uri::Authority = authority.parse().ok()?;
    if parsed.as_str().contains('@') {
        return None;
    }
    let host = parsed.host().to_ascii_lowercase();
    Some(host)
}

/// The public URL's scheme, host and port, as an `Origin` carries them.
fn public_origin(public_url: &str) -> Option<(String, String)> {
    let uri: Uri = public_url.trim_end_matches('/').parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?.as_str().to_ascii_lowercase();
    Some((scheme, authority))
}

/// Whether this server answers for `host` (a `Host` header's value).
pub fn known_host(state: &AppState, host: &str) -> bool {
    let Some(name) = host_name(host) else {
        return false;
    };
    let public = public_origin(&state.public_url).and_then(|(_, a)| host_name(&a));
    LOOPBACK.contains(&name.as_str())
        || public.as_deref() == Some(name.as_str())
        || state
            .allowed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&name))
}

/// Refuses requests for hosts this server does not answer for.
pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()));
    let exempt = request.uri().path() == "/api/health";
    match host {
        Some(host) if !exempt && !known_host(&state, &host) => {
            tracing::warn!(
                target: "sidelot_server::security",
                event = "unknown_host",
                path = super::loggable_path(request.uri().path()),
                client = super::auth::client_of(&state, request.extensions(), request.headers()),
            );
            ApiError::bad(
                "Host",
                format!(
                    "This server does not answer for that address. The portal is at {}",
                    state.public_url.trim_end_matches('/')
                ),
            )
            .into_response()
        }
        _ => next.run(request).await,
    }
}

/// A state-changing request from another site's page carries that site's
/// `Origin`; ours carry the public URL's (or, opened on this machine, a
/// loopback origin for the request's own host).
pub fn foreign_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, authority)) = origin
        .trim_end_matches('/')
        .split_once("://")
        .map(|(s, a)| (s.to_ascii_lowercase(), a.to_ascii_lowercase()))
    else {
        return true;
    };
    if public_origin(public_url) == Some((scheme, authority.clone())) {
        return false;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let loopback = host_name(&authority).is_some_and(|n| LOOPBACK.contains(&n.as_str()));
    !(loopback && host.as_deref() == Some(authority.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_the_public_urls_origin_passes() {
        let public = "https://lots.example.city";
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("lots.example.city"));
        assert!(
            !foreign_origin(&h, public),
            "no Origin: not a browser's cross-site request"
        );
        for (origin, foreign) in [
            ("https://lots.example.city", false),
            ("https://LOTS.example.city/", false),
            ("http://lots.example.city", true),
            ("https://evil.example", true),
            ("null", true),
        ] {
            h.insert(header::ORIGIN, HeaderValue::from_static(origin));
            assert_eq!(foreign_origin(&h, public), foreign, "{origin}");
        }
        // Opened on this machine: its own loopback origin passes.
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(!foreign_origin(&h, public));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:9999"),
        );
        assert!(foreign_origin(&h, public));
    }

    #[test]
    fn host_names_are_read_without_their_port() {
        assert_eq!(
            host_name("Lots.Example.City:443").as_deref(),
            Some("lots.example.city")
        );
        assert_eq!(host_name("[::1]:80").as_deref(), Some("[::1]"));
        assert_eq!(host_name("bad host/x"), None);
        assert_eq!(host_name("user@evil.example"), None);
    }
}
