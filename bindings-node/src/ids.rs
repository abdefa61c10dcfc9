//! `fanline::ids`: user ids and call channels, as Python's `validate_user_id` / `channel_name`.

use fanline::ids::{validate_user_id as core_validate_user_id, CallId};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::Js;
use crate::error::run;

/// Throws `INVALID_INPUT` unless `userId` is a valid user id (1 to 128 bytes of UTF-8, no
/// control characters, no surrounding whitespace).
#[napi(ts_args_type = "userId: string")]
pub fn validate_user_id(env: &Env, user_id: Unknown) -> napi::Result<()> {
    run(env, || {
        core_validate_user_id(&Js::from(&user_id).string("userId")?)
    })
}

/// The Agora channel of a call id: `call_` + 32 lowercase hex digits.
#[napi(ts_args_type = "callId: string")]
pub fn channel_name(env: &Env, call_id: Unknown) -> napi::Result<String> {
    run(env, || {
        Ok(CallId::parse(&Js::from(&call_id).string("callId")?)?.channel_name())
    })
}
