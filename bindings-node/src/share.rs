//! `fanline::share`: share-link tokens with a key ring, and the `robots.txt` / `X-Robots-Tag`
//! values for fan-facing responses.

use fanline::share::ShareKeyRing as CoreRing;
use fanline::{Error, UserId};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::{Js, Json};
use crate::error::{run, run_json};

/// The `robots.txt` body from the seed: creator pages indexable, fan pages and private areas
/// not.
#[napi]
pub const ROBOTS_TXT: &str = fanline::share::ROBOTS_TXT;

/// The `X-Robots-Tag` value for share cards and every fan-facing response.
#[napi]
pub const X_ROBOTS_TAG: &str = fanline::share::X_ROBOTS_TAG;

/// A key ring from `{ activeKeyId, keys: [{ id, secret }] }` (secrets: strings or bytes of at
/// least 32 bytes; ids 0 to 255). Every key verifies; the active one signs. A key left out of
/// the list is retired: its links fail closed.
pub fn key_ring(js: Js) -> fanline::Result<CoreRing> {
    let bad = |e: Error| match e {
        Error::InvalidInput(m) => Error::config(m),
        other => other,
    };
    let active: u8 = js
        .get("activeKeyId", "shareKeys")
        .and_then(|v| v.count_as("shareKeys.activeKeyId", 255))
        .map_err(bad)?;
    let keys = js
        .get("keys", "shareKeys")
        .and_then(|v| v.array("shareKeys.keys"))
        .map_err(bad)?;
    let mut ring: Option<CoreRing> = None;
    for key in keys {
        let id: u8 = key
            .get("id", "shareKeys.keys[]")
            .and_then(|v| v.count_as("shareKeys.keys[].id", 255))
            .map_err(bad)?;
        let secret = key
            .get("secret", "shareKeys.keys[]")
            .and_then(|v| v.bytes("shareKeys.keys[].secret"))
            .map_err(bad)?;
        ring = Some(match ring {
            None => CoreRing::new(id, &secret)?,
            Some(r) => r.with_key(id, &secret)?,
        });
    }
    ring.ok_or_else(|| Error::config("shareKeys.keys needs at least one key"))?
        .activate(active)
}

/// A set of share-link keys: the active key signs, every key in the ring verifies.
///
/// ```js
/// const ring = new ShareKeyRing({ activeKeyId: 2, keys: [
///   { id: 1, secret: process.env.SHARE_KEY_1 },   // still verifies links it signed
///   { id: 2, secret: process.env.SHARE_KEY_2 },   // signs new links
/// ] })
/// const token = ring.mint('fan_ada', 1, Math.floor(Date.now() / 1000) + 3600)
/// ring.verify(token, Math.floor(Date.now() / 1000))   // { fan: 'fan_ada', generation: 1, ... }
/// ```
#[napi]
pub struct ShareKeyRing {
    inner: CoreRing,
}

#[napi]
impl ShareKeyRing {
    /// Builds the ring; a short secret or an active id missing from `keys` is `INVALID_CONFIG`.
    #[napi(constructor, ts_args_type = "config: ShareKeysConfig")]
    pub fn new(env: &Env, config: Unknown) -> napi::Result<Self> {
        run(env, || {
            Ok(ShareKeyRing {
                inner: key_ring(Js::from(&config))?,
            })
        })
    }

    /// The id of the signing key.
    #[napi(getter)]
    pub fn active_key_id(&self) -> u32 {
        u32::from(self.inner.active_key_id())
    }

    /// Mints the token of `fanId`'s link number `generation`, valid until `expiresAt` (unix
    /// seconds).
    #[napi(ts_args_type = "fanId: string, generation: number, expiresAt: number")]
    pub fn mint(
        &self,
        env: &Env,
        fan_id: Unknown,
        generation: Unknown,
        expires_at: Unknown,
    ) -> napi::Result<String> {
        run(env, || {
            let fan = UserId::new(Js::from(&fan_id).string("fanId")?)?;
            Ok(self.inner.mint(
                &fan,
                Js::from(&generation).count_as("generation", u64::from(u32::MAX))?,
                Js::from(&expires_at).integer("expiresAt")?,
            ))
        })
    }

    /// Checks a token's integrity and expiry at `now` (unix seconds). Every failure is
    /// `NOT_FOUND`. The caller still compares `generation` with the stored one (revocation);
    /// the engine's `resolveShare` does all of it.
    #[napi(
        ts_args_type = "token: string, now: number",
        ts_return_type = "ShareClaims"
    )]
    pub fn verify(&self, env: &Env, token: Unknown, now: Unknown) -> napi::Result<Json> {
        run_json(env, || {
            self.inner.verify(
                &Js::from(&token).string("token")?,
                Js::from(&now).integer("now")?,
            )
        })
    }
}
