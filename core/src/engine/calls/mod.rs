//! Call operations: initiate, accept, decline, cancel, end, refresh, status, pending,
//! history and the invitation sweeper.
//!
//! The `calls` flag gates what starts or joins a call (initiate, accept, refresh_token).
//! Decline, cancel, end, the reads and the sweeper keep working while it is off, so switching
//! calls off never strands a call unanswered or unsettled.

use serde_json::json;

use super::audit;
use crate::calls::{Call, CallState, Event};
use crate::error::{Error, Result};
use crate::ids::Actor;
use crate::store::{AuditRecord, Tx};

mod initiate;
mod lifecycle;
mod queries;

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
