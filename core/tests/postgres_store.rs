//! PostgresStore specifics: migrations beside a host's tables, the engine end to end, secrets,
//! bad input, broken connections and serialized decisions across instances.
//! Run by scripts/stages/30-postgres (needs `FANLINE_TEST_PG_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

mod call_rows;
mod pg_support;

use std::sync::Arc;

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::store::{open_store, postgres::SCHEMA_VERSION, PostgresOptions, PostgresStore, Store};
use fanline::{Actor, ManualClock};
use pg_support::{engine, sql, sql_batch, TestSchema, T0_MS};

fn admin() -> Actor {
    Actor::admin("ops").unwrap()
}

#[test]
fn migrations_go_up_down_and_up_beside_a_hosts_users_table() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_migrate");
    // The host's own table, in a schema of the host's (public is shared by every test).
    let host = pg_support::fresh_schema_name("host");
    sql_batch(
        &server,
        &format!(
            "CREATE SCHEMA {host}; CREATE TABLE {host}.users (id text primary key, name text); \
             INSERT INTO {host}.users VALUES ('u1', 'Ada'), ('u2', 'Linus')"
        ),
    );
    let users = || {
        sql(
            &server,
            &format!("SELECT id || '=' || name FROM {host}.users ORDER BY id"),
        )
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
    };
    let tables = |name: &str| -> i64 {
        sql(
            &server,
            &format!(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = '{name}'"
            ),
        )[0]
        .get(0)
    };
    let before = users();

    let store = schema.open();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(
        tables(&schema.name) > 10,
        "tables, indexes and sequences exist"
    );
    store.migrate_to(0).unwrap();
    assert_eq!(store.schema_version().unwrap(), 0);
    assert_eq!(tables(&schema.name), 0, "nothing of fanline is left");
    let gone: i64 = sql(
        &server,
        &format!(
            "SELECT count(*) FROM pg_namespace WHERE nspname = '{}'",
            schema.name
        ),
    )[0]
    .get(0);
    assert_eq!(gone, 0, "the emptied schema is dropped");
    store.migrate_to(SCHEMA_VERSION).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);

    // The store works after the round trip, and the host's table never changed.
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(Arc::new(store), &clock);
    assert_eq!(e.credit(&admin(), "fan-1", 50, "r1").unwrap().value, 50);
    assert_eq!(users(), before);
    sql_batch(&server, &format!("DROP SCHEMA {host} CASCADE"));
}

#[test]
fn migrating_twice_and_from_two_instances_is_harmless() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_twice");
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let url = schema.url.clone();
            std::thread::spawn(move || PostgresStore::connect(&url).map(|_| ()))
        })
        .collect();
    for t in threads {
        t.join().unwrap().expect("every instance opens");
    }
    assert_eq!(schema.open().schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        schema
            .open()
            .migrate_to(SCHEMA_VERSION + 1)
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
}

#[test]
fn a_call_lifecycle_settles_once_and_the_books_balance() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_life");
    let store: Arc<dyn Store> = Arc::new(schema.open());
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(store.clone(), &clock);
    let creator = Actor::creator("creator-1").unwrap();
    let fan = Actor::fan("fan-1").unwrap();
    e.record_relationship(
        &fan,
        "creator-1",
        fanline::privacy::RelationshipKind::Follow,
    )
    .unwrap();
    e.credit(&admin(), "fan-1", 1000, "buy-1").unwrap();
    let call = e
        .initiate(&creator, &InitiateRequest::new("fan-1", CallType::Video))
        .unwrap()
        .value;
    let id = call.id.to_string();
    // Random (v4) ids: time-ordered ones would put every live call on the id index's last
    // page, where SERIALIZABLE's page locks make concurrent transactions conflict.
    assert_eq!(id.chars().nth(14), Some('4'), "{id}");
    e.accept(&fan, &id, None).unwrap();
    clock.advance_secs(61);
    let ended = e.end(&creator, &id).unwrap().value;
    assert_eq!(ended.settlement.charge.charged, 20);
    // Ending again returns the same settlement and writes nothing.
    let dump = store.dump().unwrap();
    assert_eq!(e.end(&fan, &id).unwrap().value.settlement, ended.settlement);
    assert_eq!(store.dump().unwrap(), dump);
    assert_eq!(e.balance(&admin(), "fan-1").unwrap(), 980);
    assert_eq!(e.balance(&admin(), "creator-1").unwrap(), 20);
    assert_eq!(e.ledger_sum(&admin()).unwrap(), 0);
    let history = e.history(&fan, None, 10).unwrap();
    assert_eq!(history.items.len(), 1);
    assert_eq!(history.items[0].state.as_str(), "ended");
    let names: Vec<String> = e
        .audit_log(&admin(), 0, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert!(names.ends_with(&[
        "call_initiated".into(),
        "call_accepted".into(),
        "call_ended".into()
    ]));
}

#[test]
fn open_store_reaches_postgres_by_url() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_open");
    let store = open_store(&schema.url).expect("postgres URL opens");
    assert!(store
        .dump()
        .unwrap()
        .starts_with(&format!("schema_version {SCHEMA_VERSION}\n")));
    let alt = schema.url.replacen("postgresql://", "postgres://", 1);
    assert!(open_store(&alt).is_ok());
}

#[test]
fn passwords_never_reach_errors_or_debug_output() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_secret");
    // Trust authentication ignores the password, so the store opens with one in its URL.
    let with_pw = schema.url.replacen("fanline@", "fanline:pw-Zq81xK@", 1);
    assert!(with_pw.contains("pw-Zq81xK"));
    let store = PostgresStore::connect(&with_pw).unwrap();
    assert!(!format!("{store:?}").contains("pw-Zq81xK"));
    // Nothing listens on this socket directory: the failure must not quote the URL.
    let options = PostgresOptions {
        checkout_timeout: std::time::Duration::from_millis(300),
        ..PostgresOptions::default()
    };
    let err = PostgresStore::connect_with(
        "postgres://fanline:pw-Zq81xK@%2Fnonexistent-fanline-dir/postgres",
        options,
    )
    .unwrap_err();
    assert_eq!(err.code(), "STORE_UNAVAILABLE");
    let shown = format!("{err} | {err:?} | {}", serde_json::to_string(&err).unwrap());
    assert!(!shown.contains("pw-Zq81xK"), "{shown}");
}

#[test]
fn bad_input_the_columns_cannot_hold_changes_nothing() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_bad");
    let store: Arc<dyn Store> = Arc::new(schema.open());
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(store.clone(), &clock);
    let creator = Actor::creator("creator-1").unwrap();
    let fan = Actor::fan("fan-1").unwrap();
    e.record_relationship(
        &fan,
        "creator-1",
        fanline::privacy::RelationshipKind::Follow,
    )
    .unwrap();
    e.credit(&admin(), "fan-1", 1000, "buy-1").unwrap();
    let before = store.dump().unwrap();
    // A rate past i64::MAX is accepted by the engine's types but not by a BIGINT column.
    let mut req = InitiateRequest::new("fan-1", CallType::Voice);
    req.rate_per_minute = Some(u64::MAX);
    let err = e.initiate(&creator, &req).unwrap_err();
    assert!(
        matches!(err.code(), "INVALID_INPUT" | "INSUFFICIENT_TOKENS"),
        "{err:?}"
    );
    if err.code() == "INVALID_INPUT" {
        assert_eq!(store.dump().unwrap(), before);
    }
}

#[test]
fn killed_connections_are_discarded_and_later_operations_succeed() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_kill");
    // Tagged, so that only this store's backends are killed, not other tests' running beside.
    let tag = schema.name.clone();
    let url = format!("{}&application_name={tag}", schema.url);
    let store: Arc<dyn Store> = Arc::new(PostgresStore::connect(&url).unwrap());
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(store.clone(), &clock);
    // Warm several pooled connections, then kill every backend on this schema's store.
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let e = e.clone();
            std::thread::spawn(move || {
                e.credit(&admin(), "fan-1", 1, &format!("warm-{i}"))
                    .unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let killed: i64 = sql(
        &server,
        &format!(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = '{tag}'"
        ),
    )[0]
    .get(0);
    assert!(killed >= 1);
    // The stale connections are found dead and replaced; nothing fails.
    for i in 0..10 {
        e.credit(&admin(), "fan-1", 1, &format!("after-{i}"))
            .unwrap_or_else(|err| panic!("operation {i} after the kill: {err:?}"));
    }
    assert_eq!(e.balance(&admin(), "fan-1").unwrap(), 14);
    assert_eq!(e.ledger_sum(&admin()).unwrap(), 0);
}

#[test]
fn two_instances_racing_on_one_pair_ring_once() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_pair");
    let clock = ManualClock::at_ms(T0_MS);
    let setup = engine(Arc::new(schema.open()), &clock);
    let fan = Actor::fan("fan-1").unwrap();
    setup
        .record_relationship(
            &fan,
            "creator-1",
            fanline::privacy::RelationshipKind::Follow,
        )
        .unwrap();
    setup.credit(&admin(), "fan-1", 1000, "buy-1").unwrap();
    // Eight instances, each with its own store (own connections), all at once.
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let e = engine(Arc::new(schema.open()), &clock);
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let creator = Actor::creator("creator-1").unwrap();
                barrier.wait();
                e.initiate(&creator, &InitiateRequest::new("fan-1", CallType::Voice))
                    .map(|_| ())
                    .map_err(|e| e.code())
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let rung = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(rung, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.err()) {
        assert!(matches!(r, "BUSY" | "CALL_COOLDOWN"), "{results:?}");
    }
    let active: i64 = sql(
        &server,
        &format!(
            "SELECT count(*) FROM {}.calls WHERE state IN ('ringing', 'connected')",
            schema.name
        ),
    )[0]
    .get(0);
    assert_eq!(active, 1);
}

#[test]
fn hot_queries_use_their_indexes() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_plan");
    let _store = schema.open();
    let s = &schema.name;
    // Enough rows that a sequential scan is not the cheapest plan by accident of size; one
    // in 50 is live (ringing or connected) so the partial indexes are not empty either.
    sql(
        &server,
        &format!(
            "INSERT INTO {s}.calls (id, creator_id, fan_id, call_type, state, rate_per_minute, \
             creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms) \
             SELECT gen_random_uuid(), 'c' || (i % 500), 'f' || (i % 2000), 'voice', \
             CASE WHEN i % 100 = 0 THEN 'ringing' WHEN i % 100 = 50 THEN 'connected' \
             ELSE 'ended' END, 10, 1, 2, i, i + 120000, i, \
             CASE WHEN i % 50 = 0 THEN NULL ELSE i + 1000 END FROM generate_series(1, 50000) AS i"
        ),
    );
    sql_batch(&server, &format!("ANALYZE {s}.calls"));
    let plan = |q: &str| -> String {
        sql(&server, &format!("EXPLAIN {q}"))
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let cases = [
        (
            format!("SELECT * FROM {s}.calls WHERE creator_id = 'c1' AND state IN ('ringing', 'connected')"),
            "calls_creator_state",
        ),
        (
            format!("SELECT * FROM {s}.calls WHERE fan_id = 'f1' AND state = 'connected'"),
            "calls_fan_state",
        ),
        (
            format!("SELECT * FROM {s}.calls WHERE fan_id = 'f1' AND state = 'ringing' AND expires_at_ms > 5"),
            "calls_fan_state",
        ),
        (
            format!("SELECT * FROM {s}.calls WHERE state = 'ringing' AND expires_at_ms <= 5 ORDER BY expires_at_ms, id LIMIT 500"),
            "calls_ringing_expiry",
        ),
        (
            format!("SELECT * FROM {s}.calls WHERE creator_id = 'c1' AND (created_at_ms, id) < (100, gen_random_uuid()) ORDER BY created_at_ms DESC, id DESC LIMIT 21"),
            "calls_creator_history",
        ),
        (
            format!("SELECT * FROM {s}.calls WHERE fan_id = 'f1' ORDER BY created_at_ms DESC, id DESC LIMIT 21"),
            "calls_fan_history",
        ),
    ];
    for (query, index) in cases {
        let p = plan(&query);
        assert!(p.contains(index), "{query}\n{p}");
    }
}

#[test]
fn a_limit_row_is_indexed_by_its_key_alone_with_room_for_its_next_version() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_limits_shape");
    let _store = schema.open();
    // Each initiation rewrites its limit rows: with the value unindexed and space left on
    // the page, the new version stays on the page and no index is touched (a HOT update).
    let indexes: Vec<String> = sql(
        &server,
        &format!(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = '{}' AND tablename = 'limits'",
            schema.name
        ),
    )
    .iter()
    .map(|r| r.get(0))
    .collect();
    assert_eq!(indexes.len(), 1, "{indexes:?}");
    assert!(indexes[0].contains("(key)"), "{indexes:?}");
    let options: Option<Vec<String>> = sql(
        &server,
        &format!(
            "SELECT reloptions FROM pg_class WHERE oid = '{}.limits'::regclass",
            schema.name
        ),
    )[0]
    .get(0);
    assert_eq!(options, Some(vec!["fillfactor=70".to_string()]));
}

#[test]
fn the_sweepers_prune_does_not_fail_a_concurrent_serializable_write_of_limits() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_prune");
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(Arc::new(schema.open()), &clock);
    let s = &schema.name;
    sql_batch(
        &server,
        &format!("INSERT INTO {s}.limits VALUES ('spent', {T0_MS} - 1), ('live', {T0_MS} + 60000)"),
    );
    // A writer that decides by limits, as an initiation does: it read the row the prune
    // deletes and writes one the prune's scan of the table reads.
    let mut writer = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    let mut tx = writer
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::Serializable)
        .start()
        .unwrap();
    let seen: i64 = tx
        .query_one(
            &format!("SELECT value_ms FROM {s}.limits WHERE key = 'spent'"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(seen, T0_MS - 1);
    tx.execute(
        &format!("INSERT INTO {s}.limits VALUES ('new', $1)"),
        &[&(T0_MS + 60_000)],
    )
    .unwrap();

    e.expire_due().unwrap();
    tx.commit()
        .expect("the prune took part in the writer's serialization");

    let keys: Vec<String> = sql(&server, &format!("SELECT key FROM {s}.limits ORDER BY key"))
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(keys, ["live", "new"]);
}

#[test]
fn the_database_clock_follows_the_server() {
    use fanline::Clock;
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_clock");
    let store = schema.open();
    let clock = store.database_clock().unwrap();
    // Same machine: the offset is the measurement's error, far below a minute.
    assert!(clock.offset_ms().abs() < 60_000, "{}", clock.offset_ms());
    store.sync_clock(&clock).unwrap();
    let server_ms: i64 = sql(
        &server,
        "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
    )[0]
    .get(0);
    assert!((clock.now_ms() - server_ms).abs() < 60_000);
}

#[test]
fn the_shipped_down_file_run_by_hand_leaves_a_schema_that_opens_and_migrates_again() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_handdown");
    let clock = ManualClock::at_ms(T0_MS);
    let store = Arc::new(schema.open());
    let e = engine(store.clone(), &clock);
    e.credit(&admin(), "fan-1", 50, "r1").unwrap();
    assert!(e.health().ok);

    // As an operator would: psql, the search path on fanline's schema, the down files.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/postgres/migrations");
    let mut downs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".down.sql"))
        .collect();
    downs.sort();
    assert_eq!(downs.len(), SCHEMA_VERSION as usize);
    for file in downs.iter().rev() {
        let text = std::fs::read_to_string(file).unwrap();
        sql_batch(
            &server,
            &format!("SET search_path TO {};\n{text}", schema.name),
        );
    }
    assert_eq!(
        store.schema_version().unwrap(),
        0,
        "the bookkeeping followed"
    );
    let h = e.health();
    assert!(!h.ok, "{h:?}");
    assert_eq!(h.schema_version, Some(0));
    drop(e);
    drop(store);

    let store = Arc::new(schema.open());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let e = engine(store, &clock);
    assert_eq!(e.balance(&admin(), "fan-1").unwrap(), 0);
    e.credit(&admin(), "fan-1", 5, "r2").unwrap();
    let h = e.health();
    assert!(h.ok, "{h:?}");
    assert_eq!(
        (h.store, h.schema_version),
        (Some("postgres"), Some(SCHEMA_VERSION))
    );
}

#[test]
fn health_says_unavailable_when_the_server_turns_the_store_away() {
    let server = require_pg!();
    // A role of this test's own, so refusing its logins disturbs no other test.
    let role = pg_support::fresh_schema_name("health_role");
    sql_batch(
        &server,
        &format!("CREATE ROLE {role} LOGIN; GRANT CREATE ON DATABASE postgres TO {role}"),
    );
    let Some((_, rest)) = server.split_once('@') else {
        panic!("the test URL names a user");
    };
    let as_role = format!("postgresql://{role}@{rest}");
    let schema = TestSchema::new(&as_role, "t_health");
    let options = PostgresOptions {
        checkout_timeout: std::time::Duration::from_secs(1),
        ..PostgresOptions::default()
    };
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(Arc::new(schema.open_with(options)), &clock);
    let h = e.health();
    assert!(h.ok, "{h:?}");

    sql_batch(
        &server,
        &format!(
            "ALTER ROLE {role} NOLOGIN; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
        ),
    );
    let h = e.health();
    assert!(!h.ok, "{h:?}");
    assert_eq!(h.store, None);
    // A login the server refuses is permanent until an operator acts (STORE_INCOMPATIBLE, see
    // the store's failure classes); a server that is down would be STORE_UNAVAILABLE.
    let error = h.error.clone().unwrap();
    assert_eq!(error.code, "STORE_INCOMPATIBLE", "{error:?}");
    let body = serde_json::to_value(&h).unwrap();
    assert_eq!(body["ok"], false);
    assert_eq!(body["error"]["code"], "STORE_INCOMPATIBLE");
    // The message is the error's own (the server's short reason for the operator), never
    // the URL.
    let host = rest.split(':').next().unwrap_or(rest);
    assert!(!body.to_string().contains("postgresql://"), "{body}");
    assert!(!body.to_string().contains(host), "{body}");

    sql_batch(&server, &format!("ALTER ROLE {role} LOGIN"));
    assert!(e.health().ok, "healthy again once the server lets it in");
    drop(e);
    drop(schema);
    sql_batch(
        &server,
        &format!("REVOKE CREATE ON DATABASE postgres FROM {role}; DROP ROLE {role}"),
    );
}

/// The rules a call row obeys hold in the database itself (one function, since schema 3):
/// rows breaking any of them are refused by the server, valid ones of every state accepted, and
/// walking down to schema 2 puts back the seven constraints it had.
#[test]
fn the_database_refuses_call_rows_that_break_the_rules() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_call_rules");
    let store = schema.open();
    let insert = |n: u32, values: &str| {
        let text = format!(
            "INSERT INTO {}.calls (id, creator_id, fan_id, call_type, state, rate_per_minute, \
             creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, \
             finished_at_ms) VALUES ('00000000-0000-4000-8000-{n:012}', 'c', 'f', {values})",
            schema.name
        );
        pg_support::try_sql(&server, &text)
    };
    for (check_version, constraints) in [(SCHEMA_VERSION, 1), (2, 7)] {
        store.migrate_to(check_version).unwrap();
        let count: i64 = sql(
            &server,
            &format!(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'c' \
                 AND conrelid = '{}.calls'::regclass",
                schema.name
            ),
        )[0]
        .get(0);
        assert_eq!(count, constraints, "schema {check_version}");
        for (n, values) in (0..).zip(call_rows::BROKEN) {
            let err = insert(n, values).expect_err(values);
            assert_eq!(
                err.code().map(|c| c.code()),
                Some("23514"),
                "{values}: {err}"
            );
        }
        for (n, values) in (100..).zip(call_rows::VALID) {
            insert(n + 100 * check_version, values).unwrap_or_else(|e| panic!("{values}: {e}"));
        }
    }
    store.migrate_to(SCHEMA_VERSION).unwrap();
}

/// A server that ends idle sessions (`idle_session_timeout`) kills pooled connections between
/// operations; the next operation finds its connection gone and runs on a fresh one instead of
/// failing.
#[test]
fn connections_the_server_closed_while_idle_are_replaced() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_idle");
    let url = format!("{}&options=-c%20idle_session_timeout%3D300", schema.url);
    let store: Arc<dyn Store> = Arc::new(PostgresStore::connect(&url).unwrap());
    let clock = ManualClock::at_ms(T0_MS);
    let e = engine(store, &clock);
    for i in 0..3 {
        e.credit(&admin(), "fan-1", 1, &format!("buy-{i}"))
            .unwrap_or_else(|err| panic!("operation {i}: {err:?}"));
        // Longer than the server lets a session sit idle.
        std::thread::sleep(std::time::Duration::from_millis(700));
    }
    assert_eq!(e.balance(&admin(), "fan-1").unwrap(), 3);
}

/// With no call connected when the table was last analyzed (a new store, a quiet hour), the
/// sweeper's index of connected calls looks free to read whole; the fan's and the creator's
/// checks must still read their own index, not that one: under SERIALIZABLE that read would
/// lock its pages, which every accept writes, and concurrent lifecycles would abort one
/// another. Planned as the store plans them (generic plans, index scans), and the sweeper's
/// own query still uses the sweeper's index.
#[test]
fn busy_checks_never_read_every_connected_call() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_busy_plan");
    let _store = schema.open();
    let s = &schema.name;
    sql_batch(
        &server,
        &format!(
            "INSERT INTO {s}.calls (id, creator_id, fan_id, call_type, state, rate_per_minute, \
             creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, \
             finished_at_ms, limit_at_ms) \
             SELECT gen_random_uuid(), 'c' || (i % 500), 'f' || (i % 2000), 'voice', 'ended', \
             10, 1, 2, i, i + 120000, i, i + 1000, NULL FROM generate_series(1, 60000) AS i; \
             ANALYZE {s}.calls"
        ),
    );
    let plan = |query: &str| -> String {
        let mut client = postgres::Client::connect(&server, postgres::NoTls).expect("connect");
        client
            .batch_execute(&format!(
                "BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL enable_seqscan = off; \
                 SET LOCAL plan_cache_mode = force_generic_plan; PREPARE q AS {query}"
            ))
            .expect("prepare");
        let text = client
            .query("EXPLAIN EXECUTE q('x', 5)", &[])
            .expect("explain")
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n");
        client.batch_execute("ROLLBACK").expect("rollback");
        text
    };
    // Every query takes the same two parameters (a user id, a time), so that one EXECUTE
    // serves them all.
    for (query, index) in [
        (
            format!(
                "SELECT EXISTS (SELECT 1 FROM {s}.calls WHERE fan_id = $1 \
                 AND state = 'connected' AND $2::bigint > 0)"
            ),
            "calls_fan_state",
        ),
        (
            format!(
                "SELECT id FROM {s}.calls WHERE creator_id = $1 \
                 AND state IN ('ringing', 'connected') AND $2::bigint > 0 ORDER BY id LIMIT 1"
            ),
            "calls_creator_state",
        ),
        // The accept's read asks it of the call's fan (a correlated subquery).
        (
            format!(
                "SELECT EXISTS (SELECT 1 FROM {s}.calls f WHERE f.fan_id = c.fan_id \
                 AND f.state = 'connected') FROM {s}.calls c \
                 WHERE c.id = md5($1)::uuid AND $2::bigint > 0"
            ),
            "calls_fan_state",
        ),
        (
            format!(
                "SELECT id FROM {s}.calls WHERE state = 'connected' AND limit_at_ms <= $2 \
                 AND $1::text IS NOT NULL ORDER BY limit_at_ms, id LIMIT 500"
            ),
            "calls_connected_limit",
        ),
    ] {
        let p = plan(&query);
        assert!(p.contains(index), "{query}\n{p}");
        if index != "calls_connected_limit" {
            assert!(!p.contains("calls_connected_limit"), "{query}\n{p}");
        }
    }
}
