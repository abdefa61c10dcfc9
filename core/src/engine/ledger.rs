//! The token ledger and the audit log.

use serde_json::json;

use super::{audit, detail, require_admin, require_self_or_admin, Fanline, Outcome};
use crate::error::{Error, Result};
use crate::ids::{Actor, UserId};
use crate::store::{AuditRecord, LedgerEntry, RefusalCount, ISSUANCE_ACCOUNT, PLATFORM_ACCOUNT};

/// A user's ledger account is their id, so the ids of the system accounts cannot be users:
/// a user called `@platform` would read and receive the platform's fees.
pub(super) fn require_user_account(user: &UserId) -> Result<()> {
    if [PLATFORM_ACCOUNT, ISSUANCE_ACCOUNT].contains(&user.as_str()) {
        return Err(Error::invalid(format!(
            "'{user}' is a reserved ledger account, not a user"
        )));
    }
    Ok(())
}

/// Longest idempotency reference a host may pass.
const MAX_REFERENCE_BYTES: usize = 200;
/// Largest audit page.
const MAX_AUDIT_PAGE: u32 = 1000;

impl Fanline {
    /// Credits purchased tokens to `user` from the issuance account (admin, i.e. the host's
    /// payment flow). `reference` makes it idempotent: crediting the same reference again
    /// with the same user and amount changes nothing and returns the balance; with another
    /// user or amount it is `CONFLICT`. Returns the user's balance.
    pub fn credit(
        &self,
        actor: &Actor,
        user_id: &str,
        amount: u64,
        reference: &str,
    ) -> Result<Outcome<i64>> {
        require_admin(actor)?;
        let user = UserId::new(user_id)?;
        require_user_account(&user)?;
        if amount == 0 || amount > i64::MAX as u64 {
            return Err(Error::invalid("amount must be 1 to 2^63-1 tokens"));
        }
        if reference.is_empty()
            || reference.len() > MAX_REFERENCE_BYTES
            || reference.chars().any(char::is_control)
        {
            return Err(Error::invalid(
                "reference must be 1 to 200 bytes without control characters",
            ));
        }
        let now = self.now_ms();
        let amount = amount as i64;
        self.write(|tx| {
            // At most i64::MAX tokens are ever in circulation, so no balance, and no sum of
            // balances, can overflow later (a settlement that overflowed could never end).
            let issued = tx.balance(ISSUANCE_ACCOUNT)?;
            if issued.checked_sub(amount).is_none_or(|b| b < -i64::MAX) {
                return Err(Error::invalid(
                    "the credit would put more than 2^63-1 tokens in circulation",
                ));
            }
            let entries = [
                LedgerEntry {
                    reference: format!("credit:{reference}:user"),
                    account: user.to_string(),
                    amount,
                    at_ms: now,
                },
                LedgerEntry {
                    reference: format!("credit:{reference}:issuance"),
                    account: ISSUANCE_ACCOUNT.to_string(),
                    amount: -amount,
                    at_ms: now,
                },
            ];
            if tx.append_ledger(&entries)? {
                let mut rec = audit("tokens_credited", Some(actor), now);
                rec.fan_id = Some(user.to_string());
                rec.detail = detail(json!({ "amount": amount }));
                tx.append_audit(&rec)?;
            } else {
                // A replay must be the same credit: the same reference for another user or
                // amount is a bug or an attack on the host's payment flow, never a no-op.
                let first = tx.ledger_entry(&entries[0].reference)?;
                if first.is_none_or(|e| e.account != entries[0].account || e.amount != amount) {
                    return Err(Error::Conflict(
                        "this credit reference was used for another user or amount".into(),
                    ));
                }
            }
            Ok(Outcome::quiet(tx.balance(user.as_str())?))
        })
    }

    /// A user's token balance (the user themself or an admin). Admins also read the system
    /// accounts ([`PLATFORM_ACCOUNT`], [`ISSUANCE_ACCOUNT`]).
    pub fn balance(&self, actor: &Actor, user_id: &str) -> Result<i64> {
        let user = UserId::new(user_id)?;
        if actor.role != crate::ids::Role::Admin {
            require_user_account(&user)?;
        }
        require_self_or_admin(actor, &user)?;
        self.read(|tx| tx.balance(user.as_str()))
    }

    /// The sum of every ledger entry: zero when the books balance (admin).
    pub fn ledger_sum(&self, actor: &Actor) -> Result<i64> {
        require_admin(actor)?;
        self.read(|tx| tx.ledger_sum())
    }

    /// Audit records after position `after`, oldest first, at most `limit` (1 to 1000) (admin).
    pub fn audit_log(&self, actor: &Actor, after: i64, limit: u32) -> Result<Vec<AuditRecord>> {
        require_admin(actor)?;
        if !(1..=MAX_AUDIT_PAGE).contains(&limit) || after < 0 {
            return Err(Error::invalid("after must be >= 0 and limit 1 to 1000"));
        }
        self.read(|tx| tx.audit(after, limit as usize))
    }

    /// The refusal counters of the minutes starting in `[since_ms, until_ms)` (admin): the
    /// refusals by the `calls` flag, the creator role and the rate limits, which are counted
    /// per code and minute instead of audited one by one.
    pub fn refusal_counts(
        &self,
        actor: &Actor,
        since_ms: Option<i64>,
        until_ms: Option<i64>,
    ) -> Result<Vec<RefusalCount>> {
        require_admin(actor)?;
        let (since, until) = (since_ms.unwrap_or(i64::MIN), until_ms.unwrap_or(i64::MAX));
        self.read(|tx| tx.refusal_counts(since, until))
    }
}
