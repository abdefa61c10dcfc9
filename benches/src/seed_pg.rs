//! The seed's initiate route (`POST /api/calls/initiate` of the Express backend fanline
//! replaces) on PostgreSQL, its real database: the tables, indexes and permission function of
//! its migration 132 (uuid ids, `timestamptz` times filled by the server, with the `users`
//! columns the route reads), and its eight statements, each prepared once per connection and
//! run in autocommit as the route ran them through `pg`. The anchor the engine's
//! `PostgresStore` initiation is measured against (`benches/benches/seed_route_pg.rs`).
//!
//! As in the SQLite mapping ([`crate::seed`]) the mapping favours the seed: foreign keys are
//! not enforced, the relationship triggers and the route's JavaScript work are left out, and
//! its cooldown stays in process memory (one map per instance, surviving no restart).

use postgres::{Client, NoTls, Statement};

use crate::seed::{Refusal, SeedCooldowns};

/// The seed's schema in the PostgreSQL schema `seed` (dropped and created again).
const SCHEMA: &str = "
DROP SCHEMA IF EXISTS seed CASCADE;
CREATE SCHEMA seed;
SET search_path TO seed;
CREATE TABLE users (
    id                         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    firebase_uid               TEXT NOT NULL UNIQUE,
    username                   TEXT,
    display_name               TEXT,
    profile_pic_url            TEXT,
    is_creator                 BOOLEAN NOT NULL DEFAULT false,
    price_per_min              INTEGER,
    fan_privacy_visibility     TEXT DEFAULT 'private'
        CHECK (fan_privacy_visibility IN ('private', 'creators', 'link')),
    fan_allow_dm               TEXT DEFAULT 'interacted'
        CHECK (fan_allow_dm IN ('none', 'following', 'interacted')),
    fan_allow_calls            TEXT DEFAULT 'interacted'
        CHECK (fan_allow_calls IN ('none', 'following', 'interacted')),
    fan_share_token            TEXT UNIQUE,
    fan_share_token_expires_at TIMESTAMPTZ,
    fan_allow_search           BOOLEAN DEFAULT false
);
CREATE INDEX idx_users_fan_privacy ON users (fan_privacy_visibility) WHERE is_creator = false;
CREATE TABLE creator_blocked_users (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    creator_id      TEXT NOT NULL,
    blocked_user_id TEXT NOT NULL,
    created_at      TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (creator_id, blocked_user_id)
);
CREATE TABLE creator_fan_relationships (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    creator_id          TEXT NOT NULL,
    fan_id              TEXT NOT NULL,
    relation_type       TEXT NOT NULL
        CHECK (relation_type IN ('follow', 'tipped', 'purchased', 'messaged', 'called')),
    last_interaction_at TIMESTAMPTZ DEFAULT NOW(),
    metadata            JSONB DEFAULT '{}',
    created_at          TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE (creator_id, fan_id, relation_type)
);
CREATE TABLE calls (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
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
    creator_uid      BIGINT,
    fan_uid          BIGINT,
    initiated_at     TIMESTAMPTZ DEFAULT NOW(),
    connected_at     TIMESTAMPTZ,
    ended_at         TIMESTAMPTZ,
    duration_seconds INTEGER,
    rate_per_minute  INTEGER,
    total_cost       INTEGER,
    ended_by         TEXT,
    end_reason       TEXT,
    metadata         JSONB DEFAULT '{}',
    created_at       TIMESTAMPTZ DEFAULT NOW(),
    updated_at       TIMESTAMPTZ DEFAULT NOW()
);
CREATE TABLE call_invitations (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id      UUID NOT NULL,
    creator_id   TEXT NOT NULL,
    fan_id       TEXT NOT NULL,
    call_type    TEXT NOT NULL CHECK (call_type IN ('voice', 'video')),
    state        TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'cancelled')),
    message      TEXT,
    expires_at   TIMESTAMPTZ NOT NULL,
    responded_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ DEFAULT NOW()
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
CREATE FUNCTION can_creator_call_fan(p_creator_id TEXT, p_fan_id TEXT) RETURNS BOOLEAN AS $$
DECLARE
    v_allow_calls TEXT;
BEGIN
    SELECT fan_allow_calls INTO v_allow_calls FROM users WHERE firebase_uid = p_fan_id;
    IF v_allow_calls = 'interacted' THEN
        RETURN EXISTS (SELECT 1 FROM creator_fan_relationships
                       WHERE creator_id = p_creator_id AND fan_id = p_fan_id);
    ELSIF v_allow_calls = 'following' THEN
        RETURN EXISTS (SELECT 1 FROM creator_fan_relationships
                       WHERE creator_id = p_creator_id AND fan_id = p_fan_id
                         AND relation_type = 'follow');
    END IF;
    RETURN false;
END;
$$ LANGUAGE plpgsql STABLE;
";

/// Creates the seed schema (PostgreSQL schema `seed`) with `n` past calls and their
/// invitations, shaped like the SQLite mapping's: 1,000 creators and 1,000 fans (all of them
/// users), mostly ended, over the year before now. User ids are `c` or `f` and 32 hex digits,
/// the shape of the benchmark's fresh pairs, so new rows land all over the indexes as they do
/// in production rather than in a corner of their own.
pub fn prefill(client: &mut Client, n: u64) {
    client.batch_execute(SCHEMA).unwrap();
    client
        .batch_execute(&format!(
            "SET search_path TO seed;
             INSERT INTO users (firebase_uid, username, display_name, is_creator, price_per_min)
             SELECT 'c' || md5('c' || i), 'creator' || i, 'Creator ' || i, true, 10
                 FROM generate_series(0, 999) AS i
             UNION ALL SELECT 'f' || md5('f' || i), 'fan' || i, 'Fan ' || i, false, NULL
                 FROM generate_series(0, 999) AS i;
             INSERT INTO calls (creator_id, fan_id, call_type, channel, state, agora_channel,
                 creator_uid, fan_uid, initiated_at, connected_at, ended_at, duration_seconds,
                 rate_per_minute, total_cost, ended_by, end_reason, created_at, updated_at)
             SELECT c, f, t, ch, s, ch, 1 + i % 1000, 1001 + (i / 1000) % 1000, at,
                 CASE WHEN s = 'ended' THEN at + interval '5 seconds' END,
                 at + interval '65 seconds', CASE WHEN s = 'ended' THEN 60 END, 10,
                 CASE WHEN s = 'ended' THEN 10 END, CASE WHEN s = 'ended' THEN c END, s, at,
                 at + interval '65 seconds'
             FROM (SELECT i, 'c' || md5('c' || (i % 1000)) AS c,
                       'f' || md5('f' || ((i / 1000) % 1000)) AS f,
                       CASE i % 2 WHEN 0 THEN 'voice' ELSE 'video' END AS t,
                       CASE WHEN i % 10 < 8 THEN 'ended' WHEN i % 10 = 8 THEN 'missed'
                            ELSE 'declined' END AS s,
                       now() - interval '366 days' + i * interval '30 seconds' AS at,
                       'call_' || left(md5('c' || (i % 1000)), 7) || '_'
                           || left(md5('f' || ((i / 1000) % 1000)), 7) || '_' || i AS ch
                   FROM generate_series(0, {n} - 1) AS i) AS h;
             INSERT INTO call_invitations (call_id, creator_id, fan_id, call_type, state,
                 expires_at, responded_at, created_at)
             SELECT id, creator_id, fan_id, call_type,
                 CASE state WHEN 'ended' THEN 'accepted' WHEN 'missed' THEN 'expired'
                            ELSE 'declined' END,
                 created_at + interval '2 minutes',
                 CASE WHEN state <> 'missed' THEN ended_at END, created_at
             FROM calls;"
        ))
        .unwrap();
    // Alone: VACUUM refuses to run inside the implicit transaction of a multi-statement text.
    client
        .batch_execute("VACUUM ANALYZE seed.users, seed.calls, seed.call_invitations")
        .unwrap();
}

/// Makes each `creator` a creator with a price, each `fan` a user, and each fan a follower of
/// its creator, in bulk (setup, not part of the route).
pub fn add_pairs(client: &mut Client, creators: &[String], fans: &[String]) {
    let mut tx = client.transaction().unwrap();
    tx.execute(
        "INSERT INTO seed.users (firebase_uid, username, display_name, is_creator, price_per_min)
         SELECT c, c, 'Creator', true, 10 FROM unnest($1::text[]) AS c
         UNION ALL SELECT f, f, 'Fan', false, NULL FROM unnest($2::text[]) AS f",
        &[&creators, &fans],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO seed.creator_fan_relationships (creator_id, fan_id, relation_type)
         SELECT c, f, 'follow' FROM unnest($1::text[], $2::text[]) AS p(c, f)",
        &[&creators, &fans],
    )
    .unwrap();
    tx.commit().unwrap();
}

/// The route's statements, prepared on one connection.
struct Statements {
    is_creator: Statement,
    fan: Statement,
    blocked: Statement,
    can_call: Statement,
    price: Statement,
    insert_call: Statement,
    insert_invitation: Statement,
    creator_profile: Statement,
}

/// One instance of the seed's backend: its own connection (autocommit) and its in-memory
/// cooldown map.
pub struct SeedRoutePg {
    client: Client,
    statements: Statements,
    cooldowns: SeedCooldowns,
}

impl SeedRoutePg {
    /// Connects to the server at `url` (the schema `seed` must be prefilled).
    pub fn connect(url: &str) -> Self {
        let mut client = Client::connect(url, NoTls).unwrap();
        client.batch_execute("SET search_path TO seed").unwrap();
        let mut p = |sql: &str| client.prepare(sql).unwrap();
        let statements = Statements {
            is_creator: p("SELECT is_creator FROM users WHERE firebase_uid = $1"),
            fan: p("SELECT firebase_uid, fan_allow_calls FROM users WHERE firebase_uid = $1"),
            blocked: p("SELECT 1 FROM creator_blocked_users
                        WHERE creator_id = $1 AND blocked_user_id = $2"),
            can_call: p("SELECT can_creator_call_fan($1, $2)"),
            price: p("SELECT price_per_min FROM users WHERE firebase_uid = $1"),
            insert_call: p("INSERT INTO calls (creator_id, fan_id, call_type, channel,
                                agora_channel, creator_uid, fan_uid, rate_per_minute, state,
                                initiated_at)
                            VALUES ($1, $2, $3, $4, $4, $5, $6, $7, 'ringing', NOW())
                            RETURNING id::text, created_at::text"),
            insert_invitation: p("INSERT INTO call_invitations (call_id, creator_id, fan_id,
                                      call_type, state, message, expires_at)
                                  VALUES ($1::text::uuid, $2, $3, $4, 'pending', $5,
                                      $6::text::timestamptz + interval '2 minutes')"),
            creator_profile: p("SELECT display_name, username, profile_pic_url FROM users
                                WHERE firebase_uid = $1"),
        };
        SeedRoutePg {
            client,
            statements,
            cooldowns: SeedCooldowns::default(),
        }
    }

    /// The route: `creator` rings `fan` at `now_ms` (the cooldown's clock; the rows get the
    /// server's `NOW()` as in the seed). Returns the call id.
    pub fn initiate(
        &mut self,
        creator: &str,
        fan: &str,
        call_type: &str,
        message: Option<&str>,
        now_ms: i64,
    ) -> Result<String, Refusal> {
        let (c, s) = (&mut self.client, &self.statements);
        let is_creator: Option<bool> = c
            .query_opt(&s.is_creator, &[&creator])
            .unwrap()
            .map(|r| r.get(0));
        if is_creator != Some(true) {
            return Err(Refusal::NotCreator);
        }
        self.cooldowns.take(creator, fan, now_ms)?;
        if c.query_opt(&s.fan, &[&fan]).unwrap().is_none() {
            return Err(Refusal::NoFan);
        }
        if c.query_opt(&s.blocked, &[&creator, &fan])
            .unwrap()
            .is_some()
        {
            return Err(Refusal::Blocked);
        }
        let can_call: Option<bool> = c.query_one(&s.can_call, &[&creator, &fan]).unwrap().get(0);
        if can_call != Some(true) {
            return Err(Refusal::NotAllowed);
        }
        let rate: Option<i32> = c.query_one(&s.price, &[&creator]).unwrap().get(0);
        let rate = rate.unwrap_or(1);
        let now_text = now_ms.to_string();
        let channel = format!(
            "call_{}_{}_{now_text}",
            &creator[..creator.len().min(8)],
            &fan[..fan.len().min(8)]
        );
        let (creator_uid, fan_uid) = fanline::agora::call_uids(creator, fan).unwrap();
        let call = c
            .query_one(
                &s.insert_call,
                &[
                    &creator,
                    &fan,
                    &call_type,
                    &channel,
                    &i64::from(creator_uid),
                    &i64::from(fan_uid),
                    &rate,
                ],
            )
            .unwrap();
        // The id and created_at the server gave the call, passed back as the seed's
        // JavaScript did (through `pg`), as text: no uuid or time types in the client here.
        let (call_id, created_at): (String, String) = (call.get(0), call.get(1));
        c.execute(
            &s.insert_invitation,
            &[&call_id, &creator, &fan, &call_type, &message, &created_at],
        )
        .unwrap();
        let profile = c.query_one(&s.creator_profile, &[&creator]).unwrap();
        let (display_name, username): (Option<String>, Option<String>) =
            (profile.get(0), profile.get(1));
        assert!(display_name.or(username).is_some());
        Ok(call_id)
    }
}
