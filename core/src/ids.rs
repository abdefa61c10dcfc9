//! Identifiers and actors (docs/rules.md section 1).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::wire::wire_enum;

/// Longest accepted user id, in bytes of UTF-8.
pub const MAX_USER_ID_BYTES: usize = 128;

/// A validated user id: 1 to 128 bytes of UTF-8, no control characters, no surrounding
/// whitespace. The host chooses the ids (Supabase, Firebase, UUIDs); fanline treats them as
/// opaque text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(String);

impl UserId {
    /// Validates `id` and wraps it.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        validate_user_id(&id)?;
        Ok(UserId(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UserId::new(s).map_err(serde::de::Error::custom)
    }
}

/// Checks the user-id rules without allocating.
pub fn validate_user_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid("user id is empty"));
    }
    if id.len() > MAX_USER_ID_BYTES {
        return Err(Error::invalid(format!(
            "user id is longer than {MAX_USER_ID_BYTES} bytes"
        )));
    }
    if has_control(id) {
        return Err(Error::invalid("user id contains control characters"));
    }
    if id.trim() != id {
        return Err(Error::invalid("user id has leading or trailing whitespace"));
    }
    Ok(())
}

/// Whether `s` holds a control character (Unicode category Cc: U+0000..=U+001F and
/// U+007F..=U+009F), like `s.chars().any(char::is_control)` but over bytes, without decoding
/// UTF-8: this check runs on every id of every operation (and on every uid).
fn has_control(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return true;
    }
    // U+0080..=U+009F are encoded as 0xC2 0x80..=0xC2 0x9F; 0xC2 is never a continuation
    // byte, so a 0xC2 followed by a byte below 0xA0 is always one of them.
    !s.is_ascii() && bytes.windows(2).any(|w| w[0] == 0xc2 && w[1] < 0xa0)
}

wire_enum! {
    /// What an actor is on the platform.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Role {
        /// A fan: owns privacy settings, receives calls.
        Fan = "fan",
        /// A creator: views fans, calls them.
        Creator = "creator",
        /// Staff: sees everything, may not act as a creator.
        Admin = "admin",
    }
}

impl Role {
    /// Parses a wire name.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "fan" => Ok(Role::Fan),
            "creator" => Ok(Role::Creator),
            "admin" => Ok(Role::Admin),
            _ => Err(Error::invalid("role must be 'fan', 'creator' or 'admin'")),
        }
    }
}

/// Who performs an operation. Authentication is the host's job; fanline authorises.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The acting user.
    pub id: UserId,
    /// Their role.
    pub role: Role,
}

impl Actor {
    /// Validates the id and builds an actor.
    pub fn new(id: impl Into<String>, role: Role) -> Result<Self> {
        Ok(Actor {
            id: UserId::new(id)?,
            role,
        })
    }

    /// A fan actor.
    pub fn fan(id: impl Into<String>) -> Result<Self> {
        Actor::new(id, Role::Fan)
    }

    /// A creator actor.
    pub fn creator(id: impl Into<String>) -> Result<Self> {
        Actor::new(id, Role::Creator)
    }

    /// An admin actor.
    pub fn admin(id: impl Into<String>) -> Result<Self> {
        Actor::new(id, Role::Admin)
    }
}

/// A call id: a UUID, v4 or v7 (the store picks which kind new calls get,
/// [`crate::store::Tx::new_call_id`]; both are accepted from callers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(uuid::Uuid);

impl CallId {
    /// A fresh random (v4) id from the operating system's CSPRNG.
    pub fn random() -> Self {
        CallId(uuid::Uuid::new_v4())
    }

    /// A fresh time-ordered (v7) id: the system clock's Unix milliseconds, then a counter that
    /// keeps this process's ids increasing within a millisecond, then random bits. A b-tree
    /// keyed by such ids grows at its right edge, so inserting one touches the pages the last
    /// insert touched, where a random id lands on any page of the index.
    pub fn time_ordered() -> Self {
        CallId(uuid::Uuid::now_v7())
    }

    /// Parses the hyphenated or simple form of a v4 or v7 UUID.
    pub fn parse(s: &str) -> Result<Self> {
        let id = uuid::Uuid::try_parse(s).map_err(|_| Error::invalid("call id is not a UUID"))?;
        match id.get_version_num() {
            4 | 7 => Ok(CallId(id)),
            _ => Err(Error::invalid("call id must be a version 4 or 7 UUID")),
        }
    }

    /// The Agora channel for this call: `call_` + 32 lowercase hex digits (37 bytes).
    /// Derived from the call id, never from user ids, so channel names reveal nobody.
    pub fn channel_name(&self) -> String {
        format!("call_{}", self.0.simple())
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl Serialize for CallId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CallId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CallId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_rules() {
        assert!(UserId::new("u_123").is_ok());
        assert!(UserId::new("ünïcode-用户").is_ok());
        assert!(UserId::new("x".repeat(128)).is_ok());
        for bad in [
            "",
            " lead",
            "trail ",
            "tab\tinside",
            "nul\0",
            &"x".repeat(129),
        ] {
            assert_eq!(
                UserId::new(bad).unwrap_err().code(),
                "INVALID_INPUT",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn channel_name_is_37_bytes_of_allowed_characters() {
        let id = CallId::random();
        let ch = id.channel_name();
        assert_eq!(ch.len(), 37);
        assert!(ch.starts_with("call_"));
        assert!(ch[5..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(CallId::parse(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn call_id_rejects_other_versions_and_junk() {
        assert!(CallId::parse("not-a-uuid").is_err());
        // A version 1 UUID.
        assert!(CallId::parse("c232ab00-9414-11ec-b3c8-9f6bdeced846").is_err());
    }
}
