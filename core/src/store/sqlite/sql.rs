//! Every statement the store runs inside a transaction, with the index that serves it. They
//! are constants so the query-plan test below checks exactly the text the store prepares.
//!
//! Queries on `calls` name their index (`INDEXED BY`): left to itself the planner prefers an
//! index that spares it a sort even when that index walks a user's whole history, which
//! breaks the scale rule on exactly the stores that matter (a missing index is then a loud
//! error, not a slow scan).

/// The columns of a call, in the order `rows::call` reads them (a macro so the statements
/// below are built at compile time with `concat!`).
macro_rules! call_columns {
    () => {
        "id, creator_id, fan_id, call_type, state, message, rate_per_minute, creator_uid, \
         fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms, ended_by, \
         limit_at_ms"
    };
}

// --- privacy: all primary-key lookups --------------------------------------------------------
pub(super) const GET_SETTINGS: &str = "SELECT visibility, allow_dm, allow_calls, searchable \
     FROM fan_privacy_settings WHERE fan_id = ?1";
pub(super) const PUT_SETTINGS: &str = "INSERT INTO fan_privacy_settings \
     (fan_id, visibility, allow_dm, allow_calls, searchable, updated_at_ms) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
     ON CONFLICT (fan_id) DO UPDATE SET visibility = excluded.visibility, \
     allow_dm = excluded.allow_dm, allow_calls = excluded.allow_calls, \
     searchable = excluded.searchable, updated_at_ms = excluded.updated_at_ms";
pub(super) const GET_PROFILE: &str =
    "SELECT display_name, avatar_url FROM user_profiles WHERE user_id = ?1";
pub(super) const PUT_PROFILE: &str =
    "INSERT INTO user_profiles (user_id, display_name, avatar_url) \
     VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET \
     display_name = excluded.display_name, avatar_url = excluded.avatar_url";
pub(super) const RELATIONSHIPS: &str = "SELECT kind, first_at_ms, last_interaction_at_ms \
     FROM creator_fan_relationships WHERE creator_id = ?1 AND fan_id = ?2";
pub(super) const RECORD_RELATIONSHIP: &str = "INSERT INTO creator_fan_relationships \
     (creator_id, fan_id, kind, first_at_ms, last_interaction_at_ms) VALUES (?1, ?2, ?3, ?4, ?4) \
     ON CONFLICT (creator_id, fan_id, kind) \
     DO UPDATE SET last_interaction_at_ms = excluded.last_interaction_at_ms";
pub(super) const REMOVE_RELATIONSHIP: &str = "DELETE FROM creator_fan_relationships \
     WHERE creator_id = ?1 AND fan_id = ?2 AND kind = ?3";
pub(super) const IS_BLOCKED: &str =
    "SELECT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = ?1 AND blocked_id = ?2)";
pub(super) const PUT_BLOCK: &str =
    "INSERT INTO user_blocks (blocker_id, blocked_id, created_at_ms) \
     VALUES (?1, ?2, ?3) ON CONFLICT (blocker_id, blocked_id) DO NOTHING";
pub(super) const DELETE_BLOCK: &str =
    "DELETE FROM user_blocks WHERE blocker_id = ?1 AND blocked_id = ?2";
pub(super) const GET_SHARE: &str =
    "SELECT generation, enabled, expires_at FROM fan_share_links WHERE fan_id = ?1";
pub(super) const PUT_SHARE: &str = "INSERT INTO fan_share_links \
     (fan_id, generation, enabled, expires_at) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (fan_id) DO UPDATE SET generation = excluded.generation, \
     enabled = excluded.enabled, expires_at = excluded.expires_at";

// --- calls -------------------------------------------------------------------------------------
/// The primary key of `calls`.
pub(super) const GET_CALL: &str = concat!("SELECT ", call_columns!(), " FROM calls WHERE id = ?1");
pub(super) const INSERT_CALL: &str = concat!(
    "INSERT INTO calls (",
    call_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
);
/// Participants and `created_at_ms` are a call's identity and never change, so they are left
/// out of the `SET` list: SQLite then leaves the history indexes alone.
pub(super) const UPDATE_CALL: &str = "UPDATE calls SET call_type = ?2, state = ?3, message = ?4, \
     rate_per_minute = ?5, creator_uid = ?6, fan_uid = ?7, expires_at_ms = ?8, \
     connected_at_ms = ?9, finished_at_ms = ?10, ended_by = ?11, limit_at_ms = ?12 \
     WHERE id = ?1 AND state = ?13";
/// `calls_creator_state`, which holds only live calls.
pub(super) const ACTIVE_AS_CREATOR: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_creator_state \
     WHERE creator_id = ?1 AND state IN ('ringing', 'connected') ORDER BY id LIMIT 1"
);
/// `calls_fan_state`.
pub(super) const ACTIVE_AS_FAN: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_fan_state \
     WHERE fan_id = ?1 AND state IN ('ringing', 'connected') ORDER BY id LIMIT 1"
);
/// `calls_fan_state` (the `IN` term is the partial index's condition, which SQLite needs
/// spelled out to use it).
pub(super) const FAN_CONNECTED: &str =
    "SELECT EXISTS (SELECT 1 FROM calls INDEXED BY calls_fan_state \
     WHERE fan_id = ?1 AND state IN ('ringing', 'connected') AND state = 'connected')";
/// `calls_creator_history`: the creator's calls after `?3` (few: the creator's rate limit
/// bounds them), checked for the fan.
pub(super) const LATEST_PAIR_CALL: &str = "SELECT MAX(created_at_ms) FROM calls \
     INDEXED BY calls_creator_history \
     WHERE creator_id = ?1 AND created_at_ms > ?3 AND fan_id = ?2";
/// Everything an accept or an end reads, in one statement: the call `?1` (its columns first, as
/// `GET_CALL` has them), the blocks between its creator and fan, whether the fan is in a
/// connected call (over the index `FAN_CONNECTED` uses), and the fan's balance.
pub(super) const CALL_READS: &str = concat!(
    "SELECT ",
    call_columns!(),
    ", EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = c.fan_id \
     AND blocked_id = c.creator_id), \
     EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = c.creator_id \
     AND blocked_id = c.fan_id), \
     EXISTS (SELECT 1 FROM calls f INDEXED BY calls_fan_state WHERE f.fan_id = c.fan_id \
     AND f.state IN ('ringing', 'connected') AND f.state = 'connected'), \
     COALESCE((SELECT balance FROM ledger_balances WHERE account = c.fan_id), 0) \
     FROM calls c WHERE c.id = ?1"
);
/// The reads of an initiation in one statement (`?1` creator, `?2` fan, `?3` the cooldown's
/// start): primary-key lookups and the two calls queries above. Active states are looked up
/// one equality at a time: an `IN` list over an index column makes SQLite build (and tear
/// down) a temporary b-tree on every execution.
pub(super) const INITIATE_READS: &str = "SELECT s.visibility, s.allow_dm, s.allow_calls, \
     s.searchable, \
     EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = ?2 AND blocked_id = ?1), \
     EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = ?1 AND blocked_id = ?2), \
     EXISTS (SELECT 1 FROM calls INDEXED BY calls_fan_state \
         WHERE fan_id = ?2 AND state IN ('ringing', 'connected') AND state = 'connected'), \
     (SELECT MAX(created_at_ms) FROM calls INDEXED BY calls_creator_history \
         WHERE creator_id = ?1 AND created_at_ms > ?3 AND fan_id = ?2), \
     (SELECT rate_per_minute FROM call_prices WHERE creator_id = ?1), \
     COALESCE((SELECT balance FROM ledger_balances WHERE account = ?2), 0), \
     p.user_id IS NOT NULL, p.display_name, p.avatar_url, \
     (SELECT MIN(id) FROM ( \
         SELECT id FROM calls INDEXED BY calls_creator_state WHERE creator_id = ?1 \
             AND state IN ('ringing', 'connected') AND state = 'ringing' \
         UNION ALL SELECT id FROM calls INDEXED BY calls_creator_state WHERE creator_id = ?1 \
             AND state IN ('ringing', 'connected') AND state = 'connected')) \
     FROM (SELECT 1) \
     LEFT JOIN fan_privacy_settings s ON s.fan_id = ?2 \
     LEFT JOIN user_profiles p ON p.user_id = ?1";
/// `calls_fan_state`; sorts only the fan's ringing calls.
pub(super) const PENDING_FOR_FAN: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_fan_state \
     WHERE fan_id = ?1 AND state IN ('ringing', 'connected') AND state = 'ringing' \
     AND expires_at_ms > ?2 \
     ORDER BY created_at_ms DESC, id DESC"
);
/// Two range scans, `calls_creator_history` and `calls_fan_history`, each stopping after
/// `?4` rows, merged; the fan side skips calls to oneself so nothing appears twice.
pub(super) const HISTORY: &str = concat!(
    "SELECT * FROM (SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_creator_history \
     WHERE creator_id = ?1 AND (created_at_ms, id) < (?2, ?3) \
     ORDER BY created_at_ms DESC, id DESC LIMIT ?4) \
     UNION ALL SELECT * FROM (SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_fan_history \
     WHERE fan_id = ?1 AND creator_id <> ?1 AND (created_at_ms, id) < (?2, ?3) \
     ORDER BY created_at_ms DESC, id DESC LIMIT ?4) \
     ORDER BY created_at_ms DESC, id DESC LIMIT ?4"
);
/// The partial index `calls_ringing_expiry`, which holds only ringing calls.
pub(super) const DUE_INVITATIONS: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_ringing_expiry \
     WHERE state = 'ringing' AND expires_at_ms <= ?1 \
     ORDER BY expires_at_ms, id LIMIT ?2"
);
/// The partial index `calls_connected_limit`, which holds only connected calls.
pub(super) const DUE_CALL_LIMITS: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls INDEXED BY calls_connected_limit \
     WHERE state = 'connected' AND limit_at_ms <= ?1 \
     ORDER BY limit_at_ms, id LIMIT ?2"
);
pub(super) const GET_CALL_PRICE: &str =
    "SELECT rate_per_minute FROM call_prices WHERE creator_id = ?1";
pub(super) const PUT_CALL_PRICE: &str = "INSERT INTO call_prices \
     (creator_id, rate_per_minute, updated_at_ms) VALUES (?1, ?2, ?3) \
     ON CONFLICT (creator_id) DO UPDATE SET rate_per_minute = excluded.rate_per_minute, \
     updated_at_ms = excluded.updated_at_ms";
pub(super) const GET_SETTLEMENT: &str = "SELECT call_id, billed_seconds, billed_minutes, \
     rate_per_minute, gross, charged, shortfall, fee, creator_net, settled_at_ms \
     FROM call_settlements WHERE call_id = ?1";
pub(super) const INSERT_SETTLEMENT: &str = "INSERT INTO call_settlements (call_id, \
     billed_seconds, billed_minutes, rate_per_minute, gross, charged, shortfall, fee, \
     creator_net, settled_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
     ON CONFLICT (call_id) DO NOTHING";

// --- limits ------------------------------------------------------------------------------------
pub(super) const GET_LIMIT: &str = "SELECT value_ms FROM limits WHERE key = ?1";
pub(super) const PUT_LIMIT: &str = "INSERT INTO limits (key, value_ms) VALUES (?1, ?2) \
     ON CONFLICT (key) DO UPDATE SET value_ms = excluded.value_ms";
/// The sweeper's prune reads every row of `limits` (no index on the value since schema 3):
/// the table holds only limits that still bite, so the read is bounded by the creators and
/// IPs active in the last period, never by history, and no rate-limited request pays for
/// an index on the value.
pub(super) const PRUNE_LIMITS: &str = "DELETE FROM limits WHERE value_ms <= ?1";

pub(super) const COUNT_REFUSAL: &str = "INSERT INTO refusal_counts (minute_ms, code, count) \
     VALUES (?1, ?2, 1) ON CONFLICT (minute_ms, code) DO UPDATE SET count = count + 1";
/// The primary key's range from `?1`.
pub(super) const REFUSAL_COUNTS: &str = "SELECT minute_ms, code, count FROM refusal_counts \
     WHERE minute_ms >= ?1 AND minute_ms < ?2 ORDER BY minute_ms, code";

// --- ledger and audit ----------------------------------------------------------------------------
/// The balances table: never a scan of the entries.
pub(super) const BALANCE: &str = "SELECT balance FROM ledger_balances WHERE account = ?1";
/// The unique index on `ledger_entries.reference`.
pub(super) const REFERENCE_EXISTS: &str =
    "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE reference = ?1)";
/// The unique index on `ledger_entries.reference`.
pub(super) const LEDGER_ENTRY: &str =
    "SELECT reference, account, amount, at_ms FROM ledger_entries WHERE reference = ?1";
pub(super) const APPEND_ENTRY: &str =
    "INSERT INTO ledger_entries (reference, account, amount, at_ms) VALUES (?1, ?2, ?3, ?4)";
pub(super) const PUT_BALANCE: &str = "INSERT INTO ledger_balances (account, balance) \
     VALUES (?1, ?2) ON CONFLICT (account) DO UPDATE SET balance = excluded.balance";
/// The conservation check reads every entry by design; it is not on any hot path.
pub(super) const LEDGER_SUM: &str = "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries";
pub(super) const APPEND_AUDIT: &str = "INSERT INTO audit_log (event, actor_id, call_id, \
     creator_id, fan_id, call_type, detail, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
/// The rowid range from `?1`.
pub(super) const AUDIT: &str = "SELECT seq, event, actor_id, call_id, creator_id, fan_id, \
     call_type, detail, at_ms FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2";

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::store::sqlite::migrations;

    /// The plan of `sql`, one detail line per step.
    fn plan(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        // Unbound parameters are NULL, which does not change the plan.
        let mut rows = stmt.raw_query();
        let mut steps = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            steps.push(row.get::<_, String>(3).unwrap());
        }
        steps
    }

    /// The domain's scale rule (cost per operation does not grow with history): every
    /// statement on a hot path searches an index; none scans a table or a whole index, and
    /// only the statements whose result is already bounded (one fan's ringing calls, two
    /// pages of history, an active call) may sort.
    #[test]
    fn every_hot_statement_is_served_by_an_index() {
        let conn = Connection::open_in_memory().unwrap();
        migrations::migrate_to(&conn, migrations::SCHEMA_VERSION, 0).unwrap();
        let tables: Vec<String> = {
            let mut stmt = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .unwrap();
            let names = stmt.query_map([], |r| r.get(0)).unwrap();
            names.map(Result::unwrap).collect()
        };
        let hot: [(&str, &[&str], bool); 27] = [
            (GET_SETTINGS, &["fan_privacy_settings"], false),
            (GET_PROFILE, &["user_profiles"], false),
            (RELATIONSHIPS, &["creator_fan_relationships"], false),
            (REMOVE_RELATIONSHIP, &["creator_fan_relationships"], false),
            (IS_BLOCKED, &["user_blocks"], false),
            (DELETE_BLOCK, &["user_blocks"], false),
            (GET_SHARE, &["fan_share_links"], false),
            (GET_CALL, &["PRIMARY KEY"], false),
            (UPDATE_CALL, &["PRIMARY KEY"], false),
            (ACTIVE_AS_CREATOR, &["calls_creator_state"], true),
            (ACTIVE_AS_FAN, &["calls_fan_state"], true),
            (FAN_CONNECTED, &["calls_fan_state"], false),
            (LATEST_PAIR_CALL, &["calls_creator_history"], false),
            (
                INITIATE_READS,
                &[
                    "calls_fan_state",
                    "calls_creator_history",
                    "calls_creator_state",
                    "call_prices",
                ],
                true,
            ),
            (
                CALL_READS,
                &[
                    "PRIMARY KEY",
                    "user_blocks",
                    "calls_fan_state",
                    "ledger_balances",
                ],
                false,
            ),
            (PENDING_FOR_FAN, &["calls_fan_state"], true),
            (
                HISTORY,
                &["calls_creator_history", "calls_fan_history"],
                true,
            ),
            (DUE_INVITATIONS, &["calls_ringing_expiry"], false),
            (DUE_CALL_LIMITS, &["calls_connected_limit"], false),
            (GET_CALL_PRICE, &["call_prices"], false),
            (GET_SETTLEMENT, &["call_settlements"], false),
            (GET_LIMIT, &["limits"], false),
            (REFUSAL_COUNTS, &["refusal_counts"], false),
            (BALANCE, &["ledger_balances"], false),
            (
                REFERENCE_EXISTS,
                &["sqlite_autoindex_ledger_entries_1"],
                false,
            ),
            (LEDGER_ENTRY, &["sqlite_autoindex_ledger_entries_1"], false),
            (AUDIT, &["audit_log"], false),
        ];
        for (sql, indexes, may_sort) in hot {
            let steps = plan(&conn, sql);
            let text = steps.join("\n");
            for step in &steps {
                for table in &tables {
                    let scan = format!("SCAN {table}");
                    assert!(
                        step != &scan && !step.starts_with(&format!("{scan} ")),
                        "{sql} scans {table}:\n{text}"
                    );
                }
                assert!(
                    may_sort || !step.contains("TEMP B-TREE"),
                    "{sql} sorts:\n{text}"
                );
            }
            for index in indexes {
                assert!(text.contains(index), "{sql} should use {index}:\n{text}");
            }
        }
    }
}
