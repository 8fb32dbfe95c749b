//! The current profile: read it for editing, change it with one PATCH, list and switch
//! the profiles a user holds at several locations.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::SharedState;
use super::envelope::{ApiError, success};
use super::extract::{Auth, Bearer, Client, IfMatch, JsonObject, PreferRepresentation};
use super::views::{LocationView, NotificationsView, UserView, json, rfc3339};
use crate::domain::profile::Profile;
use crate::service::profile as service;

pub fn router() -> Router<SharedState> {
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

/// The profile read is the hottest request, so the session and the profile come in one
/// store read (`Bearer` + one service call) rather than through `Auth` and a second read.
async fn get_profile(
    Bearer(token): Bearer,
    State(app): State<SharedState>,
    query: Result<Query<ResourceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let resource = query.ok().and_then(|Query(q)| q.resource).unwrap_or_default();
    match resource.to_ascii_lowercase().as_str() {
        "coworker" => {
            let (_, profile) = service::current_by_token(&app, &token).await?;
            Ok(with_etag(json(&ProfileView::from(&profile)), &profile))
        }
        "user" => {
            let session = crate::service::session::authenticate(&app, &token).await?;
            Ok(Json(UserView::from(&service::current_user(&app, &session).await?)).into_response())
        }
        "" => {
            let (session, profile) = service::current_by_token(&app, &token).await?;
            let user = service::current_user(&app, &session).await?;
            let both = ProfileAndUser { user: UserView::from(&user), coworker: ProfileView::from(&profile) };
            Ok(with_etag(json(&both), &profile))
        }
        _ => Err(ApiError::Query { parameter: "_resource", message: "must be Coworker or User".into() }),
    }
}

async fn patch_profile(
    Auth(session): Auth,
    State(app): State<SharedState>,
    IfMatch(precondition): IfMatch,
    PreferRepresentation(representation): PreferRepresentation,
    Client(client): Client,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let updated = service::update(&app, &session, &body, &precondition, representation, &client).await?;
    let value = updated.profile.as_ref().map(ProfileView::from);
    let Json(mut envelope) = success(value);
    envelope.refresh_token = updated.refresh_token.clone();
    let mut response = Json(envelope).into_response();
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&updated.etag()) {
        headers.insert(header::ETAG, tag);
    }
    if representation {
        headers.insert("preference-applied", HeaderValue::from_static("return=representation"));
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
    State(app): State<SharedState>,
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
    State(app): State<SharedState>,
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
struct ProfileAndUser<'a> {
    user: UserView,
    coworker: ProfileView<'a>,
}

/// The editing representation of a profile (contract section 4).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileView<'a> {
    id: i64,
    unique_id: &'a str,
    email: &'a str,
    coworker_type: i64,
    full_name: &'a str,
    nick_name: Option<&'a str>,
    gender: &'static str,
    date_of_birth: Option<String>,
    mobile_phone: Option<&'a str>,
    land_line: Option<&'a str>,
    address: &'a str,
    post_code: &'a str,
    city_name: &'a str,
    state: &'a str,
    country_id: i64,
    country_name: &'static str,
    billing_name: &'a str,
    billing_email: &'a str,
    billing_address: Option<&'a str>,
    billing_post_code: Option<&'a str>,
    billing_city_name: Option<&'a str>,
    billing_state: Option<&'a str>,
    billing_country_id: i64,
    billing_country_name: &'static str,
    #[serde(rename = "TaxIDNumber")]
    tax_id_number: &'a str,
    position: Option<&'a str>,
    company_name: &'a str,
    business_area: Option<&'a str>,
    profile_summary: Option<&'a str>,
    profile_website: Option<&'a str>,
    profile_is_public: bool,
    profile_tags: Option<&'a str>,
    profile_tags_list: Vec<&'a str>,
    twitter: Option<&'a str>,
    linkedin: Option<&'a str>,
    github: Option<&'a str>,
    instagram: Option<&'a str>,
    facebook: Option<&'a str>,
    skype: Option<&'a str>,
    telegram: Option<&'a str>,
    #[serde(flatten)]
    notifications: NotificationsView,
    created_on: String,
    updated_on: String,
}

impl<'a> From<&'a Profile> for ProfileView<'a> {
    fn from(p: &'a Profile) -> Self {
        ProfileView {
            id: p.id,
            unique_id: p.unique_id.as_str(),
            email: p.email.as_str(),
            coworker_type: p.coworker_type,
            full_name: p.full_name.as_str(),
            nick_name: p.nick_name.as_deref(),
            gender: p.gender.as_str(),
            date_of_birth: p.date_of_birth.map(|d| d.to_string()),
            mobile_phone: p.mobile_phone.as_deref(),
            land_line: p.land_line.as_deref(),
            address: p.address.as_str(),
            post_code: p.post_code.as_str(),
            city_name: p.city_name.as_str(),
            state: p.state.as_str(),
            country_id: p.country_id,
            country_name: p.country_name(),
            billing_name: p.billing_name.as_str(),
            billing_email: p.billing_email.as_str(),
            billing_address: p.billing_address.as_deref(),
            billing_post_code: p.billing_post_code.as_deref(),
            billing_city_name: p.billing_city_name.as_deref(),
            billing_state: p.billing_state.as_deref(),
            billing_country_id: p.billing_country_id,
            billing_country_name: p.billing_country_name(),
            tax_id_number: p.tax_id_number.as_str(),
            position: p.position.as_deref(),
            company_name: p.company_name.as_str(),
            business_area: p.business_area.as_deref(),
            profile_summary: p.profile_summary.as_deref(),
            profile_website: p.profile_website.as_deref(),
            profile_is_public: p.profile_is_public,
            profile_tags: p.profile_tags.as_deref(),
            profile_tags_list: p.tags_list(),
            twitter: p.twitter.as_deref(),
            linkedin: p.linkedin.as_deref(),
            github: p.github.as_deref(),
            instagram: p.instagram.as_deref(),
            facebook: p.facebook.as_deref(),
            skype: p.skype.as_deref(),
            telegram: p.telegram.as_deref(),
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
