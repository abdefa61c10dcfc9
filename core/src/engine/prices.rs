//! Creators' call prices, and what a fan's balance affords at a price.
//!
//! A call's rate is fixed when it starts, from the creator's stored price (or the billing
//! policy's default): never from the request of whoever starts it. The fan sees the rate and
//! the minutes their balance affords on the invitation, and may accept with the rate they saw
//! as a ceiling.

use serde_json::json;

use super::calls::MAX_RATE_PER_MINUTE;
use super::{audit, detail, require_self_or_admin, Fanline, Outcome};
use crate::error::{Error, Result};
use crate::ids::{Actor, Role, UserId};
use crate::store::Tx;

impl Fanline {
    /// Sets a creator's price per minute for the calls they start from now on (the creator
    /// themself, or an admin). At most 10^9 tokens per minute. Returns the price.
    pub fn set_call_price(
        &self,
        actor: &Actor,
        creator_id: &str,
        rate_per_minute: u64,
    ) -> Result<Outcome<u64>> {
        let creator = UserId::new(creator_id)?;
        require_self_or_admin(actor, &creator)?;
        if actor.role == Role::Fan {
            return Err(Error::NotCreator);
        }
        if rate_per_minute > MAX_RATE_PER_MINUTE {
            return Err(Error::invalid(format!(
                "rate must be at most {MAX_RATE_PER_MINUTE} tokens per minute"
            )));
        }
        let now = self.now_ms();
        self.write(|tx| {
            tx.put_call_price(&creator, rate_per_minute, now)?;
            let mut rec = audit("call_price_set", Some(actor), now);
            rec.creator_id = Some(creator.to_string());
            rec.detail = detail(json!({ "ratePerMinute": rate_per_minute }));
            tx.append_audit(&rec)?;
            Ok(Outcome::quiet(rate_per_minute))
        })
    }

    /// A creator's price per minute: what they set, else the billing policy's default. Anyone
    /// may read it (fans see it before they are called).
    pub fn call_price(&self, creator_id: &str) -> Result<u64> {
        let creator = UserId::new(creator_id)?;
        self.read(|tx| self.price_of(tx, &creator))
    }

    /// The rate a call from `creator` starts with.
    pub(super) fn price_of(&self, tx: &mut dyn Tx, creator: &UserId) -> Result<u64> {
        Ok(self.rate_from(tx.get_call_price(creator)?))
    }

    /// A creator's rate from their stored price, if any: else the policy's default.
    pub(super) fn rate_from(&self, stored: Option<u64>) -> u64 {
        stored.unwrap_or(self.config.billing.rate_per_minute)
    }

    /// The fan's spendable balance, `None` when the ledger is off (calls are not charged).
    pub(super) fn fan_balance(&self, tx: &mut dyn Tx, fan: &UserId) -> Result<Option<u64>> {
        if !self.config.ledger {
            return Ok(None);
        }
        Ok(self.spendable(tx.balance(fan.as_str())?))
    }

    /// The spendable part of a stored balance, `None` when the ledger is off.
    pub(super) fn spendable(&self, balance: i64) -> Option<u64> {
        self.config
            .ledger
            .then(|| u64::try_from(balance).unwrap_or(0))
    }

    /// Whole minutes of a call at `rate` that `balance` pays for, capped by the longest call.
    pub(super) fn affordable_minutes(&self, balance: u64, rate: u64) -> u64 {
        self.config
            .billing
            .max_affordable_seconds(balance, rate)
            .min(u64::from(self.config.max_call_secs))
            / 60
    }
}
