//! Which location's brand a page shows (docs/PORTAL.md, "The space's brand"): the one the
//! request's host names, until the signed-in member is known; then their location's.
//!
//! Every page is drawn by `page::layout`, also the error pages a use case's failure
//! becomes, which know nothing of the request. So the brands are read once per request,
//! before the handler, into a value of the request's task: `SignedIn` moves the member's
//! location's brand to the front, and the layout shows the front one.

use std::cell::RefCell;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::domain::brand::Brand;
use crate::service::location;
use crate::web::SharedState;

tokio::task_local! {
    /// The request's brands, the one shown first.
    static PAGE_BRANDS: RefCell<Vec<Brand>>;
}

/// Runs a page's handler with every location's brand at hand, the host's first. Without
/// them (the store failed, no location yet) the page shows Portico's own.
pub async fn for_each_page(State(app): State<SharedState>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    let brands = location::brands(&app, host).await.unwrap_or_else(|error| {
        error.log_if_fault();
        Vec::new()
    });
    PAGE_BRANDS.scope(RefCell::new(brands), next.run(request)).await
}

/// From now on in this request, pages show this location's brand (the signed-in member's).
pub fn show_location(location_id: i64) {
    let _ = PAGE_BRANDS.try_with(|brands| {
        let mut brands = brands.borrow_mut();
        if let Some(at) = brands.iter().position(|brand| brand.location_id == Some(location_id)) {
            brands.swap(0, at);
        }
    });
}

/// The brand the page shows (Portico's own outside a page's request).
pub fn shown() -> Brand {
    PAGE_BRANDS.try_with(|brands| brands.borrow().first().cloned()).ok().flatten().unwrap_or_default()
}
