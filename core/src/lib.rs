//! fanline: fan privacy, share links, Agora RTC tokens, cooldowns, rate limits and integer
//! billing for creator platforms, behind a storage-agnostic [`store::Store`].
//!
//! The pure modules ([`privacy`], [`share`], [`agora`], [`limits`], [`billing`]) decide; the
//! [`Fanline`] engine runs each operation as one store transaction and returns the realtime
//! events for the host to publish.

#![deny(missing_docs)]

pub mod agora;
pub mod billing;
pub mod bounds;
pub mod calls;
pub mod clock;
pub mod engine;
pub mod error;
mod error_code;
pub mod flags;
pub mod ids;
pub mod limits;
pub mod privacy;
#[cfg(feature = "schema")]
mod schema;
pub mod share;
pub mod store;
mod wire;

pub use clock::{Clock, ManualClock, SystemClock};
pub use engine::{Fanline, FanlineBuilder, Outcome};
pub use error::{Error, ErrorBody, ErrorCode, ErrorFamily, Result};
pub use flags::{Feature, Flags};
pub use ids::{Actor, CallId, Role, UserId};

/// The crate README's example, compiled and run as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
