//! Files the SQLite store must refuse for good (`STORE_INCOMPATIBLE`, no `retryAfter`) and
//! leave exactly as they were: another program's database, random bytes, a corrupt fanline
//! database. And the other side of the line: a lock held elsewhere is transient
//! (`STORE_UNAVAILABLE`), bounded by the busy timeout however many retries are allowed, or
//! by a deadline the caller set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fanline::store::deadline::with_deadline;
use fanline::store::{open_store, SqliteOptions, SqliteStore, Store};
use fanline::Error;
use rusqlite::Connection;

/// Every file in the directory of `path` whose name starts with the file's name (the file
/// itself and any `-wal`, `-shm` or `-journal` beside it), with its bytes.
fn snapshot(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut files: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&name))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// Tries every way in, each of which must refuse the file as incompatible and leave it (and
/// its directory) byte for byte as it was. Returns the error of the plain open.
fn refused_untouched(path: &Path) -> Error {
    let before = snapshot(path);
    let err = SqliteStore::open(path).unwrap_err();
    assert_eq!(err.code(), "STORE_INCOMPATIBLE", "{err:?}");
    assert_eq!(err.http_status(), 500);
    assert_eq!(
        err.retry_after(),
        None,
        "a permanent fault is not retryable"
    );
    assert!(err.body().retry_after.is_none());
    let spec = format!("sqlite:{}", path.display());
    assert_eq!(open_store(&spec).unwrap_err().code(), "STORE_INCOMPATIBLE");
    for version in [0, 1] {
        assert_eq!(
            SqliteStore::migrate_to(path, version).unwrap_err().code(),
            "STORE_INCOMPATIBLE",
            "migrate_to({version})"
        );
    }
    assert_eq!(snapshot(path), before, "the file was changed");
    let message = err.to_string();
    assert!(!message.contains(&path.display().to_string()), "{message}");
    err
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE INDEX customers_name ON customers (name);
             INSERT INTO customers (name) VALUES ('Ada'), ('Linus');",
        )
        .unwrap();
    }
    let err = refused_untouched(&path);
    assert!(err.to_string().contains("another program"), "{err}");
    let journal: String = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        journal, "delete",
        "the journal mode was not switched to WAL"
    );
}

#[test]
fn a_file_of_random_bytes_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noise.db");
    // A fixed xorshift stream: random-looking, the same on every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..16_384)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    let err = refused_untouched(&path);
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
}

/// A fanline database with some rows, closed cleanly (its WAL checkpointed into the file).
fn fanline_file(dir: &Path) -> PathBuf {
    let path = dir.join("fanline.db");
    let store = SqliteStore::open(&path).unwrap();
    store.dump().unwrap();
    drop(store);
    assert!(!dir.join("fanline.db-wal").exists());
    path
}

#[test]
fn a_truncated_fanline_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = fanline_file(dir.path());
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 4 * 4096, "the schema spans several pages");
    // Only the first page (the header and the root of the schema table) is left.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(4096)
        .unwrap();
    let err = refused_untouched(&path);
    assert!(err.to_string().contains("corrupt"), "{err}");
}

#[test]
fn a_fanline_database_with_overwritten_pages_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = fanline_file(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    // Every page after the first is garbage; the header still says SQLite.
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = refused_untouched(&path);
    assert!(err.to_string().contains("corrupt"), "{err}");
}

#[test]
fn an_empty_file_is_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        fanline::store::sqlite::SCHEMA_VERSION
    );
}

#[test]
fn a_held_write_lock_gives_up_at_the_busy_timeout_whatever_the_retry_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    let busy_timeout = Duration::from_millis(300);
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open_with(
            &path,
            SqliteOptions {
                busy_timeout,
                max_retries: 1_000,
                ..SqliteOptions::default()
            },
        )
        .unwrap(),
    );
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let err = store.write(&mut |_| Ok(())).unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.code(), "STORE_UNAVAILABLE", "{err:?}");
    assert_eq!(err.retry_after(), Some(1), "contention is transient");
    assert!(waited >= busy_timeout, "gave up early: {waited:?}");
    // 1,000 retries of 300 ms each would be five minutes: the timeout bounds the operation.
    assert!(waited < busy_timeout * 20, "waited {waited:?}");
    other.execute_batch("ROLLBACK").unwrap();
    store.write(&mut |_| Ok(())).unwrap();
}

#[test]
fn a_thread_deadline_cuts_the_wait_for_a_lock_short() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    // The store's own busy timeout is the default 5 s; the caller's deadline is sooner.
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let deadline = started + Duration::from_millis(200);
    let err = with_deadline(deadline, || store.write(&mut |_| Ok(()))).unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.code(), "STORE_UNAVAILABLE", "{err:?}");
    assert!(
        waited < Duration::from_secs(4),
        "waited {waited:?}: the deadline was ignored"
    );
    other.execute_batch("ROLLBACK").unwrap();
    // Past the deadline the store is usable again as soon as the lock is gone.
    with_deadline(Instant::now() + Duration::from_secs(5), || {
        store.write(&mut |_| Ok(()))
    })
    .unwrap();
}
