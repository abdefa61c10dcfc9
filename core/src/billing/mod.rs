//! Integer billing (docs/rules.md section 7): rounding policies, minimum minutes, the platform
//! fee in basis points, the start guard, affordability and capped charges. Money is whole
//! tokens in `u64`; every operation is checked, and an overflow is `INVALID_INPUT`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::wire::wire_enum;

mod batch;

pub use batch::{ChargeColumns, ChargeColumnsMut, Column};

wire_enum! {
    /// How call time turns into billable units.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Rounding {
        /// Every started minute is billed in full: `ceil(seconds / 60) * rate`. 0 s bills 0.
        #[default]
        PerStartedMinute = "per_started_minute",
        /// Pro rata to the second: `floor(seconds * rate / 60)`.
        PerSecond = "per_second",
    }
}

impl Rounding {
    /// Both modes.
    pub const ALL: [Rounding; 2] = [Rounding::PerStartedMinute, Rounding::PerSecond];

    /// Parses a name; anything else is `INVALID_INPUT`.
    pub fn parse(name: &str) -> Result<Self> {
        Rounding::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| Error::invalid("rounding must be 'per_started_minute' or 'per_second'"))
    }
}

/// The billing rules. Validated on construction; `rate_per_minute` is the default rate, which
/// a call may override. Its serde form is camelCase; absent fields take the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct BillingPolicy {
    /// Tokens per minute when a call names no rate.
    pub rate_per_minute: u64,
    /// The rounding policy.
    pub rounding: Rounding,
    /// A call longer than 0 s is billed at least this many minutes.
    pub minimum_minutes: u32,
    /// Platform fee in basis points (0..=10000).
    pub fee_bps: u16,
}

impl Default for BillingPolicy {
    fn default() -> Self {
        BillingPolicy {
            rate_per_minute: 10,
            rounding: Rounding::PerStartedMinute,
            minimum_minutes: 0,
            fee_bps: 0,
        }
    }
}

/// The amounts of one call, before the balance is taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Bill {
    /// Whole seconds between connect and end.
    pub billed_seconds: u64,
    /// Minutes billed (started minutes, or the minimum); 0 under `PerSecond` unless the
    /// minimum applied.
    pub billed_minutes: u64,
    /// The rate used, tokens per minute.
    pub rate_per_minute: u64,
    /// The full price.
    pub gross: u64,
}

/// A settled charge: the bill capped at the fan's balance, and the split of what was charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    /// The bill.
    pub bill: Bill,
    /// What the fan actually pays: `min(gross, balance)`.
    pub charged: u64,
    /// `gross - charged`, recorded so the platform can follow up.
    pub shortfall: u64,
    /// The platform's part of `charged`.
    pub fee: u64,
    /// The creator's part of `charged`; `fee + creator_net == charged`.
    pub creator_net: u64,
}

fn overflow() -> Error {
    Error::invalid("billing amount overflows")
}

/// Whole seconds from `connected_ms` to `ended_ms` (floor), 0 if the end is not after.
pub fn billed_seconds(connected_ms: i64, ended_ms: i64) -> u64 {
    u64::try_from(ended_ms.saturating_sub(connected_ms) / 1000).unwrap_or(0)
}

/// Splits `amount` into `(fee, net)` at `fee_bps` basis points: `fee = floor(amount * bps /
/// 10000)`, `net = amount - fee`.
#[inline]
pub fn split(amount: u64, fee_bps: u16) -> Result<(u64, u64)> {
    if fee_bps > 10_000 {
        return Err(Error::invalid("fee_bps must be at most 10000"));
    }
    let fee = match amount.checked_mul(u64::from(fee_bps)) {
        // The common case stays in u64, where dividing by a constant is a multiply.
        Some(product) => product / 10_000,
        // Through u128, the product cannot overflow and the fee is at most `amount`.
        None => (u128::from(amount) * u128::from(fee_bps) / 10_000) as u64,
    };
    Ok((fee, amount - fee))
}

impl BillingPolicy {
    /// Validates the policy (`fee_bps <= 10000`).
    pub fn new(
        rate_per_minute: u64,
        rounding: Rounding,
        minimum_minutes: u32,
        fee_bps: u16,
    ) -> Result<Self> {
        let p = BillingPolicy {
            rate_per_minute,
            rounding,
            minimum_minutes,
            fee_bps,
        };
        p.validate()?;
        Ok(p)
    }

    /// Checks the invariants of a policy built by hand or deserialised.
    pub fn validate(&self) -> Result<()> {
        if self.fee_bps > 10_000 {
            return Err(Error::invalid("fee_bps must be at most 10000"));
        }
        Ok(())
    }

    /// The bill for `seconds` at `rate` tokens per minute.
    #[inline]
    pub fn bill(&self, seconds: u64, rate: u64) -> Result<Bill> {
        let minimum = if seconds > 0 {
            u64::from(self.minimum_minutes)
        } else {
            0
        };
        let (minutes, gross) = match self.rounding {
            Rounding::PerStartedMinute => {
                let minutes = seconds.div_ceil(60).max(minimum);
                (minutes, minutes.checked_mul(rate).ok_or_else(overflow)?)
            }
            Rounding::PerSecond => {
                let pro_rata = match seconds.checked_mul(rate) {
                    Some(product) => product / 60,
                    None => u64::try_from(u128::from(seconds) * u128::from(rate) / 60)
                        .map_err(|_| overflow())?,
                };
                let floor = minimum.checked_mul(rate).ok_or_else(overflow)?;
                if pro_rata < floor {
                    (minimum, floor)
                } else {
                    (0, pro_rata)
                }
            }
        };
        Ok(Bill {
            billed_seconds: seconds,
            billed_minutes: minutes,
            rate_per_minute: rate,
            gross,
        })
    }

    /// The price of `elapsed` seconds so far, for a live cost display.
    pub fn cost_at(&self, elapsed: u64, rate: u64) -> Result<u64> {
        Ok(self.bill(elapsed, rate)?.gross)
    }

    /// Settles `seconds` at `rate` against a fan holding `balance`: the charge is capped at
    /// the balance, the shortfall recorded, and the charged amount split by the fee.
    #[inline]
    pub fn charge(&self, seconds: u64, rate: u64, balance: u64) -> Result<Charge> {
        let bill = self.bill(seconds, rate)?;
        let charged = bill.gross.min(balance);
        let (fee, creator_net) = split(charged, self.fee_bps)?;
        Ok(Charge {
            bill,
            charged,
            shortfall: bill.gross - charged,
            fee,
            creator_net,
        })
    }
}

impl BillingPolicy {
    /// The balance a fan needs to start a call at `rate`: 30 seconds' worth, `ceil(rate / 2)`.
    pub fn start_guard(&self, rate: u64) -> u64 {
        rate.div_ceil(2)
    }

    /// The longest call, in whole seconds, whose cost stays within `balance`; `u64::MAX` for
    /// a free call. Drives auto-disconnect.
    pub fn max_affordable_seconds(&self, balance: u64, rate: u64) -> u64 {
        if rate == 0 {
            return u64::MAX;
        }
        let minimum_cost = u128::from(self.minimum_minutes) * u128::from(rate);
        if u128::from(balance) < minimum_cost {
            return 0;
        }
        let secs = match self.rounding {
            // Each started minute costs `rate`; affordable whole minutes, in seconds.
            Rounding::PerStartedMinute => u128::from(balance / rate) * 60,
            // floor(s * rate / 60) <= balance  <=>  s * rate < 60 * (balance + 1).
            Rounding::PerSecond => (60 * (u128::from(balance) + 1) - 1) / u128::from(rate),
        };
        u64::try_from(secs).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_names_match_the_serde_form() {
        for r in Rounding::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
            assert_eq!(Rounding::parse(r.as_str()).unwrap(), r);
        }
        assert_eq!(
            Rounding::parse("hourly").unwrap_err().code(),
            "INVALID_INPUT"
        );
    }

    #[test]
    fn three_minutes_ten_seconds_bill_four_minutes() {
        let p = BillingPolicy::new(10, Rounding::PerStartedMinute, 0, 2_000).unwrap();
        let c = p.charge(190, 10, 1_000).unwrap();
        assert_eq!(c.bill.billed_minutes, 4);
        assert_eq!(c.bill.gross, 40);
        assert_eq!((c.fee, c.creator_net, c.shortfall), (8, 32, 0));
    }

    #[test]
    fn zero_seconds_bill_nothing_even_with_a_minimum() {
        let p = BillingPolicy::new(10, Rounding::PerStartedMinute, 3, 0).unwrap();
        assert_eq!(p.bill(0, 10).unwrap().gross, 0);
        assert_eq!(p.bill(1, 10).unwrap().gross, 30);
        let s = BillingPolicy::new(60, Rounding::PerSecond, 2, 0).unwrap();
        assert_eq!(s.bill(30, 60).unwrap().gross, 120);
        assert_eq!(s.bill(150, 60).unwrap().gross, 150);
    }

    #[test]
    fn charge_is_capped_with_shortfall() {
        let p = BillingPolicy::default();
        let c = p.charge(600, 10, 35).unwrap();
        assert_eq!((c.charged, c.shortfall), (35, 65));
    }

    #[test]
    fn overflow_is_invalid_input() {
        let p = BillingPolicy::default();
        assert_eq!(
            p.bill(u64::MAX, u64::MAX).unwrap_err().code(),
            "INVALID_INPUT"
        );
        assert!(BillingPolicy::new(1, Rounding::PerSecond, 0, 10_001).is_err());
    }

    #[test]
    fn u64_fast_paths_agree_with_u128_at_the_edges() {
        let edge = u64::MAX / 10_000;
        for amount in [0, 1, edge - 1, edge, edge + 1, u64::MAX / 2, u64::MAX] {
            for bps in [0u16, 1, 2_000, 9_999, 10_000] {
                let exact = (u128::from(amount) * u128::from(bps) / 10_000) as u64;
                assert_eq!(split(amount, bps).unwrap(), (exact, amount - exact));
            }
        }
        let p = BillingPolicy::new(0, Rounding::PerSecond, 0, 0).unwrap();
        for (secs, rate) in [(u64::MAX / 7, 7), (u64::MAX / 7 + 1, 7), (1 << 40, 1 << 30)] {
            let exact = u128::from(secs) * u128::from(rate) / 60;
            match u64::try_from(exact) {
                Ok(v) => assert_eq!(p.bill(secs, rate).unwrap().gross, v),
                Err(_) => assert!(p.bill(secs, rate).is_err()),
            }
        }
    }

    #[test]
    fn affordability_matches_cost() {
        let p = BillingPolicy::default();
        assert_eq!(p.max_affordable_seconds(25, 10), 120);
        assert!(p.cost_at(120, 10).unwrap() <= 25);
        let s = BillingPolicy {
            rounding: Rounding::PerSecond,
            ..p
        };
        let secs = s.max_affordable_seconds(25, 7);
        assert!(s.cost_at(secs, 7).unwrap() <= 25);
        assert!(s.cost_at(secs + 1, 7).unwrap() > 25);
        assert_eq!(p.start_guard(7), 4);
    }
}
