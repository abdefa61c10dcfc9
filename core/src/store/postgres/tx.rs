//! [`Tx`] over one open PostgreSQL transaction: typed reads and writes, one cached prepared
//! statement each. Conditional writes are single statements (`UPDATE ... WHERE state = $n`,
//! `INSERT ... ON CONFLICT DO NOTHING`); the isolation level (see the module docs of
//! `postgres`) makes the engine's read-decide-write closures atomic. A new call, limit
//! values, relationship rows and audit records are held back and sent together (`pending`),
//! with the `COMMIT` when nothing else follows them; an initiation's reads, and those of an
//! accept or an end, are one statement each, sent with the `BEGIN`. Round trips are a large
//! part of what an operation costs.

use super::failure::Failure;
use super::pending::{CallParams, Pending};
use super::pool::PgConn;
use super::rows::{self, amount, get};
use super::session::Params;
use super::sql;
use crate::calls::{Call, CallState, Settlement};
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::privacy::{Audience, PrivacySettings, RelationshipKind, Visibility};
use crate::store::records::{
    AuditRecord, CallReads, HistoryCursor, InitiateReads, LedgerEntry, Profile, RefusalCount,
    Relationship, ShareState,
};
use crate::store::Tx;

/// The transaction a closure sees.
pub(super) struct PgTx<'c> {
    conn: &'c mut PgConn,
    /// The first database failure, which decides the fate of the whole try even if the
    /// closure ignored the error it got.
    pub(super) failure: Option<Failure>,
    /// Writes held back until the next statement or the commit.
    pending: Pending,
}

impl<'c> PgTx<'c> {
    pub(super) fn new(conn: &'c mut PgConn) -> Self {
        PgTx {
            conn,
            failure: None,
            pending: Pending::default(),
        }
    }

    /// Sends the writes held back, as one statement. Runs before every other statement; its
    /// failure is the try's failure even if the closure ignores the error it is handed. The
    /// writes still held when the closure returns go with the commit instead (see
    /// [`commit_with`]).
    pub(super) fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let conn = &mut *self.conn;
        let sent = pending.send(|sql, params| conn.execute(sql, params).map(drop));
        self.check(sent)
    }

    /// The writes still held, taken out to go with the commit.
    pub(super) fn take_held(&mut self) -> Pending {
        std::mem::take(&mut self.pending)
    }

    /// Turns a failed statement into a fanline error, remembering the first failure.
    fn check<T>(&mut self, r: std::result::Result<T, Failure>) -> Result<T> {
        r.map_err(|failure| {
            let error = match &failure {
                Failure::Contended(d) | Failure::Lost(d) => Error::store(d),
                Failure::Failed(e) => e.clone(),
            };
            self.failure.get_or_insert(failure);
            error
        })
    }

    fn rows(&mut self, sql: &'static str, params: Params) -> Result<Vec<tokio_postgres::Row>> {
        self.flush()?;
        let r = self.conn.query(sql, params);
        self.check(r)
    }

    fn opt(&mut self, sql: &'static str, params: Params) -> Result<Option<tokio_postgres::Row>> {
        self.flush()?;
        let r = self.conn.query_opt(sql, params);
        self.check(r)
    }

    fn one(&mut self, sql: &'static str, params: Params) -> Result<tokio_postgres::Row> {
        self.flush()?;
        let r = self.conn.query_one(sql, params);
        self.check(r)
    }

    fn exec(&mut self, sql: &'static str, params: Params) -> Result<u64> {
        self.flush()?;
        let r = self.conn.execute(sql, params);
        self.check(r)
    }

    fn calls(&mut self, sql: &'static str, params: Params) -> Result<Vec<Call>> {
        self.rows(sql, params)?.iter().map(rows::call).collect()
    }
}

/// Sends the writes a transaction still held when its closure returned, with its `COMMIT`.
pub(super) fn commit_with(conn: &mut PgConn, held: Pending) -> std::result::Result<(), Failure> {
    held.send(|sql, params| conn.execute_and_commit(sql, params).map(drop))
}

/// The text form a call id is bound as (cast to `uuid` in SQL).
fn id(call: &CallId) -> String {
    call.to_string()
}

impl Tx for PgTx<'_> {
    fn get_settings(&mut self, fan: &UserId) -> Result<Option<PrivacySettings>> {
        let row = self.opt(sql::GET_SETTINGS, &[&fan.as_str()])?;
        row.map(|r| {
            Ok(PrivacySettings {
                visibility: Visibility::parse(&get::<String>(&r, 0)?)?,
                allow_dm: Audience::parse(&get::<String>(&r, 1)?)?,
                allow_calls: Audience::parse(&get::<String>(&r, 2)?)?,
                searchable: get(&r, 3)?,
            })
        })
        .transpose()
        .map_err(|_: Error| Error::internal("postgres store: corrupt settings row"))
    }

    fn put_settings(&mut self, fan: &UserId, s: &PrivacySettings, now_ms: i64) -> Result<()> {
        self.exec(
            sql::PUT_SETTINGS,
            &[
                &fan.as_str(),
                &s.visibility.as_str(),
                &s.allow_dm.as_str(),
                &s.allow_calls.as_str(),
                &s.searchable,
                &now_ms,
            ],
        )?;
        Ok(())
    }

    fn get_profile(&mut self, user: &UserId) -> Result<Option<Profile>> {
        let row = self.opt(sql::GET_PROFILE, &[&user.as_str()])?;
        row.map(|r| {
            Ok(Profile {
                display_name: get(&r, 0)?,
                avatar_url: get(&r, 1)?,
            })
        })
        .transpose()
    }

    fn put_profile(&mut self, user: &UserId, profile: &Profile) -> Result<()> {
        self.exec(
            sql::PUT_PROFILE,
            &[&user.as_str(), &profile.display_name, &profile.avatar_url],
        )?;
        Ok(())
    }

    fn relationships(&mut self, creator: &UserId, fan: &UserId) -> Result<Vec<Relationship>> {
        let rows = self.rows(sql::RELATIONSHIPS, &[&creator.as_str(), &fan.as_str()])?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(Relationship {
                    kind: RelationshipKind::parse(&get::<String>(r, 0)?)
                        .map_err(|_| Error::internal("postgres store: corrupt relationship"))?,
                    first_at_ms: get(r, 1)?,
                    last_interaction_at_ms: get(r, 2)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Kind order is the enum's, not the text's.
        out.sort_by_key(|r| r.kind);
        Ok(out)
    }

    fn record_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
        now_ms: i64,
    ) -> Result<()> {
        self.pending
            .record_relationship(creator.as_str(), fan.as_str(), kind.as_str(), now_ms);
        Ok(())
    }

    fn remove_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
    ) -> Result<bool> {
        let n = self.exec(
            sql::REMOVE_RELATIONSHIP,
            &[&creator.as_str(), &fan.as_str(), &kind.as_str()],
        )?;
        Ok(n > 0)
    }

    fn is_blocked(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        let row = self.one(sql::IS_BLOCKED, &[&blocker.as_str(), &blocked.as_str()])?;
        get(&row, 0)
    }

    fn put_block(&mut self, blocker: &UserId, blocked: &UserId, now_ms: i64) -> Result<bool> {
        let n = self.exec(
            sql::PUT_BLOCK,
            &[&blocker.as_str(), &blocked.as_str(), &now_ms],
        )?;
        Ok(n > 0)
    }

    fn delete_block(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        let n = self.exec(sql::DELETE_BLOCK, &[&blocker.as_str(), &blocked.as_str()])?;
        Ok(n > 0)
    }

    fn get_share(&mut self, fan: &UserId) -> Result<Option<ShareState>> {
        let row = self.opt(sql::GET_SHARE, &[&fan.as_str()])?;
        row.map(|r| {
            Ok(ShareState {
                generation: u32::try_from(get::<i64>(&r, 0)?)
                    .map_err(|_| Error::internal("postgres store: corrupt share row"))?,
                enabled: get(&r, 1)?,
                expires_at: get(&r, 2)?,
            })
        })
        .transpose()
    }

    fn put_share(&mut self, fan: &UserId, state: &ShareState) -> Result<()> {
        self.exec(
            sql::PUT_SHARE,
            &[
                &fan.as_str(),
                &i64::from(state.generation),
                &state.enabled,
                &state.expires_at,
            ],
        )?;
        Ok(())
    }

    fn get_call(&mut self, call: &CallId) -> Result<Option<Call>> {
        let row = self.opt(sql::GET_CALL, &[&id(call)])?;
        row.as_ref().map(rows::call).transpose()
    }

    fn call_reads(&mut self, call: &CallId) -> Result<Option<CallReads>> {
        let Some(row) = self.opt(sql::CALL_READS, &[&id(call)])? else {
            return Ok(None);
        };
        // The call's columns come first, as `get_call` reads them.
        Ok(Some(CallReads {
            call: rows::call(&row)?,
            blocked_by_fan: get(&row, 15)?,
            blocked_by_creator: get(&row, 16)?,
            fan_connected: get(&row, 17)?,
            fan_balance: get(&row, 18)?,
        }))
    }

    fn insert_call(&mut self, call: &Call) -> Result<()> {
        if self.pending.has_call() {
            self.flush()?;
        }
        self.pending.insert_call(call)
    }

    fn update_call(&mut self, call: &Call, expected: CallState) -> Result<bool> {
        let params = CallParams::of(call)?;
        let mut refs = params.refs();
        let expected = expected.as_str();
        refs.push(&expected);
        let n = self.exec(sql::UPDATE_CALL, &refs)?;
        Ok(n > 0)
    }

    fn active_call(&mut self, user: &UserId, as_creator: bool) -> Result<Option<Call>> {
        let sql = if as_creator {
            sql::ACTIVE_AS_CREATOR
        } else {
            sql::ACTIVE_AS_FAN
        };
        let row = self.opt(sql, &[&user.as_str()])?;
        row.as_ref().map(rows::call).transpose()
    }

    fn fan_connected(&mut self, fan: &UserId) -> Result<bool> {
        let row = self.one(sql::FAN_CONNECTED, &[&fan.as_str()])?;
        get(&row, 0)
    }

    fn latest_pair_call(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
    ) -> Result<Option<i64>> {
        // calls_creator_history: the creator's calls after `after_ms`, checked for the fan.
        let row = self.one(
            sql::LATEST_PAIR_CALL,
            &[&creator.as_str(), &fan.as_str(), &after_ms],
        )?;
        get(&row, 0)
    }

    fn initiate_reads(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
        limit_keys: &[&str],
    ) -> Result<InitiateReads> {
        let row = self.one(
            sql::INITIATE_READS,
            &[&creator.as_str(), &fan.as_str(), &after_ms, &limit_keys],
        )?;
        let settings = get::<Option<String>>(&row, 0)?
            .map(|visibility| -> Result<PrivacySettings> {
                Ok(PrivacySettings {
                    visibility: Visibility::parse(&visibility)?,
                    allow_dm: Audience::parse(&get::<String>(&row, 1)?)?,
                    allow_calls: Audience::parse(&get::<String>(&row, 2)?)?,
                    searchable: get(&row, 3)?,
                })
            })
            .transpose()
            .map_err(|_| Error::internal("postgres store: corrupt settings row"))?;
        let creator_profile = match get::<bool>(&row, 10)? {
            true => Some(Profile {
                display_name: get(&row, 11)?,
                avatar_url: get(&row, 12)?,
            }),
            false => None,
        };
        let creator_active_call = get::<Option<String>>(&row, 13)?
            .map(|id| {
                CallId::parse(&id).map_err(|_| Error::internal("postgres store: corrupt call id"))
            })
            .transpose()?;
        let kinds = get::<Option<Vec<String>>>(&row, 14)?.unwrap_or_default();
        let firsts = get::<Option<Vec<i64>>>(&row, 15)?.unwrap_or_default();
        let lasts = get::<Option<Vec<i64>>>(&row, 16)?.unwrap_or_default();
        let mut relationships = kinds
            .iter()
            .zip(firsts.into_iter().zip(lasts))
            .map(|(kind, (first_at_ms, last_interaction_at_ms))| {
                Ok(Relationship {
                    kind: RelationshipKind::parse(kind)
                        .map_err(|_| Error::internal("postgres store: corrupt relationship"))?,
                    first_at_ms,
                    last_interaction_at_ms,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Kind order is the enum's, not the text's.
        relationships.sort_by_key(|r| r.kind);
        Ok(InitiateReads {
            limits: get(&row, 17)?,
            settings,
            relationships,
            blocked_by_fan: get(&row, 4)?,
            blocked_by_creator: get(&row, 5)?,
            fan_connected: get(&row, 6)?,
            latest_pair_call: get(&row, 7)?,
            price: get::<Option<i64>>(&row, 8)?
                .map(|p| {
                    u64::try_from(p).map_err(|_| Error::internal("postgres store: corrupt price"))
                })
                .transpose()?,
            fan_balance: get(&row, 9)?,
            creator_profile,
            creator_active_call,
        })
    }

    fn pending_for_fan(&mut self, fan: &UserId, now_ms: i64) -> Result<Vec<Call>> {
        self.calls(sql::PENDING_FOR_FAN, &[&fan.as_str(), &now_ms])
    }

    fn history(
        &mut self,
        user: &UserId,
        cursor: Option<&HistoryCursor>,
        limit: usize,
    ) -> Result<Vec<Call>> {
        let limit = rows::limit(limit);
        // One index scan per side, each stopping after `limit` rows, then merged: the cost
        // follows the page size, not the participant's history.
        match cursor {
            None => self.calls(sql::HISTORY_FIRST_PAGE, &[&user.as_str(), &limit]),
            Some(c) => self.calls(
                sql::HISTORY_AFTER_CURSOR,
                &[&user.as_str(), &limit, &c.created_at_ms, &id(&c.id)],
            ),
        }
    }

    fn due_invitations(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        self.calls(sql::DUE_INVITATIONS, &[&now_ms, &rows::limit(limit)])
    }

    fn due_call_limits(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        self.calls(sql::DUE_CALL_LIMITS, &[&now_ms, &rows::limit(limit)])
    }

    fn get_call_price(&mut self, creator: &UserId) -> Result<Option<u64>> {
        let row = self.opt(sql::GET_CALL_PRICE, &[&creator.as_str()])?;
        row.map(|r| rows::unsigned(&r, 0)).transpose()
    }

    fn put_call_price(&mut self, creator: &UserId, rate: u64, now_ms: i64) -> Result<()> {
        self.exec(
            sql::PUT_CALL_PRICE,
            &[&creator.as_str(), &amount(rate)?, &now_ms],
        )?;
        Ok(())
    }

    fn get_settlement(&mut self, call: &CallId) -> Result<Option<Settlement>> {
        let row = self.opt(sql::GET_SETTLEMENT, &[&id(call)])?;
        row.as_ref().map(rows::settlement).transpose()
    }

    fn insert_settlement(&mut self, s: &Settlement) -> Result<bool> {
        let c = &s.charge;
        let n = self.exec(
            sql::INSERT_SETTLEMENT,
            &[
                &id(&s.call_id),
                &amount(c.bill.billed_seconds)?,
                &amount(c.bill.billed_minutes)?,
                &amount(c.bill.rate_per_minute)?,
                &amount(c.bill.gross)?,
                &amount(c.charged)?,
                &amount(c.shortfall)?,
                &amount(c.fee)?,
                &amount(c.creator_net)?,
                &s.settled_at_ms,
            ],
        )?;
        Ok(n > 0)
    }

    fn get_limit(&mut self, key: &str) -> Result<Option<i64>> {
        let row = self.opt(sql::GET_LIMIT, &[&key])?;
        row.map(|r| get(&r, 0)).transpose()
    }

    fn put_limit(&mut self, key: &str, value_ms: i64) -> Result<()> {
        self.pending.put_limit(key, value_ms);
        Ok(())
    }

    fn prune_limits(&mut self, now_ms: i64) -> Result<u64> {
        // The table has no index on the value: with sequential scans off (`SESSION_SETTINGS`)
        // the only plan carries the planner's penalty for a disabled one, which is far past
        // the JIT thresholds, and each prune then compiled itself (15-60 ms for 2,000 rows).
        // Runs in a transaction of its own (`Store::prune_limits`), so the setting ends there.
        self.exec(sql::ALLOW_SEQSCAN, &[])?;
        self.exec(sql::PRUNE_LIMITS, &[&now_ms])
    }

    fn count_refusal(&mut self, code: &str, minute_ms: i64) -> Result<()> {
        self.exec(sql::COUNT_REFUSAL, &[&minute_ms, &code])?;
        Ok(())
    }

    fn refusal_counts(&mut self, since_ms: i64, until_ms: i64) -> Result<Vec<RefusalCount>> {
        self.rows(sql::REFUSAL_COUNTS, &[&since_ms, &until_ms])?
            .iter()
            .map(|r| {
                Ok(RefusalCount {
                    minute_ms: get(r, 0)?,
                    code: get(r, 1)?,
                    count: rows::unsigned(r, 2)?,
                })
            })
            .collect()
    }

    fn balance(&mut self, account: &str) -> Result<i64> {
        let row = self.opt(sql::BALANCE, &[&account])?;
        Ok(row.map(|r| get(&r, 0)).transpose()?.unwrap_or(0))
    }

    fn append_ledger(&mut self, entries: &[LedgerEntry]) -> Result<bool> {
        if entries.is_empty() {
            return Ok(true);
        }
        let references: Vec<&str> = entries.iter().map(|e| e.reference.as_str()).collect();
        let accounts: Vec<&str> = entries.iter().map(|e| e.account.as_str()).collect();
        let amounts: Vec<i64> = entries.iter().map(|e| e.amount).collect();
        let times: Vec<i64> = entries.iter().map(|e| e.at_ms).collect();
        let row = self.one(
            sql::APPEND_LEDGER,
            &[&references, &accounts, &amounts, &times],
        )?;
        if get::<bool>(&row, 0)? {
            return Ok(false);
        }
        // A later entry's reference was taken, and the statement moved the balances anyway:
        // kept as the try's failure, so the transaction rolls back even if the closure
        // ignores the error.
        if get::<i64>(&row, 1)? != entries.len() as i64 {
            let duplicate = Failure::Failed(Error::internal("duplicate ledger reference"));
            return self.check(Err(duplicate));
        }
        Ok(true)
    }

    fn ledger_entry(&mut self, reference: &str) -> Result<Option<LedgerEntry>> {
        let row = self.opt(sql::LEDGER_ENTRY, &[&reference])?;
        row.map(|r| {
            Ok(LedgerEntry {
                reference: get(&r, 0)?,
                account: get(&r, 1)?,
                amount: get(&r, 2)?,
                at_ms: get(&r, 3)?,
            })
        })
        .transpose()
    }

    fn ledger_sum(&mut self) -> Result<i64> {
        // Every entry is read: a sequential scan beats the index scan the connection's
        // settings would otherwise pick (see `SESSION_SETTINGS`), and this read takes no
        // predicate locks (it runs in a read-only, REPEATABLE READ transaction).
        self.exec(sql::ALLOW_SEQSCAN, &[])?;
        let row = self.one(sql::LEDGER_SUM, &[])?;
        get(&row, 0)
    }

    fn append_audit(&mut self, r: &AuditRecord) -> Result<()> {
        self.pending.append_audit(r);
        Ok(())
    }

    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        self.rows(sql::AUDIT, &[&after, &rows::limit(limit)])?
            .iter()
            .map(rows::audit)
            .collect()
    }
}
