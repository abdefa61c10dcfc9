//! Agora: stable uids and RTC tokens.
//!
//! Tokens: AccessToken2 (`007`) built byte-identical to the official Python builder, parsed,
//! verified and inspected; the legacy `006` format; credentials checked at construction.

pub mod uid;

pub use uid::{agora_uid, call_uids};

pub mod access_token2;
pub mod credentials;
pub mod inspect;
pub mod legacy;
pub mod parse;
pub mod request;
mod wire;

pub use access_token2::{
    build_rtc_token, build_tokens_batch, build_tokens_batch_pinned, RtcTokenBuilder,
};
pub use credentials::{AgoraCredentials, DEFAULT_EXPIRE_SECS, MAX_EXPIRE_SECS};
pub use inspect::{inspect_token, TokenInspection};
pub use legacy::{
    build_token_006, parse_token_006, verify_token_006, LegacyIssue, LegacyRole,
    LegacyTokenRequest, ParsedToken006,
};
pub use parse::{parse_token, verify_token, ParsedToken};
pub use request::{
    random_salt, PrivilegeExpiries, RtcRole, RtcTokenRequest, RtcUser, RtmLogin, TokenIssue,
};
