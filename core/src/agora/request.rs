//! What an RTC token says: the request types, the issue time and salt, and the CSPRNG salt.

use std::cell::RefCell;

use super::credentials::{
    validate_account, validate_channel, validate_relative, DEFAULT_EXPIRE_SECS,
};
use super::wire::{put_bytes, put_uid};
use crate::clock::Clock;
use crate::error::{Error, Result};

/// Service type of RTC in an AccessToken2.
pub const SERVICE_RTC: u16 = 1;
/// Service type of RTM in an AccessToken2.
pub const SERVICE_RTM: u16 = 2;
/// RTC privilege: join the channel.
pub const PRIVILEGE_JOIN_CHANNEL: u16 = 1;
/// RTC privilege: publish audio.
pub const PRIVILEGE_PUBLISH_AUDIO: u16 = 2;
/// RTC privilege: publish video.
pub const PRIVILEGE_PUBLISH_VIDEO: u16 = 3;
/// RTC privilege: publish data streams.
pub const PRIVILEGE_PUBLISH_DATA: u16 = 4;
/// RTM privilege: log in.
pub const PRIVILEGE_RTM_LOGIN: u16 = 1;

/// Largest salt the official builders draw (they draw uniformly from 1..=99999999).
pub const MAX_SALT: u32 = 99_999_999;

/// Who the token is for: the uid the client joins with, or its string account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RtcUser {
    /// A numeric uid; 0 is the wildcard (any uid may join) and is written as the empty string.
    Uid(u32),
    /// A string user account (1 to 255 bytes), written as is. `Account("123")` gives the same
    /// token as `Uid(123)`; `Account("0")` stays `"0"` and is not the wildcard.
    Account(String),
}

impl RtcUser {
    /// The uid as the token writes it (`""` for uid 0).
    pub fn as_token_text(&self) -> String {
        match self {
            RtcUser::Uid(0) => String::new(),
            RtcUser::Uid(n) => n.to_string(),
            RtcUser::Account(a) => a.clone(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            RtcUser::Uid(_) => Ok(()),
            RtcUser::Account(a) => validate_account(a),
        }
    }

    pub(crate) fn put(&self, buf: &mut Vec<u8>) {
        match self {
            RtcUser::Uid(n) => put_uid(buf, *n),
            RtcUser::Account(a) => put_bytes(buf, a.as_bytes()),
        }
    }
}

/// What the client may do in the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RtcRole {
    /// Join and publish audio, video and data streams (privileges 1 to 4). Both sides of a call.
    #[default]
    Publisher,
    /// Join only (privilege 1). Only enforced when co-host authentication is on in the project.
    Subscriber,
}

impl RtcRole {
    /// Both roles.
    pub const ALL: [RtcRole; 2] = [RtcRole::Publisher, RtcRole::Subscriber];

    /// The name every binding uses: `publisher` or `subscriber`.
    pub fn as_str(self) -> &'static str {
        match self {
            RtcRole::Publisher => "publisher",
            RtcRole::Subscriber => "subscriber",
        }
    }

    /// The number the official builders use: 1 publisher, 2 subscriber.
    pub fn code(self) -> u64 {
        match self {
            RtcRole::Publisher => 1,
            RtcRole::Subscriber => 2,
        }
    }

    /// Parses a name; anything else is `INVALID_INPUT`.
    pub fn parse(name: &str) -> Result<Self> {
        RtcRole::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(Self::bad)
    }

    /// The role of an official builder's number (1 or 2); anything else is `INVALID_INPUT`.
    pub fn from_code(code: u64) -> Result<Self> {
        RtcRole::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(Self::bad)
    }

    fn bad() -> Error {
        Error::invalid("role must be 'publisher', 'subscriber', 1 or 2")
    }
}

/// Optional per-privilege expiries in relative seconds; `None` falls back to the request's
/// `privilege_expire` (and that to `token_expire`). A subscriber token only carries `join`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PrivilegeExpiries {
    /// Join channel (privilege 1).
    pub join: Option<u32>,
    /// Publish audio (privilege 2).
    pub publish_audio: Option<u32>,
    /// Publish video (privilege 3).
    pub publish_video: Option<u32>,
    /// Publish data streams (privilege 4).
    pub publish_data: Option<u32>,
}

/// RTM login carried in the same token as RTC (service type 2, privilege 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RtmLogin {
    /// The RTM user id (1 to 255 bytes).
    pub user_id: String,
    /// Login privilege expiry in relative seconds; `None` means the token expiry.
    pub expire: Option<u32>,
}

/// Everything an RTC token says, besides the credentials, issue time and salt.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RtcTokenRequest {
    /// Channel name: 1 to 64 bytes of Agora's character set.
    pub channel: String,
    /// The uid or account the client joins with; it must equal the one used to join.
    pub uid: RtcUser,
    /// Publisher (privileges 1 to 4) or subscriber (1 only).
    pub role: RtcRole,
    /// Token lifetime in seconds relative to the issue time, 1 to 86400.
    pub token_expire: u32,
    /// Privilege lifetime in relative seconds (0 to 86400); `None` means `token_expire`.
    /// 0 is what the official builders write when given nothing; Agora does not document it.
    pub privilege_expire: Option<u32>,
    /// Per-privilege overrides of `privilege_expire`.
    pub privilege_expiries: PrivilegeExpiries,
    /// Adds an RTM service (login) to the same token.
    pub rtm: Option<RtmLogin>,
}

impl RtcTokenRequest {
    /// A publisher request with the default lifetime of 7200 s for token and privileges.
    pub fn publisher(channel: impl Into<String>, uid: RtcUser) -> Self {
        RtcTokenRequest {
            channel: channel.into(),
            uid,
            role: RtcRole::Publisher,
            token_expire: DEFAULT_EXPIRE_SECS,
            privilege_expire: None,
            privilege_expiries: PrivilegeExpiries::default(),
            rtm: None,
        }
    }

    /// A subscriber request with the default lifetime of 7200 s.
    pub fn subscriber(channel: impl Into<String>, uid: RtcUser) -> Self {
        RtcTokenRequest {
            role: RtcRole::Subscriber,
            ..Self::publisher(channel, uid)
        }
    }

    /// Checks every field; the builders call this before writing anything.
    pub fn validate(&self) -> Result<()> {
        validate_channel(&self.channel)?;
        self.uid.validate()?;
        validate_relative("token expiry", self.token_expire, false)?;
        let p = &self.privilege_expiries;
        for (what, v) in [
            ("privilege expiry", self.privilege_expire),
            ("join-channel privilege expiry", p.join),
            ("publish-audio privilege expiry", p.publish_audio),
            ("publish-video privilege expiry", p.publish_video),
            ("publish-data privilege expiry", p.publish_data),
        ] {
            if let Some(v) = v {
                validate_relative(what, v, true)?;
            }
        }
        if let Some(rtm) = &self.rtm {
            validate_account(&rtm.user_id)
                .map_err(|_| Error::invalid("the RTM user id must be 1 to 255 bytes"))?;
            if let Some(v) = rtm.expire {
                validate_relative("RTM login expiry", v, true)?;
            }
        }
        Ok(())
    }

    /// The RTC privileges as (id, relative expiry), sorted by id.
    pub fn privileges(&self) -> Vec<(u16, u32)> {
        let default = self.privilege_expire.unwrap_or(self.token_expire);
        let p = &self.privilege_expiries;
        let mut out = vec![(PRIVILEGE_JOIN_CHANNEL, p.join.unwrap_or(default))];
        if self.role == RtcRole::Publisher {
            out.push((PRIVILEGE_PUBLISH_AUDIO, p.publish_audio.unwrap_or(default)));
            out.push((PRIVILEGE_PUBLISH_VIDEO, p.publish_video.unwrap_or(default)));
            out.push((PRIVILEGE_PUBLISH_DATA, p.publish_data.unwrap_or(default)));
        }
        out
    }
}

/// The issue time and salt of one token, for deterministic output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenIssue {
    /// Unix seconds at which the token is issued; expiries count from here.
    pub issue_ts: u32,
    /// The salt (official builders: random in 1..=99999999).
    pub salt: u32,
}

impl TokenIssue {
    /// A pinned issue time and salt.
    pub fn new(issue_ts: u32, salt: u32) -> Self {
        TokenIssue { issue_ts, salt }
    }

    /// The given issue time with a fresh CSPRNG salt in 1..=99999999.
    pub fn random_at(issue_ts: u32) -> Result<Self> {
        Ok(TokenIssue {
            issue_ts,
            salt: random_salt()?,
        })
    }

    /// Now (from `clock`) with a fresh CSPRNG salt.
    pub fn now(clock: &dyn Clock) -> Result<Self> {
        Self::random_at(unix_secs_u32(clock)?)
    }
}

/// The clock's unix seconds as the u32 the token format holds.
pub(crate) fn unix_secs_u32(clock: &dyn Clock) -> Result<u32> {
    u32::try_from(clock.now_secs())
        .map_err(|_| Error::internal("the clock is outside the range of a token's u32 time"))
}

/// A uniform salt in 1..=99999999 from the operating system's CSPRNG (buffered per thread).
pub fn random_salt() -> Result<u32> {
    // Rejection sampling: the largest multiple of MAX_SALT that fits in a u32 keeps it uniform.
    const LIMIT: u32 = (u32::MAX / MAX_SALT) * MAX_SALT;
    loop {
        let x = random_u32()?;
        if x < LIMIT {
            return Ok(x % MAX_SALT + 1);
        }
    }
}

/// Random u32s drawn from the OS 256 bytes at a time, to keep a syscall off every token.
pub(crate) fn random_u32() -> Result<u32> {
    struct Pool {
        buf: [u8; 256],
        pos: usize,
    }
    thread_local! {
        static POOL: RefCell<Pool> = const { RefCell::new(Pool { buf: [0; 256], pos: 256 }) };
    }
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.pos + 4 > p.buf.len() {
            getrandom::fill(&mut p.buf)
                .map_err(|e| Error::internal(format!("the OS random generator failed: {e}")))?;
            p.pos = 0;
        }
        let i = p.pos;
        p.pos += 4;
        Ok(u32::from_le_bytes([
            p.buf[i],
            p.buf[i + 1],
            p.buf[i + 2],
            p.buf[i + 3],
        ]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_name_and_by_official_number() {
        for r in RtcRole::ALL {
            assert_eq!(RtcRole::parse(r.as_str()).unwrap(), r);
            assert_eq!(RtcRole::from_code(r.code()).unwrap(), r);
        }
        assert_eq!(RtcRole::from_code(2).unwrap(), RtcRole::Subscriber);
        for bad in [
            RtcRole::parse("admin"),
            RtcRole::from_code(0),
            RtcRole::from_code(101),
        ] {
            assert_eq!(bad.unwrap_err().code(), "INVALID_INPUT");
        }
    }

    #[test]
    fn salts_are_in_range() {
        for _ in 0..10_000 {
            let s = random_salt().unwrap();
            assert!((1..=MAX_SALT).contains(&s));
        }
    }
}
