//! `fanline::agora::legacy`: the `006` token format (absolute expiries, no zlib).

use fanline::agora::{LegacyIssue, LegacyRole, LegacyTokenRequest};
use fanline::Error;
use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;

use super::rtc_user;
use crate::convert::Js;
use crate::error::{run, run_json};
use crate::output::Json;

/// A role by name or by wire number (the core's `LegacyRole::parse` / `from_code`); default
/// publisher.
fn legacy_role(js: Js) -> fanline::Result<LegacyRole> {
    if js.is_nullish()? {
        return Ok(LegacyRole::Publisher);
    }
    if js.kind()? == ValueType::Number {
        return LegacyRole::from_code(js.count("role")?);
    }
    LegacyRole::parse(&js.string("role")?)
}

fn legacy_request(js: Js) -> fanline::Result<LegacyTokenRequest> {
    let uid = js.get("uid", "request")?;
    let account = js.get("account", "request")?;
    let uid = match (uid.is_nullish()?, account.is_nullish()?) {
        (false, true) => rtc_user(uid, "request.uid")?,
        (true, false) => fanline::agora::RtcUser::Account(account.string("request.account")?),
        _ => {
            return Err(Error::invalid(
                "give exactly one of request.uid and request.account",
            ))
        }
    };
    let expiry = js.get("privilegeExpiredTs", "request")?;
    Ok(LegacyTokenRequest {
        channel: js.get("channel", "request")?.string("request.channel")?,
        uid,
        role: legacy_role(js.get("role", "request")?)?,
        privilege_expired_ts: if expiry.is_nullish()? {
            0
        } else {
            expiry.count_as("request.privilegeExpiredTs", u64::from(u32::MAX))?
        },
    })
}

/// Builds a legacy `006` token. `privilegeExpiredTs` is an ABSOLUTE unix time (0 = none);
/// relative seconds are refused. `issue` pins the salt and message time for reproducible
/// output.
#[napi(
    ts_args_type = "appId: string, appCertificate: string, request: LegacyTokenRequest, issue?: { salt: number; ts: number } | null"
)]
pub fn build_token006(
    env: &Env,
    app_id: Unknown,
    app_certificate: Unknown,
    request: Unknown,
    issue: Unknown,
) -> napi::Result<String> {
    run(env, || {
        let creds = super::access_token2::credentials(app_id, app_certificate)?;
        let req = legacy_request(Js::from(&request))?;
        let issue = Js::from(&issue);
        let issue = if issue.is_nullish()? {
            None
        } else {
            Some(LegacyIssue {
                salt: issue
                    .get("salt", "issue")?
                    .count_as("issue.salt", u64::from(u32::MAX))?,
                ts: issue
                    .get("ts", "issue")?
                    .count_as("issue.ts", u64::from(u32::MAX))?,
            })
        };
        fanline::agora::build_token_006(&creds, &req, issue)
    })
}

/// Parses a `006` token (only CRCs of the channel and uid are inside).
#[napi(ts_args_type = "token: string", ts_return_type = "ParsedToken006")]
pub fn parse_token006(env: &Env, token: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        fanline::agora::parse_token_006(&Js::from(&token).string("token")?)
    })
}

/// Whether a `006` token holds for `certificate`, `channel` and `uid` (number) or account
/// (string). Malformed tokens are `INVALID_INPUT`; a mismatch is `false`.
#[napi(ts_args_type = "token: string, certificate: string, channel: string, uid: number | string")]
pub fn verify_token006(
    env: &Env,
    token: Unknown,
    certificate: Unknown,
    channel: Unknown,
    uid: Unknown,
) -> napi::Result<bool> {
    run(env, || {
        fanline::agora::verify_token_006(
            &Js::from(&token).string("token")?,
            &Js::from(&certificate).string("certificate")?,
            &Js::from(&channel).string("channel")?,
            &rtc_user(Js::from(&uid), "uid")?,
        )
    })
}
