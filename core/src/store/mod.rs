//! The storage boundary: the [`Store`] trait, its transaction interface [`Tx`], and the
//! implementations (in memory, embedded SQLite, PostgreSQL).
//!
//! # The contract every store keeps
//! - [`Store::read`] and [`Store::write`] run the closure inside ONE database transaction.
//!   The engine does read, decide and write inside that closure, so concurrent callers in
//!   any number of threads or processes see each operation as atomic.
//! - If the closure returns `Err`, nothing it wrote is kept (rollback) and the error is
//!   returned unchanged.
//! - Contention (a busy database, a serialization failure, a deadlock) is retried inside
//!   the store, re-running the closure from the start, a bounded number of times and within
//!   a bounded time (see also [`deadline`]); after that the store returns
//!   `STORE_UNAVAILABLE`. A closure therefore has no effect outside `tx`.
//! - Any other transient failure of the database (I/O, lost connection) is
//!   `STORE_UNAVAILABLE` and leaves nothing half-applied. A store that can never be used as
//!   it is (a newer schema, a file that is not fanline's, corruption, a refused login) is
//!   `STORE_INCOMPATIBLE`, not retried.
//! - Conditional writes are atomic: [`Tx::update_call`] only writes when the stored state is
//!   the expected one, [`Tx::insert_settlement`] and [`Tx::append_ledger`] are idempotent by
//!   key, and limits are read and written inside the same transaction.
//! - The schema is versioned; migrations run forward when the store opens and have a tested
//!   down path.
//! - Rules live in the engine, never in a store: a store only reads and writes typed rows.

pub mod admin;
pub mod deadline;
mod memory;
mod migration;
mod open;
#[cfg(feature = "postgres")]
pub mod postgres;
mod probe;
mod records;
pub mod sqlite;

pub use memory::MemoryStore;
pub use open::open_store;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresOptions, PostgresStore};
pub use probe::StoreProbe;
pub use records::{
    AuditRecord, CallReads, HistoryCursor, InitiateReads, LedgerEntry, Profile, RefusalCount,
    Relationship, ShareState, ISSUANCE_ACCOUNT, PLATFORM_ACCOUNT,
};
pub use sqlite::{SqliteOptions, SqliteStore, Synchronous};

use crate::calls::{Call, CallState, Settlement};
use crate::error::Result;
use crate::ids::{CallId, UserId};
use crate::privacy::{PrivacySettings, RelationshipKind};

/// A transactional store. See the module docs for the contract.
///
/// Hosts pick one ([`MemoryStore`], [`SqliteStore`], `PostgresStore`) and hand it to the
/// engine; the engine alone runs transactions on it. Reading directly is for tests and tools:
///
/// ```
/// use fanline::store::{open_store, Store};
///
/// let store = open_store("sqlite::memory:")?;
/// let mut sum = None;
/// store.read(&mut |tx| {
///     sum = Some(tx.ledger_sum()?);
///     Ok(())
/// })?;
/// assert_eq!(sum, Some(0));
/// assert_eq!(store.probe()?.kind, "sqlite");
/// # Ok::<(), fanline::Error>(())
/// ```
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Runs `f` in a read-only transaction (a consistent snapshot).
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;

    /// Runs `f` in a write transaction: all of its writes commit together or not at all.
    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;

    /// A canonical text dump of everything stored, for tests that compare before and after.
    fn dump(&self) -> Result<String>;

    /// Adds one refusal to the counter of its code and minute, in a transaction of its own:
    /// a counter decides nothing, so it must not make the refusals of many instances contend
    /// with each other (a store that isolates writes serializably bumps it at a weaker
    /// level). The default runs [`Tx::count_refusal`] in [`Store::write`].
    fn count_refusal(&self, code: &str, minute_ms: i64) -> Result<()> {
        self.write(&mut |tx| tx.count_refusal(code, minute_ms))
    }

    /// Deletes the limit rows at or before `now_ms` (they limit nothing any more) in a
    /// transaction of its own, and returns how many went. Like a counter, pruning decides
    /// nothing: a row at or before now reads the same as no row, so a store that isolates
    /// writes serializably prunes at a weaker level and the sweeper's scan of the table does
    /// not make concurrent initiations contend with it. The default runs
    /// [`Tx::prune_limits`] in [`Store::write`]; a store that wraps another forwards this (and
    /// [`Store::count_refusal`]) to keep the inner store's weaker level.
    fn prune_limits(&self, now_ms: i64) -> Result<u64> {
        let mut pruned = 0;
        self.write(&mut |tx| {
            pruned = tx.prune_limits(now_ms)?;
            Ok(())
        })?;
        Ok(pruned)
    }

    /// One cheap read that proves the store answers, and what it is (health checks). The
    /// default runs an empty read transaction and reports the kind `"custom"`.
    fn probe(&self) -> Result<StoreProbe> {
        self.read(&mut |_| Ok(()))?;
        Ok(StoreProbe {
            kind: "custom",
            schema_version: None,
            latest_version: None,
        })
    }
}

/// The typed reads and writes available inside a transaction.
pub trait Tx {
    // --- privacy ---------------------------------------------------------------------------
    /// The fan's stored settings, `None` when they never changed anything.
    fn get_settings(&mut self, fan: &UserId) -> Result<Option<PrivacySettings>>;
    /// Stores the fan's settings.
    fn put_settings(&mut self, fan: &UserId, settings: &PrivacySettings, now_ms: i64)
        -> Result<()>;

    /// Display fields of a user (set by the host).
    fn get_profile(&mut self, user: &UserId) -> Result<Option<Profile>>;
    /// Stores display fields.
    fn put_profile(&mut self, user: &UserId, profile: &Profile) -> Result<()>;

    /// Every relationship row of the pair, in kind order.
    fn relationships(&mut self, creator: &UserId, fan: &UserId) -> Result<Vec<Relationship>>;
    /// Records `kind` for the pair: inserts with `first_at = last_at = now`, or moves
    /// `last_interaction_at` of the existing row.
    fn record_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
        now_ms: i64,
    ) -> Result<()>;
    /// Deletes the row; `true` when one existed.
    fn remove_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
    ) -> Result<bool>;

    /// Whether `blocker` blocked `blocked`.
    fn is_blocked(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool>;
    /// Adds a block; `true` when it is new.
    fn put_block(&mut self, blocker: &UserId, blocked: &UserId, now_ms: i64) -> Result<bool>;
    /// Removes a block; `true` when one existed.
    fn delete_block(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool>;

    /// The fan's share-link state.
    fn get_share(&mut self, fan: &UserId) -> Result<Option<ShareState>>;
    /// Stores the fan's share-link state.
    fn put_share(&mut self, fan: &UserId, state: &ShareState) -> Result<()>;

    // --- calls -----------------------------------------------------------------------------
    /// The id for a call about to be inserted. Call ids are not secrets (every operation on a
    /// call checks that the actor takes part in it, and joining its Agora channel takes a
    /// token), so a store picks the kind its index likes: random (v4) ones by default, which
    /// spread concurrent writers over the id index; a store with a single writer may return
    /// time-ordered (v7) ones, which it appends.
    fn new_call_id(&mut self) -> CallId {
        CallId::random()
    }
    /// A call by id.
    fn get_call(&mut self, id: &CallId) -> Result<Option<Call>>;
    /// Inserts a new call (state `ringing`).
    fn insert_call(&mut self, call: &Call) -> Result<()>;
    /// Writes `call` only if the stored state is `expected`; `true` when written.
    fn update_call(&mut self, call: &Call, expected: CallState) -> Result<bool>;
    /// The creator's or fan's ringing or connected call, if any (`as_creator` picks the side).
    fn active_call(&mut self, user: &UserId, as_creator: bool) -> Result<Option<Call>>;
    /// Whether the fan is in a connected call.
    fn fan_connected(&mut self, fan: &UserId) -> Result<bool>;
    /// The `created_at_ms` of the pair's latest call created after `after_ms`, if any: the
    /// pair's cooldown, read from the calls themselves. Only the creator's calls after
    /// `after_ms` are looked at, which the creator's rate limit keeps few.
    fn latest_pair_call(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
    ) -> Result<Option<i64>>;
    /// What an initiation reads about the pair, pair calls after `after_ms` for the
    /// cooldown, and the limit rows of `limit_keys` (in their order). The default runs the
    /// single reads one by one; a store may answer it in one statement or round trip.
    fn initiate_reads(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
        limit_keys: &[&str],
    ) -> Result<InitiateReads> {
        Ok(InitiateReads {
            limits: limit_keys
                .iter()
                .map(|key| self.get_limit(key))
                .collect::<Result<_>>()?,
            settings: self.get_settings(fan)?,
            relationships: self.relationships(creator, fan)?,
            blocked_by_fan: self.is_blocked(fan, creator)?,
            blocked_by_creator: self.is_blocked(creator, fan)?,
            fan_connected: self.fan_connected(fan)?,
            latest_pair_call: self.latest_pair_call(creator, fan, after_ms)?,
            price: self.get_call_price(creator)?,
            fan_balance: self.balance(fan.as_str())?,
            creator_profile: self.get_profile(creator)?,
            creator_active_call: self.active_call(creator, true)?.map(|c| c.id),
        })
    }
    /// A call (`None` when there is none) with what accepting or ending it reads: the blocks
    /// between its creator and fan, whether the fan is in a connected call, and the fan's
    /// balance. The default runs the single reads one by one; a store may answer it in one
    /// statement or round trip.
    fn call_reads(&mut self, call: &CallId) -> Result<Option<CallReads>> {
        let Some(call) = self.get_call(call)? else {
            return Ok(None);
        };
        Ok(Some(CallReads {
            blocked_by_fan: self.is_blocked(&call.fan, &call.creator)?,
            blocked_by_creator: self.is_blocked(&call.creator, &call.fan)?,
            fan_connected: self.fan_connected(&call.fan)?,
            fan_balance: self.balance(call.fan.as_str())?,
            call,
        }))
    }
    /// The fan's ringing calls whose invitation has not expired at `now_ms`, newest first.
    fn pending_for_fan(&mut self, fan: &UserId, now_ms: i64) -> Result<Vec<Call>>;
    /// Calls where `user` is a participant, newest first (by `created_at_ms`, then id),
    /// strictly after `cursor` in that order, at most `limit`.
    fn history(
        &mut self,
        user: &UserId,
        cursor: Option<&HistoryCursor>,
        limit: usize,
    ) -> Result<Vec<Call>>;
    /// Ringing calls whose invitation expired at or before `now_ms`, oldest first, at most
    /// `limit`.
    fn due_invitations(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>>;

    /// Connected calls whose time limit is at or before `now_ms`, oldest limit first, at most
    /// `limit`.
    fn due_call_limits(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>>;
    /// A creator's stored price per minute, `None` when they never set one.
    fn get_call_price(&mut self, creator: &UserId) -> Result<Option<u64>>;
    /// Stores a creator's price per minute.
    fn put_call_price(&mut self, creator: &UserId, rate_per_minute: u64, now_ms: i64)
        -> Result<()>;

    /// The settlement of a call.
    fn get_settlement(&mut self, call: &CallId) -> Result<Option<Settlement>>;
    /// Inserts a settlement; `false` (and nothing written) when the call already has one.
    fn insert_settlement(&mut self, settlement: &Settlement) -> Result<bool>;

    // --- limits ----------------------------------------------------------------------------
    /// A limit row (a cooldown end or a GCRA TAT, unix ms).
    fn get_limit(&mut self, key: &str) -> Result<Option<i64>>;
    /// Stores a limit row.
    fn put_limit(&mut self, key: &str, value_ms: i64) -> Result<()>;
    /// Deletes limit rows whose value is at or before `now_ms` (they mean "no limit" now);
    /// returns how many.
    fn prune_limits(&mut self, now_ms: i64) -> Result<u64>;

    /// Adds one refusal with `code` to the counter of the minute starting at `minute_ms`.
    fn count_refusal(&mut self, code: &str, minute_ms: i64) -> Result<()>;
    /// The refusal counters of the minutes in `[since_ms, until_ms)`, as
    /// `(minute_ms, code, count)` in minute then code order.
    fn refusal_counts(&mut self, since_ms: i64, until_ms: i64) -> Result<Vec<RefusalCount>>;

    // --- ledger ----------------------------------------------------------------------------
    /// The balance of an account (a user id, [`PLATFORM_ACCOUNT`] or [`ISSUANCE_ACCOUNT`]).
    fn balance(&mut self, account: &str) -> Result<i64>;
    /// Appends entries and moves balances, all or nothing. Returns `false` and writes
    /// nothing when the first entry's reference already exists (the batch was applied).
    fn append_ledger(&mut self, entries: &[LedgerEntry]) -> Result<bool>;
    /// The entry with this reference, if one was appended.
    fn ledger_entry(&mut self, reference: &str) -> Result<Option<LedgerEntry>>;
    /// The sum of every ledger entry (zero when the books balance).
    fn ledger_sum(&mut self) -> Result<i64>;

    // --- audit -----------------------------------------------------------------------------
    /// Appends an audit record; its `seq` is assigned by the store.
    fn append_audit(&mut self, record: &AuditRecord) -> Result<()>;
    /// Audit records with `seq > after`, oldest first, at most `limit`.
    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditRecord>>;
}
