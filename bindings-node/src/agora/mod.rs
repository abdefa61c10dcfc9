//! `fanline::agora`: stable uids, AccessToken2 (`007`) building, parsing, verifying and
//! inspecting, and the legacy `006` format.

mod access_token2;
mod legacy;
mod parse;
mod uid;

use fanline::agora::RtcUser;
use fanline::Error;
use napi_derive::napi;

use crate::convert::Js;

/// Default lifetime of a call token and its privileges, in seconds.
#[napi]
pub const DEFAULT_EXPIRE_SECS: u32 = fanline::agora::DEFAULT_EXPIRE_SECS;

/// Longest AccessToken2 lifetime Agora accepts, in relative seconds (24 hours).
#[napi]
pub const MAX_EXPIRE_SECS: u32 = fanline::agora::MAX_EXPIRE_SECS;

/// A uid (a number, 0 the wildcard) or a string account.
fn rtc_user(js: Js, what: &str) -> fanline::Result<RtcUser> {
    match js.kind()? {
        napi::ValueType::String => Ok(RtcUser::Account(js.string(what)?)),
        napi::ValueType::Number => Ok(RtcUser::Uid(js.count_as(what, u64::from(u32::MAX))?)),
        _ => Err(Error::invalid(format!(
            "{what} must be a numeric uid or a string account"
        ))),
    }
}
