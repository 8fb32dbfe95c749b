//! Per-client-address rate limits on the requests that cost a password hash: sign-in (the
//! whole token endpoint) and password changes. They sit in front of the per-account
//! lockout: the lockout stops guessing one account's password from many addresses, these
//! stop one address from keeping the hashing threads busy with many accounts.
//!
//! The limits live in each node's memory (GCRA through `governor`): behind a load balancer
//! with N nodes an address gets up to N times the limit. IPv6 addresses are limited per
//! /64, the block one subscriber usually holds.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How many requests per minute one address may make, in bursts of as many; `None` is
/// unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub token_per_minute: Option<NonZeroU32>,
    pub password_change_per_minute: Option<NonZeroU32>,
    /// Requests that send mail to an address typed by the client (password resets).
    pub account_mail_per_minute: Option<NonZeroU32>,
    /// Password-reset requests for one typed address an hour, member's or not, so the
    /// answer (429 or not) says nothing about who has an account.
    pub reset_per_address_hour: Option<NonZeroU32>,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            token_per_minute: NonZeroU32::new(60),
            password_change_per_minute: NonZeroU32::new(10),
            account_mail_per_minute: NonZeroU32::new(5),
            reset_per_address_hour: NonZeroU32::new(3),
        }
    }
}

pub struct RateLimits {
    token: Option<DefaultKeyedRateLimiter<IpAddr>>,
    password_change: Option<DefaultKeyedRateLimiter<IpAddr>>,
    account_mail: Option<DefaultKeyedRateLimiter<IpAddr>>,
    reset_per_address: Option<DefaultKeyedRateLimiter<String>>,
}

/// The request was over its address's limit; it may be retried after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverLimit {
    pub retry_after: Duration,
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> Self {
        let limiter =
            |per_minute: Option<NonZeroU32>| per_minute.map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        RateLimits {
            token: limiter(settings.token_per_minute),
            password_change: limiter(settings.password_change_per_minute),
            account_mail: limiter(settings.account_mail_per_minute),
            reset_per_address: settings
                .reset_per_address_hour
                .map(|n| RateLimiter::keyed(Quota::per_hour(n))),
        }
    }

    /// Counts one request to `/api/token` from `address`.
    pub fn token_request(&self, address: Option<IpAddr>) -> Result<(), OverLimit> {
        check(self.token.as_ref(), address)
    }

    /// Counts one password-changing PATCH from `address`.
    pub fn password_change(&self, address: Option<IpAddr>) -> Result<(), OverLimit> {
        check(self.password_change.as_ref(), address)
    }

    /// Counts one request from `address` that sends mail (a password reset).
    pub fn account_mail(&self, address: Option<IpAddr>) -> Result<(), OverLimit> {
        check(self.account_mail.as_ref(), address)
    }

    /// Counts one password-reset request for the typed address (its e-mail key).
    pub fn reset_for(&self, email_key: &str) -> Result<(), OverLimit> {
        let Some(limiter) = &self.reset_per_address else { return Ok(()) };
        limiter
            .check_key(&email_key.to_string())
            .map_err(|not_until| over(not_until.wait_time_from(DefaultClock::default().now())))
    }

    /// Forgets addresses whose buckets are full again, so the tables stay as small as the
    /// set of recently active addresses.
    pub fn forget_idle(&self) {
        for limiter in [&self.token, &self.password_change, &self.account_mail].into_iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.reset_per_address {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

fn check(
    limiter: Option<&DefaultKeyedRateLimiter<IpAddr>>,
    address: Option<IpAddr>,
) -> Result<(), OverLimit> {
    let (Some(limiter), Some(address)) = (limiter, address) else { return Ok(()) };
    limiter
        .check_key(&subscriber(address))
        .map_err(|not_until| over(not_until.wait_time_from(DefaultClock::default().now())))
}

fn over(wait: Duration) -> OverLimit {
    OverLimit { retry_after: Duration::from_secs(wait.as_secs_f64().ceil().max(1.0) as u64) }
}

/// The key an address is limited under: IPv4 as it is, IPv6 by its /64 prefix.
fn subscriber(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32) -> RateLimits {
        let n = NonZeroU32::new(per_minute);
        RateLimits::new(RateLimitSettings {
            token_per_minute: n,
            password_change_per_minute: n,
            account_mail_per_minute: n,
            reset_per_address_hour: n,
        })
    }

    #[test]
    fn a_burst_of_the_limit_passes_then_the_address_waits() {
        let limits = limits(3);
        let address: IpAddr = "192.0.2.1".parse().expect("ip");
        for _ in 0..3 {
            assert!(limits.token_request(Some(address)).is_ok());
        }
        let over = limits.token_request(Some(address)).expect_err("over the limit");
        assert!((1..=20).contains(&over.retry_after.as_secs()), "{over:?}");
        assert!(limits.token_request(Some("192.0.2.2".parse().expect("ip"))).is_ok(), "another address");
        assert!(limits.password_change(Some(address)).is_ok(), "a separate limit");
    }

    #[test]
    fn every_limit_counts_on_its_own() {
        let limits = limits(1);
        let address = Some("192.0.2.9".parse().expect("ip"));
        assert!(limits.password_change(address).is_ok());
        assert!(limits.password_change(address).is_err(), "password changes");
        assert!(limits.account_mail(address).is_ok(), "a separate count");
        assert!(limits.account_mail(address).is_err(), "mail-sending requests");
        assert!(limits.token_request(address).is_ok());
    }

    #[test]
    fn resets_are_limited_per_typed_address() {
        let limits = limits(2);
        assert!(limits.reset_for("ann@example.com").is_ok());
        assert!(limits.reset_for("ann@example.com").is_ok());
        let over = limits.reset_for("ann@example.com").expect_err("the third in the hour");
        assert!(over.retry_after.as_secs() >= 60, "{over:?}");
        assert!(limits.reset_for("bob@example.com").is_ok(), "another address");
    }

    #[test]
    fn ipv6_addresses_of_one_subscriber_share_a_limit() {
        let limits = limits(1);
        assert!(limits.token_request(Some("2001:db8::1".parse().expect("ip"))).is_ok());
        assert!(limits.token_request(Some("2001:db8::ffff:2".parse().expect("ip"))).is_err());
        assert!(limits.token_request(Some("2001:db8:0:1::1".parse().expect("ip"))).is_ok());
    }

    #[test]
    fn no_limit_or_no_address_always_passes() {
        let off = RateLimits::new(RateLimitSettings {
            token_per_minute: None,
            password_change_per_minute: None,
            account_mail_per_minute: None,
            reset_per_address_hour: None,
        });
        let address = Some("192.0.2.1".parse().expect("ip"));
        assert!((0..100).all(|_| off.token_request(address).is_ok()));
        let strict = limits(1);
        assert!((0..3).all(|_| strict.token_request(None).is_ok()));
    }
}
