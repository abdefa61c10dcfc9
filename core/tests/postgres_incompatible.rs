//! Faults that retrying cannot fix are `STORE_INCOMPATIBLE`, returned once and at once: a
//! wrong password, a role or database that does not exist, a schema newer than this library.
//! None of them waits for the pool's checkout timeout, and no message holds the password.
//! Run by scripts/stages/30-postgres (needs `FANLINE_TEST_PG_URL`; the password cases need
//! `FANLINE_TEST_PG_PASSWORD_GROUP`, a role whose members the server checks passwords for).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

mod pg_support;

use std::time::{Duration, Instant};

use fanline::store::{open_store, PostgresOptions, PostgresStore};
use fanline::Error;
use pg_support::{sql, sql_batch, TestSchema};

/// Long enough that waiting for it could not be mistaken for a fast refusal.
const CHECKOUT: Duration = Duration::from_secs(30);

/// `url` with its user (and password) replaced by `userinfo`.
fn with_user(url: &str, userinfo: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{userinfo}@{host}")
}

/// Connects with a long checkout timeout and returns the error, which must be
/// STORE_INCOMPATIBLE, not retryable, and well before the checkout timeout.
fn refused(url: &str) -> Error {
    let options = PostgresOptions {
        checkout_timeout: CHECKOUT,
        ..PostgresOptions::default()
    };
    let started = Instant::now();
    let err = PostgresStore::connect_with(url, options).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), "STORE_INCOMPATIBLE", "{err:?}");
    assert_eq!(err.http_status(), 500);
    assert_eq!(
        err.retry_after(),
        None,
        "a permanent fault is not retryable"
    );
    assert!(
        took < CHECKOUT / 2,
        "took {took:?}: the refusal waited for the pool"
    );
    err
}

/// The password group, or `None` after printing SKIPPED (panics under `CI=true`).
fn password_group() -> Option<String> {
    match std::env::var("FANLINE_TEST_PG_PASSWORD_GROUP") {
        Ok(group) if !group.is_empty() => Some(group),
        _ => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI=true needs FANLINE_TEST_PG_PASSWORD_GROUP"
            );
            eprintln!("SKIPPED: FANLINE_TEST_PG_PASSWORD_GROUP unset (no password-checked role)");
            None
        }
    }
}

/// A new login role of `group` (created if missing) with `password`; tests each use their
/// own, so they can run at once.
fn password_role(server: &str, group: &str, password: &str) -> String {
    let role = format!("{group}_{}", uuid::Uuid::new_v4().simple());
    sql_batch(
        server,
        &format!(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN \
                 CREATE ROLE {group} NOLOGIN; \
               END IF; \
             END $$; \
             CREATE ROLE {role} LOGIN IN ROLE {group} PASSWORD '{password}'; \
             GRANT CREATE ON DATABASE postgres TO {role}"
        ),
    );
    role
}

#[test]
fn a_wrong_password_is_incompatible_at_once_and_never_echoed() {
    let server = require_pg!();
    let Some(group) = password_group() else {
        return;
    };
    let right = format!("right-{}", uuid::Uuid::new_v4().simple());
    let role = password_role(&server, &group, &right);
    // The right password opens a store: the server really checks this role's password.
    let schema = TestSchema::new(&with_user(&server, &format!("{role}:{right}")), "t_pw");
    let store = schema.open();
    assert_eq!(
        store.schema_version().unwrap(),
        fanline::store::postgres::SCHEMA_VERSION
    );
    drop(store);

    let secret = "wrong-h0rse-battery-staple";
    let bad = with_user(&schema.url, &format!("{role}:{secret}"));
    let err = refused(&bad);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains(&right), "{shown}");
    assert!(shown.contains("28P01"), "the cause is named: {shown}");
    // The same through the store spec hosts configure.
    let err = open_store(&bad).unwrap_err();
    assert_eq!(err.code(), "STORE_INCOMPATIBLE");
    assert!(!format!("{err} {err:?}").contains(secret));
}

#[test]
fn a_role_or_database_that_does_not_exist_is_incompatible_at_once() {
    let server = require_pg!();
    let nobody = format!("nobody_{}", uuid::Uuid::new_v4().simple());
    let err = refused(&with_user(&server, &format!("{nobody}:some-pw")));
    assert!(!format!("{err:?}").contains("some-pw"));

    let (base, _) = server.rsplit_once('/').expect("a database in the URL");
    let err = refused(&format!(
        "{base}/no_such_db_{}",
        uuid::Uuid::new_v4().simple()
    ));
    assert!(err.to_string().contains("3D000"), "{err}");
}

#[test]
fn a_schema_newer_than_the_library_is_incompatible() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_newer");
    drop(schema.open());
    sql_batch(
        &server,
        &format!(
            "INSERT INTO {}.fanline_migrations (version, name, applied_at_ms) \
             VALUES (99, 'future', 0)",
            schema.name
        ),
    );
    let err = refused(&schema.url);
    assert!(err.to_string().contains("schema version 99"), "{err}");
    sql_batch(
        &server,
        &format!(
            "DELETE FROM {}.fanline_migrations WHERE version = 99",
            schema.name
        ),
    );
}

#[test]
fn a_password_rotated_under_a_running_store_is_incompatible_then_recovers() {
    let server = require_pg!();
    let Some(group) = password_group() else {
        return;
    };
    let right = format!("right-{}", uuid::Uuid::new_v4().simple());
    let role = password_role(&server, &group, &right);
    let set_password = |pw: &str| sql_batch(&server, &format!("ALTER ROLE {role} PASSWORD '{pw}'"));
    let schema = TestSchema::new(&with_user(&server, &format!("{role}:{right}")), "t_rot");
    let checkout = Duration::from_secs(2);
    let store = schema.open_with(PostgresOptions {
        checkout_timeout: checkout,
        ..PostgresOptions::default()
    });
    assert_eq!(
        store.schema_version().unwrap(),
        fanline::store::postgres::SCHEMA_VERSION
    );

    // The password changes and the store's connections are cut: it must log in again.
    set_password("rotated-elsewhere");
    sql(
        &server,
        &format!(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE usename = '{role}'"
        ),
    );
    // The first operation learns of the refusal (after the pool's wait); every later one is
    // told at once, without waiting out the checkout timeout again.
    let err = store.schema_version().unwrap_err();
    assert_eq!(err.code(), "STORE_INCOMPATIBLE", "{err:?}");
    for _ in 0..3 {
        let started = Instant::now();
        let err = store.schema_version().unwrap_err();
        assert_eq!(err.code(), "STORE_INCOMPATIBLE", "{err:?}");
        assert!(
            started.elapsed() < checkout,
            "waited {:?}",
            started.elapsed()
        );
        assert!(!format!("{err:?}").contains(&right));
    }

    // Once the operator puts the password back, the same store works again.
    set_password(&right);
    assert_eq!(
        store.schema_version().unwrap(),
        fanline::store::postgres::SCHEMA_VERSION
    );
}
