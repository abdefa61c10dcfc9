//! A call's life after it rings: accept, decline, cancel, end, token refresh and the
//! sweeper that ends what ran out.

use serde_json::json;

use super::{call_audit, miss, store_transition};
use crate::agora::{RtcTokenRequest, RtcUser};
use crate::calls::{Call, CallState, Event};
use crate::clock::rfc3339;
use crate::engine::call_end::{call_limit_ms, EndReason};
use crate::engine::views::{AcceptedCall, EndedCall, JoinInfo};
use crate::engine::{detail, Fanline, Outcome};
use crate::error::{Error, Result};
use crate::flags::Feature;
use crate::ids::{Actor, CallId, Role};
use crate::privacy::RelationshipKind;
use crate::store::{CallReads, Tx};

/// Invitations the sweeper handles per run; the rest wait for the next run.
const SWEEP_BATCH: usize = 500;
/// How long a call's tokens outlive its limit, in seconds: room for the clients to hear that
/// the call ended before Agora drops them.
const TOKEN_MARGIN_SECS: i64 = 60;

impl Fanline {
    /// Loads a call the actor takes part in; anyone else gets `NOT_FOUND`.
    pub(super) fn participant_call(tx: &mut dyn Tx, actor: &Actor, id: &CallId) -> Result<Call> {
        let call = tx.get_call(id)?.ok_or(Error::NotFound("call"))?;
        Self::check_participant(actor, &call)?;
        Ok(call)
    }

    /// [`Tx::call_reads`] for a call the actor takes part in; anyone else gets `NOT_FOUND`.
    fn participant_reads(tx: &mut dyn Tx, actor: &Actor, id: &CallId) -> Result<CallReads> {
        let reads = tx.call_reads(id)?.ok_or(Error::NotFound("call"))?;
        Self::check_participant(actor, &reads.call)?;
        Ok(reads)
    }

    /// `NOT_FOUND` unless the actor takes part in the call (or is an admin): to anyone else
    /// it looks like a call that does not exist.
    fn check_participant(actor: &Actor, call: &Call) -> Result<()> {
        if call.has_participant(&actor.id) || actor.role == Role::Admin {
            Ok(())
        } else {
            Err(Error::NotFound("call"))
        }
    }

    /// Join information for one side of a connected call. The token (and its privileges)
    /// expire at the call's limit plus [`TOKEN_MARGIN_SECS`], or after the configured token
    /// lifetime when that comes first (the side then refreshes it).
    fn join_info(&self, call: &Call, uid: u32, now: i64) -> Result<JoinInfo> {
        let until_limit = call_limit_ms(call, self.config.max_call_secs)
            .saturating_sub(now)
            .max(0)
            .div_euclid(1000)
            .saturating_add(TOKEN_MARGIN_SECS);
        let lifetime = u32::try_from(until_limit)
            .unwrap_or(u32::MAX)
            .clamp(1, self.config.token_lifetime_secs);
        let mut req = RtcTokenRequest::publisher(call.channel(), RtcUser::Uid(uid));
        req.token_expire = lifetime;
        let token = self.tokens.build(&req)?;
        let expires = now.div_euclid(1000).saturating_add(i64::from(lifetime));
        Ok(JoinInfo {
            app_id: self.tokens.credentials().app_id().to_string(),
            channel: call.channel(),
            uid,
            token,
            expires_at: rfc3339(expires.saturating_mul(1000)),
        })
    }

    /// The fan accepts a ringing call before its invitation expires. `max_rate_per_minute`
    /// is the price the fan was shown: a call that costs more is refused (`PRICE_CHANGED`).
    /// Blocks and the start guard are checked again, since either may have changed while the
    /// call rang.
    ///
    /// The call's limit is fixed here: the smaller of what the fan's balance affords now
    /// ([`BillingPolicy::max_affordable_seconds`](crate::billing::BillingPolicy::max_affordable_seconds))
    /// and the longest call. Billing never goes past it, [`Fanline::expire_due`] ends the call
    /// there, and the tokens handed out expire shortly after it. A balance that affords no
    /// time at all is `INSUFFICIENT_TOKENS`.
    ///
    /// Both sides get a publisher token for the call's channel with their stable uids. The
    /// `call:accepted` event to the creator carries no token (events travel through the
    /// realtime provider): the host hands the creator its [`AcceptedCall::creator`] over its
    /// own authenticated API, or the creator asks for one with [`Fanline::refresh_token`].
    pub fn accept(
        &self,
        actor: &Actor,
        call_id: &str,
        max_rate_per_minute: Option<u64>,
    ) -> Result<Outcome<AcceptedCall>> {
        let id = CallId::parse(call_id)?;
        self.flags.require(Feature::Calls)?;
        let now = self.now_ms();
        self.write(|tx| {
            // Everything the checks below need, read at once (one round trip on PostgreSQL).
            let reads = Self::participant_reads(tx, actor, &id)?;
            let mut call = reads.call;
            if call.fan != actor.id {
                return Err(Error::state("only the called fan can accept"));
            }
            call.check_transition(CallState::Connected)?;
            if now >= call.expires_at_ms {
                return Err(Error::InvitationExpired);
            }
            if let Some(max) = max_rate_per_minute.filter(|max| call.rate_per_minute > *max) {
                return Err(Error::PriceChanged {
                    rate_per_minute: call.rate_per_minute,
                    max_rate_per_minute: max,
                });
            }
            if reads.blocked_by_creator || reads.blocked_by_fan {
                return Err(Error::Blocked);
            }
            if reads.fan_connected {
                return Err(Error::Busy);
            }
            let limit_secs = self.call_limit_secs(&call, self.spendable(reads.fan_balance))?;
            let previous = call.transition(CallState::Connected, now)?;
            call.limit_at_ms = Some(now.saturating_add(limit_secs.saturating_mul(1000)));
            store_transition(tx, &call, previous)?;
            tx.record_relationship(&call.creator, &call.fan, RelationshipKind::Called, now)?;
            let mut rec = call_audit("call_accepted", Some(actor), &call, now);
            rec.detail = detail(json!({ "limitSeconds": limit_secs }));
            tx.append_audit(&rec)?;
            let fan = self.join_info(&call, call.fan_uid, now)?;
            let creator = self.join_info(&call, call.creator_uid, now)?;
            let event = Event::to_user(
                &call.creator,
                "call:accepted",
                json!({
                    "callId": call.id,
                    "fanId": call.fan,
                    "limitAt": call.limit_at_ms.map(rfc3339),
                }),
            );
            Ok(Outcome {
                value: AcceptedCall {
                    call: call.view(),
                    fan,
                    creator,
                },
                events: vec![event],
            })
        })
    }

    /// The length, in whole seconds, of the call about to connect: what the fan's balance
    /// affords at its rate, capped by the longest call. The start guard applies again, and a
    /// balance that affords no time is refused, naming what one billed second would cost.
    /// `balance` is the fan's spendable balance, `None` when the ledger is off.
    fn call_limit_secs(&self, call: &Call, balance: Option<u64>) -> Result<i64> {
        let max = u64::from(self.config.max_call_secs);
        let Some(balance) = balance else {
            return Ok(i64::from(self.config.max_call_secs));
        };
        let policy = &self.config.billing;
        let rate = call.rate_per_minute;
        let affordable = policy.max_affordable_seconds(balance, rate).min(max);
        let guard = policy.start_guard(rate);
        if balance < guard || affordable == 0 {
            let first_second = policy.cost_at(1, rate)?;
            return Err(Error::InsufficientTokens {
                needed: guard.max(first_second),
            });
        }
        // `affordable <= max_call_secs <= 86400`.
        Ok(affordable as i64)
    }

    /// The fan declines a ringing call. Once its invitation expired (swept or not) the call
    /// ends as `missed` instead, with `call:missed` to both sides.
    pub fn decline(&self, actor: &Actor, call_id: &str) -> Result<Outcome<crate::calls::CallView>> {
        self.finish_ringing(actor, call_id, CallState::Declined)
    }

    /// The creator cancels a ringing call. Once its invitation expired (swept or not) the
    /// call ends as `missed` instead, with `call:missed` to both sides.
    pub fn cancel(&self, actor: &Actor, call_id: &str) -> Result<Outcome<crate::calls::CallView>> {
        self.finish_ringing(actor, call_id, CallState::Cancelled)
    }

    fn finish_ringing(
        &self,
        actor: &Actor,
        call_id: &str,
        next: CallState,
    ) -> Result<Outcome<crate::calls::CallView>> {
        let id = CallId::parse(call_id)?;
        let now = self.now_ms();
        let (who, audit_event, event_name) = match next {
            CallState::Declined => ("fan", "call_declined", "call:rejected"),
            _ => ("creator", "call_cancelled", "call:cancelled"),
        };
        self.write(|tx| {
            let mut call = Self::participant_call(tx, actor, &id)?;
            let allowed = if next == CallState::Declined {
                &call.fan
            } else {
                &call.creator
            };
            if allowed != &actor.id {
                return Err(Error::state(format!("only the {who} can do this")));
            }
            call.check_transition(next)?;
            // Past its time the invitation is dead, swept or not: it stops ringing as
            // missed (what the sweeper would make it), not as a late decline or cancel.
            if now >= call.expires_at_ms {
                let mut events = Vec::new();
                let missed = miss(tx, call, now, &mut events)?
                    .ok_or_else(|| Error::state("the call changed state"))?;
                return Ok(Outcome {
                    value: missed.view(),
                    events,
                });
            }
            let previous = call.transition(next, now)?;
            store_transition(tx, &call, previous)?;
            tx.append_audit(&call_audit(audit_event, Some(actor), &call, now))?;
            let event = Event::to_user(
                call.other(&actor.id),
                event_name,
                json!({ "callId": call.id, "by": actor.id }),
            );
            Ok(Outcome {
                value: call.view(),
                events: vec![event],
            })
        })
    }

    /// Either side ends a connected call. Billing is computed and settled exactly once, in
    /// the same transaction, and never past the call's limit: a call ended after its limit
    /// (before the sweeper got to it) is billed to the limit and ends with reason `limit`.
    /// Ending again returns the same settlement and no events. Admins read calls but do not
    /// end them (`INVALID_STATE`).
    pub fn end(&self, actor: &Actor, call_id: &str) -> Result<Outcome<EndedCall>> {
        let id = CallId::parse(call_id)?;
        let now = self.now_ms();
        self.write(|tx| {
            // The call and its fan's balance at once (one round trip on PostgreSQL).
            let reads = Self::participant_reads(tx, actor, &id)?;
            let call = reads.call;
            if !call.has_participant(&actor.id) {
                return Err(Error::state("only a participant can end the call"));
            }
            if call.state == CallState::Ended {
                let settlement = tx
                    .get_settlement(&call.id)?
                    .ok_or_else(|| Error::internal("ended call without settlement"))?;
                return Ok(Outcome::quiet(EndedCall {
                    call: call.view(),
                    settlement,
                }));
            }
            call.check_transition(CallState::Ended)?;
            let balance = self.spendable(reads.fan_balance);
            let (ended, events) =
                self.end_with_balance(tx, call, balance, Some(actor), EndReason::Hangup, now)?;
            Ok(Outcome {
                value: ended,
                events,
            })
        })
    }

    /// A fresh token for the actor's side of a connected call, expiring shortly after the
    /// call's limit. Refused once the limit has passed.
    pub fn refresh_token(&self, actor: &Actor, call_id: &str) -> Result<JoinInfo> {
        let id = CallId::parse(call_id)?;
        self.flags.require(Feature::Calls)?;
        let now = self.now_ms();
        let call = self.read(|tx| Self::participant_call(tx, actor, &id))?;
        if call.state != CallState::Connected {
            return Err(Error::state(format!("the call is {}", call.state.as_str())));
        }
        if now >= call_limit_ms(&call, self.config.max_call_secs) {
            return Err(Error::state("the call reached its time limit"));
        }
        let uid = if call.creator == actor.id {
            call.creator_uid
        } else if call.fan == actor.id {
            call.fan_uid
        } else {
            return Err(Error::state("only a participant can join"));
        };
        self.join_info(&call, uid, now)
    }

    /// The sweeper (the host runs it on a timer, every 30 s in the seed). Invitations past
    /// their time become `missed`, and both sides get `call:missed`; connected calls past
    /// their limit end, settled to the limit, and both sides get `call:ended` with reason
    /// `limit`. Also prunes limit rows that no longer limit anything. Returns the calls it
    /// expired or ended, at most 500 of each per run (the rest wait for the next run).
    pub fn expire_due(&self) -> Result<Outcome<Vec<String>>> {
        let now = self.now_ms();
        // First, in a transaction of its own (`Store::prune_limits`): a prune that fails
        // leaves the run undone, to be tried again, instead of losing the events of calls
        // already expired.
        self.store.prune_limits(now)?;
        self.write(|tx| {
            let mut expired = Vec::new();
            let mut events = Vec::new();
            for call in tx.due_invitations(now, SWEEP_BATCH)? {
                let id = call.id.to_string();
                if miss(tx, call, now, &mut events)?.is_some() {
                    expired.push(id);
                }
            }
            for call in tx.due_call_limits(now, SWEEP_BATCH)? {
                expired.push(call.id.to_string());
                self.end_connected(tx, call, None, EndReason::Limit, now, &mut events)?;
            }
            Ok(Outcome {
                value: expired,
                events,
            })
        })
    }
}
