//! The engine's configuration as plain data: one serde type, [`FanlineConfig`], that the Node
//! binding reads from its config object, the Python binding from its keyword arguments, and a
//! Rust host from JSON, TOML or code. Its [`FanlineConfig::build`] is the one place that turns
//! configuration into an engine, so every binding applies the same defaults and reports every
//! mistake (wrong type, unknown field, bad value) the same way: `INVALID_CONFIG`.
//!
//! The wire form (camelCase, unknown fields refused):
//!
//! ```text
//! {
//!   store: 'sqlite:/var/lib/app/fanline.db',      // required: 'memory:', 'sqlite::memory:',
//!                                                 //   'sqlite:<path>' or 'postgres://...'
//!   agora: { appId, appCertificate },             // required: 32 hex characters each
//!   shareKeys: { activeKeyId: 2, keys: [          // required: ids 0 to 255, secrets of at
//!     { id: 1, secret: '...' },                   //   least 32 bytes (text or bytes); every
//!     { id: 2, secret: '...' } ] },               //   key verifies, the active one signs
//!   flags: 'env' | { calls: true, ... },          // default: the seed defaults
//!   clock: 'system' | { manualStartMs },          // default: 'system'
//!   billing: { ratePerMinute, rounding, minimumMinutes, feeBps },   // default: BillingPolicy
//!   ledger: true,                                 // default: true
//!   limits: { cooldownMs, creatorRate: { max, periodMs }, ipRate: { max, periodMs },
//!             invitationTtlMs, tokenLifetimeSecs, shareLifetimeSecs, maxCallSecs },
//! }
//! ```
//!
//! `null` reads as "left out" for every optional field. The store has no default: an engine
//! that keeps balances only in memory loses them at the next restart, so `'memory:'` has to be
//! asked for by name.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::builder::EngineConfig;
use super::Fanline;
use crate::billing::BillingPolicy;
use crate::clock::ManualClock;
use crate::error::{Error, Result};
use crate::flags::{Feature, Flags};
use crate::limits::{Cooldown, RateLimit};
use crate::share::ShareKeyRing;
use crate::store::{open_store, Store};

/// Everything needed to build a [`Fanline`], as plain data (see the [module docs](self) for
/// the wire form and the defaults).
///
/// ```
/// use fanline::engine::FanlineConfig;
///
/// let config = FanlineConfig::from_json(r#"{
///     "store": "memory:",
///     "agora": { "appId": "970CA35de60c44645bbae8a215061b33",
///                "appCertificate": "5CFd2fd1755d40ecb72977518be15d3b" },
///     "shareKeys": { "activeKeyId": 1,
///                    "keys": [{ "id": 1, "secret": "a-random-secret-of-32-bytes-or-more" }] },
///     "flags": { "calls": true },
///     "clock": { "manualStartMs": 1795608000000 },
///     "limits": { "cooldownMs": 0, "creatorRate": { "max": 5, "periodMs": 60000 } }
/// }"#)?;
/// let built = config.build()?;
/// assert!(built.engine.flags().is_on(fanline::Feature::Calls));
/// let clock = built.clock.expect("a manual clock was asked for");
/// clock.advance_ms(1_000);
///
/// let typo = FanlineConfig::from_json(r#"{ "store": "memory:", "colour": "red" }"#);
/// assert_eq!(typo.unwrap_err().code(), "INVALID_CONFIG");
/// # Ok::<(), fanline::Error>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FanlineConfig {
    /// The store spec (required): `memory:`, `sqlite::memory:`, `sqlite:<path>` or
    /// `postgres://...` (see [`open_store`]).
    pub store: String,
    /// Agora credentials (required).
    pub agora: AgoraConfig,
    /// The share-link key ring (required).
    pub share_keys: ShareKeysConfig,
    /// Feature flags (default: the seed defaults).
    pub flags: Option<FlagsConfig>,
    /// The clock (default: the system clock).
    pub clock: Option<ClockConfig>,
    /// Billing rules (default: [`BillingPolicy::default`]).
    pub billing: Option<BillingPolicy>,
    /// Whether calls are charged through the ledger (default: true).
    pub ledger: Option<bool>,
    /// Cooldown, rate limits and lifetimes (default: [`EngineConfig::default`]).
    pub limits: Option<LimitsConfig>,
}

/// Agora project credentials.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgoraConfig {
    /// The App ID, 32 hex characters.
    pub app_id: String,
    /// The App Certificate, 32 hex characters (a secret: left out of `Debug`).
    pub app_certificate: String,
}

impl fmt::Debug for AgoraConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgoraConfig")
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

/// A share-link key ring: every key verifies, the active one signs. A key left out is
/// retired, and the links it signed fail closed.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShareKeysConfig {
    /// The id of the signing key; it must be one of `keys`.
    pub active_key_id: u8,
    /// The keys (at least one).
    pub keys: Vec<ShareKeyConfig>,
}

/// One share-link key.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareKeyConfig {
    /// The key id, 0 to 255, written into every token it signs.
    pub id: u8,
    /// The secret, at least 32 bytes.
    pub secret: Secret,
}

/// Secret bytes, read from a string (its UTF-8 bytes) or from bytes (an array of 0..=255,
/// which is how the bindings pass a Buffer or `bytes`). `Debug` never shows them.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps secret bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret(bytes.into())
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct SecretVisitor;

        impl<'de> Visitor<'de> for SecretVisitor {
            type Value = Secret;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or bytes")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Secret, E> {
                Ok(Secret(v.as_bytes().to_vec()))
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> std::result::Result<Secret, E> {
                Ok(Secret(v.to_vec()))
            }

            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Secret, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                Ok(Secret(bytes))
            }
        }

        d.deserialize_any(SecretVisitor)
    }
}

impl ShareKeysConfig {
    /// Builds the ring; a short secret, an empty list or an active id missing from `keys` is
    /// `INVALID_CONFIG`.
    pub fn ring(&self) -> Result<ShareKeyRing> {
        let mut ring: Option<ShareKeyRing> = None;
        for key in &self.keys {
            ring = Some(match ring {
                None => ShareKeyRing::new(key.id, key.secret.expose())?,
                Some(r) => r.with_key(key.id, key.secret.expose())?,
            });
        }
        ring.ok_or_else(|| Error::config("shareKeys.keys needs at least one key"))?
            .activate(self.active_key_id)
    }

    /// Reads a key ring from its wire form (`{ activeKeyId, keys: [{ id, secret }] }`).
    pub fn from_value(value: Value) -> Result<Self> {
        from_value(value, "shareKeys")
    }
}

/// Feature flags: `"env"` reads the `FEATURE_*` variables; a map sets flags by name over the
/// seed defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagsConfig {
    /// `"env"`: [`Flags::from_env`].
    Env,
    /// `{ calls: true, ... }`: these flags over the seed defaults.
    Set(Vec<(Feature, bool)>),
}

impl FlagsConfig {
    /// The flags this configuration names.
    pub fn flags(&self) -> Result<Flags> {
        match self {
            FlagsConfig::Env => Flags::from_env(),
            FlagsConfig::Set(set) => {
                let flags = Flags::default();
                for &(feature, on) in set {
                    flags.set(feature, on);
                }
                Ok(flags)
            }
        }
    }
}

impl<'de> Deserialize<'de> for FlagsConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct FlagsVisitor;

        impl<'de> Visitor<'de> for FlagsVisitor {
            type Value = FlagsConfig;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("'env' or a map of feature name to boolean")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<FlagsConfig, E> {
                match v {
                    "env" => Ok(FlagsConfig::Env),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FlagsConfig, A::Error> {
                let mut set = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let feature = Feature::parse(&name).map_err(de::Error::custom)?;
                    set.push((feature, map.next_value::<bool>()?));
                }
                Ok(FlagsConfig::Set(set))
            }
        }

        d.deserialize_any(FlagsVisitor)
    }
}

/// The engine's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockConfig {
    /// `"system"`: the real time.
    System,
    /// `{ manualStartMs }`: a simulated clock stopped at that instant (unix ms), moved only
    /// by [`ManualClock::advance_ms`] (for tests and demos).
    Manual {
        /// The starting instant, unix milliseconds.
        start_ms: i64,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ManualClockWire {
    manual_start_ms: i64,
}

impl<'de> Deserialize<'de> for ClockConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct ClockVisitor;

        impl<'de> Visitor<'de> for ClockVisitor {
            type Value = ClockConfig;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("'system' or { manualStartMs }")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<ClockConfig, E> {
                match v {
                    "system" => Ok(ClockConfig::System),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<ClockConfig, A::Error> {
                let wire =
                    ManualClockWire::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ClockConfig::Manual {
                    start_ms: wire.manual_start_ms,
                })
            }
        }

        d.deserialize_any(ClockVisitor)
    }
}

/// A rate limit: `max` requests per `periodMs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateConfig {
    /// Requests allowed in a burst and per period (at least 1).
    pub max: u32,
    /// The period in milliseconds (at least 1).
    pub period_ms: i64,
}

/// Overrides of the engine's cooldown, rate limits and lifetimes; each left out keeps the
/// default of [`EngineConfig::default`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitsConfig {
    /// Per (creator, fan) cooldown after an initiation, ms (default 60 s; 0 turns it off).
    pub cooldown_ms: Option<i64>,
    /// Initiations per creator (default 10 per minute).
    pub creator_rate: Option<RateConfig>,
    /// Initiations per client IP (default: none; when set, every initiation needs the IP).
    pub ip_rate: Option<RateConfig>,
    /// Invitation lifetime, ms (default 120 s).
    pub invitation_ttl_ms: Option<i64>,
    /// Agora token lifetime, seconds (default 7200, at most 86400).
    pub token_lifetime_secs: Option<u32>,
    /// Share-link lifetime, seconds (default 30 days).
    pub share_lifetime_secs: Option<i64>,
    /// The longest call, seconds (default 7200, at most 86400).
    pub max_call_secs: Option<u32>,
}

impl LimitsConfig {
    fn apply(&self, config: &mut EngineConfig) -> Result<()> {
        let rate = |r: RateConfig| RateLimit::new(r.max, r.period_ms);
        if let Some(ms) = self.cooldown_ms {
            config.cooldown = Cooldown { duration_ms: ms };
        }
        if let Some(r) = self.creator_rate {
            config.creator_rate = rate(r)?;
        }
        if let Some(r) = self.ip_rate {
            config.ip_rate = Some(rate(r)?);
        }
        if let Some(ms) = self.invitation_ttl_ms {
            config.invitation_ttl_ms = ms;
        }
        if let Some(s) = self.token_lifetime_secs {
            config.token_lifetime_secs = s;
        }
        if let Some(s) = self.share_lifetime_secs {
            config.share_lifetime_secs = s;
        }
        if let Some(s) = self.max_call_secs {
            config.max_call_secs = s;
        }
        Ok(())
    }
}

/// What [`FanlineConfig::build`] makes: the engine, and its manual clock when the
/// configuration asked for one (the host moves it; the engine reads it).
#[derive(Debug, Clone)]
pub struct BuiltEngine {
    /// The engine.
    pub engine: Fanline,
    /// The simulated clock, for `clock: { manualStartMs }`.
    pub clock: Option<ManualClock>,
}

impl FanlineConfig {
    /// Reads the configuration from JSON text. Any mistake is `INVALID_CONFIG` naming the
    /// field (`limits.cooldownMs: invalid type: ...`), never echoing a string value.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::config(format!("the configuration is not JSON: {e}")))?;
        FanlineConfig::from_value(value)
    }

    /// Reads the configuration from a JSON value (how the bindings pass it).
    pub fn from_value(value: Value) -> Result<Self> {
        from_value(value, "config")
    }

    /// The engine tunables this configuration sets over the defaults (validated by
    /// [`build`](Self::build)).
    pub fn engine_config(&self) -> Result<EngineConfig> {
        let mut config = EngineConfig::default();
        if let Some(billing) = self.billing {
            config.billing = billing;
        }
        if let Some(ledger) = self.ledger {
            config.ledger = ledger;
        }
        if let Some(limits) = &self.limits {
            limits.apply(&mut config)?;
        }
        Ok(config)
    }

    /// Validates everything, opens the store and builds the engine. Every mistake is
    /// `INVALID_CONFIG`; a store that cannot be opened reports its own code
    /// (`STORE_UNAVAILABLE`, `STORE_INCOMPATIBLE`).
    pub fn build(&self) -> Result<BuiltEngine> {
        self.build_over(|| open_store(&self.store))
    }

    /// Like [`build`](Self::build), over `store` instead of opening `self.store`: for a host
    /// that opened (and checked) the store named there itself, such as the `fanline` command.
    pub fn build_with_store(&self, store: Arc<dyn Store>) -> Result<BuiltEngine> {
        self.build_over(|| Ok(store))
    }

    fn build_over(&self, store: impl FnOnce() -> Result<Arc<dyn Store>>) -> Result<BuiltEngine> {
        let config = self.engine_config()?;
        config.validate()?;
        let share_keys = self.share_keys.ring()?;
        let flags = self
            .flags
            .as_ref()
            .map_or_else(|| Ok(Flags::default()), FlagsConfig::flags)?;
        let clock = match self.clock {
            Some(ClockConfig::Manual { start_ms }) => Some(ManualClock::at_ms(start_ms)),
            Some(ClockConfig::System) | None => None,
        };
        let mut builder = Fanline::builder()
            .agora(&self.agora.app_id, &self.agora.app_certificate)
            .share_keys(share_keys)
            .flags(flags)
            .config(config);
        if let Some(c) = &clock {
            builder = builder.clock(Arc::new(c.clone()));
        }
        // The store last: everything cheap to check is checked before a file or a
        // connection is opened.
        let engine = builder.store(store()?).build()?;
        Ok(BuiltEngine { engine, clock })
    }
}

/// Deserializes `value`, naming the failing field from `root` and hiding string values (a
/// secret put in the wrong field must not come back in an error message).
fn from_value<T: serde::de::DeserializeOwned>(value: Value, root: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = redact_strings(&e.inner().to_string());
        if path == "." {
            Error::config(format!("{root}: {message}"))
        } else {
            Error::config(format!("{root}.{path}: {message}"))
        }
    })
}

/// Drops the quoted value serde writes after `string` (`invalid type: string "s3cret",
/// expected u32` becomes `invalid type: string, expected u32`). Names in backticks stay.
fn redact_strings(message: &str) -> String {
    const MARK: &str = "string \"";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        out.push_str("string");
        let mut chars = rest[at + MARK.len()..].char_indices();
        let mut end = rest.len() - at - MARK.len();
        let mut escaped = false;
        for (i, c) in chars.by_ref() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = i + 1;
                    break;
                }
                _ => escaped = false,
            }
        }
        rest = &rest[at + MARK.len() + end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
    const CERT: &str = "5CFd2fd1755d40ecb72977518be15d3b";
    const SECRET: &str = "test-share-secret-0123456789abcdef";

    fn base() -> Value {
        json!({
            "store": "memory:",
            "agora": { "appId": APP_ID, "appCertificate": CERT },
            "shareKeys": { "activeKeyId": 1, "keys": [{ "id": 1, "secret": SECRET }] },
        })
    }

    fn with(key: &str, value: Value) -> Value {
        let mut v = base();
        match value {
            Value::Null => v.as_object_mut().unwrap().remove(key),
            other => v.as_object_mut().unwrap().insert(key.into(), other),
        };
        v
    }

    fn config_error(v: Value) -> String {
        let e = FanlineConfig::from_value(v)
            .and_then(|c| c.build().map(|_| ()))
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_CONFIG", "{e}");
        let m = e.to_string();
        assert!(!m.contains(CERT) && !m.contains(SECRET), "{m}");
        m
    }

    #[test]
    fn the_minimal_config_gets_the_documented_defaults() {
        let built = FanlineConfig::from_value(base()).unwrap().build().unwrap();
        assert!(built.clock.is_none());
        assert_eq!(*built.engine.config(), EngineConfig::default());
        assert!(!built.engine.flags().is_on(Feature::Calls));
        assert!(built.engine.flags().is_on(Feature::FanPrivacy));
        // null is the same as left out.
        let nulls = json!({ "flags": null, "clock": null, "billing": null, "ledger": null,
                            "limits": null });
        let mut v = base();
        v.as_object_mut()
            .unwrap()
            .extend(nulls.as_object().unwrap().clone());
        let built = FanlineConfig::from_value(v).unwrap().build().unwrap();
        assert_eq!(*built.engine.config(), EngineConfig::default());
    }

    #[test]
    fn every_option_reaches_the_engine() {
        let mut v = base();
        v.as_object_mut().unwrap().extend(
            json!({
                "shareKeys": { "activeKeyId": 2, "keys": [
                    { "id": 1, "secret": SECRET },
                    { "id": 2, "secret": SECRET.as_bytes() } ] },
                "flags": { "calls": true, "fan_privacy": false },
                "clock": { "manualStartMs": 1_000 },
                "billing": { "ratePerMinute": 20, "feeBps": 500 },
                "ledger": false,
                "limits": { "cooldownMs": 0, "creatorRate": { "max": 2, "periodMs": 1_000 },
                            "ipRate": { "max": 3, "periodMs": 2_000 }, "invitationTtlMs": 5,
                            "tokenLifetimeSecs": 60, "shareLifetimeSecs": 70,
                            "maxCallSecs": 80 },
            })
            .as_object()
            .unwrap()
            .clone(),
        );
        let built = FanlineConfig::from_value(v).unwrap().build().unwrap();
        let c = built.engine.config();
        assert_eq!(c.billing.rate_per_minute, 20);
        assert_eq!(c.billing.fee_bps, 500);
        assert!(!c.ledger);
        assert_eq!(c.cooldown.duration_ms, 0);
        assert_eq!(
            c.creator_rate,
            RateLimit {
                max: 2,
                period_ms: 1_000
            }
        );
        assert_eq!(
            c.ip_rate,
            Some(RateLimit {
                max: 3,
                period_ms: 2_000
            })
        );
        assert_eq!(
            (
                c.invitation_ttl_ms,
                c.token_lifetime_secs,
                c.share_lifetime_secs,
                c.max_call_secs
            ),
            (5, 60, 70, 80)
        );
        assert!(built.engine.flags().is_on(Feature::Calls));
        assert!(!built.engine.flags().is_on(Feature::FanPrivacy));
        // `config()` reports the limits under the names they were configured by.
        let shown = serde_json::to_value(c).unwrap();
        assert_eq!(shown["cooldownMs"], json!(0));
        assert_eq!(shown["creatorRate"], json!({ "max": 2, "periodMs": 1_000 }));
        assert_eq!(shown["ipRate"], json!({ "max": 3, "periodMs": 2_000 }));
        assert_eq!(shown["maxCallSecs"], json!(80));
        let clock = built.clock.unwrap();
        clock.advance_ms(5);
        assert_eq!(built.engine.clock().now_ms(), 1_005);
    }

    #[test]
    fn every_mistake_is_invalid_config_naming_the_field() {
        assert!(config_error(with("store", Value::Null)).contains("store"));
        config_error(with("store", json!("redis://x")));
        config_error(with("store", json!(5)));
        assert!(config_error(with("colour", json!("red"))).contains("colour"));
        config_error(with(
            "agora",
            json!({ "appId": "short", "appCertificate": CERT }),
        ));
        config_error(with("agora", json!({ "appId": APP_ID })));
        let m = config_error(with(
            "shareKeys",
            json!({ "activeKeyId": 1, "keys": [{ "id": 1, "secret": "short" }] }),
        ));
        assert!(!m.contains("short\""), "{m}");
        config_error(with(
            "shareKeys",
            json!({ "activeKeyId": 2, "keys": [{ "id": 1, "secret": SECRET }] }),
        ));
        config_error(with("shareKeys", json!({ "activeKeyId": 1, "keys": [] })));
        config_error(with(
            "shareKeys",
            json!({ "activeKeyId": 256, "keys": [{ "id": 256, "secret": SECRET }] }),
        ));
        let m = config_error(with(
            "shareKeys",
            json!({ "activeKeyId": 1, "keys": [{ "id": 1, "secret": 42 }] }),
        ));
        assert!(m.contains("shareKeys.keys[0].secret"), "{m}");
        config_error(with(
            "shareKeys",
            json!({ "activeKeyId": 1, "keys": [{ "id": 1, "secret": [1, 300] }] }),
        ));
        assert!(config_error(with("flags", json!({ "teleport": true }))).contains("teleport"));
        assert!(config_error(with("flags", json!({ "calls": "yes" }))).contains("config.flags"));
        config_error(with("flags", json!("all")));
        config_error(with("flags", json!(1)));
        config_error(with("clock", json!("manual")));
        config_error(with("clock", json!({ "manualStartMs": 1.5 })));
        config_error(with("clock", json!({ "start": 1 })));
        config_error(with("billing", json!({ "feeBps": 20_000 })));
        config_error(with("billing", json!("cheap")));
        config_error(with("ledger", json!("yes")));
        let m = config_error(with("limits", json!({ "cooldownMs": -1 })));
        assert!(m.contains("cooldown"), "{m}");
        config_error(with(
            "limits",
            json!({ "tokenLifetimeSecs": 1_700_000_000 }),
        ));
        config_error(with("limits", json!({ "maxCallSecs": -5 })));
        config_error(with(
            "limits",
            json!({ "creatorRate": { "max": 0, "periodMs": 1 } }),
        ));
        config_error(with("limits", json!({ "creatorRate": 5 })));
        assert!(config_error(with("limits", json!({ "burst": 1 }))).contains("burst"));
        config_error(json!("memory:"));
        config_error(Value::Null);
    }

    #[test]
    fn secrets_stay_out_of_errors_and_debug() {
        // A certificate pasted into the wrong field is not echoed back.
        let m = config_error(with("ledger", json!(CERT)));
        assert!(m.contains("config.ledger"), "{m}");
        let config = FanlineConfig::from_value(base()).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains(CERT) && !debug.contains(SECRET), "{debug}");
        assert!(debug.contains(APP_ID));
        assert_eq!(
            redact_strings(r#"invalid type: string "a\"b", expected u8; string "c""#),
            "invalid type: string, expected u8; string"
        );
        assert_eq!(redact_strings("unknown field `x`"), "unknown field `x`");
    }

    #[test]
    fn text_and_byte_secrets_make_the_same_ring() {
        let from = |secret: Value| {
            ShareKeysConfig::from_value(
                json!({ "activeKeyId": 7, "keys": [{ "id": 7, "secret": secret }] }),
            )
            .unwrap()
            .ring()
            .unwrap()
        };
        let fan = crate::UserId::new("fan_ada").unwrap();
        let token = from(json!(SECRET)).mint(&fan, 1, 2_000_000_000);
        assert!(from(json!(SECRET.as_bytes())).verify(&token, 1_000).is_ok());
    }

    #[test]
    fn flags_env_is_read_by_name() {
        let v = with("flags", json!("env"));
        let config = FanlineConfig::from_value(v).unwrap();
        assert_eq!(config.flags, Some(FlagsConfig::Env));
    }
}
