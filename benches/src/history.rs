//! A fanline database that already holds a large call history, built once in bulk and copied
//! for each run (docs/rules.md asks for costs measured on a full store, not an empty one).

use std::path::Path;

use fanline::store::SqliteStore;
use rusqlite::Connection;

/// 2026-01-01T00:00:00Z: the history ends here and the benchmarks' clocks start here.
pub const START_MS: i64 = 1_767_225_600_000;

/// History size from `FANLINE_BENCH_CALLS` (default 1,000,000).
pub fn calls_from_env() -> u64 {
    std::env::var("FANLINE_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// Creates the fanline schema at `path` and inserts `n` past calls in one transaction:
/// 1,000 creators (`pc-<i>`) and 1,000 fans (`pf-<i>`), mostly ended, spread over the year
/// before [`START_MS`], with random (v4) ids, as earlier versions wrote them. The time-ordered
/// ids that new calls get on SQLite all sort into one narrow range among these, as they do in a
/// database written before an upgrade.
pub fn prefill(path: &Path, n: u64) {
    drop(SqliteStore::open(path).unwrap());
    let mut conn = Connection::open(path).unwrap();
    // A large page cache: the random call ids land all over the id index.
    conn.execute_batch("PRAGMA cache_size = -524288").unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?1)
         INSERT INTO calls (id, creator_id, fan_id, call_type, state, message, rate_per_minute,
             creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms,
             finished_at_ms, ended_by)
         SELECT lower(printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), hex(randomblob(2)),
                    substr(hex(randomblob(2)), 2), substr('89ab', 1 + abs(random()) % 4, 1),
                    substr(hex(randomblob(2)), 2), hex(randomblob(6)))),
                'pc-' || (i % 1000), 'pf-' || ((i / 1000) % 1000),
                CASE i % 2 WHEN 0 THEN 'voice' ELSE 'video' END,
                CASE WHEN i % 10 < 8 THEN 'ended' WHEN i % 10 = 8 THEN 'missed' ELSE 'declined' END,
                NULL, 10, 1 + i % 1000, 1001 + (i / 1000) % 1000,
                ?2 + i * 30000, ?2 + i * 30000 + 120000,
                CASE WHEN i % 10 < 8 THEN ?2 + i * 30000 + 5000 END,
                ?2 + i * 30000 + 65000,
                CASE WHEN i % 10 < 8 THEN 'pc-' || (i % 1000) END
         FROM seq",
        rusqlite::params![n as i64, START_MS - 366 * 86_400_000],
    )
    .unwrap();
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
}
