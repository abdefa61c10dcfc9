//! Decoding rows into records. A stored value that does not decode means the file was
//! corrupted or written by something else: it surfaces as a database error
//! (`STORE_UNAVAILABLE`), never as a panic.

use rusqlite::types::Type;
use rusqlite::Row;

use crate::billing::{Bill, Charge};
use crate::calls::{Call, CallState, CallType, Settlement};
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::privacy::{Audience, PrivacySettings, RelationshipKind, Visibility};
use crate::store::records::{AuditRecord, Relationship};

fn corrupt(idx: usize, e: Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

fn parsed<T>(r: &Row, idx: usize, parse: fn(&str) -> Result<T>) -> rusqlite::Result<T> {
    parse(&r.get::<_, String>(idx)?).map_err(|e| corrupt(idx, e))
}

fn user(r: &Row, idx: usize) -> rusqlite::Result<UserId> {
    UserId::new(r.get::<_, String>(idx)?).map_err(|e| corrupt(idx, e))
}

fn call_id(r: &Row, idx: usize) -> rusqlite::Result<CallId> {
    parsed(r, idx, CallId::parse)
}

/// A call id column that may be NULL.
pub(super) fn call_id_opt(r: &Row, idx: usize) -> rusqlite::Result<Option<CallId>> {
    match r.get::<_, Option<String>>(idx)? {
        Some(id) => CallId::parse(&id).map(Some).map_err(|e| corrupt(idx, e)),
        None => Ok(None),
    }
}

/// A row of `sql::call_columns!()`.
pub(super) fn call(r: &Row) -> rusqlite::Result<Call> {
    Ok(Call {
        id: call_id(r, 0)?,
        creator: user(r, 1)?,
        fan: user(r, 2)?,
        call_type: parsed(r, 3, CallType::parse)?,
        state: parsed(r, 4, CallState::parse)?,
        message: r.get(5)?,
        rate_per_minute: r.get(6)?,
        creator_uid: r.get(7)?,
        fan_uid: r.get(8)?,
        created_at_ms: r.get(9)?,
        expires_at_ms: r.get(10)?,
        connected_at_ms: r.get(11)?,
        finished_at_ms: r.get(12)?,
        ended_by: match r.get::<_, Option<String>>(13)? {
            Some(s) => Some(UserId::new(s).map_err(|e| corrupt(13, e))?),
            None => None,
        },
        limit_at_ms: r.get(14)?,
    })
}

/// A row of `sql::GET_SETTINGS`.
pub(super) fn settings(r: &Row) -> rusqlite::Result<PrivacySettings> {
    Ok(PrivacySettings {
        visibility: parsed(r, 0, Visibility::parse)?,
        allow_dm: parsed(r, 1, Audience::parse)?,
        allow_calls: parsed(r, 2, Audience::parse)?,
        searchable: r.get(3)?,
    })
}

/// A row of `sql::RELATIONSHIPS`.
pub(super) fn relationship(r: &Row) -> rusqlite::Result<Relationship> {
    Ok(Relationship {
        kind: parsed(r, 0, RelationshipKind::parse)?,
        first_at_ms: r.get(1)?,
        last_interaction_at_ms: r.get(2)?,
    })
}

/// A row of `sql::GET_SETTLEMENT`.
pub(super) fn settlement(r: &Row) -> rusqlite::Result<Settlement> {
    Ok(Settlement {
        call_id: call_id(r, 0)?,
        charge: Charge {
            bill: Bill {
                billed_seconds: r.get(1)?,
                billed_minutes: r.get(2)?,
                rate_per_minute: r.get(3)?,
                gross: r.get(4)?,
            },
            charged: r.get(5)?,
            shortfall: r.get(6)?,
            fee: r.get(7)?,
            creator_net: r.get(8)?,
        },
        settled_at_ms: r.get(9)?,
    })
}

/// A row of `sql::AUDIT`.
pub(super) fn audit(r: &Row) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.get(0)?,
        event: r.get(1)?,
        actor_id: r.get(2)?,
        call_id: r.get(3)?,
        creator_id: r.get(4)?,
        fan_id: r.get(5)?,
        call_type: r.get(6)?,
        detail: r.get(7)?,
        at_ms: r.get(8)?,
    })
}

/// Amounts are `u64` in the engine and `INTEGER` (i64) in SQLite; a larger one is refused
/// before anything is written.
pub(super) fn int(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::invalid(format!("{what} exceeds 2^63-1")))
}
