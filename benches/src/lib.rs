//! Shared pieces of the benchmarks: the prefilled call history, the seed's initiate route as
//! plain SQL (the anchor the engine is compared with), and CPU time.

pub mod cpu;
pub mod history;
pub mod seed;
