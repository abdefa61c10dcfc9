//! Initiation: the caller's input checked, the limits taken, the rules applied, the call
//! rung, and every refusal audited and counted.

use serde_json::json;

use super::{call_audit, miss, MAX_RATE_PER_MINUTE};
use crate::agora::call_uids;
use crate::calls::{Call, CallState, Event};
use crate::clock::rfc3339;
use crate::engine::fans::PairFacts;
use crate::engine::ledger::require_user_account;
use crate::engine::views::InitiateRequest;
use crate::engine::{audit, detail, Fanline, Outcome};
use crate::error::{Error, Result};
use crate::flags::Feature;
use crate::ids::{Actor, Role, UserId};
use crate::limits::RateLimit;
use crate::privacy::{decide, Action, BlockState};
use crate::store::{InitiateReads, Tx};

/// Longest invitation note, in characters.
const MAX_MESSAGE_CHARS: usize = 500;
/// Longest client IP text accepted for the per-IP limit.
const MAX_IP_BYTES: usize = 64;

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
            id: tx.new_call_id(),
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
