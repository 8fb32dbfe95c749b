//! Drafting a profile summary with the location's AI writer (docs/API.md, "AI profile summary"). Nothing
//! is saved: the draft comes back in the profile's representation for the member to review.

use std::time::Duration;

use time::OffsetDateTime;

use super::error::{DraftLimit, ServiceError, ServiceResult};
use crate::ai::{AiError, Writer};
use crate::domain::ai::{DraftAdmission, Facts};
use crate::domain::catalogue::{Field, FieldValue};
use crate::domain::profile::{Location, Profile};
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::service::AppState;
use crate::store::DraftRequest;

/// The profile with `ProfileSummary` replaced by the draft, and what it was written from.
#[derive(Debug, Clone)]
pub struct Drafted {
    pub profile: Profile,
    pub fields_used: Vec<Field>,
}

/// Whether the location has a writer: the portal shows its "Draft with AI" button then.
pub fn available(app: &AppState, location: &Location) -> bool {
    app.drafter.is_on(&location.ai)
}

/// Checks that the location drafts and the profile has enough to draft from, counts the
/// draft against both limits, then asks the writer.
pub async fn draft_summary(app: &AppState, profile: &Profile) -> ServiceResult<Drafted> {
    let location = app.store.location(profile.location_id).await?;
    let writer = app.drafter.writer_for(&location.ai).inspect_err(|error| log_failure(error, &location))?;
    let Some(writer) = writer else {
        return Err(refusal(ErrorCode::AiUnavailable, "AI drafts are switched off at this location."));
    };
    let facts = Facts::of(profile);
    if !facts.is_enough() {
        return Err(refusal(
            ErrorCode::NotEnoughToDraft,
            "There is too little to write from: fill in your position, business area or tags, and one more of company, website or those.",
        ));
    }
    admit(app, profile, &location).await.inspect_err(|error| {
        if matches!(error, ServiceError::DraftsUsedUp { .. }) {
            count(&writer, "limited");
        }
    })?;
    let draft = app.drafter.draft(&writer, &facts).await;
    count(
        &writer,
        match &draft {
            Ok(_) => "drafted",
            Err(AiError::Provider(_)) => "failed",
            Err(AiError::Timeout) => "timeout",
        },
    );
    let draft = draft.inspect_err(|error| log_failure(error, &location))?;
    let mut drafted = profile.clone();
    drafted.values.set(Field::ProfileSummary, Some(FieldValue::Text(draft.text)));
    Ok(Drafted { profile: drafted, fields_used: draft.fields_used })
}

/// Counts the draft against the member's hourly limit and the location's daily cap, or
/// says when the next one is possible.
async fn admit(app: &AppState, profile: &Profile, location: &Location) -> ServiceResult<()> {
    let now = app.clock.now();
    let request = DraftRequest {
        user_id: profile.user_id,
        location_id: location.id,
        now,
        per_member: app.drafter.per_member_hour(),
        per_location: app.drafter.per_location_day(&location.ai),
    };
    match app.store.admit_draft(&request).await? {
        DraftAdmission::Granted => Ok(()),
        DraftAdmission::MemberLimit { until } => Err(used_up(DraftLimit::Member, now, until)),
        DraftAdmission::LocationCap { until } => Err(used_up(DraftLimit::Location, now, until)),
    }
}

/// For the operator's dashboards: how many drafts each kind of writer makes, and fails.
fn count(writer: &Writer, outcome: &'static str) {
    let writer = match writer {
        Writer::Builtin => "builtin",
        Writer::OpenAi(_) => "openai",
    };
    metrics::counter!("portico_ai_drafts_total", "writer" => writer, "outcome" => outcome).increment(1);
}

/// The reason goes to the operator's log; the member only learns that it failed.
fn log_failure(error: &AiError, location: &Location) {
    tracing::warn!(%error, location = location.id, "AI draft failed");
}

fn refusal(code: ErrorCode, message: &str) -> ServiceError {
    ServiceError::Validation(FieldErrors::from(FieldError::new(
        Field::ProfileSummary.property(),
        code,
        message,
    )))
}

fn used_up(limit: DraftLimit, now: OffsetDateTime, until: OffsetDateTime) -> ServiceError {
    // Rounded up: a client that waits exactly as told must find room.
    let wait = until - now;
    let seconds = (wait.whole_seconds() + i64::from(wait.subsec_nanoseconds() > 0)).max(1);
    ServiceError::DraftsUsedUp { limit, retry_after: Duration::from_secs(seconds.unsigned_abs()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn wait(now: OffsetDateTime, until: OffsetDateTime) -> u64 {
        match used_up(DraftLimit::Member, now, until) {
            ServiceError::DraftsUsedUp { retry_after, limit } => {
                assert_eq!(limit, DraftLimit::Member);
                retry_after.as_secs()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn retry_after_is_rounded_up_to_a_whole_second() {
        assert_eq!(wait(datetime!(2026-11-27 10:00:00.4 UTC), datetime!(2026-11-27 10:00:10 UTC)), 10);
        assert_eq!(wait(datetime!(2026-11-27 10:00:00 UTC), datetime!(2026-11-27 10:00:10 UTC)), 10);
        assert_eq!(
            wait(datetime!(2026-11-27 10:00:11 UTC), datetime!(2026-11-27 10:00:10 UTC)),
            1,
            "never 0"
        );
    }
}
