//! The token inspector: every field of a `007` token, expiry instants as RFC 3339, and
//! whether the signature verifies.

use serde::Serialize;

use super::credentials;
use super::parse::{parse_token, ServiceFields};
use crate::clock::rfc3339;
use crate::error::Result;

/// One privilege in an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InspectedPrivilege {
    /// Privilege id.
    pub id: u16,
    /// Its name (`joinChannel`, `publishAudioStream`, `login`, ...), when known.
    pub name: Option<&'static str>,
    /// Expiry in seconds relative to the issue time, as carried.
    pub expire: u32,
    /// `issueTs + expire` as RFC 3339.
    pub expires_at: String,
}

/// One service in an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InspectedService {
    /// Service type number.
    pub service_type: u16,
    /// Service name (`rtc`, `rtm`, ...).
    pub name: &'static str,
    /// Its privileges.
    pub privileges: Vec<InspectedPrivilege>,
    /// Its type-specific fields.
    #[serde(flatten)]
    pub fields: ServiceFields,
}

/// Every field of a `007` token, for support and debugging; serialises in camelCase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenInspection {
    /// Always `"007"`.
    #[cfg_attr(feature = "schema", schemars(extend("const" = "007")))]
    pub version: &'static str,
    /// The app id text.
    pub app_id: String,
    /// Issue time, unix seconds.
    pub issue_ts: u32,
    /// Issue time as RFC 3339.
    pub issued_at: String,
    /// Token lifetime in seconds relative to the issue time.
    pub expire: u32,
    /// Token expiry as RFC 3339.
    pub expires_at: String,
    /// Salt.
    pub salt: u32,
    /// Channel of the first RTC service.
    pub channel: Option<String>,
    /// Uid text of the first RTC service (`""` is uid 0, the wildcard).
    pub uid: Option<String>,
    /// The uid as a number when the text is one (`""` gives 0); `None` for a string account.
    pub numeric_uid: Option<u32>,
    /// User id of the first RTM service.
    pub rtm_user_id: Option<String>,
    /// Every service read, in token order.
    pub services: Vec<InspectedService>,
    /// The first service type not understood; parsing stopped there.
    pub unparsed_service_type: Option<u16>,
    /// Whether the signature verifies; `None` when no certificate was given.
    pub signature_valid: Option<bool>,
}

/// Name of a service type.
pub fn service_name(service_type: u16) -> &'static str {
    match service_type {
        1 => "rtc",
        2 => "rtm",
        3 => "streaming",
        4 => "fpa",
        5 => "chat",
        6 => "fcdn",
        7 => "apaas",
        8 => "rtm2",
        9 => "convoai",
        10 => "stt",
        _ => "unknown",
    }
}

/// Name of a privilege of a service type, when known.
pub fn privilege_name(service_type: u16, id: u16) -> Option<&'static str> {
    Some(match (service_type, id) {
        (1, 1) => "joinChannel",
        (1, 2) => "publishAudioStream",
        (1, 3) => "publishVideoStream",
        (1, 4) => "publishDataStream",
        (2 | 4 | 8, 1) => "login",
        (3, 1) => "publishMixStream",
        (3, 2) => "publishRawStream",
        (5, 1) => "user",
        (5, 2) => "app",
        (6, 1) => "publish",
        (6, 2) => "play",
        (7, 1) => "roomUser",
        (7, 2) => "user",
        (7, 3) => "app",
        _ => return None,
    })
}

/// The uid text as a number: `""` is 0, canonical decimal u32 text is that number.
fn numeric_uid(text: &str) -> Option<u32> {
    if text.is_empty() {
        return Some(0);
    }
    if text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses a `007` token and returns every field, expiry instants as RFC 3339 and, when a
/// certificate is given, whether the signature verifies.
pub fn inspect_token(token: &str, certificate: Option<&str>) -> Result<TokenInspection> {
    if let Some(c) = certificate {
        credentials::certificate(c)?;
    }
    let p = parse_token(token)?;
    let signature_valid = certificate.map(|c| p.verify(c)).transpose()?;
    let at = |rel: u32| rfc3339((i64::from(p.issue_ts) + i64::from(rel)) * 1000);
    let services: Vec<InspectedService> = p
        .services
        .iter()
        .map(|s| InspectedService {
            service_type: s.service_type,
            name: service_name(s.service_type),
            privileges: s
                .privileges
                .iter()
                .map(|&(id, expire)| InspectedPrivilege {
                    id,
                    name: privilege_name(s.service_type, id),
                    expire,
                    expires_at: at(expire),
                })
                .collect(),
            fields: s.fields.clone(),
        })
        .collect();
    let rtc = p.rtc();
    let rtm_user_id = p.services.iter().find_map(|s| match &s.fields {
        ServiceFields::User { user_id } if s.service_type == 2 => Some(user_id.clone()),
        _ => None,
    });
    Ok(TokenInspection {
        version: "007",
        issued_at: at(0),
        expires_at: at(p.expire),
        channel: rtc.map(|(c, _)| c.to_owned()),
        uid: rtc.map(|(_, u)| u.to_owned()),
        numeric_uid: rtc.and_then(|(_, u)| numeric_uid(u)),
        rtm_user_id,
        services,
        unparsed_service_type: p.unparsed_service_type,
        signature_valid,
        app_id: p.app_id,
        issue_ts: p.issue_ts,
        expire: p.expire,
        salt: p.salt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_uids() {
        assert_eq!(numeric_uid(""), Some(0));
        assert_eq!(numeric_uid("42"), Some(42));
        assert_eq!(numeric_uid("4294967295"), Some(u32::MAX));
        assert_eq!(numeric_uid("4294967296"), None);
        assert_eq!(numeric_uid("042"), None);
        assert_eq!(numeric_uid("0"), None);
        assert_eq!(numeric_uid("bob"), None);
    }
}
