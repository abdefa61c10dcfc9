//! The PostgreSQL store's SQL, one constant per statement, named after the `Tx` method that
//! runs it (like the SQLite store's `sql.rs`). Every statement is prepared once per
//! connection and cached.

use super::rows::{audit_columns, call_columns, settlement_columns};

/// `get_settings`.
pub(super) const GET_SETTINGS: &str = "SELECT visibility, allow_dm, allow_calls, searchable \
    FROM fan_privacy_settings WHERE fan_id = $1";
/// `put_settings`.
pub(super) const PUT_SETTINGS: &str = "INSERT INTO fan_privacy_settings \
    (fan_id, visibility, allow_dm, allow_calls, searchable, updated_at_ms) \
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (fan_id) DO UPDATE SET \
    visibility = EXCLUDED.visibility, allow_dm = EXCLUDED.allow_dm, \
    allow_calls = EXCLUDED.allow_calls, searchable = EXCLUDED.searchable, \
    updated_at_ms = EXCLUDED.updated_at_ms";
/// `get_profile`.
pub(super) const GET_PROFILE: &str =
    "SELECT display_name, avatar_url FROM user_profiles WHERE user_id = $1";
/// `put_profile`.
pub(super) const PUT_PROFILE: &str =
    "INSERT INTO user_profiles (user_id, display_name, avatar_url) VALUES ($1, $2, $3) \
    ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, \
    avatar_url = EXCLUDED.avatar_url";
/// `relationships`.
pub(super) const RELATIONSHIPS: &str =
    "SELECT kind, first_at_ms, last_interaction_at_ms FROM creator_fan_relationships \
    WHERE creator_id = $1 AND fan_id = $2";
/// `remove_relationship`.
pub(super) const REMOVE_RELATIONSHIP: &str = "DELETE FROM creator_fan_relationships \
    WHERE creator_id = $1 AND fan_id = $2 AND kind = $3";
/// `is_blocked`.
pub(super) const IS_BLOCKED: &str =
    "SELECT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2)";
/// `put_block`.
pub(super) const PUT_BLOCK: &str =
    "INSERT INTO user_blocks (blocker_id, blocked_id, created_at_ms) VALUES ($1, $2, $3) \
    ON CONFLICT (blocker_id, blocked_id) DO NOTHING";
/// `delete_block`.
pub(super) const DELETE_BLOCK: &str =
    "DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2";
/// `get_share`.
pub(super) const GET_SHARE: &str =
    "SELECT generation, enabled, expires_at FROM fan_share_links WHERE fan_id = $1";
/// `put_share`.
pub(super) const PUT_SHARE: &str =
    "INSERT INTO fan_share_links (fan_id, generation, enabled, expires_at) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (fan_id) DO UPDATE SET \
    generation = EXCLUDED.generation, enabled = EXCLUDED.enabled, \
    expires_at = EXCLUDED.expires_at";
/// `get_call`.
pub(super) const GET_CALL: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls WHERE id = $1::text::uuid"
);
/// `update_call`.
pub(super) const UPDATE_CALL: &str =
    "UPDATE calls SET creator_id = $2, fan_id = $3, call_type = $4, state = $5, \
    message = $6, rate_per_minute = $7, creator_uid = $8, fan_uid = $9, \
    created_at_ms = $10, expires_at_ms = $11, connected_at_ms = $12, \
    finished_at_ms = $13, ended_by = $14, limit_at_ms = $15 \
    WHERE id = $1::text::uuid AND state = $16";
/// `fan_connected`.
pub(super) const FAN_CONNECTED: &str =
    "SELECT EXISTS (SELECT 1 FROM calls WHERE fan_id = $1 AND state = 'connected')";
/// `latest_pair_call`.
pub(super) const LATEST_PAIR_CALL: &str = "SELECT MAX(created_at_ms) FROM calls \
    WHERE creator_id = $1 AND created_at_ms > $3 AND fan_id = $2";
/// `pending_for_fan`.
pub(super) const PENDING_FOR_FAN: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls WHERE fan_id = $1 AND state = 'ringing' AND expires_at_ms > $2 \
    ORDER BY created_at_ms DESC, id DESC"
);
/// `history`, the first page.
pub(super) const HISTORY_FIRST_PAGE: &str = concat!(
    "SELECT * FROM ((SELECT ",
    call_columns!(),
    " FROM calls WHERE creator_id = $1 \
    ORDER BY created_at_ms DESC, id DESC LIMIT $2) UNION ALL (SELECT ",
    call_columns!(),
    " FROM calls WHERE fan_id = $1 AND creator_id <> $1 \
    ORDER BY created_at_ms DESC, id DESC LIMIT $2)) AS page \
    ORDER BY created_at_ms DESC, id DESC LIMIT $2"
);
/// `history` after a cursor.
pub(super) const HISTORY_AFTER_CURSOR: &str = concat!(
    "SELECT * FROM ((SELECT ",
    call_columns!(),
    " FROM calls WHERE creator_id = $1 \
    AND (created_at_ms, id) < ($3, $4::text::uuid) \
    ORDER BY created_at_ms DESC, id DESC LIMIT $2) UNION ALL (SELECT ",
    call_columns!(),
    " FROM calls WHERE fan_id = $1 AND creator_id <> $1 \
    AND (created_at_ms, id) < ($3, $4::text::uuid) \
    ORDER BY created_at_ms DESC, id DESC LIMIT $2)) AS page \
    ORDER BY created_at_ms DESC, id DESC LIMIT $2"
);
/// `due_invitations`.
pub(super) const DUE_INVITATIONS: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls WHERE state = 'ringing' AND expires_at_ms <= $1 \
    ORDER BY expires_at_ms, id LIMIT $2"
);
/// `due_call_limits`.
pub(super) const DUE_CALL_LIMITS: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls WHERE state = 'connected' AND limit_at_ms <= $1 \
    ORDER BY limit_at_ms, id LIMIT $2"
);
/// `get_call_price`.
pub(super) const GET_CALL_PRICE: &str =
    "SELECT rate_per_minute FROM call_prices WHERE creator_id = $1";
/// `put_call_price`.
pub(super) const PUT_CALL_PRICE: &str =
    "INSERT INTO call_prices (creator_id, rate_per_minute, updated_at_ms) \
    VALUES ($1, $2, $3) ON CONFLICT (creator_id) DO UPDATE SET \
    rate_per_minute = EXCLUDED.rate_per_minute, updated_at_ms = EXCLUDED.updated_at_ms";
/// `get_settlement`.
pub(super) const GET_SETTLEMENT: &str = concat!(
    "SELECT ",
    settlement_columns!(),
    " FROM call_settlements WHERE call_id = $1::text::uuid"
);
/// `insert_settlement`.
pub(super) const INSERT_SETTLEMENT: &str =
    "INSERT INTO call_settlements (call_id, billed_seconds, billed_minutes, \
    rate_per_minute, gross, charged, shortfall, fee, creator_net, settled_at_ms) \
    VALUES ($1::text::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
    ON CONFLICT (call_id) DO NOTHING";
/// `count_refusal`.
pub(super) const COUNT_REFUSAL: &str =
    "INSERT INTO refusal_counts (minute_ms, code, count) VALUES ($1, $2, 1) \
    ON CONFLICT (minute_ms, code) DO UPDATE SET count = refusal_counts.count + 1";
/// `refusal_counts`.
pub(super) const REFUSAL_COUNTS: &str = "SELECT minute_ms, code, count FROM refusal_counts \
    WHERE minute_ms >= $1 AND minute_ms < $2 ORDER BY minute_ms, code";
/// `balance`.
pub(super) const BALANCE: &str = "SELECT balance FROM ledger_balances WHERE account = $1";
/// `append_ledger`, in one statement: whether the batch's (first) reference was applied
/// before, and how many entries went in. Nothing is written when it was applied; otherwise the
/// entries go in, in order, and each account's balance moves by its total (SUM over bigint is
/// numeric: the cast back to bigint refuses an overflow, 22003).
pub(super) const APPEND_LEDGER: &str = "WITH used AS (SELECT EXISTS (SELECT 1 FROM ledger_entries \
    WHERE reference = ($1::text[])[1]) AS applied), \
    e AS (INSERT INTO ledger_entries (reference, account, amount, at_ms) \
    SELECT r, a, m, t FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) \
    WITH ORDINALITY AS e(r, a, m, t, n) WHERE NOT (SELECT applied FROM used) ORDER BY n \
    ON CONFLICT (reference) DO NOTHING RETURNING 1), \
    b AS (INSERT INTO ledger_balances (account, balance) \
    SELECT a, SUM(m)::bigint FROM unnest($2::text[], $3::bigint[]) AS e(a, m) \
    WHERE NOT (SELECT applied FROM used) GROUP BY a ON CONFLICT (account) \
    DO UPDATE SET balance = ledger_balances.balance + EXCLUDED.balance) \
    SELECT (SELECT applied FROM used), (SELECT count(*) FROM e)";
/// `ledger_entry`.
pub(super) const LEDGER_ENTRY: &str =
    "SELECT reference, account, amount, at_ms FROM ledger_entries WHERE reference = $1";
/// Sequential scans allowed again until the transaction ends (before `LEDGER_SUM` and
/// `PRUNE_LIMITS`).
pub(super) const ALLOW_SEQSCAN: &str = "SET LOCAL enable_seqscan = on";
/// `ledger_sum`.
pub(super) const LEDGER_SUM: &str = "SELECT COALESCE(SUM(amount), 0)::bigint FROM ledger_entries";
/// `audit`.
pub(super) const AUDIT: &str = concat!(
    "SELECT ",
    audit_columns!(),
    " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
);

/// Everything an initiation reads, in one statement: `$1` creator, `$2` fan, `$3` pair calls
/// after this for the cooldown, `$4` the limit keys (their rows come back in key order, NULL
/// where none). Each part is the single read of the same name, over the same index.
pub(super) const INITIATE_READS: &str =
    "SELECT s.visibility, s.allow_dm, s.allow_calls, s.searchable, \
     EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $2 AND blocked_id = $1), \
     EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2), \
     EXISTS (SELECT 1 FROM calls WHERE fan_id = $2 AND state = 'connected'), \
     (SELECT MAX(created_at_ms) FROM calls \
         WHERE creator_id = $1 AND created_at_ms > $3 AND fan_id = $2), \
     (SELECT rate_per_minute FROM call_prices WHERE creator_id = $1), \
     COALESCE((SELECT balance FROM ledger_balances WHERE account = $2), 0), \
     p.user_id IS NOT NULL, p.display_name, p.avatar_url, \
     (SELECT id::text FROM calls WHERE creator_id = $1 AND state IN ('ringing', 'connected') \
         ORDER BY id LIMIT 1), \
     r.kinds, r.firsts, r.lasts, \
     ARRAY(SELECT (SELECT value_ms FROM limits WHERE key = k.key) \
         FROM unnest($4::text[]) WITH ORDINALITY AS k(key, n) ORDER BY k.n) \
     FROM (SELECT 1) AS one \
     LEFT JOIN fan_privacy_settings s ON s.fan_id = $2 \
     LEFT JOIN user_profiles p ON p.user_id = $1 \
     CROSS JOIN LATERAL (SELECT array_agg(kind) AS kinds, array_agg(first_at_ms) AS firsts, \
         array_agg(last_interaction_at_ms) AS lasts FROM creator_fan_relationships \
         WHERE creator_id = $1 AND fan_id = $2) AS r";
/// Everything an accept or an end reads, in one statement: the call `$1` (its columns first, as
/// `GET_CALL` has them), then the blocks between its creator and fan, whether the fan is in
/// a connected call, and the fan's balance. Each part is the single read of the same name,
/// over the same index.
pub(super) const CALL_READS: &str = concat!(
    "SELECT ",
    call_columns!(),
    ", EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = c.fan_id \
     AND b.blocked_id = c.creator_id), \
     EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = c.creator_id \
     AND b.blocked_id = c.fan_id), \
     EXISTS (SELECT 1 FROM calls f WHERE f.fan_id = c.fan_id AND f.state = 'connected'), \
     COALESCE((SELECT balance FROM ledger_balances l WHERE l.account = c.fan_id), 0) \
     FROM calls c WHERE c.id = $1::text::uuid"
);
/// `active_call` for the creator.
pub(super) const ACTIVE_AS_CREATOR: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls WHERE creator_id = $1 AND state IN ('ringing', 'connected') ORDER BY id LIMIT 1"
);
/// `active_call` for the fan.
pub(super) const ACTIVE_AS_FAN: &str = concat!(
    "SELECT ",
    call_columns!(),
    " FROM calls WHERE fan_id = $1 AND state IN ('ringing', 'connected') ORDER BY id LIMIT 1"
);
/// `get_limit`.
pub(super) const GET_LIMIT: &str = "SELECT value_ms FROM limits WHERE key = $1";
/// `prune_limits`: reads every row of `limits` (no index on the value since schema 5), which
/// holds only limits that still bite; run at READ COMMITTED (`Store::prune_limits`).
pub(super) const PRUNE_LIMITS: &str = "DELETE FROM limits WHERE value_ms <= $1";
