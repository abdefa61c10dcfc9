//! `fanline::agora::parse`: reading, verifying and inspecting `007` tokens.

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::Js;
use crate::error::{run, run_json};
use crate::output::Json;

/// Parses a `007` token into its fields (the signature is left out). Malformed input is
/// `INVALID_INPUT`, never a crash.
#[napi(ts_args_type = "token: string", ts_return_type = "ParsedToken")]
pub fn parse_token(env: &Env, token: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        fanline::agora::parse_token(&Js::from(&token).string("token")?)
    })
}

/// Whether a `007` token's signature holds for `certificate`.
#[napi(ts_args_type = "token: string, certificate: string")]
pub fn verify_token(env: &Env, token: Unknown, certificate: Unknown) -> napi::Result<bool> {
    run(env, || {
        fanline::agora::verify_token(
            &Js::from(&token).string("token")?,
            &Js::from(&certificate).string("certificate")?,
        )
    })
}

/// Every field of a `007` token, with dates, privilege names and, given the certificate,
/// whether the signature verifies: the answer to most "why can't they join" questions.
///
/// ```js
/// const info = inspectToken(token, process.env.AGORA_APP_CERTIFICATE)
/// console.log(info.channel, info.uid, info.expiresAt, info.signatureValid)
/// ```
#[napi(
    ts_args_type = "token: string, certificate?: string | null",
    ts_return_type = "TokenInspection"
)]
pub fn inspect_token(env: &Env, token: Unknown, certificate: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let cert = Js::from(&certificate).opt_string("certificate")?;
        fanline::agora::inspect_token(&Js::from(&token).string("token")?, cert.as_deref())
    })
}
