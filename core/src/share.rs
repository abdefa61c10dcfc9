//! Share-link tokens (docs/rules.md section 5): minted with a key ring, verified in constant
//! time, expiring, and revocable through a per-fan counter kept in the store.
//!
//! Wire form: base64url (no padding) of `payload || tag`, where
//! `payload = version(1) || key_id(1) || generation(u32 LE) || expires_at(i64 LE, unix s) || fan_id`
//! and `tag` is the first 16 bytes of HMAC-SHA256(key, payload). The store keeps only the
//! fan's current generation and expiry, so a leaked row cannot be turned into a working link
//! without the key; bumping the generation (disable, or enable again) kills every older token.

use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::ids::UserId;

type HmacSha256 = Hmac<Sha256>;

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + 1 + 4 + 8;
/// Shortest accepted secret for a share key.
pub const MIN_KEY_BYTES: usize = 32;
/// Longest token `verify` looks at: the header, the longest user id and the tag, encoded.
pub const MAX_TOKEN_CHARS: usize = ((HEADER_LEN + 128 + TAG_LEN) * 4).div_ceil(3);
/// Default link lifetime: 30 days.
pub const DEFAULT_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// A set of share-link keys: one active key signs, every key still in the ring verifies.
/// Removing (retiring) a key makes its tokens fail closed.
#[derive(Clone)]
pub struct ShareKeyRing {
    active: u8,
    keys: BTreeMap<u8, HmacSha256>,
}

impl fmt::Debug for ShareKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShareKeyRing")
            .field("active", &self.active)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ShareKeyRing {
    /// A ring whose active signing key is `secret` under `key_id`. The secret must have at
    /// least 32 bytes (use a random 32-byte value).
    pub fn new(key_id: u8, secret: &[u8]) -> Result<Self> {
        let mut ring = ShareKeyRing {
            active: key_id,
            keys: BTreeMap::new(),
        };
        ring.insert(key_id, secret)?;
        Ok(ring)
    }

    /// Adds a key that still verifies but does not sign (a key being rotated out), or
    /// replaces one.
    pub fn with_key(mut self, key_id: u8, secret: &[u8]) -> Result<Self> {
        self.insert(key_id, secret)?;
        Ok(self)
    }

    /// Makes `key_id` (already in the ring) the signing key.
    pub fn activate(mut self, key_id: u8) -> Result<Self> {
        if !self.keys.contains_key(&key_id) {
            return Err(Error::config(format!(
                "share key {key_id} is not in the ring"
            )));
        }
        self.active = key_id;
        Ok(self)
    }

    /// Retires `key_id`: its tokens stop verifying. The active key cannot be retired.
    pub fn retire(mut self, key_id: u8) -> Result<Self> {
        if key_id == self.active {
            return Err(Error::config("the active share key cannot be retired"));
        }
        self.keys.remove(&key_id);
        Ok(self)
    }

    /// The id of the signing key.
    pub fn active_key_id(&self) -> u8 {
        self.active
    }

    fn insert(&mut self, key_id: u8, secret: &[u8]) -> Result<()> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(Error::config(format!(
                "a share key needs at least {MIN_KEY_BYTES} bytes"
            )));
        }
        let mac = HmacSha256::new_from_slice(secret).map_err(Error::internal)?;
        self.keys.insert(key_id, mac);
        Ok(())
    }

    /// Mints the token for `fan`'s link number `generation`, valid until `expires_at`
    /// (unix seconds).
    pub fn mint(&self, fan: &UserId, generation: u32, expires_at: i64) -> String {
        let mut buf = Vec::with_capacity(HEADER_LEN + fan.as_str().len() + TAG_LEN);
        buf.push(VERSION);
        buf.push(self.active);
        buf.extend_from_slice(&generation.to_le_bytes());
        buf.extend_from_slice(&expires_at.to_le_bytes());
        buf.extend_from_slice(fan.as_str().as_bytes());
        let mut mac = self.keys[&self.active].clone();
        mac.update(&buf);
        let tag = mac.finalize().into_bytes();
        buf.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(&buf)
    }

    /// Checks the token's integrity and expiry at `now` (unix seconds) and returns what it
    /// claims. The caller must still compare `generation` with the stored one (revocation).
    /// Every failure is `NOT_FOUND`, so a probe learns nothing about why a link is dead.
    pub fn verify(&self, token: &str, now: i64) -> Result<ShareClaims> {
        let not_found = || Error::NotFound("share link");
        if token.len() > MAX_TOKEN_CHARS {
            return Err(not_found());
        }
        let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| not_found())?;
        if raw.len() < HEADER_LEN + 1 + TAG_LEN || raw[0] != VERSION {
            return Err(not_found());
        }
        let (payload, tag) = raw.split_at(raw.len() - TAG_LEN);
        let mut mac = self.keys.get(&payload[1]).ok_or_else(not_found)?.clone();
        mac.update(payload);
        // `verify_truncated_left` compares in constant time.
        mac.verify_truncated_left(tag).map_err(|_| not_found())?;
        let generation = u32::from_le_bytes(payload[2..6].try_into().map_err(Error::internal)?);
        let expires_at = i64::from_le_bytes(payload[6..14].try_into().map_err(Error::internal)?);
        if now >= expires_at {
            return Err(not_found());
        }
        let fan = std::str::from_utf8(&payload[HEADER_LEN..]).map_err(|_| not_found())?;
        Ok(ShareClaims {
            fan: UserId::new(fan).map_err(|_| not_found())?,
            generation,
            expires_at,
            key_id: payload[1],
        })
    }
}

/// What a verified share token claims (camelCase in its serde form).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShareClaims {
    /// The fan whose card the link opens.
    pub fan: UserId,
    /// The link number; live only while it equals the stored generation.
    pub generation: u32,
    /// Expiry, unix seconds.
    pub expires_at: i64,
    /// The key that signed it.
    pub key_id: u8,
}

/// The `robots.txt` body from the seed: creator pages indexable, fan pages and private areas
/// not.
pub const ROBOTS_TXT: &str = "User-agent: *\nAllow: /creator/\nAllow: /@\nDisallow: /fan/\nDisallow: /u/\nDisallow: /c/\nDisallow: /dashboard\nDisallow: /messages\nDisallow: /wallet\nDisallow: /settings\n";

/// The `X-Robots-Tag` value for share cards and every fan-facing response.
pub const X_ROBOTS_TAG: &str = "noindex, nofollow, noarchive";

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> ShareKeyRing {
        ShareKeyRing::new(1, &[7u8; 32]).unwrap()
    }

    #[test]
    fn round_trip_and_url_safe() {
        let fan = UserId::new("fan_1").unwrap();
        let t = ring().mint(&fan, 3, 2_000);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let c = ring().verify(&t, 1_999).unwrap();
        assert_eq!(
            (c.fan, c.generation, c.expires_at, c.key_id),
            (fan, 3, 2_000, 1)
        );
    }

    #[test]
    fn expired_wrong_key_and_retired_key_fail_closed() {
        let fan = UserId::new("fan_1").unwrap();
        let t = ring().mint(&fan, 0, 2_000);
        assert_eq!(ring().verify(&t, 2_000).unwrap_err().code(), "NOT_FOUND");
        let other = ShareKeyRing::new(1, &[8u8; 32]).unwrap();
        assert!(other.verify(&t, 0).is_err());
        let rotated = ring().with_key(2, &[9u8; 32]).unwrap().activate(2).unwrap();
        assert!(rotated.verify(&t, 0).is_ok());
        let retired = rotated.retire(1).unwrap();
        assert!(retired.verify(&t, 0).is_err());
    }

    #[test]
    fn short_keys_and_debug_leak_nothing() {
        assert_eq!(
            ShareKeyRing::new(1, b"short").unwrap_err().code(),
            "INVALID_CONFIG"
        );
        let dbg = format!("{:?}", ring());
        assert!(!dbg.contains("7, 7"));
    }
}
