//! The security log: every refusal of who the caller is or may be (401,
//! 403, 429) is logged under the `sidelot_server::security` target with the
//! client's address, the method and the path (a status link's token
//! hidden), and never a query string, a body, an email or a token. The
//! services log the events they alone see: failed and successful
//! sign-ins, and account and role changes (`accounts`, `throttle`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

pub async fn log_refusals(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Kept as they come, without allocating: most answers are no refusal.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| state.trusted_proxies.client(c.0.ip(), request.headers()));
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let status = response.status();
    if matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
    ) {
        tracing::warn!(
            target: "sidelot_server::security",
            event = "refused",
            status = status.as_u16(),
            %method,
            path = super::loggable_path(uri.path()),
            client = peer.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        );
    }
    response
}
