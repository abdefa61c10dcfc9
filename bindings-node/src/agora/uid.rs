//! `fanline::agora::uid`: stable Agora uids derived from user ids.

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::Js;
use crate::error::{run, run_json};
use crate::output::Json;

/// The stable Agora uid of a user id, in 1..=2^31-1 (identical in Rust, Node and Python).
///
/// ```js
/// agoraUid('fan_001')   // 45118309
/// ```
#[napi(ts_args_type = "userId: string")]
pub fn agora_uid(env: &Env, user_id: Unknown) -> napi::Result<u32> {
    run(env, || {
        fanline::agora::agora_uid(&Js::from(&user_id).string("userId")?)
    })
}

/// The uids of a call's creator and fan; when they collide the fan's moves to the smallest
/// suffix that differs.
#[napi(
    ts_args_type = "creatorId: string, fanId: string",
    ts_return_type = "{ creator: number; fan: number }"
)]
pub fn call_uids(env: &Env, creator_id: Unknown, fan_id: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let (creator, fan) = fanline::agora::call_uids(
            &Js::from(&creator_id).string("creatorId")?,
            &Js::from(&fan_id).string("fanId")?,
        )?;
        Ok(serde_json::json!({ "creator": creator, "fan": fan }))
    })
}
