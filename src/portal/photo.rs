//! The member's photos on the profile page: shown (their own, even while the profile is
//! private), uploaded from a plain file form, removed. Works without JavaScript.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::browser::{GenuineForm, GenuineUpload, SignedIn};
use super::page;
use crate::domain::photo::{MAX_UPLOAD_BYTES, PhotoKind};
use crate::service::ServiceError;
use crate::service::photo as service;
use crate::web::SharedState;

fn no_such_photo() -> Response {
    page::failed(axum::http::StatusCode::NOT_FOUND, "There is no such photo.")
}

/// The signed-in member's own photo (or initials).
pub async fn show(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(kind) = PhotoKind::from_name(&kind) else { return no_such_photo() };
    let viewer = Some(signed_in.session.user_id);
    match service::fetch(&app, &signed_in.profile.unique_id, kind, viewer).await {
        Ok(served) => crate::web::photo::response(served, &headers),
        Err(error) => page::error(&error),
    }
}

pub async fn upload(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    GenuineUpload { turn, file: bytes }: GenuineUpload,
) -> Response {
    let Some(kind) = PhotoKind::from_name(&kind) else { return no_such_photo() };
    if bytes.is_empty() {
        return Redirect::to("/profile?photo_refused=empty#photos").into_response();
    }
    match service::upload(&app, turn, &signed_in.profile, kind, bytes).await {
        Ok(()) => Redirect::to("/profile?photo_saved=1#photos").into_response(),
        Err(ServiceError::Validation(errors)) => {
            let code = errors.iter().next().map_or("invalid_image", |e| e.code.as_str());
            Redirect::to(&format!("/profile?photo_refused={code}#photos")).into_response()
        }
        Err(error) => page::error(&error),
    }
}

pub async fn remove(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    GenuineForm(_): GenuineForm,
) -> Response {
    let Some(kind) = PhotoKind::from_name(&kind) else { return no_such_photo() };
    match service::remove(&app, &signed_in.profile, kind).await {
        Ok(()) => Redirect::to("/profile?photo_saved=1#photos").into_response(),
        Err(error) => page::error(&error),
    }
}

/// What the page says after an upload; the code comes from the query string, so only the
/// fixed texts here are ever shown.
pub fn refusal_text(code: &str) -> &'static str {
    match code {
        "unsupported_image" => "That file is not a JPEG, PNG or WebP image.",
        "image_too_large" => "That image is too large: at most 10 MiB and 8000 pixels a side.",
        "empty" => "Choose a file first.",
        _ => "That file could not be read as an image.",
    }
}

/// The photos section of the profile page.
pub fn section(signed_in: &SignedIn, saved: bool, refused: Option<&str>) -> Markup {
    let limit_mib = MAX_UPLOAD_BYTES / (1024 * 1024);
    html! {
        section.card #photos aria-labelledby="h-photos" {
            h2 #h-photos { "Photos" }
            @if saved { p.saved role="status" { "Saved." } }
            @if let Some(code) = refused {
                div.summary role="alert" { p { "Nothing was saved: " (refusal_text(code)) } }
            }
            p.hint { "JPEG, PNG or WebP, up to " (limit_mib) " MiB. Photos are cropped to the centre; "
                "the location and other details a camera stores in a photo are removed. "
                "Members see your photo in the directory only while your profile is shown there." }
            @for (kind, label, size) in [(PhotoKind::Avatar, "Profile photo", (120, 120)), (PhotoKind::Banner, "Banner", (360, 90))] {
                div.photo {
                    img src=(format!("/profile/photo/{}", kind.as_str())) alt=(format!("Your {}", label.to_lowercase()))
                        width=(size.0) height=(size.1);
                    form method="post" action=(format!("/profile/photo/{}", kind.as_str())) enctype="multipart/form-data" {
                        (page::csrf_input(&signed_in.csrf))
                        label for=(format!("f-{}", kind.as_str())) { (label) }
                        input type="file" id=(format!("f-{}", kind.as_str())) name="photo"
                            accept="image/jpeg,image/png,image/webp";
                        button type="submit" { "Upload " (label.to_lowercase()) }
                    }
                    form method="post" action=(format!("/profile/photo/{}/remove", kind.as_str())) {
                        (page::csrf_input(&signed_in.csrf))
                        button.secondary type="submit" { "Remove " (label.to_lowercase()) }
                    }
                }
            }
        }
    }
}
