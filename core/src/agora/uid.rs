//! Stable Agora uids derived from user ids (docs/rules.md section 8).
//!
//! `uid = (u32::from_be_bytes(SHA-256("fanline-agora-uid:v1:" + user_id)[0..4]) mod 2147483647) + 1`,
//! so a uid is always in `1..=2^31-1`, safe for SDKs that store uids in signed 32-bit ints.
//! The Node and Python bindings call this same function.
//!
//! Vectors (re-checked by the binding tests):
//!
//! | user id | uid |
//! |---|---|
#![doc = include_str!("uid_vectors.md")]

use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::ids::validate_user_id;

/// The domain-separation prefix hashed before every user id.
pub const UID_PREFIX: &str = "fanline-agora-uid:v1:";

/// The largest uid produced: 2^31 - 1.
pub const MAX_UID: u32 = 2_147_483_647;

/// The stable uid of a user id, in `1..=2^31-1`.
pub fn agora_uid(user_id: &str) -> Result<u32> {
    validate_user_id(user_id)?;
    Ok(uid_of_bytes(user_id.as_bytes(), None))
}

/// The uids of a call's creator and fan. When they collide, the fan's uid comes from
/// `fan_id + ":" + n` for the smallest `n >= 1` whose uid differs from the creator's.
pub fn call_uids(creator_id: &str, fan_id: &str) -> Result<(u32, u32)> {
    let creator = agora_uid(creator_id)?;
    let mut fan = agora_uid(fan_id)?;
    let mut n: u64 = 1;
    while fan == creator {
        fan = uid_of_bytes(fan_id.as_bytes(), Some(n));
        n += 1;
    }
    Ok((creator, fan))
}

fn uid_of_bytes(user_id: &[u8], suffix: Option<u64>) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(UID_PREFIX.as_bytes());
    hasher.update(user_id);
    if let Some(n) = suffix {
        hasher.update(b":");
        hasher.update(n.to_string().as_bytes());
    }
    let digest = hasher.finalize();
    let head = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    head % MAX_UID + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published vectors, parsed from the same table the docs show.
    pub(crate) fn vectors() -> Vec<(String, u32)> {
        include_str!("uid_vectors.md")
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
                let id = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
                Some((id.to_string(), cells.get(1)?.parse().ok()?))
            })
            .collect()
    }

    #[test]
    fn published_vectors_hold() {
        let v = vectors();
        assert_eq!(v.len(), 10);
        for (id, uid) in v {
            assert_eq!(agora_uid(&id).unwrap(), uid, "{id}");
        }
    }

    #[test]
    fn collision_rule_uses_the_smallest_suffix() {
        // Same id on both sides is the only collision we can force; the fan moves to ":1".
        let (c, f) = call_uids("same", "same").unwrap();
        assert_ne!(c, f);
        assert_eq!(f, uid_of_bytes(b"same", Some(1)));
        assert_eq!(
            call_uids("a", "b").unwrap(),
            (agora_uid("a").unwrap(), agora_uid("b").unwrap())
        );
    }

    #[test]
    fn invalid_ids_are_rejected() {
        assert_eq!(agora_uid("").unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(agora_uid(" x").unwrap_err().code(), "INVALID_INPUT");
    }
}
