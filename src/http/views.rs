//! Response shapes shared by several resources.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::profile::{Location, NotificationPreferences, User};

/// A JSON response serialised into a buffer sized for a profile, not grown from 128 bytes.
pub fn json<T: Serialize>(value: &T) -> Response {
    let mut body = Vec::with_capacity(2048);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => {
            ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "could not serialise a response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotificationsView {
    on_help_desk_msg: bool,
    on_new_wall_post: bool,
    on_new_blog_comment: bool,
    on_new_event_comment: bool,
    receive_community_digest: bool,
    sign_up_to_newsletter: bool,
}

impl From<&NotificationPreferences> for NotificationsView {
    fn from(n: &NotificationPreferences) -> Self {
        NotificationsView {
            on_help_desk_msg: n.on_help_desk_msg,
            on_new_wall_post: n.on_new_wall_post,
            on_new_blog_comment: n.on_new_blog_comment,
            on_new_event_comment: n.on_new_event_comment,
            receive_community_digest: n.receive_community_digest,
            sign_up_to_newsletter: n.sign_up_to_newsletter,
        }
    }
}

/// `GET /en/profile?_resource=User`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserView {
    id: i64,
    email: String,
    full_name: String,
    #[serde(flatten)]
    notifications: NotificationsView,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            full_name: u.full_name.clone(),
            notifications: NotificationsView::from(&u.notifications),
        }
    }
}

/// A location as the portal calls it: a business.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LocationView {
    id: i64,
    name: String,
    web_address: String,
}

impl From<&Location> for LocationView {
    fn from(l: &Location) -> Self {
        LocationView { id: l.id, name: l.name.clone(), web_address: l.web_address.clone() }
    }
}
