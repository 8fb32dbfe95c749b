//! The lockout rule: too many wrong passwords for one account within a window lock its
//! password checks for a while, whatever the source address.

use std::time::Duration;

use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutRule {
    pub max_failures: u32,
    pub window: Duration,
    pub lock_for: Duration,
}

impl Default for LockoutRule {
    fn default() -> Self {
        LockoutRule {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
            lock_for: Duration::from_secs(15 * 60),
        }
    }
}

/// The stored counter of one account's recent failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureState {
    pub failures: u32,
    pub window_started_at: OffsetDateTime,
    pub locked_until: Option<OffsetDateTime>,
}

impl FailureState {
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

impl LockoutRule {
    /// The counter after one more failure at `now`. Reaching the limit locks the account
    /// and starts a fresh count for after the lock.
    pub fn after_failure(&self, previous: Option<FailureState>, now: OffsetDateTime) -> FailureState {
        let previous = previous.filter(|p| p.window_started_at + self.window > now && !p.is_locked(now));
        let failures = previous.map_or(0, |p| p.failures) + 1;
        let window_started_at = previous.map_or(now, |p| p.window_started_at);
        if failures >= self.max_failures {
            FailureState { failures: 0, window_started_at: now, locked_until: Some(now + self.lock_for) }
        } else {
            FailureState { failures, window_started_at, locked_until: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_fifth_failure_within_the_window_locks() {
        let rule = LockoutRule::default();
        let start = datetime!(2026-11-27 09:00 UTC);
        let mut state = None;
        for minute in 0..4 {
            let next = rule.after_failure(state, start + time::Duration::minutes(minute));
            assert!(next.locked_until.is_none());
            state = Some(next);
        }
        let locked = rule.after_failure(state, start + time::Duration::minutes(4));
        assert_eq!(locked.locked_until, Some(start + time::Duration::minutes(19)));
        assert!(locked.is_locked(start + time::Duration::minutes(18)));
        assert!(!locked.is_locked(start + time::Duration::minutes(19)));
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let rule = LockoutRule::default();
        let start = datetime!(2026-11-27 09:00 UTC);
        let mut state = None;
        for _ in 0..4 {
            state = Some(rule.after_failure(state, start));
        }
        let later = rule.after_failure(state, start + time::Duration::minutes(16));
        assert_eq!((later.failures, later.locked_until), (1, None));
    }
}
