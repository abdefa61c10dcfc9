//! Parser, verifier and inspector for any AccessToken2 (`007`) token.
//!
//! The signature is checked over the ORIGINAL signing-info bytes, never over a re-serialised
//! copy. Services of a type this parser does not know end parsing without failing (as the
//! official parsers do). Inflation is capped at [`MAX_INFLATED_BYTES`]; malformed input of any
//! kind is an `INVALID_INPUT` error, never a panic.

use std::cell::RefCell;
use std::fmt;

use base64::Engine;
use flate2::{Decompress, FlushDecompress, Status};
use hmac::Mac;
use serde::Serialize;

use super::access_token2::{first_key, signing_key};
use super::credentials;
use super::wire::{mac, Reader, B64};
use crate::error::{Error, Result};

/// Largest inflated payload accepted, in bytes. A real RTC+RTM token is under 700.
pub const MAX_INFLATED_BYTES: usize = 4096;

/// Longest token string accepted, in characters.
pub const MAX_TOKEN_CHARS: usize = 8192;

/// The type-specific fields of a service, by the layouts of the official builders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged, rename_all = "camelCase")]
pub enum ServiceFields {
    /// RTC (type 1): the channel and the uid as text (`""` = uid 0, the wildcard).
    Rtc {
        /// Channel name.
        channel: String,
        /// Uid or account text.
        uid: String,
    },
    /// RTM (2) and Chat (5): a user id.
    User {
        /// User id (`""` when none).
        #[serde(rename = "userId")]
        user_id: String,
    },
    /// Streaming (3) and FCDN (6): a channel and an account.
    ChannelAccount {
        /// Channel name.
        channel: String,
        /// Uid or account text.
        account: String,
    },
    /// APaaS (7): room, user and role.
    Apaas {
        /// Room uuid.
        #[serde(rename = "roomUuid")]
        room_uuid: String,
        /// User uuid.
        #[serde(rename = "userUuid")]
        user_uuid: String,
        /// Role number.
        role: i16,
    },
    /// RTM2 (8): a user id and resource permissions.
    Rtm2 {
        /// User id.
        #[serde(rename = "userId")]
        user_id: String,
        /// (resource type, permission type, resources) entries.
        permissions: Vec<Rtm2Permission>,
    },
    /// FPA (4), ConvoAI (9), STT (10): no fields.
    None {},
}

/// One RTM2 permission entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Rtm2Permission {
    /// 0 message channels, 1 stream channels, 2 group channels, 3 server groups, 4 users.
    pub resource_type: u16,
    /// 0 read, 1 write.
    pub permission_type: u16,
    /// Resource names.
    pub resources: Vec<String>,
}

/// One service of a parsed token. Serialized camelCase with the fields flattened in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenService {
    /// Service type (1 RTC, 2 RTM, ...).
    pub service_type: u16,
    /// (privilege id, expiry in seconds relative to the issue time), in token order.
    pub privileges: Vec<(u16, u32)>,
    /// The type-specific fields.
    #[serde(flatten)]
    pub fields: ServiceFields,
}

/// A parsed `007` token. `Debug` and the (camelCase) serde form leave out the signature.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParsedToken {
    /// The app id text.
    pub app_id: String,
    /// Issue time, unix seconds.
    pub issue_ts: u32,
    /// Token lifetime, seconds relative to `issue_ts`.
    pub expire: u32,
    /// Salt.
    pub salt: u32,
    /// The services read, in token order.
    pub services: Vec<TokenService>,
    /// The first service type this parser does not know; parsing stopped there.
    pub unparsed_service_type: Option<u16>,
    #[serde(skip)]
    signature: [u8; 32],
    #[serde(skip)]
    signing_info: Vec<u8>,
}

impl fmt::Debug for ParsedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedToken")
            .field("app_id", &self.app_id)
            .field("issue_ts", &self.issue_ts)
            .field("expire", &self.expire)
            .field("salt", &self.salt)
            .field("services", &self.services)
            .field("unparsed_service_type", &self.unparsed_service_type)
            .finish_non_exhaustive()
    }
}

impl ParsedToken {
    /// Whether the signature verifies for `certificate` (32 hex characters, else
    /// `INVALID_CONFIG`). Constant-time comparison.
    pub fn verify(&self, certificate: &str) -> Result<bool> {
        let cert = credentials::certificate(certificate)?;
        let k2 = signing_key(&first_key(self.issue_ts, &cert), self.salt);
        let mut mac = mac(&k2);
        mac.update(&self.signing_info);
        Ok(mac.verify_slice(&self.signature).is_ok())
    }

    /// The 32-byte signature as carried by the token.
    pub fn signature(&self) -> &[u8; 32] {
        &self.signature
    }

    /// The signed bytes exactly as carried by the token.
    pub fn signing_info(&self) -> &[u8] {
        &self.signing_info
    }

    /// The whole inflated payload: `u16 32 + signature + signing_info`.
    pub fn content(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(34 + self.signing_info.len());
        out.extend_from_slice(&32u16.to_le_bytes());
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&self.signing_info);
        out
    }

    /// Unix seconds at which the token expires.
    pub fn expires_at(&self) -> u64 {
        u64::from(self.issue_ts) + u64::from(self.expire)
    }

    /// The first RTC service's channel and uid text.
    pub fn rtc(&self) -> Option<(&str, &str)> {
        self.services.iter().find_map(|s| match &s.fields {
            ServiceFields::Rtc { channel, uid } if s.service_type == 1 => {
                Some((channel.as_str(), uid.as_str()))
            }
            _ => None,
        })
    }
}

thread_local! {
    static INFLATE: RefCell<Decompress> = RefCell::new(Decompress::new(true));
}

/// Inflates a zlib stream of at most [`MAX_INFLATED_BYTES`] that must end exactly at the end
/// of `input`.
pub(crate) fn inflate_capped(input: &[u8]) -> Result<Vec<u8>> {
    INFLATE.with(|z| {
        let z = &mut *z.borrow_mut();
        z.reset(true);
        let mut out = Vec::with_capacity(MAX_INFLATED_BYTES + 1);
        let status = z
            .decompress_vec(input, &mut out, FlushDecompress::Finish)
            .map_err(|_| Error::invalid("the token's compressed payload is corrupt"))?;
        if out.len() > MAX_INFLATED_BYTES {
            return Err(Error::invalid(format!(
                "the token's payload inflates to more than {MAX_INFLATED_BYTES} bytes"
            )));
        }
        match status {
            Status::StreamEnd if z.total_in() as usize == input.len() => Ok(out),
            Status::StreamEnd => Err(Error::invalid(
                "the token has bytes after its compressed payload",
            )),
            _ => Err(Error::invalid(
                "the token's compressed payload is truncated",
            )),
        }
    })
}

/// Reads the part of a service after its type; `None` for a type this parser does not know.
fn read_service(r: &mut Reader<'_>, service_type: u16) -> Result<Option<TokenService>> {
    if !matches!(service_type, 1..=10) {
        return Ok(None);
    }
    let count = r.u16()? as usize;
    let mut privileges = Vec::with_capacity(count.min(r.rest().len() / 6));
    for _ in 0..count {
        privileges.push((r.u16()?, r.u32()?));
    }
    let fields = match service_type {
        1 => ServiceFields::Rtc {
            channel: r.string()?,
            uid: r.string()?,
        },
        2 | 5 => ServiceFields::User {
            user_id: r.string()?,
        },
        3 | 6 => ServiceFields::ChannelAccount {
            channel: r.string()?,
            account: r.string()?,
        },
        7 => ServiceFields::Apaas {
            room_uuid: r.string()?,
            user_uuid: r.string()?,
            role: r.u16()? as i16,
        },
        8 => {
            let user_id = r.string()?;
            let mut permissions = Vec::new();
            for _ in 0..r.u16()? {
                let resource_type = r.u16()?;
                for _ in 0..r.u16()? {
                    let permission_type = r.u16()?;
                    let n = r.u16()? as usize;
                    let mut resources = Vec::with_capacity(n.min(r.rest().len() / 2));
                    for _ in 0..n {
                        resources.push(r.string()?);
                    }
                    permissions.push(Rtm2Permission {
                        resource_type,
                        permission_type,
                        resources,
                    });
                }
            }
            ServiceFields::Rtm2 {
                user_id,
                permissions,
            }
        }
        _ => ServiceFields::None {},
    };
    Ok(Some(TokenService {
        service_type,
        privileges,
        fields,
    }))
}

/// Parses any `007` token without checking its signature (see [`ParsedToken::verify`]).
pub fn parse_token(token: &str) -> Result<ParsedToken> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_CHARS {
        return Err(Error::invalid(format!(
            "the token is longer than {MAX_TOKEN_CHARS} characters"
        )));
    }
    match token.get(..3) {
        Some("007") => {}
        Some("006") => {
            return Err(Error::invalid(
                "this is a legacy 006 token; it needs the 006 parser",
            ))
        }
        _ => return Err(Error::invalid("not an AccessToken2 (007) token")),
    }
    let compressed = B64
        .decode(&token[3..])
        .map_err(|_| Error::invalid("the token is not valid base64"))?;
    let content = inflate_capped(&compressed)?;

    let mut r = Reader::new(&content);
    let sig = r.bytes()?;
    let signature: [u8; 32] = sig
        .try_into()
        .map_err(|_| Error::invalid("the token's signature is not 32 bytes"))?;
    let signing_info = r.rest().to_vec();
    let app_id = r.string()?;
    let issue_ts = r.u32()?;
    let expire = r.u32()?;
    let salt = r.u32()?;
    let count = r.u16()?;
    let mut services = Vec::new();
    let mut unparsed_service_type = None;
    for _ in 0..count {
        let service_type = r.u16()?;
        match read_service(&mut r, service_type)? {
            Some(s) => services.push(s),
            None => {
                unparsed_service_type = Some(service_type);
                break;
            }
        }
    }
    Ok(ParsedToken {
        app_id,
        issue_ts,
        expire,
        salt,
        services,
        unparsed_service_type,
        signature,
        signing_info,
    })
}

/// Parses a `007` token and checks its signature for `certificate`. Malformed tokens are
/// `INVALID_INPUT`; a well-formed token with a wrong signature is `Ok(false)`.
pub fn verify_token(token: &str, certificate: &str) -> Result<bool> {
    credentials::certificate(certificate)?;
    parse_token(token)?.verify(certificate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_invalid_input() {
        for t in [
            "",
            "0",
            "007",
            "007!!!!",
            "007eJw=",
            "007AAAA",
            "008eJxTYA==",
            "006970CA35de60c44645bbae8a215061b33IABF",
        ] {
            assert_eq!(parse_token(t).unwrap_err().code(), "INVALID_INPUT", "{t}");
        }
    }

    #[test]
    fn inflation_is_capped() {
        use flate2::{write::ZlibEncoder, Compression};
        use std::io::Write;
        let mut e = ZlibEncoder::new(Vec::new(), Compression::new(9));
        e.write_all(&vec![0u8; 1 << 20]).unwrap();
        let bomb = format!("007{}", B64.encode(e.finish().unwrap()));
        let err = parse_token(&bomb).unwrap_err();
        assert!(err.to_string().contains("inflates to more than"));
    }
}
