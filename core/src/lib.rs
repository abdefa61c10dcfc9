//! fanline: fan privacy, share links, Agora RTC tokens, cooldowns, rate limits and integer
//! billing for creator platforms, behind a storage-agnostic `Store`.

#![deny(missing_docs)]

pub mod agora;
pub mod billing;
pub mod clock;
pub mod error;
pub mod flags;
pub mod ids;
pub mod limits;
pub mod privacy;
pub mod share;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorBody, Result};
pub use flags::{Feature, Flags};
pub use ids::{Actor, CallId, Role, UserId};
