//! `GET /socket.io/?EIO=4&transport=websocket`: the handshake, checked
//! before socketioxide sees it (and before any upgrade).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use limitless_auth::{HEADER_API_KEY, HEADER_TIMESTAMP};

use crate::auth::socket_caller;
use crate::error::ApiError;
use crate::feed::SocketHandshake;
use crate::state::App;

/// Verifies the handshake's credentials (if any), hands the request to
/// socketioxide with the caller in its extensions, and records the
/// handshake once the upgrade is accepted. A handshake that fails
/// verification is answered 401 in the API's JSON shape, with no upgrade.
pub(crate) async fn handshake(State(app): State<App>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let caller = match socket_caller(&app, &parts) {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let record = SocketHandshake {
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
        api_key: caller.as_ref().and(header(HEADER_API_KEY)),
        timestamp: caller.as_ref().and(header(HEADER_TIMESTAMP)),
        profile_id: caller.as_ref().map(|c| c.profile_id),
    };
    if let Some(caller) = caller {
        parts.extensions.insert(caller);
    }
    let response = app.sockets().call(Request::from_parts(parts, body)).await;
    let status = response.status();
    if status == StatusCode::SWITCHING_PROTOCOLS {
        app.sockets().record_handshake(record);
        return response;
    }
    if status.is_client_error() || status.is_server_error() {
        // socketioxide's refusals carry no useful body.
        return ApiError::new(
            status,
            "the socket endpoint takes Engine.IO v4 WebSocket handshakes: GET /socket.io/?EIO=4&transport=websocket with the WebSocket upgrade headers",
        )
        .into_response();
    }
    response
}
