//! Rows to records and records to column values.

use tokio_postgres::Row;

use crate::billing::{Bill, Charge};
use crate::calls::{Call, CallState, CallType, Settlement};
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::store::records::AuditRecord;

/// The columns of a call, in the order [`call`] reads them.
macro_rules! call_columns {
    () => {
        "id::text, creator_id, fan_id, call_type, state, message, rate_per_minute, creator_uid, \
         fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms, ended_by, \
         limit_at_ms"
    };
}
pub(super) use call_columns;

/// The columns of a settlement, in the order [`settlement`] reads them.
macro_rules! settlement_columns {
    () => {
        "call_id::text, billed_seconds, billed_minutes, rate_per_minute, gross, charged, \
         shortfall, fee, creator_net, settled_at_ms"
    };
}
pub(super) use settlement_columns;

/// The columns of an audit record, in the order [`audit`] reads them.
macro_rules! audit_columns {
    () => {
        "seq, event, actor_id, call_id, creator_id, fan_id, call_type, detail, at_ms"
    };
}
pub(super) use audit_columns;

/// A row that does not hold what the schema promises: a bug or a hand-edited database.
fn corrupt(what: &str) -> Error {
    Error::internal(format!("postgres store: corrupt {what} row"))
}

/// Reads column `i`, mapping a type mismatch to a corrupt-row error.
pub(super) fn get<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i).map_err(|_| corrupt("column"))
}

fn user(row: &Row, i: usize) -> Result<UserId> {
    UserId::new(get::<String>(row, i)?).map_err(|_| corrupt("user id"))
}

/// A stored unsigned amount (always >= 0 by the schema's checks).
pub(super) fn unsigned(row: &Row, i: usize) -> Result<u64> {
    u64::try_from(get::<i64>(row, i)?).map_err(|_| corrupt("amount"))
}

/// An unsigned amount as a column value; past `i64::MAX` it cannot be stored.
pub(super) fn amount(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::invalid("an amount is larger than the store can hold"))
}

/// A call from the columns of [`call_columns`].
pub(super) fn call(row: &Row) -> Result<Call> {
    let uid = |i| u32::try_from(get::<i32>(row, i)?).map_err(|_| corrupt("call uid"));
    Ok(Call {
        id: CallId::parse(&get::<String>(row, 0)?).map_err(|_| corrupt("call id"))?,
        creator: user(row, 1)?,
        fan: user(row, 2)?,
        call_type: CallType::parse(&get::<String>(row, 3)?).map_err(|_| corrupt("call type"))?,
        state: CallState::parse(&get::<String>(row, 4)?).map_err(|_| corrupt("call state"))?,
        message: get(row, 5)?,
        rate_per_minute: unsigned(row, 6)?,
        creator_uid: uid(7)?,
        fan_uid: uid(8)?,
        created_at_ms: get(row, 9)?,
        expires_at_ms: get(row, 10)?,
        connected_at_ms: get(row, 11)?,
        finished_at_ms: get(row, 12)?,
        ended_by: get::<Option<String>>(row, 13)?
            .map(|u| UserId::new(u).map_err(|_| corrupt("user id")))
            .transpose()?,
        limit_at_ms: get(row, 14)?,
    })
}

/// A settlement from the columns of [`settlement_columns`].
pub(super) fn settlement(row: &Row) -> Result<Settlement> {
    Ok(Settlement {
        call_id: CallId::parse(&get::<String>(row, 0)?).map_err(|_| corrupt("call id"))?,
        charge: Charge {
            bill: Bill {
                billed_seconds: unsigned(row, 1)?,
                billed_minutes: unsigned(row, 2)?,
                rate_per_minute: unsigned(row, 3)?,
                gross: unsigned(row, 4)?,
            },
            charged: unsigned(row, 5)?,
            shortfall: unsigned(row, 6)?,
            fee: unsigned(row, 7)?,
            creator_net: unsigned(row, 8)?,
        },
        settled_at_ms: get(row, 9)?,
    })
}

/// An audit record from the columns of [`audit_columns`].
pub(super) fn audit(row: &Row) -> Result<AuditRecord> {
    Ok(AuditRecord {
        seq: get(row, 0)?,
        event: get(row, 1)?,
        actor_id: get(row, 2)?,
        call_id: get(row, 3)?,
        creator_id: get(row, 4)?,
        fan_id: get(row, 5)?,
        call_type: get(row, 6)?,
        detail: get(row, 7)?,
        at_ms: get(row, 8)?,
    })
}

/// A row count or page size as a `LIMIT` value.
pub(super) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
