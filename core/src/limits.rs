//! Cooldowns and rate limits as pure functions over stored state and the clock (docs/rules.md
//! section 6). The store keeps one small row per key; these functions decide.
//!
//! Rate limits use GCRA (the generic cell rate algorithm). A limit of `n` per `period` means:
//! a burst of up to `n` requests is accepted at once, after which requests are accepted at a
//! steady one per `period / n` (rounded up to a whole millisecond, so the limit is never
//! exceeded). So "5 per minute" accepts 5 back-to-back requests, then one more every 12 s;
//! from the first request on, at most 5 + (elapsed / 12 s) get through, and never more than
//! 2n - 1 = 9 in any rolling minute. The only state is the "theoretical arrival time"
//! (TAT) in milliseconds; a TAT in the past is the same as no row at all, so stores prune rows
//! whose TAT is behind the clock and the table never grows with the number of keys seen.

use serde::Serialize;

use crate::error::{Error, Result};

/// Whole seconds from `ms` milliseconds, rounded up, at least 1: the `retry_after` rule.
pub fn retry_after_secs(ms: i64) -> u64 {
    (ms.max(1) as u64).div_ceil(1000).max(1)
}

/// The per-pair call cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cooldown {
    /// Length in milliseconds (seed: 60 s).
    pub duration_ms: i64,
}

impl Default for Cooldown {
    fn default() -> Self {
        Cooldown {
            duration_ms: 60_000,
        }
    }
}

impl Cooldown {
    /// `Ok(())` when no cooldown runs at `now_ms`; `CALL_COOLDOWN` with the seconds left
    /// otherwise. `until_ms` is the stored end of the last cooldown, if any.
    pub fn check(&self, until_ms: Option<i64>, now_ms: i64) -> Result<()> {
        match until_ms {
            Some(until) if until > now_ms => Err(Error::CallCooldown {
                retry_after: retry_after_secs(until.saturating_sub(now_ms)),
            }),
            _ => Ok(()),
        }
    }

    /// The end of a cooldown started at `now_ms` (by a successful initiate only).
    pub fn until(&self, now_ms: i64) -> i64 {
        now_ms.saturating_add(self.duration_ms)
    }
}

/// A GCRA rate limit of `max` requests per `period_ms` (serialized as `{ max, periodMs }`, the
/// configuration's form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests allowed in a burst and per period.
    pub max: u32,
    /// The period in milliseconds.
    pub period_ms: i64,
}

impl RateLimit {
    /// `max` per minute.
    pub fn per_minute(max: u32) -> Result<Self> {
        RateLimit::new(max, 60_000)
    }

    /// Validates and builds a limit: `max >= 1`, `period_ms >= 1`.
    pub fn new(max: u32, period_ms: i64) -> Result<Self> {
        if max == 0 || period_ms <= 0 {
            return Err(Error::config(
                "a rate limit needs max >= 1 and a positive period",
            ));
        }
        Ok(RateLimit { max, period_ms })
    }

    /// The steady interval between requests, `period / max` rounded up (at least 1 ms).
    /// Rounding down would let more than `max` through per period when `max` does not divide
    /// the period. The fields are public, so a hand-built zero is treated as 1, not a panic.
    fn emission_ms(&self) -> i64 {
        (self.period_ms.max(1) - 1) / i64::from(self.max.max(1)) + 1
    }

    /// The burst tolerance: `max` intervals (equal to the period when `max` divides it).
    fn burst_ms(&self) -> i64 {
        self.emission_ms()
            .saturating_mul(i64::from(self.max.max(1)))
    }

    /// Takes one request at `now_ms` from the bucket whose stored TAT is `tat_ms`.
    /// Returns the TAT to store on success, or `RATE_LIMITED` with the seconds to wait (and
    /// the stored TAT must then stay unchanged).
    pub fn take(&self, tat_ms: Option<i64>, now_ms: i64) -> Result<i64> {
        let emission = self.emission_ms();
        let tat = tat_ms.unwrap_or(now_ms).max(now_ms);
        let new_tat = tat.saturating_add(emission);
        // Allowed while the new TAT stays within the burst tolerance (`max` intervals) of now.
        let allow_at = new_tat.saturating_sub(self.burst_ms());
        if allow_at > now_ms {
            return Err(Error::RateLimited {
                retry_after: retry_after_secs(allow_at.saturating_sub(now_ms)),
            });
        }
        Ok(new_tat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_at_least_one() {
        assert_eq!(retry_after_secs(1), 1);
        assert_eq!(retry_after_secs(0), 1);
        assert_eq!(retry_after_secs(1000), 1);
        assert_eq!(retry_after_secs(1001), 2);
        assert_eq!(retry_after_secs(59_999), 60);
    }

    #[test]
    fn cooldown_counts_down() {
        let c = Cooldown::default();
        let until = c.until(10_000);
        assert_eq!(
            c.check(Some(until), 10_000).unwrap_err().retry_after(),
            Some(60)
        );
        assert_eq!(
            c.check(Some(until), 69_500).unwrap_err().retry_after(),
            Some(1)
        );
        assert!(c.check(Some(until), 70_000).is_ok());
        assert!(c.check(None, 0).is_ok());
    }

    #[test]
    fn a_period_not_divisible_by_max_is_never_exceeded() {
        // 3 per 100 ms: the interval rounds up to 34 ms. With 33 ms a fourth request got
        // through at 32 ms and six inside one 100 ms window.
        let limit = RateLimit::new(3, 100).unwrap();
        let mut tat = None;
        for _ in 0..3 {
            tat = Some(limit.take(tat, 0).unwrap());
        }
        assert!(limit.take(tat, 32).is_err());
        assert!(limit.take(tat, 33).is_err());
        assert!(limit.take(tat, 34).is_ok());
        // Extreme clocks and stored values saturate instead of overflowing.
        assert!(limit.take(Some(i64::MAX), i64::MIN).is_err());
    }

    #[test]
    fn five_per_minute_is_a_burst_of_five_then_one_every_12s() {
        let limit = RateLimit::per_minute(5).unwrap();
        let mut tat = None;
        for _ in 0..5 {
            tat = Some(limit.take(tat, 0).unwrap());
        }
        let e = limit.take(tat, 0).unwrap_err();
        assert_eq!(e.code(), "RATE_LIMITED");
        assert_eq!(e.retry_after(), Some(12));
        assert!(limit.take(tat, 11_999).is_err());
        assert!(limit.take(tat, 12_000).is_ok());
    }
}
