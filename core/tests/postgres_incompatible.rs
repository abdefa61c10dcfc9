//! Faults that retrying cannot fix are `STORE_INCOMPATIBLE`, returned once and at once: a
//! wrong password, a role or database that does not exist, a schema newer than this library.
//! None of them waits for the pool's checkout timeout, and no message holds the password.
//! Run by scripts/stages/30-postgres (needs `FANLINE_TEST_PG_URL`; the wrong-password case
//! needs `FANLINE_TEST_PG_PASSWORD_ROLE`, a role the server checks passwords for).

mod pg_support;

use std::time::{Duration, Instant};

use fanline::store::{open_store, PostgresOptions, PostgresStore};
use fanline::Error;
use pg_support::{sql_batch, TestSchema};

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

#[test]
fn a_wrong_password_is_incompatible_at_once_and_never_echoed() {
    let server = require_pg!();
    let Some(role) = std::env::var("FANLINE_TEST_PG_PASSWORD_ROLE")
        .ok()
        .filter(|r| !r.is_empty())
    else {
        eprintln!("SKIPPED: FANLINE_TEST_PG_PASSWORD_ROLE unset (no role with a checked password)");
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI needs it");
        return;
    };
    let right = format!("right-{}", uuid::Uuid::new_v4().simple());
    sql_batch(
        &server,
        &format!(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN \
                 CREATE ROLE {role} LOGIN; \
               END IF; \
             END $$; \
             ALTER ROLE {role} PASSWORD '{right}'; \
             GRANT CREATE ON DATABASE postgres TO {role}"
        ),
    );
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
