//! Shared pieces of the benchmarks: the prefilled call history, the seed's initiate route as
//! plain SQL on SQLite and (feature `postgres`) on PostgreSQL, the anchors the engine is
//! compared with, and CPU time (of this process, and of a PostgreSQL server on this machine).

pub mod cpu;
pub mod history;
#[cfg(feature = "postgres")]
pub mod pg_server;
pub mod seed;
#[cfg(feature = "postgres")]
pub mod seed_pg;
