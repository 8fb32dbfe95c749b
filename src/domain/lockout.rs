//! The lockout rule: at most `max_failures` password checks per account and window, then
//! password checks for that account are locked for a while, whatever the source address.
//!
//! A check is counted when it is *admitted*, before any hashing, not when it fails: so
//! concurrent attempts cannot all pass a "not locked yet" test before any of them fails.
//! A successful check clears the count; a failed one leaves it counted and, if it was the
//! last one allowed, starts the lock. Attempts refused during a lock change nothing, so
//! they can neither shorten nor extend it.

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

/// The stored counter of one account's password checks in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureState {
    /// Checks admitted in this window that have not succeeded (failed or still running).
    pub attempts: u32,
    pub window_started_at: OffsetDateTime,
    pub locked_until: Option<OffsetDateTime>,
}

impl FailureState {
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// Whether a password check may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The check may run; it is the `attempt`-th of its window.
    Allowed {
        attempt: u32,
    },
    Locked {
        until: OffsetDateTime,
    },
}

impl LockoutRule {
    /// Counts one more check at `now`. Returns the state to store and the decision; a check
    /// beyond the limit is refused and locks the account.
    pub fn admit(&self, previous: Option<FailureState>, now: OffsetDateTime) -> (FailureState, Admission) {
        if let Some(state) = previous.filter(|p| p.is_locked(now)) {
            let until = state.locked_until.unwrap_or(now);
            return (state, Admission::Locked { until });
        }
        let current =
            previous.filter(|p| p.locked_until.is_none() && p.window_started_at + self.window > now);
        let attempt = current.map_or(0, |p| p.attempts).saturating_add(1);
        let window_started_at = current.map_or(now, |p| p.window_started_at);
        if attempt > self.max_failures {
            let until = now + self.lock_for;
            let locked = FailureState { attempts: attempt, window_started_at, locked_until: Some(until) };
            return (locked, Admission::Locked { until });
        }
        (
            FailureState { attempts: attempt, window_started_at, locked_until: None },
            Admission::Allowed { attempt },
        )
    }

    /// The state after the admitted check number `attempt` failed: the last allowed
    /// failure locks the account (a lock already running keeps its end if that is later).
    pub fn after_failure(&self, state: FailureState, attempt: u32, now: OffsetDateTime) -> FailureState {
        if attempt < self.max_failures {
            return state;
        }
        let until = now + self.lock_for;
        let locked_until = Some(state.locked_until.filter(|current| *current > until).unwrap_or(until));
        FailureState { locked_until, ..state }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const START: OffsetDateTime = datetime!(2026-11-27 09:00 UTC);

    fn minutes(n: i64) -> OffsetDateTime {
        START + time::Duration::minutes(n)
    }

    #[test]
    fn five_checks_are_admitted_per_window_and_the_sixth_locks() {
        let rule = LockoutRule::default();
        let mut state = None;
        for expected in 1..=5 {
            let (next, admission) = rule.admit(state, START);
            assert_eq!(admission, Admission::Allowed { attempt: expected });
            state = Some(next);
        }
        let (locked, admission) = rule.admit(state, minutes(1));
        assert_eq!(admission, Admission::Locked { until: minutes(16) });
        assert!(locked.is_locked(minutes(15)) && !locked.is_locked(minutes(16)));
    }

    #[test]
    fn the_fifth_failure_locks_at_once() {
        let rule = LockoutRule::default();
        let state = FailureState { attempts: 5, window_started_at: START, locked_until: None };
        assert_eq!(rule.after_failure(state, 4, minutes(2)).locked_until, None);
        assert_eq!(rule.after_failure(state, 5, minutes(2)).locked_until, Some(minutes(17)));
    }

    #[test]
    fn attempts_during_a_lock_neither_shorten_nor_extend_it() {
        let rule = LockoutRule::default();
        let locked = FailureState { attempts: 6, window_started_at: START, locked_until: Some(minutes(15)) };
        for minute in [1, 7, 14] {
            let (state, admission) = rule.admit(Some(locked), minutes(minute));
            assert_eq!(state, locked);
            assert_eq!(admission, Admission::Locked { until: minutes(15) });
        }
        let later_failure = rule.after_failure(locked, 5, minutes(1));
        assert_eq!(later_failure.locked_until, Some(minutes(16)), "a later lock end wins");
        let earlier = FailureState { locked_until: Some(minutes(40)), ..locked };
        assert_eq!(rule.after_failure(earlier, 5, minutes(1)).locked_until, Some(minutes(40)));
    }

    #[test]
    fn a_new_window_or_an_ended_lock_starts_a_fresh_count() {
        let rule = LockoutRule::default();
        let four = FailureState { attempts: 4, window_started_at: START, locked_until: None };
        assert_eq!(rule.admit(Some(four), minutes(14)).1, Admission::Allowed { attempt: 5 });
        let (fresh, admission) = rule.admit(Some(four), minutes(15));
        assert_eq!(
            (fresh.attempts, fresh.window_started_at, admission),
            (1, minutes(15), Admission::Allowed { attempt: 1 })
        );
        let ended = FailureState { attempts: 6, window_started_at: START, locked_until: Some(minutes(15)) };
        assert_eq!(rule.admit(Some(ended), minutes(15)).1, Admission::Allowed { attempt: 1 });
    }
}
