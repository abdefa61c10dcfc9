//! Agora: stable uids and RTC tokens.

pub mod uid;

pub use uid::{agora_uid, call_uids};
