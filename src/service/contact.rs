//! The directory's contact action (docs/PORTAL.md, "The contact relay"): a member writes to
//! another from their card, and Portico relays the message by mail through the outbox. The
//! recipient's address is never shown to the writer; the writer's goes with the message
//! (as its Reply-To) only when they tick the box that says so. The store counts each
//! writer's messages, so the limits hold across nodes.

use super::error::{ServiceError, ServiceResult};
use super::session::{self, ClientInfo};
use crate::domain::audit::AuditKind;
use crate::domain::brand::Brand;
use crate::domain::catalogue::Field;
use crate::domain::contact::{self, ContactAdmission};
use crate::domain::fields::email_key;
use crate::domain::profile::Profile;
use crate::mail::compose::{self, Relayed};
use crate::service::AppState;
use crate::store::ContactRelay;

/// What a member sends from a card.
#[derive(Debug, Clone, Copy)]
pub struct ContactForm<'a> {
    pub message: &'a str,
    /// Replies may go to the writer's own address.
    pub share_address: bool,
}

/// Whether `viewer` may write to the member whose card this is: the location's relay is on
/// and the card is not their own.
pub async fn can_write(app: &AppState, viewer: &Profile, card_profile_id: i64) -> ServiceResult<bool> {
    if viewer.id == card_profile_id {
        return Ok(false);
    }
    Ok(app.store.location(viewer.location_id).await?.contact_relay)
}

/// Relays `sender`'s message to the member of profile `recipient_id` at the same location,
/// while that profile is in the directory; 429 past the writer's limits.
pub async fn write(
    app: &AppState,
    sender: &Profile,
    recipient_id: i64,
    form: ContactForm<'_>,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let location = app.store.location(sender.location_id).await?;
    if !location.contact_relay {
        return Err(ServiceError::Forbidden("writing to members is off at this location"));
    }
    if sender.id == recipient_id {
        return Err(ServiceError::NotFound("member"));
    }
    let message =
        contact::message(form.message).map_err(|problem| ServiceError::Validation(problem.into()))?;
    let found = app.store.directory_profiles(location.id, &[recipient_id]).await?;
    let recipient = found.into_iter().next().ok_or(ServiceError::NotFound("member"))?.profile;
    // The message is written in the recipient's language (the location's if they chose none).
    let recipient_language = app.store.user(recipient.user_id).await?.language.unwrap_or(location.language);
    let sender_listed = sender.active && sender.values.flag(Field::ProfileIsPublic);
    let relayed = Relayed {
        to: &recipient.email,
        recipient_name: recipient.full_name(),
        sender_name: sender.full_name(),
        sender_id: sender.user_id,
        message: &message,
        reply_to: form.share_address.then_some(sender.email.as_str()),
        sender_card: sender_listed.then(|| format!("/directory/{}", sender.id)),
    };
    let detail =
        format!("to profile {}{}", recipient.id, if form.share_address { ", address shared" } else { "" });
    let audit = session::audit_event(
        app,
        AuditKind::ContactRelayed,
        Some(sender.user_id),
        &email_key(&sender.email),
        client,
        Some(&detail),
    );
    let now = app.clock.now();
    let relay = ContactRelay {
        sender_id: sender.user_id,
        recipient_profile_id: recipient.id,
        location_id: location.id,
        now,
        per_hour: contact::PER_HOUR,
        per_day: contact::PER_DAY,
        mail: compose::relayed_message(recipient_language, &Brand::of(&location), &relayed),
        audit,
    };
    match app.store.relay_contact_message(&relay).await? {
        ContactAdmission::Relayed => Ok(()),
        ContactAdmission::HourLimit { until } | ContactAdmission::DayLimit { until } => {
            let wait = (until - now).max(time::Duration::seconds(1));
            tracing::info!(
                sender = sender.user_id,
                "a message through the directory refused: the sender's limit"
            );
            Err(ServiceError::TooManyMessages { retry_after: wait.unsigned_abs() })
        }
        ContactAdmission::NotContactable => Err(ServiceError::NotFound("member")),
    }
}
