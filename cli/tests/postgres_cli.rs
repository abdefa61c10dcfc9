//! The `fanline` command on PostgreSQL (feature `postgres`; scripts/stages/30-postgres gives
//! it a throwaway server in `FANLINE_TEST_PG_URL`): migrate up/down/up beside a host table
//! that stays untouched, check on a good and a damaged schema, a hand-run down file.
//! Without a server each test prints SKIPPED, except under `CI=true`, where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::process::{Command, Output};

use postgres::{Client, NoTls};
use serde_json::Value;

fn server_url() -> Option<String> {
    match std::env::var("FANLINE_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI=true but FANLINE_TEST_PG_URL is unset: PostgreSQL is required"
            );
            eprintln!("SKIPPED: PostgreSQL not available (FANLINE_TEST_PG_URL unset)");
            None
        }
    }
}

/// A name no other test uses.
fn fresh(prefix: &str) -> String {
    format!("{prefix}_{:016x}", getrandom::u64().unwrap())
}

fn with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}fanline_schema={schema}")
}

fn client(url: &str) -> Client {
    Client::connect(url, NoTls).expect("connect")
}

fn fanline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args(args)
        .env_remove("FANLINE_STORE")
        .output()
        .expect("run fanline")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Objects (tables, indexes, views, sequences) in `schema`.
fn objects(url: &str, schema: &str) -> i64 {
    client(url)
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1",
            &[&schema],
        )
        .unwrap()
        .get(0)
}

fn schema_exists(url: &str, schema: &str) -> bool {
    client(url)
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
            &[&schema],
        )
        .unwrap()
        .get(0)
}

#[test]
fn migrate_up_down_up_leaves_the_hosts_table_alone() {
    let Some(server) = server_url() else { return };
    let schema = fresh("cli_migrate");
    let store = with_schema(&server, &schema);
    let host = fresh("host_users");
    client(&server)
        .batch_execute(&format!(
            "CREATE TABLE public.{host} (id text primary key); \
             INSERT INTO public.{host} VALUES ('ada'), ('linus')"
        ))
        .unwrap();

    let status = json(&fanline(&[
        "migrate", "status", "--format", "json", "--store", &store,
    ]));
    assert_eq!(status["store"], "postgres");
    assert_eq!(status["schemaVersion"], 0);
    let latest = status["latestVersion"].as_u64().unwrap();
    assert!(!schema_exists(&server, &schema), "status created nothing");

    let up = fanline(&["migrate", "up", "--store", &store]);
    assert_eq!(code(&up), 0, "{}", String::from_utf8_lossy(&up.stderr));
    let migrated = objects(&server, &schema);
    assert!(migrated > 10);
    let check = fanline(&["check", "--format", "json", "--store", &store]);
    assert_eq!(
        code(&check),
        0,
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let report = json(&check);
    assert_eq!(report["report"]["schemaVersion"], latest);
    assert_eq!(report["report"]["ledgerSum"], 0);

    let refused = fanline(&["migrate", "down", "--to", "0", "--store", &store]);
    assert_eq!(code(&refused), 2);
    assert_eq!(
        objects(&server, &schema),
        migrated,
        "nothing moved without --yes"
    );

    let down = fanline(&["migrate", "down", "--to", "0", "--yes", "--store", &store]);
    assert_eq!(code(&down), 0, "{}", String::from_utf8_lossy(&down.stderr));
    assert!(
        !schema_exists(&server, &schema),
        "the emptied schema is gone"
    );
    let status = json(&fanline(&[
        "migrate", "status", "--format", "json", "--store", &store,
    ]));
    assert_eq!(status["schemaVersion"], 0);

    let again = fanline(&["migrate", "up", "--store", &store]);
    assert_eq!(code(&again), 0);
    assert_eq!(objects(&server, &schema), migrated);
    assert_eq!(code(&fanline(&["check", "--store", &store])), 0);

    let rows: Vec<String> = client(&server)
        .query(&format!("SELECT id FROM public.{host} ORDER BY id"), &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(rows, ["ada", "linus"], "the host's table is untouched");
    client(&server)
        .batch_execute(&format!("DROP TABLE public.{host}"))
        .unwrap();
    assert_eq!(
        code(&fanline(&[
            "migrate", "down", "--to", "0", "--yes", "--store", &store
        ])),
        0
    );
}

#[test]
fn check_finds_a_damaged_schema_and_up_repairs_a_hand_rolled_back_one() {
    let Some(server) = server_url() else { return };
    let schema = fresh("cli_check");
    let store = with_schema(&server, &schema);
    assert_eq!(code(&fanline(&["migrate", "up", "--store", &store])), 0);

    // A table gone behind the bookkeeping's back.
    client(&server)
        .batch_execute(&format!("DROP TABLE {schema}.call_settlements"))
        .unwrap();
    let out = fanline(&["check", "--format", "json", "--store", &store]);
    assert_eq!(code(&out), 1);
    let problems = json(&out)["report"]["problems"].to_string();
    assert!(
        problems.contains("call_settlements is missing"),
        "{problems}"
    );

    // Rolled back by hand with the shipped file (its DROP of the missing table aside): the
    // version follows, and `migrate up` brings everything back.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/src/store/postgres/migrations");
    let mut downs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".down.sql"))
        .collect();
    downs.sort();
    let mut by_hand = format!(
        "CREATE TABLE {schema}.call_settlements (call_id uuid); SET search_path TO {schema};\n"
    );
    for file in downs.iter().rev() {
        by_hand.push_str(&std::fs::read_to_string(file).unwrap());
    }
    client(&server).batch_execute(&by_hand).unwrap();
    let status = json(&fanline(&[
        "migrate", "status", "--format", "json", "--store", &store,
    ]));
    assert_eq!(status["schemaVersion"], 0, "{status}");
    assert_eq!(code(&fanline(&["migrate", "up", "--store", &store])), 0);
    assert_eq!(code(&fanline(&["check", "--store", &store])), 0);
    assert_eq!(
        code(&fanline(&[
            "migrate", "down", "--to", "0", "--yes", "--store", &store
        ])),
        0
    );
}

#[test]
fn an_unreachable_server_is_an_error_without_the_password() {
    let out = fanline(&[
        "check",
        "--store",
        "postgresql://ops:s3cr3t-pw@%2Fnonexistent-fanline-dir:5432/postgres",
    ]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("STORE_UNAVAILABLE"), "{err}");
    assert!(!err.contains("s3cr3t-pw"), "{err}");
}
