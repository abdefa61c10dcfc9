//! `fanline::share`: share-link tokens with a key ring, and the `robots.txt` / `X-Robots-Tag`
//! values for fan-facing responses.

use fanline::engine::config::ShareKeysConfig;
use fanline::share::ShareKeyRing as CoreRing;
use fanline::UserId;
use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::convert::Js;
use crate::engine::config_error;
use crate::error::{run, run_json};
use crate::output::Json;

/// The `robots.txt` body from the seed: creator pages indexable, fan pages and private areas
/// not.
#[napi]
pub const ROBOTS_TXT: &str = fanline::share::ROBOTS_TXT;

/// The `X-Robots-Tag` value for share cards and every fan-facing response.
#[napi]
pub const X_ROBOTS_TAG: &str = fanline::share::X_ROBOTS_TAG;

/// A key ring from `{ activeKeyId, keys: [{ id, secret }] }` (secrets: strings or bytes of at
/// least 32 bytes; ids 0 to 255), read by the core's `ShareKeysConfig`. Every key verifies;
/// the active one signs. A key left out of the list is retired: its links fail closed.
pub fn key_ring(js: Js) -> fanline::Result<CoreRing> {
    let read = || -> fanline::Result<ShareKeysConfig> {
        let mut value = js.json("shareKeys")?;
        with_byte_secrets(js, &mut value)?;
        ShareKeysConfig::from_value(value)
    };
    read().map_err(config_error)?.ring()
}

/// Rewrites each `keys[i].secret` that is a Buffer or Uint8Array as an array of its bytes,
/// the form the core reads (`Js::json` sees a typed array as an object of indices).
pub fn with_byte_secrets(js: Js, ring: &mut Value) -> fanline::Result<()> {
    let Some(Value::Array(out)) = ring.get_mut("keys") else {
        return Ok(());
    };
    let Ok(keys) = js
        .get("keys", "shareKeys")
        .and_then(|k| k.array("shareKeys.keys"))
    else {
        return Ok(());
    };
    for (key, out) in keys.into_iter().zip(out) {
        let Ok(secret) = key.get("secret", "shareKeys.keys[]") else {
            continue;
        };
        if secret.kind()? == ValueType::Object {
            if let (Ok(bytes), Some(slot)) = (secret.bytes("secret"), out.get_mut("secret")) {
                *slot = Value::Array(bytes.into_iter().map(Value::from).collect());
            }
        }
    }
    Ok(())
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
