//! Two-step sign-in: the sealed secret, the enrolment, the used steps and recovery codes.

use rusqlite::{Connection, params};

use super::accounts::record_audit;
use crate::domain::audit::AuditEvent;
use crate::store::shared::{self, TWO_FACTOR_STATE};
use crate::store::{StoreError, StoreResult, TwoFactorOn, TwoFactorState};

pub fn state(c: &Connection, user_id: i64) -> StoreResult<TwoFactorState> {
    let mut statement = c.prepare_cached(TWO_FACTOR_STATE)?;
    let mut rows = statement.query([user_id])?;
    let row = rows.next()?.ok_or(StoreError::NotFound)?;
    shared::two_factor_state_from(row)
}

pub fn begin(c: &Connection, user_id: i64, sealed: &str) -> StoreResult<()> {
    if c.prepare_cached(shared::BEGIN_TWO_FACTOR)?.execute(params![sealed, user_id])? == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Runs in the writer's savepoint: all of it or none.
pub fn enable(c: &Connection, on: &TwoFactorOn) -> StoreResult<bool> {
    let enabled = c.prepare_cached(shared::ENABLE_TWO_FACTOR)?.execute(params![
        on.confirmed_step,
        on.user_id,
        on.pending
    ])?;
    if enabled == 0 {
        return Ok(false);
    }
    c.prepare_cached(shared::DELETE_RECOVERY_CODES)?.execute([on.user_id])?;
    let mut insert = c.prepare_cached(shared::INSERT_RECOVERY_CODE)?;
    for hash in &on.recovery_code_hashes {
        insert.execute(params![on.user_id, hash])?;
    }
    c.prepare_cached(shared::END_OTHER_SESSIONS)?.execute([on.user_id, on.keep_session])?;
    record_audit(c, &on.audit)?;
    Ok(true)
}

pub fn disable(
    c: &Connection,
    user_id: i64,
    keep_session: Option<i64>,
    audit: &AuditEvent,
) -> StoreResult<()> {
    if c.prepare_cached(shared::DISABLE_TWO_FACTOR)?.execute([user_id])? == 0 {
        return Err(StoreError::NotFound);
    }
    c.prepare_cached(shared::DELETE_RECOVERY_CODES)?.execute([user_id])?;
    c.prepare_cached(shared::END_OTHER_SESSIONS)?.execute([user_id, keep_session.unwrap_or(-1)])?;
    record_audit(c, audit)
}

pub fn use_step(c: &Connection, user_id: i64, step: i64) -> StoreResult<bool> {
    Ok(c.prepare_cached(shared::USE_TOTP_STEP)?.execute(params![step, user_id])? == 1)
}

pub fn use_recovery_code(c: &Connection, user_id: i64, code_hash: &str) -> StoreResult<bool> {
    Ok(c.prepare_cached(shared::USE_RECOVERY_CODE)?.execute(params![user_id, code_hash])? == 1)
}
