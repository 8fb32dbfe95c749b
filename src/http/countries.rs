//! `GET /api/public/countries`: the ISO 3166-1 list, public and cacheable.

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::openapi::AnyObject;
use crate::domain::country;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new().route("/api/public/countries", get(list_countries))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CountriesView {
    countries: Vec<CountryView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CountryView {
    id: i64,
    name: &'static str,
    two_digits_code: &'static str,
    culture: &'static str,
}

/// The list never changes while the process runs, so it is serialised once.
static BODY: LazyLock<String> = LazyLock::new(|| {
    let view = CountriesView {
        countries: country::all()
            .into_iter()
            .map(|c| CountryView {
                id: c.id,
                name: &c.name,
                two_digits_code: &c.two_digits_code,
                culture: &c.culture,
            })
            .collect(),
    };
    serde_json::to_string(&view).unwrap_or_else(|_| "{\"Countries\":[]}".into())
});

/// The ISO 3166-1 countries, for CountryId and BillingCountryId.
#[utoipa::path(get, path = "/api/public/countries", tag = "reference",
    responses((status = 200, description = "Countries: Id, Name, TwoDigitsCode, Culture of each", body = AnyObject)))]
pub(super) async fn list_countries() -> Response {
    let mut response = BODY.as_str().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}
