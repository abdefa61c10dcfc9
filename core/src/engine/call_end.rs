//! Ending a connected call: the one path that settles, shared by a participant's `end`, the
//! sweeper (a call past its limit) and a block (which ends the pair's call).

use serde_json::json;

use super::calls::{call_audit, miss, store_transition};
use super::views::EndedCall;
use super::{detail, Fanline};
use crate::billing::billed_seconds;
use crate::calls::{Call, CallState, Event, Settlement};
use crate::error::{Error, Result};
use crate::ids::{Actor, UserId};
use crate::store::{LedgerEntry, Tx, PLATFORM_ACCOUNT};

/// Why a connected call ended (the `reason` of its `call:ended` events and audit row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EndReason {
    /// A participant hung up.
    Hangup,
    /// The call reached the limit fixed at accept.
    Limit,
    /// One participant blocked the other.
    Blocked,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            EndReason::Hangup => "hangup",
            EndReason::Limit => "limit",
            EndReason::Blocked => "blocked",
        }
    }
}

/// When a connected call must end (unix ms). Calls connected before limits existed have none
/// stored; they end the longest call after they connected, so no call bills without bound.
pub(super) fn call_limit_ms(call: &Call, max_call_secs: u32) -> i64 {
    call.limit_at_ms.unwrap_or_else(|| {
        call.connected_at_ms
            .unwrap_or(call.created_at_ms)
            .saturating_add(i64::from(max_call_secs) * 1000)
    })
}

impl Fanline {
    /// [`Fanline::end_with_balance`] for a caller that has not read the fan's balance (the
    /// sweeper, a block); its `call:ended` events are pushed to `events`.
    pub(super) fn end_connected(
        &self,
        tx: &mut dyn Tx,
        call: Call,
        by: Option<&Actor>,
        reason: EndReason,
        now: i64,
        events: &mut Vec<Event>,
    ) -> Result<EndedCall> {
        let balance = self.fan_balance(tx, &call.fan)?;
        let (ended, more) = self.end_with_balance(tx, call, balance, by, reason, now)?;
        events.extend(more);
        Ok(ended)
    }

    /// Ends a connected call at `now`, or at its limit when that came first: settles it once
    /// (capped at the fan's balance, never billed past the limit), writes the ledger entries,
    /// the ended call and its audit row, and returns `call:ended` events: to the other side
    /// when a participant (`by`) ended it, to both sides otherwise. `fan_balance` is the
    /// fan's spendable balance, read by the caller in the same transaction (`None` when the
    /// ledger is off).
    pub(super) fn end_with_balance(
        &self,
        tx: &mut dyn Tx,
        mut call: Call,
        fan_balance: Option<u64>,
        by: Option<&Actor>,
        reason: EndReason,
        now: i64,
    ) -> Result<(EndedCall, Vec<Event>)> {
        let limit = call_limit_ms(&call, self.config.max_call_secs);
        let reason = if now >= limit && reason == EndReason::Hangup {
            EndReason::Limit
        } else {
            reason
        };
        let end_at = now.min(limit);
        let seconds = billed_seconds(call.connected_at_ms.unwrap_or(end_at), end_at);
        let balance = fan_balance.unwrap_or(u64::MAX);
        let charge = self
            .config
            .billing
            .charge(seconds, call.rate_per_minute, balance)?;
        let settlement = Settlement {
            call_id: call.id,
            charge,
            settled_at_ms: now,
        };
        if !tx.insert_settlement(&settlement)? {
            return Err(Error::state("the call was already settled"));
        }
        if self.config.ledger {
            tx.append_ledger(&settlement_entries(&call, &settlement)?)?;
        }
        let previous = call.transition(CallState::Ended, end_at)?;
        call.ended_by = by.map(|a| a.id.clone());
        store_transition(tx, &call, previous)?;
        let mut rec = call_audit("call_ended", by, &call, now);
        rec.detail = detail(json!({
            "billedSeconds": charge.bill.billed_seconds,
            "gross": charge.bill.gross,
            "charged": charge.charged,
            "fee": charge.fee,
            "creatorNet": charge.creator_net,
            "shortfall": charge.shortfall,
            "reason": reason.as_str(),
        }));
        tx.append_audit(&rec)?;
        let payload = json!({
            "callId": call.id,
            "by": by.map(|a| &a.id),
            "reason": reason.as_str(),
            "settlement": settlement,
        });
        let events = match by {
            Some(actor) => vec![Event::to_user(call.other(&actor.id), "call:ended", payload)],
            None => [&call.creator, &call.fan]
                .into_iter()
                .map(|user| Event::to_user(user, "call:ended", payload.clone()))
                .collect(),
        };
        let ended = EndedCall {
            call: call.view(),
            settlement,
        };
        Ok((ended, events))
    }
}

impl Fanline {
    /// Stops the call between the actor and `other` (either may be the creator), if one is
    /// ringing or connected: for a block, in the block's transaction.
    pub(super) fn stop_calls_between(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        other: &UserId,
        now: i64,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        for (creator, fan) in [(&actor.id, other), (other, &actor.id)] {
            // A creator has at most one ringing or connected call.
            let Some(call) = tx.active_call(creator, true)?.filter(|c| &c.fan == fan) else {
                continue;
            };
            if call.state == CallState::Connected {
                self.end_connected(tx, call, Some(actor), EndReason::Blocked, now, events)?;
            } else if now >= call.expires_at_ms {
                miss(tx, call, now, events)?;
            } else {
                let mut call = call;
                let previous = call.transition(CallState::Cancelled, now)?;
                store_transition(tx, &call, previous)?;
                let mut rec = call_audit("call_cancelled", Some(actor), &call, now);
                rec.detail = detail(json!({ "reason": EndReason::Blocked.as_str() }));
                tx.append_audit(&rec)?;
                events.push(Event::to_user(
                    call.other(&actor.id),
                    "call:cancelled",
                    json!({ "callId": call.id, "by": actor.id, "reason": "blocked" }),
                ));
            }
        }
        Ok(())
    }
}

/// The ledger entries of a settlement: the fan pays `charged`, the creator gets the net and
/// the platform the fee. Zero amounts are left out; the entries always sum to zero.
fn settlement_entries(call: &Call, s: &Settlement) -> Result<Vec<LedgerEntry>> {
    let amount = |v: u64| i64::try_from(v).map_err(|_| Error::invalid("amount exceeds i64"));
    let parts = [
        ("fan", call.fan.as_str(), -amount(s.charge.charged)?),
        (
            "creator",
            call.creator.as_str(),
            amount(s.charge.creator_net)?,
        ),
        ("platform", PLATFORM_ACCOUNT, amount(s.charge.fee)?),
    ];
    Ok(parts
        .into_iter()
        .filter(|(_, _, a)| *a != 0)
        .map(|(side, account, a)| LedgerEntry {
            reference: format!("call:{}:{side}", call.id),
            account: account.to_string(),
            amount: a,
            at_ms: s.settled_at_ms,
        })
        .collect())
}
