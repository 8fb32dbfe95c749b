//! Two-step sign-in: the sealed secret, the enrolment, the used steps and recovery codes.

use sqlx::PgPool;

use super::accounts::record_audit;
use crate::domain::audit::AuditEvent;
use crate::store::shared::{self, TWO_FACTOR_STATE};
use crate::store::{StoreError, StoreResult, TwoFactorOn, TwoFactorState};

pub async fn state(pool: &PgPool, user_id: i64) -> StoreResult<TwoFactorState> {
    let row = sqlx::query(TWO_FACTOR_STATE).bind(user_id).fetch_optional(pool).await?;
    shared::two_factor_state_from(&row.ok_or(StoreError::NotFound)?)
}

pub async fn begin(pool: &PgPool, user_id: i64, sealed: &str) -> StoreResult<()> {
    let done = sqlx::query(shared::BEGIN_TWO_FACTOR).bind(sealed).bind(user_id).execute(pool).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn enable(pool: &PgPool, on: &TwoFactorOn) -> StoreResult<bool> {
    let mut transaction = pool.begin().await?;
    let enabled = sqlx::query(shared::ENABLE_TWO_FACTOR)
        .bind(on.confirmed_step)
        .bind(on.user_id)
        .bind(&on.pending)
        .execute(&mut *transaction)
        .await?;
    if enabled.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(shared::DELETE_RECOVERY_CODES).bind(on.user_id).execute(&mut *transaction).await?;
    for hash in &on.recovery_code_hashes {
        sqlx::query(shared::INSERT_RECOVERY_CODE)
            .bind(on.user_id)
            .bind(hash)
            .execute(&mut *transaction)
            .await?;
    }
    sqlx::query(shared::END_OTHER_SESSIONS)
        .bind(on.user_id)
        .bind(on.keep_session)
        .execute(&mut *transaction)
        .await?;
    record_audit(&mut transaction, &on.audit).await?;
    transaction.commit().await?;
    Ok(true)
}

pub async fn disable(
    pool: &PgPool,
    user_id: i64,
    keep_session: Option<i64>,
    audit: &AuditEvent,
) -> StoreResult<()> {
    let mut transaction = pool.begin().await?;
    let done = sqlx::query(shared::DISABLE_TWO_FACTOR).bind(user_id).execute(&mut *transaction).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(shared::DELETE_RECOVERY_CODES).bind(user_id).execute(&mut *transaction).await?;
    sqlx::query(shared::END_OTHER_SESSIONS)
        .bind(user_id)
        .bind(keep_session.unwrap_or(-1))
        .execute(&mut *transaction)
        .await?;
    record_audit(&mut transaction, audit).await?;
    transaction.commit().await?;
    Ok(())
}

pub async fn use_step(pool: &PgPool, user_id: i64, step: i64) -> StoreResult<bool> {
    let done = sqlx::query(shared::USE_TOTP_STEP).bind(step).bind(user_id).execute(pool).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn use_recovery_code(pool: &PgPool, user_id: i64, code_hash: &str) -> StoreResult<bool> {
    let done = sqlx::query(shared::USE_RECOVERY_CODE).bind(user_id).bind(code_hash).execute(pool).await?;
    Ok(done.rows_affected() == 1)
}
