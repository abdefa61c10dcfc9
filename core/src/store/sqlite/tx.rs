//! [`Tx`] over one open SQLite transaction. Every statement goes through the connection's
//! prepared-statement cache, so steady-state operations never re-parse SQL.

use rusqlite::{params, Connection, OptionalExtension, Params, Row};

use super::rows::{self, int};
use super::{is_contention, sql, store_error};
use crate::calls::{Call, CallState, Settlement};
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::privacy::{PrivacySettings, RelationshipKind};
use crate::store::records::{
    AuditRecord, CallReads, HistoryCursor, InitiateReads, LedgerEntry, Profile, RefusalCount,
    Relationship, ShareState,
};
use crate::store::Tx;

/// The transaction handed to the engine's closure.
pub(super) struct SqliteTx<'c> {
    conn: &'c Connection,
    /// Set when a statement failed on contention, so the store re-runs the whole closure
    /// even if the closure turned the error into something else.
    pub(super) contended: bool,
}

impl<'c> SqliteTx<'c> {
    pub(super) fn new(conn: &'c Connection) -> Self {
        SqliteTx {
            conn,
            contended: false,
        }
    }

    /// Maps a database error to `STORE_UNAVAILABLE` (`STORE_INCOMPATIBLE` for a corrupt
    /// file), remembering contention.
    fn db<T>(&mut self, r: rusqlite::Result<T>) -> Result<T> {
        r.map_err(|e| {
            if is_contention(&e) {
                self.contended = true;
            }
            store_error(&e)
        })
    }

    /// Runs a statement; the number of rows it changed.
    fn exec(&mut self, sql: &str, p: impl Params) -> Result<usize> {
        let r = self.conn.prepare_cached(sql).and_then(|mut s| s.execute(p));
        self.db(r)
    }

    /// At most one row.
    fn one<T>(
        &mut self,
        sql: &str,
        p: impl Params,
        f: fn(&Row) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        let r = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut s| s.query_row(p, f).optional());
        self.db(r)
    }

    /// Every row.
    fn all<T>(
        &mut self,
        sql: &str,
        p: impl Params,
        f: fn(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let r = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut s| s.query_map(p, f)?.collect());
        self.db(r)
    }

    /// A `SELECT EXISTS (...)` or other single-value query.
    fn value<T: rusqlite::types::FromSql>(&mut self, sql: &str, p: impl Params) -> Result<T> {
        let r = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut s| s.query_row(p, |r| r.get(0)));
        self.db(r)
    }
}

/// SQLite limits are i64; any larger page is "everything".
fn page(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl Tx for SqliteTx<'_> {
    fn get_settings(&mut self, fan: &UserId) -> Result<Option<PrivacySettings>> {
        self.one(sql::GET_SETTINGS, [fan.as_str()], rows::settings)
    }

    fn put_settings(&mut self, fan: &UserId, s: &PrivacySettings, now_ms: i64) -> Result<()> {
        let p = params![
            fan.as_str(),
            s.visibility.as_str(),
            s.allow_dm.as_str(),
            s.allow_calls.as_str(),
            s.searchable,
            now_ms
        ];
        self.exec(sql::PUT_SETTINGS, p).map(drop)
    }

    fn get_profile(&mut self, user: &UserId) -> Result<Option<Profile>> {
        self.one(sql::GET_PROFILE, [user.as_str()], |r| {
            Ok(Profile {
                display_name: r.get(0)?,
                avatar_url: r.get(1)?,
            })
        })
    }

    fn put_profile(&mut self, user: &UserId, profile: &Profile) -> Result<()> {
        let p = params![user.as_str(), profile.display_name, profile.avatar_url];
        self.exec(sql::PUT_PROFILE, p).map(drop)
    }

    fn relationships(&mut self, creator: &UserId, fan: &UserId) -> Result<Vec<Relationship>> {
        let p = [creator.as_str(), fan.as_str()];
        let mut rows = self.all(sql::RELATIONSHIPS, p, rows::relationship)?;
        // Kind order is the enum's, not the text's.
        rows.sort_by_key(|r| r.kind as u8);
        Ok(rows)
    }

    fn record_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
        now_ms: i64,
    ) -> Result<()> {
        let p = params![creator.as_str(), fan.as_str(), kind.as_str(), now_ms];
        self.exec(sql::RECORD_RELATIONSHIP, p).map(drop)
    }

    fn remove_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
    ) -> Result<bool> {
        let p = [creator.as_str(), fan.as_str(), kind.as_str()];
        self.exec(sql::REMOVE_RELATIONSHIP, p).map(|n| n > 0)
    }

    fn is_blocked(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        self.value(sql::IS_BLOCKED, [blocker.as_str(), blocked.as_str()])
    }

    fn put_block(&mut self, blocker: &UserId, blocked: &UserId, now_ms: i64) -> Result<bool> {
        let p = params![blocker.as_str(), blocked.as_str(), now_ms];
        self.exec(sql::PUT_BLOCK, p).map(|n| n > 0)
    }

    fn delete_block(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        let p = [blocker.as_str(), blocked.as_str()];
        self.exec(sql::DELETE_BLOCK, p).map(|n| n > 0)
    }

    fn get_share(&mut self, fan: &UserId) -> Result<Option<ShareState>> {
        self.one(sql::GET_SHARE, [fan.as_str()], |r| {
            Ok(ShareState {
                generation: r.get(0)?,
                enabled: r.get(1)?,
                expires_at: r.get(2)?,
            })
        })
    }

    fn put_share(&mut self, fan: &UserId, s: &ShareState) -> Result<()> {
        let p = params![fan.as_str(), s.generation, s.enabled, s.expires_at];
        self.exec(sql::PUT_SHARE, p).map(drop)
    }

    /// Time-ordered: `calls` is keyed by its id (WITHOUT ROWID) and SQLite has one writer at
    /// a time, so new calls append at the table's right edge instead of landing on a random
    /// page of a table whose leaves hold whole rows (one page read, written and often split per
    /// insert). With a million calls this cut an initiation's CPU by about 40%.
    fn new_call_id(&mut self) -> CallId {
        CallId::time_ordered()
    }

    fn get_call(&mut self, id: &CallId) -> Result<Option<Call>> {
        self.one(sql::GET_CALL, [id.to_string()], rows::call)
    }

    fn call_reads(&mut self, id: &CallId) -> Result<Option<CallReads>> {
        // The call's columns come first, as `get_call` reads them.
        self.one(sql::CALL_READS, [id.to_string()], |r| {
            Ok(CallReads {
                call: rows::call(r)?,
                blocked_by_fan: r.get(15)?,
                blocked_by_creator: r.get(16)?,
                fan_connected: r.get(17)?,
                fan_balance: r.get(18)?,
            })
        })
    }

    fn insert_call(&mut self, call: &Call) -> Result<()> {
        let p = params![
            call.id.to_string(),
            call.creator.as_str(),
            call.fan.as_str(),
            call.call_type.as_str(),
            call.state.as_str(),
            call.message,
            int(call.rate_per_minute, "rate_per_minute")?,
            call.creator_uid,
            call.fan_uid,
            call.created_at_ms,
            call.expires_at_ms,
            call.connected_at_ms,
            call.finished_at_ms,
            call.ended_by.as_ref().map(UserId::as_str),
            call.limit_at_ms,
        ];
        let r = self
            .conn
            .prepare_cached(sql::INSERT_CALL)
            .and_then(|mut s| s.execute(p));
        match r {
            // The id is the only key: the same answer as the memory store gives.
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                Err(Error::internal("duplicate call id"))
            }
            r => self.db(r).map(drop),
        }
    }

    fn update_call(&mut self, call: &Call, expected: CallState) -> Result<bool> {
        let p = params![
            call.id.to_string(),
            call.call_type.as_str(),
            call.state.as_str(),
            call.message,
            int(call.rate_per_minute, "rate_per_minute")?,
            call.creator_uid,
            call.fan_uid,
            call.expires_at_ms,
            call.connected_at_ms,
            call.finished_at_ms,
            call.ended_by.as_ref().map(UserId::as_str),
            call.limit_at_ms,
            expected.as_str(),
        ];
        self.exec(sql::UPDATE_CALL, p).map(|n| n > 0)
    }

    fn active_call(&mut self, user: &UserId, as_creator: bool) -> Result<Option<Call>> {
        let sql = if as_creator {
            sql::ACTIVE_AS_CREATOR
        } else {
            sql::ACTIVE_AS_FAN
        };
        self.one(sql, [user.as_str()], rows::call)
    }

    fn fan_connected(&mut self, fan: &UserId) -> Result<bool> {
        self.value(sql::FAN_CONNECTED, [fan.as_str()])
    }

    fn latest_pair_call(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
    ) -> Result<Option<i64>> {
        let p = params![creator.as_str(), fan.as_str(), after_ms];
        self.value(sql::LATEST_PAIR_CALL, p)
    }

    fn initiate_reads(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
        limit_keys: &[&str],
    ) -> Result<InitiateReads> {
        let p = params![creator.as_str(), fan.as_str(), after_ms];
        let row = self.one(sql::INITIATE_READS, p, |r| {
            let settings = match r.get::<_, Option<String>>(0)? {
                Some(_) => Some(rows::settings(r)?),
                None => None,
            };
            let creator_profile = match r.get::<_, bool>(10)? {
                true => Some(Profile {
                    display_name: r.get(11)?,
                    avatar_url: r.get(12)?,
                }),
                false => None,
            };
            Ok(InitiateReads {
                limits: Vec::new(),
                settings,
                relationships: Vec::new(),
                blocked_by_fan: r.get(4)?,
                blocked_by_creator: r.get(5)?,
                fan_connected: r.get(6)?,
                latest_pair_call: r.get(7)?,
                price: r.get(8)?,
                fan_balance: r.get(9)?,
                creator_profile,
                creator_active_call: rows::call_id_opt(r, 13)?,
            })
        })?;
        let mut reads =
            row.ok_or_else(|| Error::internal("the initiation read returned no row"))?;
        reads.relationships = self.relationships(creator, fan)?;
        reads.limits = limit_keys
            .iter()
            .map(|key| self.get_limit(key))
            .collect::<Result<_>>()?;
        Ok(reads)
    }

    fn pending_for_fan(&mut self, fan: &UserId, now_ms: i64) -> Result<Vec<Call>> {
        self.all(
            sql::PENDING_FOR_FAN,
            params![fan.as_str(), now_ms],
            rows::call,
        )
    }

    fn history(
        &mut self,
        user: &UserId,
        cursor: Option<&HistoryCursor>,
        limit: usize,
    ) -> Result<Vec<Call>> {
        // Without a cursor, start above every real position: '~' sorts after any UUID text.
        let (before_ms, before_id) = match cursor {
            Some(c) => (c.created_at_ms, c.id.to_string()),
            None => (i64::MAX, "~".to_string()),
        };
        let p = params![user.as_str(), before_ms, before_id, page(limit)];
        self.all(sql::HISTORY, p, rows::call)
    }

    fn due_invitations(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        self.all(
            sql::DUE_INVITATIONS,
            params![now_ms, page(limit)],
            rows::call,
        )
    }

    fn due_call_limits(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        self.all(
            sql::DUE_CALL_LIMITS,
            params![now_ms, page(limit)],
            rows::call,
        )
    }

    fn get_call_price(&mut self, creator: &UserId) -> Result<Option<u64>> {
        self.one(sql::GET_CALL_PRICE, [creator.as_str()], |r| r.get(0))
    }

    fn put_call_price(&mut self, creator: &UserId, rate: u64, now_ms: i64) -> Result<()> {
        let p = params![creator.as_str(), int(rate, "rate_per_minute")?, now_ms];
        self.exec(sql::PUT_CALL_PRICE, p).map(drop)
    }

    fn get_settlement(&mut self, call: &CallId) -> Result<Option<Settlement>> {
        self.one(sql::GET_SETTLEMENT, [call.to_string()], rows::settlement)
    }

    fn insert_settlement(&mut self, s: &Settlement) -> Result<bool> {
        let c = &s.charge;
        let p = params![
            s.call_id.to_string(),
            int(c.bill.billed_seconds, "billed seconds")?,
            int(c.bill.billed_minutes, "billed minutes")?,
            int(c.bill.rate_per_minute, "rate_per_minute")?,
            int(c.bill.gross, "gross")?,
            int(c.charged, "charged")?,
            int(c.shortfall, "shortfall")?,
            int(c.fee, "fee")?,
            int(c.creator_net, "creator net")?,
            s.settled_at_ms,
        ];
        self.exec(sql::INSERT_SETTLEMENT, p).map(|n| n > 0)
    }

    fn get_limit(&mut self, key: &str) -> Result<Option<i64>> {
        self.one(sql::GET_LIMIT, [key], |r| r.get(0))
    }

    fn put_limit(&mut self, key: &str, value_ms: i64) -> Result<()> {
        self.exec(sql::PUT_LIMIT, params![key, value_ms]).map(drop)
    }

    fn prune_limits(&mut self, now_ms: i64) -> Result<u64> {
        self.exec(sql::PRUNE_LIMITS, [now_ms]).map(|n| n as u64)
    }

    fn count_refusal(&mut self, code: &str, minute_ms: i64) -> Result<()> {
        self.exec(sql::COUNT_REFUSAL, params![minute_ms, code])
            .map(drop)
    }

    fn refusal_counts(&mut self, since_ms: i64, until_ms: i64) -> Result<Vec<RefusalCount>> {
        self.all(sql::REFUSAL_COUNTS, params![since_ms, until_ms], |r| {
            Ok(RefusalCount {
                minute_ms: r.get(0)?,
                code: r.get(1)?,
                count: r.get(2)?,
            })
        })
    }

    fn balance(&mut self, account: &str) -> Result<i64> {
        Ok(self
            .one(sql::BALANCE, [account], |r| r.get(0))?
            .unwrap_or(0))
    }

    /// Checks every reference and balance before writing anything, so a refused batch
    /// leaves no partial write even in a transaction the caller goes on with.
    fn append_ledger(&mut self, entries: &[LedgerEntry]) -> Result<bool> {
        let Some(first) = entries.first() else {
            return Ok(true);
        };
        if self.value(sql::REFERENCE_EXISTS, [&first.reference])? {
            return Ok(false);
        }
        let mut balances: Vec<(&str, i64)> = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            if entries[..i].iter().any(|p| p.reference == e.reference)
                || (i > 0 && self.value(sql::REFERENCE_EXISTS, [&e.reference])?)
            {
                return Err(Error::internal("duplicate ledger reference"));
            }
            let slot = match balances.iter().position(|(a, _)| *a == e.account) {
                Some(p) => p,
                None => {
                    balances.push((&e.account, self.balance(&e.account)?));
                    balances.len() - 1
                }
            };
            balances[slot].1 = balances[slot]
                .1
                .checked_add(e.amount)
                .ok_or_else(|| Error::invalid("ledger balance overflows"))?;
        }
        for e in entries {
            let p = params![e.reference, e.account, e.amount, e.at_ms];
            self.exec(sql::APPEND_ENTRY, p)?;
        }
        for (account, balance) in balances {
            self.exec(sql::PUT_BALANCE, params![account, balance])?;
        }
        Ok(true)
    }

    fn ledger_entry(&mut self, reference: &str) -> Result<Option<LedgerEntry>> {
        self.one(sql::LEDGER_ENTRY, [reference], |r| {
            Ok(LedgerEntry {
                reference: r.get(0)?,
                account: r.get(1)?,
                amount: r.get(2)?,
                at_ms: r.get(3)?,
            })
        })
    }

    fn ledger_sum(&mut self) -> Result<i64> {
        self.value(sql::LEDGER_SUM, [])
    }

    fn append_audit(&mut self, r: &AuditRecord) -> Result<()> {
        let p = params![
            r.event,
            r.actor_id,
            r.call_id,
            r.creator_id,
            r.fan_id,
            r.call_type,
            r.detail,
            r.at_ms
        ];
        self.exec(sql::APPEND_AUDIT, p).map(drop)
    }

    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        self.all(sql::AUDIT, params![after, page(limit)], rows::audit)
    }
}
