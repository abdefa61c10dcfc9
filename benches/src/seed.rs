//! The seed's initiate route (`POST /api/calls/initiate` of the Express backend fanline
//! replaces) as plain SQL on SQLite: its tables and indexes (migration 132 of that backend,
//! with the `users` columns the route reads) and its eight statements, run in one
//! transaction with prepared statements. This is the anchor the engine's initiation is
//! measured against.
//!
//! The mapping favours the seed: timestamps are integers, foreign keys are not enforced, the
//! route's JavaScript work (request parsing, logging, the Ably push) is left out, and its
//! cooldown stays in process memory as it did there (so it survives no restart and no second
//! instance, which is one of the things fanline fixes).

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::history::START_MS;

/// The seed's schema, mapped to SQLite.
const SCHEMA: &str = "
CREATE TABLE users (
    id                         INTEGER PRIMARY KEY,
    firebase_uid               TEXT    NOT NULL UNIQUE,
    username                   TEXT,
    display_name               TEXT,
    profile_pic_url            TEXT,
    is_creator                 INTEGER NOT NULL DEFAULT 0,
    price_per_min              INTEGER,
    fan_privacy_visibility     TEXT DEFAULT 'private'
        CHECK (fan_privacy_visibility IN ('private', 'creators', 'link')),
    fan_allow_dm               TEXT DEFAULT 'interacted'
        CHECK (fan_allow_dm IN ('none', 'following', 'interacted')),
    fan_allow_calls            TEXT DEFAULT 'interacted'
        CHECK (fan_allow_calls IN ('none', 'following', 'interacted')),
    fan_share_token            TEXT UNIQUE,
    fan_share_token_expires_at INTEGER,
    fan_allow_search           INTEGER DEFAULT 0
);
CREATE INDEX idx_users_fan_privacy ON users (fan_privacy_visibility) WHERE is_creator = 0;
CREATE TABLE creator_blocked_users (
    id              INTEGER PRIMARY KEY,
    creator_id      TEXT NOT NULL,
    blocked_user_id TEXT NOT NULL,
    created_at      INTEGER,
    UNIQUE (creator_id, blocked_user_id)
);
CREATE TABLE creator_fan_relationships (
    id                  INTEGER PRIMARY KEY,
    creator_id          TEXT NOT NULL,
    fan_id              TEXT NOT NULL,
    relation_type       TEXT NOT NULL
        CHECK (relation_type IN ('follow', 'tipped', 'purchased', 'messaged', 'called')),
    last_interaction_at INTEGER,
    metadata            TEXT DEFAULT '{}',
    created_at          INTEGER,
    UNIQUE (creator_id, fan_id, relation_type)
);
CREATE TABLE calls (
    id               TEXT PRIMARY KEY,
    creator_id       TEXT NOT NULL,
    fan_id           TEXT NOT NULL,
    call_type        TEXT NOT NULL CHECK (call_type IN ('voice', 'video')),
    channel          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'ringing'
        CHECK (state IN ('ringing', 'connected', 'ended', 'missed', 'declined', 'cancelled')),
    agora_app_id     TEXT,
    agora_channel    TEXT,
    creator_token    TEXT,
    fan_token        TEXT,
    creator_uid      INTEGER,
    fan_uid          INTEGER,
    initiated_at     INTEGER,
    connected_at     INTEGER,
    ended_at         INTEGER,
    duration_seconds INTEGER,
    rate_per_minute  INTEGER,
    total_cost       INTEGER,
    ended_by         TEXT,
    end_reason       TEXT,
    metadata         TEXT DEFAULT '{}',
    created_at       INTEGER,
    updated_at       INTEGER
);
CREATE TABLE call_invitations (
    id           TEXT PRIMARY KEY,
    call_id      TEXT NOT NULL,
    creator_id   TEXT NOT NULL,
    fan_id       TEXT NOT NULL,
    call_type    TEXT NOT NULL CHECK (call_type IN ('voice', 'video')),
    state        TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'cancelled')),
    message      TEXT,
    expires_at   INTEGER,
    responded_at INTEGER,
    created_at   INTEGER
);
CREATE INDEX idx_creator_fan_rel_creator ON creator_fan_relationships (creator_id, fan_id);
CREATE INDEX idx_creator_fan_rel_fan ON creator_fan_relationships (fan_id);
CREATE INDEX idx_creator_fan_rel_type ON creator_fan_relationships (relation_type);
CREATE INDEX idx_calls_creator ON calls (creator_id);
CREATE INDEX idx_calls_fan ON calls (fan_id);
CREATE INDEX idx_calls_state ON calls (state);
CREATE INDEX idx_calls_channel ON calls (agora_channel);
CREATE INDEX idx_call_invitations_fan ON call_invitations (fan_id, state);
CREATE INDEX idx_call_invitations_expires ON call_invitations (expires_at)
    WHERE state = 'pending';
";

/// A v4 UUID as text, made by SQLite (what `gen_random_uuid()` gives in the seed).
macro_rules! uuid_sql {
    () => {
        "lower(printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), hex(randomblob(2)), \
         substr(hex(randomblob(2)), 2), substr('89ab', 1 + abs(random()) % 4, 1), \
         substr(hex(randomblob(2)), 2), hex(randomblob(6))))"
    };
}

/// Creates the seed schema at `path` with `n` past calls and their invitations, shaped like
/// [`crate::history::prefill`]'s: 1,000 creators and 1,000 fans (all of them users), mostly
/// ended, over the year before [`START_MS`].
pub fn prefill(path: &Path, n: u64) {
    let mut conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA cache_size = -524288")
        .unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(SCHEMA).unwrap();
    tx.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < 999)
         INSERT INTO users (firebase_uid, username, display_name, is_creator, price_per_min)
         SELECT 'pc-' || i, 'creator' || i, 'Creator ' || i, 1, 10 FROM seq
         UNION ALL SELECT 'pf-' || i, 'fan' || i, 'Fan ' || i, 0, NULL FROM seq",
        [],
    )
    .unwrap();
    let start = START_MS - 366 * 86_400_000;
    tx.execute(
        concat!(
            "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
             INSERT INTO calls (id, creator_id, fan_id, call_type, channel, state, agora_channel,
                 creator_uid, fan_uid, initiated_at, connected_at, ended_at, duration_seconds,
                 rate_per_minute, total_cost, ended_by, end_reason, created_at, updated_at)
             SELECT ",
            uuid_sql!(),
            ", c, f, t, ch, s, ch, 1 + i % 1000, 1001 + (i / 1000) % 1000, at,
                 CASE WHEN s = 'ended' THEN at + 5000 END, at + 65000,
                 CASE WHEN s = 'ended' THEN 60 END, 10, CASE WHEN s = 'ended' THEN 10 END,
                 CASE WHEN s = 'ended' THEN c END, s, at, at + 65000
             FROM (SELECT i, 'pc-' || (i % 1000) AS c, 'pf-' || ((i / 1000) % 1000) AS f,
                       CASE i % 2 WHEN 0 THEN 'voice' ELSE 'video' END AS t,
                       CASE WHEN i % 10 < 8 THEN 'ended' WHEN i % 10 = 8 THEN 'missed'
                            ELSE 'declined' END AS s,
                       ?2 + i * 30000 AS at,
                       'call_' || substr('pc-' || (i % 1000), 1, 8) || '_'
                           || substr('pf-' || ((i / 1000) % 1000), 1, 8) || '_'
                           || (?2 + i * 30000) AS ch
                   FROM seq)"
        ),
        params![n as i64, start],
    )
    .unwrap();
    tx.execute(
        concat!(
            "INSERT INTO call_invitations (id, call_id, creator_id, fan_id, call_type, state,
                 expires_at, responded_at, created_at)
             SELECT ",
            uuid_sql!(),
            ", id, creator_id, fan_id, call_type,
                 CASE state WHEN 'ended' THEN 'accepted' WHEN 'missed' THEN 'expired'
                            ELSE 'declined' END,
                 created_at + 120000, CASE WHEN state <> 'missed' THEN ended_at END, created_at
             FROM calls ORDER BY rowid"
        ),
        [],
    )
    .unwrap();
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
}

/// `PRAGMA wal_checkpoint(RESTART)` on `conn`: every committed page into the database file,
/// and the next commit writes the WAL from its start again (as after an automatic
/// checkpoint: the file keeps its size, so its blocks are reused, not allocated anew).
pub fn checkpoint(conn: &Connection) {
    let busy: i64 = conn
        .query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(busy, 0, "the checkpoint could not finish");
}

/// Why the route refused (the seed answers these with a 4xx).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `NOT_CREATOR`.
    NotCreator,
    /// `CALL_COOLDOWN`.
    Cooldown,
    /// Fan not found.
    NoFan,
    /// `FAN_BLOCKED`.
    Blocked,
    /// `CALL_NOT_ALLOWED`.
    NotAllowed,
}

/// The seed's per-(creator, fan) call cooldown, kept in process memory as the seed's backend
/// kept it (so it survives no restart and no second instance): 60 s after an attempt that
/// passed the creator check.
#[derive(Debug, Default)]
pub struct SeedCooldowns(HashMap<(String, String), i64>);

impl SeedCooldowns {
    /// Starts the pair's cooldown at `now_ms`, or refuses while the last one runs.
    pub fn take(&mut self, creator: &str, fan: &str, now_ms: i64) -> Result<(), Refusal> {
        let key = (creator.to_string(), fan.to_string());
        if self.0.get(&key).is_some_and(|last| now_ms - last < 60_000) {
            return Err(Refusal::Cooldown);
        }
        self.0.insert(key, now_ms);
        Ok(())
    }
}

/// The seed's route on one connection, with its in-memory cooldown map.
pub struct SeedRoute {
    conn: Connection,
    cooldowns: SeedCooldowns,
}

impl SeedRoute {
    /// Opens a prefilled seed database with the pragmas the fanline store uses (WAL,
    /// `synchronous=NORMAL`, an 8 MiB page cache).
    pub fn open(path: &Path) -> Self {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8192;
             PRAGMA busy_timeout = 5000",
        )
        .unwrap();
        SeedRoute {
            conn,
            cooldowns: SeedCooldowns::default(),
        }
    }

    /// Makes `creator` a creator with a price, `fan` a user, and the fan a follower (setup,
    /// not part of the route).
    pub fn add_pairs(&self, pairs: &[(String, String)], now_ms: i64) {
        self.conn.execute_batch("BEGIN").unwrap();
        for (creator, fan) in pairs {
            let mut user = self
                .conn
                .prepare_cached(
                    "INSERT INTO users (firebase_uid, username, display_name, is_creator,
                         price_per_min) VALUES (?1, ?1, ?2, ?3, ?4)",
                )
                .unwrap();
            user.execute(params![creator, "Creator", 1, 10]).unwrap();
            user.execute(params![fan, "Fan", 0, None::<i64>]).unwrap();
            self.conn
                .prepare_cached(
                    "INSERT INTO creator_fan_relationships (creator_id, fan_id, relation_type,
                         last_interaction_at, created_at) VALUES (?1, ?2, 'follow', ?3, ?3)",
                )
                .unwrap()
                .execute(params![creator, fan, now_ms])
                .unwrap();
        }
        self.conn.execute_batch("COMMIT").unwrap();
    }

    /// Copies every committed page into the database file; the WAL starts over.
    pub fn checkpoint(&self) {
        checkpoint(&self.conn);
    }

    /// The route: `creator` rings `fan`. Returns the call id.
    pub fn initiate(
        &mut self,
        creator: &str,
        fan: &str,
        call_type: &str,
        message: Option<&str>,
        now_ms: i64,
    ) -> Result<String, Refusal> {
        let c = &self.conn;
        c.prepare_cached("BEGIN IMMEDIATE")
            .unwrap()
            .execute([])
            .unwrap();
        let result = (|| {
            let is_creator: Option<bool> = c
                .prepare_cached("SELECT is_creator FROM users WHERE firebase_uid = ?1")
                .unwrap()
                .query_row([creator], |r| r.get(0))
                .optional()
                .unwrap();
            if is_creator != Some(true) {
                return Err(Refusal::NotCreator);
            }
            self.cooldowns.take(creator, fan, now_ms)?;
            let fan_row: Option<(String, Option<String>)> = c
                .prepare_cached(
                    "SELECT firebase_uid, fan_allow_calls FROM users WHERE firebase_uid = ?1",
                )
                .unwrap()
                .query_row([fan], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .unwrap();
            if fan_row.is_none() {
                return Err(Refusal::NoFan);
            }
            let blocked = c
                .prepare_cached(
                    "SELECT 1 FROM creator_blocked_users
                     WHERE creator_id = ?1 AND blocked_user_id = ?2",
                )
                .unwrap()
                .exists([creator, fan])
                .unwrap();
            if blocked {
                return Err(Refusal::Blocked);
            }
            // can_creator_call_fan($1, $2): the plpgsql function's body as one query.
            let can_call: bool = c
                .prepare_cached(
                    "SELECT CASE fan_allow_calls
                         WHEN 'interacted' THEN EXISTS (SELECT 1 FROM creator_fan_relationships
                             WHERE creator_id = ?1 AND fan_id = ?2)
                         WHEN 'following' THEN EXISTS (SELECT 1 FROM creator_fan_relationships
                             WHERE creator_id = ?1 AND fan_id = ?2 AND relation_type = 'follow')
                         ELSE 0 END
                     FROM users WHERE firebase_uid = ?2",
                )
                .unwrap()
                .query_row([creator, fan], |r| r.get(0))
                .optional()
                .unwrap()
                .unwrap_or(false);
            if !can_call {
                return Err(Refusal::NotAllowed);
            }
            let rate: Option<i64> = c
                .prepare_cached("SELECT price_per_min FROM users WHERE firebase_uid = ?1")
                .unwrap()
                .query_row([creator], |r| r.get(0))
                .unwrap();
            let rate = rate.unwrap_or(1);
            let channel = format!(
                "call_{}_{}_{now_ms}",
                &creator[..creator.len().min(8)],
                &fan[..fan.len().min(8)]
            );
            let (creator_uid, fan_uid) = fanline::agora::call_uids(creator, fan).unwrap();
            let call_id = uuid::Uuid::new_v4().to_string();
            let created_at: i64 = c
                .prepare_cached(
                    "INSERT INTO calls (id, creator_id, fan_id, call_type, channel,
                         agora_channel, creator_uid, fan_uid, rate_per_minute, state,
                         initiated_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, 'ringing', ?9, ?9, ?9)
                     RETURNING created_at",
                )
                .unwrap()
                .query_row(
                    params![
                        call_id,
                        creator,
                        fan,
                        call_type,
                        channel,
                        creator_uid,
                        fan_uid,
                        rate,
                        now_ms
                    ],
                    |r| r.get(0),
                )
                .unwrap();
            c.prepare_cached(
                "INSERT INTO call_invitations (id, call_id, creator_id, fan_id, call_type,
                     state, message, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8)",
            )
            .unwrap()
            .execute(params![
                uuid::Uuid::new_v4().to_string(),
                call_id,
                creator,
                fan,
                call_type,
                message,
                created_at + 120_000,
                created_at
            ])
            .unwrap();
            let (display_name, username, _avatar): (
                Option<String>,
                Option<String>,
                Option<String>,
            ) = c
                .prepare_cached(
                    "SELECT display_name, username, profile_pic_url FROM users
                     WHERE firebase_uid = ?1",
                )
                .unwrap()
                .query_row([creator], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap();
            assert!(display_name.or(username).is_some());
            Ok(call_id)
        })();
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        c.prepare_cached(end).unwrap().execute([]).unwrap();
        result
    }
}
