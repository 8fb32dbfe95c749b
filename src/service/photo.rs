//! Profile photos: uploaded by their member, decoded and re-encoded off the async workers
//! (a few at a time per node), stored in the database, served by `UniqueId`.

use std::time::Duration;

use super::{AppState, ServiceError, ServiceResult};
use crate::domain::photo::{self, PhotoKind};
use crate::domain::profile::Profile;
use crate::store::PhotoRecord;

/// How long an upload waits for its turn before it is answered 503.
const TURN_WAIT: Duration = Duration::from_secs(5);

/// A turn at uploading a photo: taken before the upload's body is read, so that a node
/// holds at most `PHOTO_TURNS` uploads in memory, however many arrive at once.
pub struct UploadTurn(tokio::sync::OwnedSemaphorePermit);

/// Waits for an upload turn; after five seconds the upload is answered 503.
pub async fn upload_turn(app: &AppState) -> ServiceResult<UploadTurn> {
    let busy = || ServiceError::Unavailable {
        reason: "every photo upload turn is taken".into(),
        retry_after: Duration::from_secs(2),
    };
    let permit = tokio::time::timeout(TURN_WAIT, app.photo_turns.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    Ok(UploadTurn(permit))
}

/// Decodes, checks and stores a photo of the member's current profile.
pub async fn upload(
    app: &AppState,
    turn: UploadTurn,
    profile: &Profile,
    kind: PhotoKind,
    upload: Vec<u8>,
) -> ServiceResult<()> {
    let processed = tokio::task::spawn_blocking(move || {
        let _turn = turn.0;
        photo::process(&upload, kind)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.into()))?;
    let photo = processed.map_err(|problem| ServiceError::Validation(problem.into()))?;
    app.store.save_photo(profile.id, kind, &photo, app.clock.now()).await?;
    Ok(())
}

/// Decodes and writes again a location's logo, as a photo is (in an upload turn, on a
/// blocking thread); the refusal names `Logo`.
pub async fn process_logo(app: &AppState, upload: Vec<u8>) -> ServiceResult<photo::Photo> {
    let turn = upload_turn(app).await?;
    let processed = tokio::task::spawn_blocking(move || {
        let _turn = turn.0;
        photo::process_logo(&upload)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.into()))?;
    processed.map_err(|problem| ServiceError::Validation(problem.into()))
}

/// Removes a photo of the member's current profile (nothing to remove is not an error).
pub async fn remove(app: &AppState, profile: &Profile, kind: PhotoKind) -> ServiceResult<()> {
    app.store.delete_photo(profile.id, kind).await?;
    Ok(())
}

/// What `/media/…` serves: the photo, or the initials picture of a profile without one.
pub enum Served {
    Photo { photo: photo::Photo, public: bool },
    Initials { svg: String, etag: String, public: bool },
}

/// The photo of the profile with this `UniqueId`, for `viewer` (the signed-in user, if
/// any): a public profile's to anyone, a private one's to its member alone (not found for
/// everyone else, who cannot tell it from a profile that does not exist).
pub async fn fetch(
    app: &AppState,
    unique_id: &str,
    kind: PhotoKind,
    viewer: Option<i64>,
) -> ServiceResult<Served> {
    let record = app.store.photo(unique_id, kind).await?.ok_or(ServiceError::NotFound("photo"))?;
    let PhotoRecord { user_id, public, full_name, photo, .. } = record;
    if !public && viewer != Some(user_id) {
        return Err(ServiceError::NotFound("photo"));
    }
    Ok(match photo {
        Some(photo) => Served::Photo { photo, public },
        None => {
            let svg = photo::initials_svg(&full_name, unique_id, kind);
            let etag = format!("i{}", photo::Photo::digest_tag(svg.as_bytes()));
            Served::Initials { svg, etag, public }
        }
    })
}
