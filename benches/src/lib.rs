//! Shared pieces of the benchmarks: the prefilled call history, the seed's initiate route as
//! plain SQL on SQLite and (feature `postgres`) on PostgreSQL, the anchors the engine is
//! compared with, and CPU time.

pub mod cpu;
pub mod history;
pub mod seed;
#[cfg(feature = "postgres")]
pub mod seed_pg;
