//! What a portal calls before sign-in: `GET /api/public/businesses/current` and
//! `GET /api/public/configuration` (docs/API.md, "Nexudus clients").

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::envelope::ApiError;
use super::extract::PublicBase;
use super::openapi::{AnyObject, Envelope, PublicErrors};
use super::views::{CustomFieldView, LocationView, json};
use crate::domain::brand::Brand;
use crate::domain::password::PasswordPolicy;
use crate::service::location as service;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/public/businesses/current", get(current_business))
        .route("/api/public/configuration", get(configuration))
}

fn host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|h| h.to_str().ok())
}

/// The location this address serves: the one whose web address is the first label of the
/// host name, else the first one made.
#[utoipa::path(get, path = "/api/public/businesses/current", tag = "reference",
    responses((status = 200, description = "Id, Name, WebAddress, CountryId", body = AnyObject),
        (status = 404, description = "No location has been made yet", body = Envelope),
        PublicErrors))]
pub(super) async fn current_business(
    State(app): State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let location = service::current(&app, host(&headers)).await?;
    Ok(json(&LocationView::from(&location)))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConfigurationView {
    business: LocationView,
    password_policy: PolicyView,
    features: FeaturesView,
    /// The location's custom fields: what `Custom1` … `Custom30` hold there.
    custom_fields: Vec<CustomFieldView>,
    brand: BrandView,
}

/// How the location's pages look (docs/PORTAL.md, "The space's brand"): its name for
/// members, its accent (`#rrggbb`, readable as links and behind white text) and its logo.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BrandView {
    display_name: String,
    accent_color: Option<String>,
    logo_url: Option<String>,
}

/// The location's password rules, for checking a new password as it is typed; the server
/// checks them again (and the strength estimate only it makes).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyView {
    min_length: u32,
    max_length: u32,
    require_digit: bool,
    require_upper_case: bool,
    require_lower_case: bool,
    require_symbol: bool,
    reject_common: bool,
    reject_personal: bool,
    min_strength: u8,
    require_two_step_sign_in: bool,
}

impl From<PasswordPolicy> for PolicyView {
    fn from(p: PasswordPolicy) -> Self {
        PolicyView {
            min_length: p.min_length,
            max_length: p.max_length,
            require_digit: p.require_digit,
            require_upper_case: p.require_upper,
            require_lower_case: p.require_lower,
            require_symbol: p.require_symbol,
            reject_common: p.reject_common,
            reject_personal: p.reject_personal,
            min_strength: p.min_score,
            require_two_step_sign_in: p.require_two_step,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FeaturesView {
    directory: bool,
    ai_drafts: bool,
    sign_in_links: bool,
    two_step_sign_in: bool,
    /// Members may write to each other from the directory (relayed by mail).
    contact_members: bool,
}

/// What a portal needs before sign-in: the location, its password rules and which
/// features are on.
#[utoipa::path(get, path = "/api/public/configuration", tag = "reference",
    responses((status = 200, description = "Business, PasswordPolicy, Features (Directory, AiDrafts, SignInLinks, TwoStepSignIn, ContactMembers), CustomFields, Brand (DisplayName, AccentColor, LogoUrl)", body = AnyObject),
        (status = 404, description = "No location has been made yet", body = Envelope),
        PublicErrors))]
pub(super) async fn configuration(
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let config = service::configuration(&app, host(&headers)).await?;
    let brand = Brand::of(&config.location);
    Ok(json(&ConfigurationView {
        business: LocationView::from(&config.location),
        password_policy: config.policy.into(),
        features: FeaturesView {
            directory: config.directory,
            ai_drafts: config.ai_drafts,
            sign_in_links: config.sign_in_links,
            two_step_sign_in: config.two_step_sign_in,
            contact_members: config.location.contact_relay,
        },
        custom_fields: config.custom_fields.iter().map(CustomFieldView::from).collect(),
        brand: BrandView {
            logo_url: brand.logo_path.map(|path| format!("{base}{path}")),
            accent_color: brand.accent.map(|accent| accent.hex()),
            display_name: brand.name,
        },
    }))
}
