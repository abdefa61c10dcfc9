//! `fanline::agora::access_token2`: the AccessToken2 (`007`) builder for RTC, optionally with
//! RTM login in the same token.

use fanline::agora::{
    build_rtc_token, build_tokens_batch, AgoraCredentials, PrivilegeExpiries, RtcRole,
    RtcTokenRequest, RtcUser, RtmLogin, TokenIssue,
};
use fanline::Error;
use std::ffi::CStr;

use napi::bindgen_prelude::{Array, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;

use super::rtc_user;
use crate::convert::Js;
use crate::error::{error_object, guard, run};

const U32_MAX: u64 = u32::MAX as u64;

/// App id and certificate from two JS strings; anything but 32 hex characters each is
/// `INVALID_CONFIG` (the message never repeats the value).
pub fn credentials(app_id: Unknown, certificate: Unknown) -> fanline::Result<AgoraCredentials> {
    let text = |v: Unknown, what: &str| {
        Js::from(&v)
            .string(what)
            .map_err(|_| Error::config(format!("{what} must be a string of 32 hex characters")))
    };
    AgoraCredentials::new(
        &text(app_id, "appId")?,
        &text(certificate, "appCertificate")?,
    )
}

/// `'publisher'` / `'subscriber'`, or the official builders' numbers 1 / 2 (the core's
/// `RtcRole::parse` / `from_code`); default publisher.
fn rtc_role(js: Js) -> fanline::Result<RtcRole> {
    if js.is_nullish()? {
        return Ok(RtcRole::Publisher);
    }
    if js.kind()? == ValueType::Number {
        return RtcRole::from_code(js.count("role")?);
    }
    RtcRole::parse(&js.string("role")?)
}

fn privilege_expiries(js: Js) -> fanline::Result<PrivilegeExpiries> {
    let mut p = PrivilegeExpiries::default();
    for (key, v) in js.entries("privilegeExpiries")? {
        let slot = match key.as_str() {
            "join" => &mut p.join,
            "publishAudio" => &mut p.publish_audio,
            "publishVideo" => &mut p.publish_video,
            "publishData" => &mut p.publish_data,
            other => {
                return Err(Error::invalid(format!(
                    "privilegeExpiries has an unknown field '{other}'"
                )))
            }
        };
        *slot = v.opt_count_as(&format!("privilegeExpiries.{key}"), U32_MAX)?;
    }
    Ok(p)
}

fn rtm_login(js: Js) -> fanline::Result<RtmLogin> {
    let mut login = RtmLogin {
        user_id: String::new(),
        expire: None,
    };
    for (key, v) in js.entries("rtm")? {
        match key.as_str() {
            "userId" => login.user_id = v.string("rtm.userId")?,
            "expire" => login.expire = v.opt_count_as("rtm.expire", U32_MAX)?,
            other => {
                return Err(Error::invalid(format!(
                    "rtm has an unknown field '{other}'"
                )))
            }
        }
    }
    Ok(login)
}

/// The fields of a request object, in the order they are read.
const REQUEST_FIELDS: [&CStr; 8] = [
    c"channel",
    c"uid",
    c"account",
    c"role",
    c"tokenExpire",
    c"privilegeExpire",
    c"privilegeExpiries",
    c"rtm",
];

/// A request object: `{ channel, uid | account, role?, tokenExpire?, privilegeExpire?,
/// privilegeExpiries?, rtm? }`. Unknown fields are refused, so a typo cannot silently fall
/// back to a default lifetime. Fields are read by name (the batch hot path); the keys are
/// listed only when their count says something else is there.
fn rtc_request(js: Js) -> fanline::Result<RtcTokenRequest> {
    js.require_object("request")?;
    let mut fields = [None; 8];
    let mut present = 0;
    for (slot, name) in fields.iter_mut().zip(REQUEST_FIELDS) {
        let v = js.field(name)?;
        if v.kind()? != ValueType::Undefined {
            *slot = Some(v);
            present += 1;
        }
    }
    if js.key_count()? != present {
        for (key, v) in js.entries("request")? {
            let known = REQUEST_FIELDS
                .iter()
                .any(|f| f.to_bytes() == key.as_bytes());
            if !known && v.kind()? != ValueType::Undefined {
                return Err(Error::invalid(format!(
                    "request has an unknown field '{key}'"
                )));
            }
        }
    }
    let [channel, uid, account, role, token_expire, privilege_expire, expiries, rtm] = fields;
    let uid = match (uid, account) {
        (Some(u), None) => RtcUser::Uid(u.count_as("uid", U32_MAX)?),
        (None, Some(a)) => RtcUser::Account(a.string("account")?),
        _ => {
            return Err(Error::invalid(
                "request needs exactly one of uid (number) and account (string)",
            ))
        }
    };
    let mut req = RtcTokenRequest::publisher(
        channel
            .ok_or_else(|| Error::invalid("request.channel is required"))?
            .string("channel")?,
        uid,
    );
    if let Some(v) = role {
        req.role = rtc_role(v)?;
    }
    if let Some(v) = token_expire {
        req.token_expire = v.count_as("tokenExpire", U32_MAX)?;
    }
    if let Some(v) = privilege_expire {
        req.privilege_expire = v.opt_count_as("privilegeExpire", U32_MAX)?;
    }
    if let Some(v) = expiries {
        req.privilege_expiries = privilege_expiries(v)?;
    }
    if let Some(v) = rtm {
        req.rtm = (!v.is_nullish()?).then(|| rtm_login(v)).transpose()?;
    }
    Ok(req)
}

fn issue(js: Js) -> fanline::Result<Option<TokenIssue>> {
    if js.is_nullish()? {
        return Ok(None);
    }
    Ok(Some(TokenIssue::new(
        js.get("issueTs", "issue")?
            .count_as("issue.issueTs", U32_MAX)?,
        js.get("salt", "issue")?.count_as("issue.salt", U32_MAX)?,
    )))
}

/// Optional privilege lifetime: absent means the token lifetime.
fn opt_expire(js: Js, what: &str) -> fanline::Result<Option<u32>> {
    js.opt_count_as(what, U32_MAX)
}

/// Builds Agora AccessToken2 (`007`) RTC tokens, byte-compatible with the official builders.
/// Credentials are checked once, here; lifetimes are RELATIVE seconds (1 to 86400), so an
/// absolute unix time is refused with a message saying so.
///
/// ```js
/// const builder = new RtcTokenBuilder(process.env.AGORA_APP_ID, process.env.AGORA_APP_CERTIFICATE)
/// const token = builder.buildTokenWithUid('call_0123', agoraUid('fan_001'), 'publisher', 3600)
/// ```
#[napi]
pub struct RtcTokenBuilder {
    creds: AgoraCredentials,
}

#[napi]
impl RtcTokenBuilder {
    /// `INVALID_CONFIG` unless both are 32 hex characters.
    #[napi(constructor, ts_args_type = "appId: string, appCertificate: string")]
    pub fn new(env: &Env, app_id: Unknown, app_certificate: Unknown) -> napi::Result<Self> {
        run(env, || {
            Ok(RtcTokenBuilder {
                creds: credentials(app_id, app_certificate)?,
            })
        })
    }

    /// The app id (it travels in clear in every token; the certificate is never exposed).
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.creds.app_id().to_string()
    }

    fn build_one(&self, req: &RtcTokenRequest) -> fanline::Result<String> {
        build_rtc_token(&self.creds, req, None)
    }

    /// A token for a numeric uid (0 = any uid may join), issued now with a random salt.
    /// `role`: `'publisher'` (join + publish) or `'subscriber'` (join), or 1 / 2 as in the
    /// official `RtcRole`. `privilegeExpire` defaults to `tokenExpire`.
    #[napi(
        ts_args_type = "channel: string, uid: number, role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null"
    )]
    pub fn build_token_with_uid(
        &self,
        env: &Env,
        channel: Unknown,
        uid: Unknown,
        role: Unknown,
        token_expire: Unknown,
        privilege_expire: Unknown,
    ) -> napi::Result<String> {
        run(env, || {
            self.build_one(&RtcTokenRequest {
                channel: Js::from(&channel).string("channel")?,
                uid: RtcUser::Uid(Js::from(&uid).count_as("uid", U32_MAX)?),
                role: rtc_role(Js::from(&role))?,
                token_expire: Js::from(&token_expire).count_as("tokenExpire", U32_MAX)?,
                privilege_expire: opt_expire(Js::from(&privilege_expire), "privilegeExpire")?,
                privilege_expiries: PrivilegeExpiries::default(),
                rtm: None,
            })
        })
    }

    /// A token for a string user account (written as is: account `"123"` equals uid 123, and
    /// `"0"` is not the wildcard).
    #[napi(
        ts_args_type = "channel: string, account: string, role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null"
    )]
    pub fn build_token_with_user_account(
        &self,
        env: &Env,
        channel: Unknown,
        account: Unknown,
        role: Unknown,
        token_expire: Unknown,
        privilege_expire: Unknown,
    ) -> napi::Result<String> {
        run(env, || {
            self.build_one(&RtcTokenRequest {
                channel: Js::from(&channel).string("channel")?,
                uid: RtcUser::Account(Js::from(&account).string("account")?),
                role: rtc_role(Js::from(&role))?,
                token_expire: Js::from(&token_expire).count_as("tokenExpire", U32_MAX)?,
                privilege_expire: opt_expire(Js::from(&privilege_expire), "privilegeExpire")?,
                privilege_expiries: PrivilegeExpiries::default(),
                rtm: None,
            })
        })
    }

    /// One token carrying RTC for `uidOrAccount` and RTM login for `rtmUserId` (default: the
    /// account text), as the official `buildTokenWithRtm` does; the RTM login lasts
    /// `tokenExpire`.
    #[napi(
        ts_args_type = "channel: string, uidOrAccount: number | string, role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null, rtmUserId?: string | null"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn build_token_with_rtm(
        &self,
        env: &Env,
        channel: Unknown,
        uid_or_account: Unknown,
        role: Unknown,
        token_expire: Unknown,
        privilege_expire: Unknown,
        rtm_user_id: Unknown,
    ) -> napi::Result<String> {
        run(env, || {
            let uid = rtc_user(Js::from(&uid_or_account), "uidOrAccount")?;
            let user_id = match Js::from(&rtm_user_id).opt_string("rtmUserId")? {
                Some(id) => id,
                None => uid.as_token_text(),
            };
            self.build_one(&RtcTokenRequest {
                channel: Js::from(&channel).string("channel")?,
                uid,
                role: rtc_role(Js::from(&role))?,
                token_expire: Js::from(&token_expire).count_as("tokenExpire", U32_MAX)?,
                privilege_expire: opt_expire(Js::from(&privilege_expire), "privilegeExpire")?,
                privilege_expiries: PrivilegeExpiries::default(),
                rtm: Some(RtmLogin {
                    user_id,
                    expire: None,
                }),
            })
        })
    }

    /// The general form: a request object (per-privilege expiries, RTM, uid or account) and,
    /// for reproducible output, a pinned `{ issueTs, salt }`.
    ///
    /// ```js
    /// builder.build({ channel: 'stage', account: 'ada', role: 'subscriber', tokenExpire: 600 })
    /// builder.build({ channel: 'c', uid: 42, privilegeExpiries: { publishVideo: 60 } },
    ///               { issueTs: 1700000000, salt: 1 })   // deterministic
    /// ```
    #[napi(ts_args_type = "request: RtcTokenRequest, issue?: TokenIssue | null")]
    pub fn build(&self, env: &Env, request: Unknown, issue: Unknown) -> napi::Result<String> {
        run(env, || {
            let req = rtc_request(Js::from(&request))?;
            build_rtc_token(&self.creds, &req, self::issue(Js::from(&issue))?)
        })
    }

    /// Builds the valid requests on every core and lays the results out in the caller's order,
    /// a coded error in each failed slot.
    fn batch_results<'e>(
        &self,
        env: &'e Env,
        failures: Vec<Option<Error>>,
        valid: Vec<RtcTokenRequest>,
    ) -> napi::Result<Array<'e>> {
        let mut built = run(env, || Ok(build_tokens_batch(&self.creds, &valid, None)))?.into_iter();
        let mut out = env.create_array(failures.len() as u32)?;
        for (i, failure) in failures.into_iter().enumerate() {
            let result = match failure {
                Some(e) => Err(e),
                None => built
                    .next()
                    .unwrap_or_else(|| Err(Error::internal("batch result missing"))),
            };
            match result {
                Ok(token) => out.set(i as u32, token)?,
                Err(e) => out.set(i as u32, error_object(env, &e)?)?,
            }
        }
        Ok(out)
    }

    /// The columnar batch: one token per uid, for one shared channel or a channel per uid, with
    /// one role and lifetime. Crossing the boundary costs a few napi calls per token instead of
    /// a property walk, so it is the fastest way to issue many tokens.
    ///
    /// ```js
    /// const tokens = builder.buildBatchWithUids('call_0123', fans.map(agoraUid), 'publisher', 3600)
    /// ```
    #[napi(
        ts_args_type = "channels: string | string[], uids: number[], role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null",
        ts_return_type = "Array<string | FanlineError>"
    )]
    pub fn build_batch_with_uids<'e>(
        &self,
        env: &'e Env,
        channels: Unknown,
        uids: Unknown,
        role: Unknown,
        token_expire: Unknown,
        privilege_expire: Unknown,
    ) -> napi::Result<Array<'e>> {
        let (failures, valid) = run(env, || {
            let uids = Js::from(&uids).array("uids")?;
            let channels = Js::from(&channels);
            let shared = match channels.kind()? {
                ValueType::String => Some(channels.string("channels")?),
                _ => None,
            };
            let per_uid = match shared {
                Some(_) => Vec::new(),
                None => channels.array("channels")?,
            };
            if shared.is_none() && per_uid.len() != uids.len() {
                return Err(Error::invalid(
                    "channels must be one string or an array as long as uids",
                ));
            }
            let role = rtc_role(Js::from(&role))?;
            let token_expire = Js::from(&token_expire).count_as("tokenExpire", U32_MAX)?;
            let privilege_expire = opt_expire(Js::from(&privilege_expire), "privilegeExpire")?;
            let mut failures = Vec::with_capacity(uids.len());
            let mut valid = Vec::with_capacity(uids.len());
            for (i, uid) in uids.into_iter().enumerate() {
                let one = || -> fanline::Result<RtcTokenRequest> {
                    let channel = match &shared {
                        Some(c) => c.clone(),
                        None => per_uid[i].string("channel")?,
                    };
                    Ok(RtcTokenRequest {
                        channel,
                        uid: RtcUser::Uid(uid.count_as("uid", U32_MAX)?),
                        role,
                        token_expire,
                        privilege_expire,
                        privilege_expiries: PrivilegeExpiries::default(),
                        rtm: None,
                    })
                };
                match one().map_err(|e| e.at_item(i)) {
                    Ok(req) => {
                        valid.push(req);
                        failures.push(None);
                    }
                    Err(e) => failures.push(Some(e)),
                }
            }
            Ok((failures, valid))
        })?;
        self.batch_results(env, failures, valid)
    }

    /// Many tokens in one call, built on every core, all issued now with independent salts.
    /// The result keeps the order of `requests`; a bad request fails only its own slot, which
    /// holds a `FanlineError` instead of a string. A malformed list throws.
    ///
    /// ```js
    /// const out = builder.buildBatch(fans.map((f) => ({ channel, uid: agoraUid(f) })))
    /// out.forEach((t, i) => { if (typeof t !== 'string') console.warn(i, t.code) })
    /// ```
    #[napi(
        ts_args_type = "requests: RtcTokenRequest[]",
        ts_return_type = "Array<string | FanlineError>"
    )]
    pub fn build_batch<'e>(&self, env: &'e Env, requests: Unknown) -> napi::Result<Array<'e>> {
        let items = run(env, || Js::from(&requests).array("requests"))?;
        let mut failures = Vec::with_capacity(items.len());
        let mut valid = Vec::with_capacity(items.len());
        for (i, js) in items.into_iter().enumerate() {
            match guard(|| rtc_request(js)).map_err(|e| e.at_item(i)) {
                Ok(req) => {
                    valid.push(req);
                    failures.push(None);
                }
                Err(e) => failures.push(Some(e)),
            }
        }
        self.batch_results(env, failures, valid)
    }
}
