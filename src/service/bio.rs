//! The bio's HTML (`ProfileSummaryHtml`): rendered once, when the bio is saved, on a
//! blocking thread, and stored beside it, so reading the directory never renders. HTML
//! rendered under another key (another renderer revision or other image hosts) is rendered
//! again in the background after start-up, and until then on a blocking thread when read.

use std::sync::atomic::Ordering;

use crate::domain::catalogue::{Field, FieldValue};
use crate::domain::markdown::{self, RenderedBio};
use crate::domain::patch::{Change, ProfilePatch};
use crate::domain::{ErrorCode, FieldError};
use crate::service::{AppState, ServiceError, ServiceResult};
use crate::store::DirectoryProfile;

/// Renders a bio within the limits, on this thread: for callers already off the async
/// workers (the seed's maker thread). Counted in `app.bio_renders`.
pub fn render_here(app: &AppState, markdown: &str) -> Result<RenderedBio, FieldError> {
    app.bio_renders.fetch_add(1, Ordering::Relaxed);
    let hosts = &app.settings.directory_image_hosts;
    match markdown::render_bio(markdown, hosts) {
        Ok(html) => Ok(RenderedBio { html, render_key: markdown::render_key(hosts) }),
        Err(refusal) => {
            let code = match refusal {
                markdown::RenderRefusal::TooDeep => ErrorCode::NestedTooDeep,
                markdown::RenderRefusal::TooLarge => ErrorCode::RendersTooLarge,
            };
            Err(FieldError::new(Field::ProfileSummary.property(), code, refusal.message()))
        }
    }
}

/// Renders a bio on a blocking thread.
pub async fn render(app: &AppState, markdown: String) -> ServiceResult<Result<RenderedBio, FieldError>> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || render_here(&app, &markdown))
        .await
        .map_err(|error| ServiceError::Internal(anyhow::Error::new(error)))
}

/// The HTML to store with a patch: `None` when the patch leaves the bio, `Some(None)` when
/// it clears it, the rendered bio when it sets one.
pub async fn for_patch(
    app: &AppState,
    patch: &ProfilePatch,
) -> ServiceResult<Result<Option<Option<RenderedBio>>, FieldError>> {
    match patch.get(Field::ProfileSummary) {
        Change::Absent => Ok(Ok(None)),
        Change::Null => Ok(Ok(Some(None))),
        Change::Value(FieldValue::Text(markdown)) => {
            Ok(render(app, markdown.clone()).await?.map(|html| Some(Some(html))))
        }
        Change::Value(_) => Ok(Ok(Some(None))),
    }
}

/// The HTML a directory entry shows: the stored one, or, while it is missing or was made
/// under another key, a fresh render on a blocking thread.
pub async fn html_of(app: &AppState, entry: &DirectoryProfile) -> ServiceResult<Option<String>> {
    let Some(markdown) = entry.profile.values.text(Field::ProfileSummary) else { return Ok(None) };
    let current = markdown::render_key(&app.settings.directory_image_hosts);
    match &entry.summary_html {
        Some(stored) if stored.render_key == current => Ok(Some(stored.html.clone())),
        _ => Ok(render(app, markdown.to_string()).await?.ok().map(|bio| bio.html)),
    }
}

/// Renders every bio whose stored HTML is missing or was made under another key, in
/// batches; returns how many it stored. Run once after start-up.
pub async fn refresh_stale(app: &AppState) -> ServiceResult<usize> {
    const BATCH: i64 = 200;
    let key = markdown::render_key(&app.settings.directory_image_hosts);
    let (mut after, mut stored) = (0, 0);
    loop {
        let stale = app.store.stale_bios(&key, after, BATCH).await?;
        let Some(last) = stale.last() else { return Ok(stored) };
        after = last.profile_id;
        for bio in stale {
            // A bio saved before the limits existed may be past them: it is shown as text.
            let html = match render(app, bio.markdown.clone()).await? {
                Ok(html) => html,
                Err(_) => RenderedBio { html: escaped_paragraph(&bio.markdown), render_key: key.clone() },
            };
            stored += usize::from(app.store.save_bio_html(&bio, &html).await?);
        }
    }
}

/// A bio shown as plain text in one paragraph (no markup runs).
fn escaped_paragraph(text: &str) -> String {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let cut: String = escaped.chars().take(markdown::MAX_HTML_BYTES / 2).collect();
    format!("<p>{cut}</p>\n")
}
