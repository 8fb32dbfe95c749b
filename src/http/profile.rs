//! The current profile: read it for editing, change it with one PATCH, list and switch
//! the profiles a user holds at several locations.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::envelope::{ApiError, success};
use super::extract::{Auth, Client, IfMatch, JsonObject, PreferRepresentation};
use super::views::{LocationView, NotificationsView, UserView, rfc3339};
use crate::app::AppState;
use crate::domain::profile::Profile;
use crate::service::profile as service;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/en/profile", get(get_profile))
        .route("/api/public/coworker/profile", patch(patch_profile))
        .route("/api/public/coworkers/profiles", get(list_profiles))
        .route("/api/public/coworkers/profiles/current", put(switch_profile))
}

#[derive(Deserialize)]
struct ResourceQuery {
    #[serde(rename = "_resource")]
    resource: Option<String>,
}

async fn get_profile(
    Auth(session): Auth,
    State(app): State<AppState>,
    query: Result<Query<ResourceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let resource = query.ok().and_then(|Query(q)| q.resource).unwrap_or_default();
    match resource.to_ascii_lowercase().as_str() {
        "coworker" => {
            let profile = service::current(&app, &session).await?;
            Ok(with_etag(Json(ProfileView::from(&profile)), &profile))
        }
        "user" => Ok(Json(UserView::from(&service::current_user(&app, &session).await?)).into_response()),
        "" => {
            let profile = service::current(&app, &session).await?;
            let user = service::current_user(&app, &session).await?;
            let both = ProfileAndUser { user: UserView::from(&user), coworker: ProfileView::from(&profile) };
            Ok(with_etag(Json(both), &profile))
        }
        _ => Err(ApiError::Query { parameter: "_resource", message: "must be Coworker or User".into() }),
    }
}

async fn patch_profile(
    Auth(session): Auth,
    State(app): State<AppState>,
    IfMatch(precondition): IfMatch,
    PreferRepresentation(representation): PreferRepresentation,
    Client(client): Client,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let profile = service::update(&app, &session, &body, &precondition, &client).await?;
    let value = representation.then(|| ProfileView::from(&profile));
    let mut response = with_etag(success(value), &profile);
    if representation {
        response
            .headers_mut()
            .insert("preference-applied", HeaderValue::from_static("return=representation"));
    }
    Ok(response)
}

fn with_etag(body: impl IntoResponse, profile: &Profile) -> Response {
    let mut response = body.into_response();
    if let Ok(tag) = HeaderValue::from_str(&profile.etag()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

async fn list_profiles(
    Auth(session): Auth,
    State(app): State<AppState>,
) -> Result<Json<ProfileListView>, ApiError> {
    let list = service::list(&app, &session).await?;
    Ok(Json(ProfileListView {
        user: ProfileListUser {
            id: list.user.id,
            full_name: list.user.full_name.clone(),
            email: list.user.email.clone(),
            active: list.user.active,
            is_admin: false,
        },
        default_business: LocationView::from(&list.current_location),
        profiles: list
            .profiles
            .iter()
            .map(|p| ProfileLine {
                id: p.id,
                full_name: p.full_name.clone(),
                company_name: p.company_name.clone(),
                active: p.active,
                is_default_profile: p.id == session.profile_id,
                coworker_type: p.coworker_type,
                business_id: p.location_id,
                business_name: p.location_name.clone(),
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
struct SwitchQuery {
    #[serde(rename = "coworkerId")]
    coworker_id: i64,
}

async fn switch_profile(
    Auth(session): Auth,
    State(app): State<AppState>,
    query: Result<Query<SwitchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::Query {
        parameter: "coworkerId",
        message: "is required and must be the Id of one of your profiles".into(),
    })?;
    service::switch(&app, &session, query.coworker_id).await?;
    Ok(success::<()>(None).into_response())
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileAndUser {
    user: UserView,
    coworker: ProfileView,
}

/// The editing representation of a profile (contract section 4).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileView {
    id: i64,
    unique_id: String,
    email: String,
    coworker_type: i64,
    full_name: String,
    nick_name: Option<String>,
    gender: &'static str,
    date_of_birth: Option<String>,
    mobile_phone: Option<String>,
    land_line: Option<String>,
    address: String,
    post_code: String,
    city_name: String,
    state: String,
    country_id: i64,
    country_name: &'static str,
    billing_name: String,
    billing_email: String,
    billing_address: Option<String>,
    billing_post_code: Option<String>,
    billing_city_name: Option<String>,
    billing_state: Option<String>,
    billing_country_id: i64,
    billing_country_name: &'static str,
    #[serde(rename = "TaxIDNumber")]
    tax_id_number: String,
    position: Option<String>,
    company_name: String,
    business_area: Option<String>,
    profile_summary: Option<String>,
    profile_website: Option<String>,
    profile_is_public: bool,
    profile_tags: Option<String>,
    profile_tags_list: Vec<String>,
    twitter: Option<String>,
    linkedin: Option<String>,
    github: Option<String>,
    instagram: Option<String>,
    facebook: Option<String>,
    skype: Option<String>,
    telegram: Option<String>,
    #[serde(flatten)]
    notifications: NotificationsView,
    created_on: String,
    updated_on: String,
}

impl From<&Profile> for ProfileView {
    fn from(p: &Profile) -> Self {
        ProfileView {
            id: p.id,
            unique_id: p.unique_id.clone(),
            email: p.email.clone(),
            coworker_type: p.coworker_type,
            full_name: p.full_name.clone(),
            nick_name: p.nick_name.clone(),
            gender: p.gender.as_str(),
            date_of_birth: p.date_of_birth.map(|d| d.to_string()),
            mobile_phone: p.mobile_phone.clone(),
            land_line: p.land_line.clone(),
            address: p.address.clone(),
            post_code: p.post_code.clone(),
            city_name: p.city_name.clone(),
            state: p.state.clone(),
            country_id: p.country_id,
            country_name: p.country_name(),
            billing_name: p.billing_name.clone(),
            billing_email: p.billing_email.clone(),
            billing_address: p.billing_address.clone(),
            billing_post_code: p.billing_post_code.clone(),
            billing_city_name: p.billing_city_name.clone(),
            billing_state: p.billing_state.clone(),
            billing_country_id: p.billing_country_id,
            billing_country_name: p.billing_country_name(),
            tax_id_number: p.tax_id_number.clone(),
            position: p.position.clone(),
            company_name: p.company_name.clone(),
            business_area: p.business_area.clone(),
            profile_summary: p.profile_summary.clone(),
            profile_website: p.profile_website.clone(),
            profile_is_public: p.profile_is_public,
            profile_tags: p.profile_tags.clone(),
            profile_tags_list: p.tags_list(),
            twitter: p.twitter.clone(),
            linkedin: p.linkedin.clone(),
            github: p.github.clone(),
            instagram: p.instagram.clone(),
            facebook: p.facebook.clone(),
            skype: p.skype.clone(),
            telegram: p.telegram.clone(),
            notifications: NotificationsView::from(&p.notifications),
            created_on: rfc3339(p.created_on),
            updated_on: rfc3339(p.updated_on),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileListView {
    user: ProfileListUser,
    default_business: LocationView,
    profiles: Vec<ProfileLine>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileListUser {
    id: i64,
    full_name: String,
    email: String,
    active: bool,
    is_admin: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileLine {
    id: i64,
    full_name: String,
    company_name: String,
    active: bool,
    is_default_profile: bool,
    coworker_type: i64,
    business_id: i64,
    business_name: String,
}
