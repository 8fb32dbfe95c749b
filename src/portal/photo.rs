//! The member's photos on the profile page: shown (their own, even while the profile is
//! private), uploaded from a plain file form, removed. Works without JavaScript.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::browser::{GenuineForm, GenuineUpload, SignedIn};
use super::page;
use crate::domain::photo::{MAX_UPLOAD_BYTES, PhotoKind};
use crate::i18n::Language;
use crate::service::ServiceError;
use crate::service::photo as service;
use crate::tr;
use crate::web::SharedState;

fn no_such_photo(lang: Language) -> Response {
    page::failed(lang, axum::http::StatusCode::NOT_FOUND, &tr!(lang, "photos-no-such-photo"))
}

/// The signed-in member's own photo (or initials).
pub async fn show(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(kind) = PhotoKind::from_name(&kind) else { return no_such_photo(signed_in.lang) };
    let viewer = Some(signed_in.session.user_id);
    match service::fetch(&app, &signed_in.profile.unique_id, kind, viewer).await {
        Ok(served) => crate::web::photo::response(served, &headers),
        Err(error) => page::error(signed_in.lang, &error),
    }
}

pub async fn upload(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    GenuineUpload { turn, file: bytes }: GenuineUpload,
) -> Response {
    let Some(kind) = PhotoKind::from_name(&kind) else { return no_such_photo(signed_in.lang) };
    if bytes.is_empty() {
        return Redirect::to("/profile?photo_refused=empty#photos").into_response();
    }
    match service::upload(&app, turn, &signed_in.profile, kind, bytes).await {
        Ok(()) => Redirect::to("/profile?photo_saved=1#photos").into_response(),
        Err(ServiceError::Validation(errors)) => {
            let code = errors.iter().next().map_or("invalid_image", |e| e.code.as_str());
            Redirect::to(&format!("/profile?photo_refused={code}#photos")).into_response()
        }
        Err(error) => page::error(signed_in.lang, &error),
    }
}

pub async fn remove(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    GenuineForm(_): GenuineForm,
) -> Response {
    let Some(kind) = PhotoKind::from_name(&kind) else { return no_such_photo(signed_in.lang) };
    match service::remove(&app, &signed_in.profile, kind).await {
        Ok(()) => Redirect::to("/profile?photo_saved=1#photos").into_response(),
        Err(error) => page::error(signed_in.lang, &error),
    }
}

/// What the page says after an upload; the code comes from the query string, so only the
/// fixed texts here are ever shown.
pub fn refusal_text(lang: Language, code: &str) -> String {
    match code {
        "unsupported_image" => tr!(lang, "photos-unsupported"),
        "image_too_large" => tr!(lang, "photos-too-large"),
        "empty" => tr!(lang, "photos-empty"),
        _ => tr!(lang, "photos-unreadable"),
    }
}

/// The photos section of the profile page.
pub fn section(signed_in: &SignedIn, saved: bool, refused: Option<&str>) -> Markup {
    let lang = signed_in.lang;
    let limit_mib = MAX_UPLOAD_BYTES / (1024 * 1024);
    // Each kind's words whole (label, picture, buttons): no sentence is put together.
    let kinds = [
        (
            PhotoKind::Avatar,
            [
                tr!(lang, "photos-avatar-label"),
                tr!(lang, "photos-avatar-alt"),
                tr!(lang, "photos-avatar-upload"),
                tr!(lang, "photos-avatar-remove"),
            ],
            (120, 120),
        ),
        (
            PhotoKind::Banner,
            [
                tr!(lang, "photos-banner-label"),
                tr!(lang, "photos-banner-alt"),
                tr!(lang, "photos-banner-upload"),
                tr!(lang, "photos-banner-remove"),
            ],
            (360, 90),
        ),
    ];
    let content = html! {
        @if saved { p.saved role="status" { (tr!(lang, "saved")) } }
        @if let Some(code) = refused {
            div.summary role="alert" { p { (tr!(lang, "photos-not-saved", reason = refusal_text(lang, code))) } }
        }
        p.hint { (tr!(lang, "photos-hint", size = limit_mib)) }
        @for (kind, [label, alt, upload, remove], size) in kinds {
            div.photo {
                img src=(format!("/profile/photo/{}", kind.as_str())) alt=(alt)
                    width=(size.0) height=(size.1);
                form method="post" action=(format!("/profile/photo/{}", kind.as_str())) enctype="multipart/form-data" {
                    (page::csrf_input(&signed_in.csrf))
                    label for=(format!("f-{}", kind.as_str())) { (label) }
                    input type="file" id=(format!("f-{}", kind.as_str())) name="photo"
                        accept="image/jpeg,image/png,image/webp";
                    button type="submit" { (upload) }
                }
                form method="post" action=(format!("/profile/photo/{}/remove", kind.as_str())) {
                    (page::csrf_input(&signed_in.csrf))
                    button.secondary type="submit" { (remove) }
                }
            }
        }
    };
    super::profile::folding("photos", &tr!(lang, "photos-title"), content)
}
