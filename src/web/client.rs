//! Who sent a request: the address (behind trusted proxies), the user agent, the request
//! id the edge gave it, and whether anyone still waits for the answer.

use std::net::{IpAddr, SocketAddr};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use tokio_util::sync::CancellationToken;

use super::SharedState;
use crate::service::session::ClientInfo;

/// The caller: its address (for rate limits, the session list and the audit log), its user
/// agent, and whether it is still waiting for the answer.
pub struct Client(pub ClientInfo);

impl FromRequestParts<SharedState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let address = peer.map(|peer| client_address(peer, &parts.headers, &app.settings.trusted_proxies));
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(300).collect());
        let cancelled = parts.extensions.get::<CancellationToken>().cloned().unwrap_or_default();
        // The edge has replaced anything unfit with an id of its own.
        let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(Client(ClientInfo { address, user_agent, request_id, cancelled, actor: None }))
    }
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the last
/// address of `X-Forwarded-For` that is not itself a trusted proxy (the entries before it
/// are whatever the client chose to send, so they are never believed).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|entry| entry.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded.into_iter().rev().find(|address| !trusted.contains(address)).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: IpAddr = "10.0.0.2".parse().expect("ip");
        let client: IpAddr = "203.0.113.9".parse().expect("ip");
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "198.51.100.1, 203.0.113.9".parse().expect("header"));
        assert_eq!(client_address(proxy, &headers, &[proxy]), client, "the address the proxy saw");
        assert_eq!(client_address(client, &headers, &[proxy]), client, "an untrusted peer is the client");
        assert_eq!(client_address(proxy, &HeaderMap::new(), &[proxy]), proxy);
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.3".parse().expect("header"));
        let chain: [IpAddr; 2] = [proxy, "10.0.0.3".parse().expect("ip")];
        assert_eq!(client_address(proxy, &headers, &chain), client, "a chain of trusted proxies");
        headers.insert("x-forwarded-for", "not an address".parse().expect("header"));
        assert_eq!(client_address(proxy, &headers, &[proxy]), proxy, "garbage is not believed");
    }
}
