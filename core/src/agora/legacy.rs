//! The legacy AccessToken (`006`) builder, parser and verifier.
//!
//! `"006" + appId + base64(u16 32 + signature + u32 crc32(channel) + u32 crc32(uid) + str m)`,
//! `m = u32 salt + u32 ts + u16 count + count x (u16 privilege, u32 expireTs)`, signed with
//! `HMAC-SHA256(certificate, appId + channel + uid + m)`. Expiries are ABSOLUTE unix
//! timestamps (0 = no expiry), unlike AccessToken2.

use std::fmt;

use base64::Engine;
use hmac::Mac;

use super::credentials::{self, validate_channel, AgoraCredentials, MAX_EXPIRE_SECS};
use super::parse::MAX_TOKEN_CHARS;
use super::request::{random_u32, unix_secs_u32, RtcUser};
use super::wire::{mac, put_bytes, put_u16, put_u32, Reader, B64};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

/// Below this an "absolute" expiry (other than 0) is surely a relative lifetime by mistake.
const MIN_ABSOLUTE_TS: u32 = 1_000_000_000;

/// Legacy RTC roles with their wire numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacyRole {
    /// 0, deprecated: same privileges as publisher.
    Attendee,
    /// 1: join and publish (privileges 1 to 4).
    Publisher,
    /// 2: join only.
    Subscriber,
    /// 101, deprecated: same privileges as publisher.
    Admin,
}

impl LegacyRole {
    /// Every role.
    pub const ALL: [LegacyRole; 4] = [
        LegacyRole::Attendee,
        LegacyRole::Publisher,
        LegacyRole::Subscriber,
        LegacyRole::Admin,
    ];

    /// The name every binding uses: `attendee`, `publisher`, `subscriber` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            LegacyRole::Attendee => "attendee",
            LegacyRole::Publisher => "publisher",
            LegacyRole::Subscriber => "subscriber",
            LegacyRole::Admin => "admin",
        }
    }

    /// The wire number: 0, 1, 2 or 101.
    pub fn code(self) -> u64 {
        match self {
            LegacyRole::Attendee => 0,
            LegacyRole::Publisher => 1,
            LegacyRole::Subscriber => 2,
            LegacyRole::Admin => 101,
        }
    }

    /// Parses a name; anything else is `INVALID_INPUT`.
    pub fn parse(name: &str) -> Result<Self> {
        LegacyRole::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(Self::bad)
    }

    /// The role of a wire number; anything else is `INVALID_INPUT`.
    pub fn from_code(code: u64) -> Result<Self> {
        LegacyRole::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(Self::bad)
    }

    fn bad() -> Error {
        Error::invalid(
            "role must be 'attendee', 'publisher', 'subscriber', 'admin' or 0, 1, 2, 101",
        )
    }
}

/// What a 006 token says, besides credentials, salt and `ts`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegacyTokenRequest {
    /// Channel name: 1 to 64 bytes of Agora's character set.
    pub channel: String,
    /// Uid (0 = wildcard) or account.
    pub uid: RtcUser,
    /// Role.
    pub role: LegacyRole,
    /// ABSOLUTE unix time at which the privileges expire; 0 means no expiry.
    pub privilege_expired_ts: u32,
}

/// The salt and message timestamp of a 006 token, for deterministic output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LegacyIssue {
    /// Salt (the official builder draws a random u32).
    pub salt: u32,
    /// Message timestamp; the official builder writes now + 86400.
    pub ts: u32,
}

/// Builds a legacy `006` token. Without `issue`, salt is random and `ts` is now + 86400.
pub fn build_token_006(
    creds: &AgoraCredentials,
    req: &LegacyTokenRequest,
    issue: Option<LegacyIssue>,
) -> Result<String> {
    validate_channel(&req.channel)?;
    req.uid.validate()?;
    if req.privilege_expired_ts != 0 && req.privilege_expired_ts < MIN_ABSOLUTE_TS {
        return Err(Error::invalid(format!(
            "the privilege expiry is {}: legacy 006 tokens take an absolute unix timestamp \
             (or 0 for none), not relative seconds",
            req.privilege_expired_ts
        )));
    }
    let issue = match issue {
        Some(i) => i,
        None => LegacyIssue {
            salt: random_u32()?,
            ts: unix_secs_u32(&SystemClock)?.saturating_add(MAX_EXPIRE_SECS),
        },
    };
    let uid = req.uid.as_token_text();
    let publish = req.role != LegacyRole::Subscriber;

    let mut m = Vec::with_capacity(40);
    put_u32(&mut m, issue.salt);
    put_u32(&mut m, issue.ts);
    put_u16(&mut m, if publish { 4 } else { 1 });
    for id in 1..=if publish { 4 } else { 1 } {
        put_u16(&mut m, id);
        put_u32(&mut m, req.privilege_expired_ts);
    }

    let mut mac = mac(creds.certificate_bytes());
    mac.update(creds.app_id().as_bytes());
    mac.update(req.channel.as_bytes());
    mac.update(uid.as_bytes());
    mac.update(&m);
    let signature = mac.finalize().into_bytes();

    let mut content = Vec::with_capacity(48 + m.len());
    put_bytes(&mut content, &signature);
    put_u32(&mut content, crc32fast::hash(req.channel.as_bytes()));
    put_u32(&mut content, crc32fast::hash(uid.as_bytes()));
    put_bytes(&mut content, &m);

    let mut token = String::with_capacity(35 + content.len().div_ceil(3) * 4);
    token.push_str("006");
    token.push_str(creds.app_id());
    B64.encode_string(&content, &mut token);
    Ok(token)
}

/// Builds a `006` token with `ts` taken from `clock` (now + 86400) and a random salt.
pub fn build_token_006_with_clock(
    creds: &AgoraCredentials,
    req: &LegacyTokenRequest,
    clock: &dyn Clock,
) -> Result<String> {
    let issue = LegacyIssue {
        salt: random_u32()?,
        ts: unix_secs_u32(clock)?.saturating_add(MAX_EXPIRE_SECS),
    };
    build_token_006(creds, req, Some(issue))
}

/// A parsed `006` token. `Debug` and the (camelCase) serde form leave out the signature.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParsedToken006 {
    /// The app id (in clear in the token).
    pub app_id: String,
    /// CRC-32 of the channel name.
    pub crc_channel: u32,
    /// CRC-32 of the uid text.
    pub crc_uid: u32,
    /// Salt.
    pub salt: u32,
    /// Message timestamp (official builders: issue time + 86400).
    pub ts: u32,
    /// (privilege id, ABSOLUTE expiry unix time, 0 = none).
    pub privileges: Vec<(u16, u32)>,
    #[serde(skip)]
    signature: [u8; 32],
    #[serde(skip)]
    message: Vec<u8>,
}

impl fmt::Debug for ParsedToken006 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedToken006")
            .field("app_id", &self.app_id)
            .field("crc_channel", &self.crc_channel)
            .field("crc_uid", &self.crc_uid)
            .field("salt", &self.salt)
            .field("ts", &self.ts)
            .field("privileges", &self.privileges)
            .finish_non_exhaustive()
    }
}

impl ParsedToken006 {
    /// Whether the token was signed by `certificate` for this `channel` and `uid`.
    pub fn verify(&self, certificate: &str, channel: &str, uid: &RtcUser) -> Result<bool> {
        let cert = credentials::certificate(certificate)?;
        let uid = uid.as_token_text();
        if crc32fast::hash(channel.as_bytes()) != self.crc_channel
            || crc32fast::hash(uid.as_bytes()) != self.crc_uid
        {
            return Ok(false);
        }
        let mut mac = mac(&cert);
        mac.update(self.app_id.as_bytes());
        mac.update(channel.as_bytes());
        mac.update(uid.as_bytes());
        mac.update(&self.message);
        Ok(mac.verify_slice(&self.signature).is_ok())
    }
}

/// Parses a legacy `006` token (without checking its signature).
pub fn parse_token_006(token: &str) -> Result<ParsedToken006> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_CHARS {
        return Err(Error::invalid(format!(
            "the token is longer than {MAX_TOKEN_CHARS} characters"
        )));
    }
    if token.get(..3) != Some("006") {
        return Err(Error::invalid("not a legacy 006 token"));
    }
    let app_id = token
        .get(3..35)
        .ok_or_else(|| Error::invalid("the token is truncated or malformed"))?;
    let content = B64
        .decode(&token[35..])
        .map_err(|_| Error::invalid("the token is not valid base64"))?;
    let mut r = Reader::new(&content);
    let signature: [u8; 32] = r
        .bytes()?
        .try_into()
        .map_err(|_| Error::invalid("the token's signature is not 32 bytes"))?;
    let crc_channel = r.u32()?;
    let crc_uid = r.u32()?;
    let message = r.bytes()?;
    if !r.rest().is_empty() {
        return Err(Error::invalid("the token has bytes after its message"));
    }
    let mut m = Reader::new(message);
    let salt = m.u32()?;
    let ts = m.u32()?;
    let count = m.u16()? as usize;
    let mut privileges = Vec::with_capacity(count.min(message.len() / 6));
    for _ in 0..count {
        privileges.push((m.u16()?, m.u32()?));
    }
    Ok(ParsedToken006 {
        app_id: app_id.to_owned(),
        crc_channel,
        crc_uid,
        salt,
        ts,
        privileges,
        signature,
        message: message.to_vec(),
    })
}

/// Parses a `006` token and checks it for `certificate`, `channel` and `uid` (a 006 token only
/// carries their CRCs). Malformed tokens are `INVALID_INPUT`; a mismatch is `Ok(false)`.
pub fn verify_token_006(
    token: &str,
    certificate: &str,
    channel: &str,
    uid: &RtcUser,
) -> Result<bool> {
    credentials::certificate(certificate)?;
    parse_token_006(token)?.verify(certificate, channel, uid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_roles_by_name_and_by_wire_number() {
        for r in LegacyRole::ALL {
            assert_eq!(LegacyRole::parse(r.as_str()).unwrap(), r);
            assert_eq!(LegacyRole::from_code(r.code()).unwrap(), r);
        }
        assert_eq!(LegacyRole::from_code(101).unwrap(), LegacyRole::Admin);
        for bad in [LegacyRole::parse("owner"), LegacyRole::from_code(3)] {
            assert_eq!(bad.unwrap_err().code(), "INVALID_INPUT");
        }
    }

    fn creds() -> AgoraCredentials {
        AgoraCredentials::new(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .unwrap()
    }

    #[test]
    fn round_trip_and_mismatches() {
        let req = LegacyTokenRequest {
            channel: "stage".into(),
            uid: RtcUser::Uid(0),
            role: LegacyRole::Subscriber,
            privilege_expired_ts: 0,
        };
        let t = build_token_006(&creds(), &req, None).unwrap();
        let cert = "5CFd2fd1755d40ecb72977518be15d3b";
        assert!(verify_token_006(&t, cert, "stage", &RtcUser::Uid(0)).unwrap());
        assert!(!verify_token_006(&t, cert, "stage", &RtcUser::Uid(1)).unwrap());
        assert!(!verify_token_006(&t, cert, "stagE", &RtcUser::Uid(0)).unwrap());
        let other = "5CFd2fd1755d40ecb72977518be15d3c";
        assert!(!verify_token_006(&t, other, "stage", &RtcUser::Uid(0)).unwrap());
        assert_eq!(parse_token_006(&t).unwrap().privileges, vec![(1, 0)]);
    }

    #[test]
    fn relative_expiry_is_rejected() {
        let req = LegacyTokenRequest {
            channel: "stage".into(),
            uid: RtcUser::Uid(1),
            role: LegacyRole::Publisher,
            privilege_expired_ts: 3600,
        };
        let e = build_token_006(&creds(), &req, None).unwrap_err();
        assert!(e.to_string().contains("absolute unix timestamp"));
    }

    #[test]
    fn garbage_never_panics() {
        for t in [
            "",
            "006",
            "006abc",
            "006970CA35de60c44645bbae8a215061b33",
            "006é",
        ] {
            assert_eq!(parse_token_006(t).unwrap_err().code(), "INVALID_INPUT");
        }
    }
}
