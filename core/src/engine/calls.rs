//! Call operations: initiate, accept, decline, cancel, end, refresh, status, pending,
//! history and the invitation sweeper.
//!
//! The `calls` flag gates what starts or joins a call (initiate, accept, refresh_token).
//! Decline, cancel, end, the reads and the sweeper keep working while it is off, so switching
//! calls off never strands a call unanswered or unsettled.

use serde_json::json;

use super::call_end::{call_limit_ms, EndReason};
use super::fans::PairFacts;
use super::ledger::require_user_account;
use super::views::{
    decode_cursor, encode_cursor, AcceptedCall, CallStatus, EndedCall, HistoryPage,
    InitiateRequest, JoinInfo,
};
use super::{audit, detail, Fanline, Outcome};
use crate::agora::{call_uids, RtcTokenRequest, RtcUser};
use crate::calls::{Call, CallState, Event};
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::flags::Feature;
use crate::ids::{Actor, CallId, Role, UserId};
use crate::limits::RateLimit;
use crate::privacy::{decide, Action, BlockState, RelationshipKind};
use crate::store::{AuditRecord, HistoryCursor, InitiateReads, Tx};

/// Longest invitation note, in characters.
const MAX_MESSAGE_CHARS: usize = 500;
/// Longest client IP text accepted for the per-IP limit.
const MAX_IP_BYTES: usize = 64;
/// Largest history page.
pub const MAX_PAGE: u32 = 100;
/// Invitations the sweeper handles per run; the rest wait for the next run.
const SWEEP_BATCH: usize = 500;
/// How long a call's tokens outlive its limit, in seconds: room for the clients to hear that
/// the call ended before Agora drops them.
const TOKEN_MARGIN_SECS: i64 = 60;
/// Highest rate a call may have, in tokens per minute. Far above any real price, and low
/// enough that no call, however long, overflows its bill (which would leave it unendable).
pub const MAX_RATE_PER_MINUTE: u64 = 1_000_000_000;

/// An audit record of a call event.
pub(super) fn call_audit(
    event: &str,
    actor: Option<&Actor>,
    call: &Call,
    now_ms: i64,
) -> AuditRecord {
    let mut rec = audit(event, actor, now_ms);
    rec.call_id = Some(call.id.to_string());
    rec.creator_id = Some(call.creator.to_string());
    rec.fan_id = Some(call.fan.to_string());
    rec.call_type = Some(call.call_type.as_str().to_string());
    rec
}

fn validate_initiate(req: &InitiateRequest) -> Result<(UserId, Option<String>)> {
    let fan = UserId::new(req.fan_id.as_str())?;
    if let Some(m) = &req.message {
        if m.chars().count() > MAX_MESSAGE_CHARS || m.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Error::invalid(format!(
                "message must be at most {MAX_MESSAGE_CHARS} characters without control characters"
            )));
        }
    }
    if req.rate_per_minute.is_some_and(|r| r > MAX_RATE_PER_MINUTE) {
        return Err(Error::invalid(format!(
            "rate must be at most {MAX_RATE_PER_MINUTE} tokens per minute"
        )));
    }
    let ip = match &req.ip {
        None => None,
        Some(ip)
            if ip.is_empty()
                || ip.len() > MAX_IP_BYTES
                || !ip.is_ascii()
                || ip.chars().any(|c| c.is_ascii_control() || c == ' ') =>
        {
            return Err(Error::invalid(
                "ip must be 1 to 64 printable ASCII characters",
            ))
        }
        Some(ip) => Some(ip.clone()),
    };
    Ok((fan, ip))
}

/// The start of the minute `now_ms` falls in: the key of a refusal counter.
fn minute_of(now_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(60_000)
}

/// The per-IP limit key: an IPv6 client is one /64 (what one subscriber usually holds), so
/// rotating through its own addresses does not multiply its budget. Anything else is used as
/// given.
fn ip_key(ip: &str) -> String {
    match ip.parse::<std::net::Ipv6Addr>() {
        Ok(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(v6) => v6
            .to_ipv4_mapped()
            .map_or_else(|| ip.to_string(), |v4| v4.to_string()),
        Err(_) => ip.to_string(),
    }
}

/// Takes one request from each of `limits`, whose stored TATs are `stored` (in the same
/// order), or refuses with `RATE_LIMITED` leaving all of them unchanged.
fn take_limits(
    tx: &mut dyn Tx,
    limits: &[(String, RateLimit)],
    stored: &[Option<i64>],
    now: i64,
) -> Result<()> {
    if stored.len() != limits.len() {
        return Err(Error::internal(
            "the store read a different number of limits",
        ));
    }
    let mut updates = Vec::with_capacity(limits.len());
    for ((key, limit), tat) in limits.iter().zip(stored) {
        updates.push((key, limit.take(*tat, now)?));
    }
    for (key, tat) in updates {
        tx.put_limit(key, tat)?;
    }
    Ok(())
}

impl Fanline {
    /// A creator calls a fan, in one transaction. The `calls` flag and the creator role come
    /// first, then the per-creator and per-IP rate limits (which count every attempt that got
    /// that far), then blocks, the fan's `allow_calls` and whether the fan is in a call,
    /// whether the creator already has a ringing or connected call, the pair's cooldown and
    /// the start guard.
    ///
    /// What a refusal writes is bounded: a refusal by the flag, the role or a rate limit only
    /// moves a per-minute counter (so a stranger repeating it cannot grow the store, nor burn
    /// a shared IP's budget without being a creator); a later refusal keeps the rate-limit
    /// counts and a `call_refused` audit row. Neither starts the cooldown. A successful
    /// initiation writes the ringing call and starts the cooldown.
    ///
    /// The rate is the creator's price ([`Fanline::set_call_price`]), else the billing
    /// policy's default. [`InitiateRequest::rate_per_minute`] overrides both and is for hosts
    /// that compute a price themselves: never fill it from a request body.
    ///
    /// A creator's invitation that expired but was not swept yet does not make them busy: a
    /// successful initiate marks it missed, and its `call:missed` events come before the
    /// `call:request`.
    pub fn initiate(
        &self,
        actor: &Actor,
        req: &InitiateRequest,
    ) -> Result<Outcome<crate::calls::CallView>> {
        let (fan, ip) = validate_initiate(req)?;
        if actor.id == fan {
            return Err(Error::invalid("a creator cannot call themself"));
        }
        // The call settles into both users' ledger accounts.
        require_user_account(&actor.id)?;
        require_user_account(&fan)?;
        if self.config.ip_rate.is_some() && ip.is_none() {
            return Err(Error::invalid(
                "ip is required: a per-IP rate limit is configured",
            ));
        }
        let now = self.now_ms();
        let gate = self.flags.require(Feature::Calls).and_then(|()| {
            if actor.role == Role::Creator {
                Ok(())
            } else {
                Err(Error::NotCreator)
            }
        });
        if let Err(refusal) = gate {
            return Err(self.counted(refusal, now));
        }
        let limits = self.initiation_limits(actor, ip.as_deref());
        let keys: Vec<&str> = limits.iter().map(|(key, _)| key.as_str()).collect();
        let after = now.saturating_sub(self.config.cooldown.duration_ms);
        let attempt = self.write(|tx| {
            // Everything the decisions below read, in one go (one statement where the store
            // can); nothing is decided on it before the rate limits.
            let reads = tx.initiate_reads(&actor.id, &fan, after, &keys)?;
            take_limits(tx, &limits, &reads.limits, now)?;
            match self.ring(tx, actor, &fan, req, reads, now) {
                Err(e) if is_refusal(&e) => {
                    let mut rec = audit("call_refused", Some(actor), now);
                    rec.creator_id = Some(actor.id.to_string());
                    rec.fan_id = Some(fan.to_string());
                    rec.call_type = Some(req.call_type.as_str().to_string());
                    rec.detail = detail(json!({ "code": e.code() }));
                    tx.append_audit(&rec)?;
                    // Commit the limit counts and the audit row, then report the refusal.
                    Ok(Err(e))
                }
                other => other.map(Ok),
            }
        });
        match attempt {
            // A refused rate limit rolled back having changed nothing: only counted.
            Err(e @ Error::RateLimited { .. }) => Err(self.counted(e, now)),
            other => other?,
        }
    }

    /// Counts a refusal that writes no audit row (per code and minute, outside the refused
    /// operation's transaction) and hands it back. The count is telemetry: if the store
    /// cannot take it, the refusal is still the answer.
    fn counted(&self, refusal: Error, now: i64) -> Error {
        let _ = self.store.count_refusal(refusal.code(), minute_of(now));
        refusal
    }

    /// The rate limits an initiation takes one request from: the creator's, and the IP's
    /// when one is configured, with their keys.
    fn initiation_limits(&self, actor: &Actor, ip: Option<&str>) -> Vec<(String, RateLimit)> {
        let mut limits = vec![(
            format!("rate\ncreator\n{}", actor.id),
            self.config.creator_rate,
        )];
        if let (Some(ip), Some(limit)) = (ip, self.config.ip_rate) {
            limits.push((format!("rate\nip\n{}", ip_key(ip)), limit));
        }
        limits
    }

    /// The checks after the rate limits, and the ringing call.
    fn ring(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        fan: &UserId,
        req: &InitiateRequest,
        reads: InitiateReads,
        now: i64,
    ) -> Result<Outcome<crate::calls::CallView>> {
        let cooldown = self.config.cooldown;
        let facts = PairFacts {
            settings: reads.settings.unwrap_or_default(),
            relationships: reads.relationships,
            blocks: BlockState {
                by_fan: reads.blocked_by_fan,
                by_creator: reads.blocked_by_creator,
            },
        };
        let mut input = facts.input(Action::Call, actor, fan);
        input.fan_in_connected_call = reads.fan_connected;
        decide(&input).into_result(Some(Feature::Calls))?;
        // An invitation past its time no longer occupies the creator, swept or not.
        let active = match &reads.creator_active_call {
            Some(id) => tx.get_call(id)?,
            None => None,
        };
        let stale = match active {
            Some(c) if c.state == CallState::Ringing && now >= c.expires_at_ms => Some(c),
            Some(_) => return Err(Error::Busy),
            None => None,
        };
        // The cooldown runs from the pair's latest call: only a successful initiation makes
        // one, so no limit row is written for it.
        let last = reads.latest_pair_call;
        cooldown.check(last.map(|at| cooldown.until(at)), now)?;
        let rate = match req.rate_per_minute {
            Some(rate) => rate,
            None => self.rate_from(reads.price),
        };
        let balance = self.spendable(reads.fan_balance);
        if let Some(balance) = balance {
            let needed = self.config.billing.start_guard(rate);
            if balance < needed {
                return Err(Error::InsufficientTokens { needed });
            }
        }
        let (creator_uid, fan_uid) = call_uids(actor.id.as_str(), fan.as_str())?;
        // Every check passed: only now is the stale invitation marked missed, so a refusal
        // (which commits its audit row) never leaves a missed call without its events.
        let mut events = Vec::new();
        if let Some(stale) = stale {
            if miss(tx, stale, now, &mut events)?.is_none() {
                return Err(Error::internal(
                    "an active call changed inside its transaction",
                ));
            }
        }
        let call = Call {
            id: CallId::random(),
            creator: actor.id.clone(),
            fan: fan.clone(),
            call_type: req.call_type,
            state: CallState::Ringing,
            message: req.message.clone(),
            rate_per_minute: rate,
            creator_uid,
            fan_uid,
            created_at_ms: now,
            expires_at_ms: now.saturating_add(self.config.invitation_ttl_ms),
            connected_at_ms: None,
            limit_at_ms: None,
            finished_at_ms: None,
            ended_by: None,
        };
        tx.insert_call(&call)?;
        tx.append_audit(&call_audit("call_initiated", Some(actor), &call, now))?;
        let creator_name = reads.creator_profile.map(|p| p.display_name);
        events.push(Event::to_user(
            fan,
            "call:request",
            json!({
                "callId": call.id,
                "creatorId": call.creator,
                "creatorName": creator_name,
                "callType": call.call_type,
                "expiresAt": rfc3339(call.expires_at_ms),
                "message": call.message,
                "ratePerMinute": call.rate_per_minute,
                "affordableMinutes": balance.map(|b| self.affordable_minutes(b, rate)),
            }),
        ));
        Ok(Outcome {
            value: call.view(),
            events,
        })
    }

    /// Loads a call the actor takes part in; anyone else gets `NOT_FOUND`.
    fn participant_call(tx: &mut dyn Tx, actor: &Actor, id: &CallId) -> Result<Call> {
        let call = tx.get_call(id)?.ok_or(Error::NotFound("call"))?;
        if call.has_participant(&actor.id) || actor.role == Role::Admin {
            Ok(call)
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
            let mut call = Self::participant_call(tx, actor, &id)?;
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
            if tx.is_blocked(&call.creator, &call.fan)?
                || tx.is_blocked(&call.fan, &call.creator)?
            {
                return Err(Error::Blocked);
            }
            if tx.fan_connected(&call.fan)? {
                return Err(Error::Busy);
            }
            let limit_secs = self.call_limit_secs(tx, &call)?;
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
    fn call_limit_secs(&self, tx: &mut dyn Tx, call: &Call) -> Result<i64> {
        let max = u64::from(self.config.max_call_secs);
        let Some(balance) = self.fan_balance(tx, &call.fan)? else {
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
            let call = Self::participant_call(tx, actor, &id)?;
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
            let mut events = Vec::new();
            let ended =
                self.end_connected(tx, call, Some(actor), EndReason::Hangup, now, &mut events)?;
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

    /// A call's status (participants and admins), with its settlement once ended.
    pub fn status(&self, actor: &Actor, call_id: &str) -> Result<CallStatus> {
        let id = CallId::parse(call_id)?;
        self.read(|tx| {
            let call = Self::participant_call(tx, actor, &id)?;
            let settlement = if call.state == CallState::Ended {
                tx.get_settlement(&call.id)?
            } else {
                None
            };
            Ok(CallStatus {
                call: call.view(),
                settlement,
            })
        })
    }

    /// The actor's ringing invitations that have not expired, newest first, each with its
    /// rate and how many whole minutes of it the actor's balance affords.
    pub fn pending(&self, actor: &Actor) -> Result<Vec<crate::calls::CallView>> {
        let now = self.now_ms();
        self.read(|tx| {
            let calls = tx.pending_for_fan(&actor.id, now)?;
            if calls.is_empty() {
                return Ok(Vec::new());
            }
            let balance = self.fan_balance(tx, &actor.id)?;
            Ok(calls
                .iter()
                .map(|call| {
                    let mut view = call.view();
                    view.affordable_minutes =
                        balance.map(|b| self.affordable_minutes(b, call.rate_per_minute));
                    view
                })
                .collect())
        })
    }

    /// The actor's calls, newest first, `limit` (1 to 100) at a time; pass the returned
    /// cursor back for the next page.
    pub fn history(&self, actor: &Actor, cursor: Option<&str>, limit: u32) -> Result<HistoryPage> {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid(format!("limit must be 1 to {MAX_PAGE}")));
        }
        let cursor = cursor.map(decode_cursor).transpose()?;
        self.read(|tx| {
            // One extra row tells whether another page exists.
            let mut calls = tx.history(&actor.id, cursor.as_ref(), limit as usize + 1)?;
            let more = calls.len() > limit as usize;
            calls.truncate(limit as usize);
            let next_cursor = match calls.last() {
                Some(last) if more => Some(encode_cursor(&HistoryCursor {
                    created_at_ms: last.created_at_ms,
                    id: last.id,
                })),
                _ => None,
            };
            Ok(HistoryPage {
                items: calls.iter().map(Call::view).collect(),
                next_cursor,
            })
        })
    }

    /// The sweeper (the host runs it on a timer, every 30 s in the seed). Invitations past
    /// their time become `missed`, and both sides get `call:missed`; connected calls past
    /// their limit end, settled to the limit, and both sides get `call:ended` with reason
    /// `limit`. Also prunes limit rows that no longer limit anything. Returns the calls it
    /// expired or ended, at most 500 of each per run (the rest wait for the next run).
    pub fn expire_due(&self) -> Result<Outcome<Vec<String>>> {
        let now = self.now_ms();
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
            tx.prune_limits(now)?;
            Ok(Outcome {
                value: expired,
                events,
            })
        })
    }
}

/// Marks a ringing call whose invitation expired as missed, with its audit record and a
/// `call:missed` event to each side. Returns the missed call, `None` when it was no longer
/// ringing.
pub(super) fn miss(
    tx: &mut dyn Tx,
    mut call: Call,
    now: i64,
    events: &mut Vec<Event>,
) -> Result<Option<Call>> {
    let Ok(previous) = call.transition(CallState::Missed, now) else {
        return Ok(None);
    };
    if !tx.update_call(&call, previous)? {
        return Ok(None);
    }
    tx.append_audit(&call_audit("call_missed", None, &call, now))?;
    for user in [&call.creator, &call.fan] {
        events.push(Event::to_user(
            user,
            "call:missed",
            json!({ "callId": call.id }),
        ));
    }
    Ok(Some(call))
}

/// Writes a call that just made a transition, guarded by the state it left; another writer
/// having moved it first is `INVALID_STATE`.
pub(super) fn store_transition(tx: &mut dyn Tx, call: &Call, previous: CallState) -> Result<()> {
    if tx.update_call(call, previous)? {
        Ok(())
    } else {
        Err(Error::state("the call changed state"))
    }
}

/// Whether an error is a refusal by the rules (audited, limits kept) rather than bad input or
/// a failure of the store (nothing kept).
fn is_refusal(e: &Error) -> bool {
    !matches!(
        e,
        Error::InvalidInput(_)
            | Error::InvalidConfig(_)
            | Error::StoreUnavailable { .. }
            | Error::StoreIncompatible { .. }
            | Error::Internal { .. }
    )
}
