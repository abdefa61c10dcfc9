//! `fanline::engine::builder`: the engine's configuration from one plain object. Every mistake
//! in it is `INVALID_CONFIG`, raised by the constructor, never later.

use std::sync::Arc;

use fanline::engine::EngineConfig;
use fanline::limits::{Cooldown, RateLimit};
use fanline::store::open_store;
use fanline::{Error, Fanline, Feature, Flags, ManualClock};
use napi::ValueType;

use crate::convert::Js;

/// Turns input errors met while reading the configuration into configuration errors.
fn config_error(e: Error) -> Error {
    match e {
        Error::InvalidInput(m) => Error::config(m),
        other => other,
    }
}

/// `'env'` reads `FEATURE_*`; an object sets flags by name over the seed defaults.
fn flags(js: Js) -> fanline::Result<Flags> {
    if js.is_nullish()? {
        return Ok(Flags::default());
    }
    if js.kind()? == ValueType::String {
        return match js.string("flags")?.as_str() {
            "env" => Flags::from_env(),
            _ => Err(Error::config(
                "flags must be 'env' or an object of booleans",
            )),
        };
    }
    let flags = Flags::default();
    for (name, on) in js.entries("flags")? {
        flags.set(
            Feature::parse(&name)?,
            on.boolean(&format!("flags.{name}"))?,
        );
    }
    Ok(flags)
}

/// `'system'` (default) or `{ manualStartMs }`: a simulated clock that only moves with
/// `advanceClock`.
fn clock(js: Js) -> fanline::Result<Option<ManualClock>> {
    if js.is_nullish()? {
        return Ok(None);
    }
    if js.kind()? == ValueType::String {
        return match js.string("clock")?.as_str() {
            "system" => Ok(None),
            _ => Err(Error::config("clock must be 'system' or { manualStartMs }")),
        };
    }
    for (key, _) in js.entries("clock")? {
        if key != "manualStartMs" {
            return Err(Error::config(format!("clock has an unknown field '{key}'")));
        }
    }
    let start = js
        .get("manualStartMs", "clock")?
        .integer("clock.manualStartMs")?;
    Ok(Some(ManualClock::at_ms(start)))
}

fn rate_limit(js: Js, what: &str) -> fanline::Result<RateLimit> {
    for (key, _) in js.entries(what)? {
        if key != "max" && key != "periodMs" {
            return Err(Error::config(format!(
                "{what} has an unknown field '{key}'"
            )));
        }
    }
    RateLimit::new(
        js.get("max", what)?
            .count_as(&format!("{what}.max"), u64::from(u32::MAX))?,
        js.get("periodMs", what)?
            .integer(&format!("{what}.periodMs"))?,
    )
}

/// `limits`: overrides of the seed's cooldown, rate limits and lifetimes.
fn limits(js: Js, config: &mut EngineConfig) -> fanline::Result<()> {
    if js.is_nullish()? {
        return Ok(());
    }
    for (key, v) in js.entries("limits")? {
        if v.kind()? == ValueType::Undefined {
            continue;
        }
        let what = format!("limits.{key}");
        match key.as_str() {
            "cooldownMs" => {
                config.cooldown = Cooldown {
                    duration_ms: v.integer(&what)?,
                }
            }
            "creatorRate" => config.creator_rate = rate_limit(v, &what)?,
            "ipRate" => config.ip_rate = Some(rate_limit(v, &what)?),
            "maxCallSecs" => config.max_call_secs = v.count_as(&what, u64::from(u32::MAX))?,
            "invitationTtlMs" => config.invitation_ttl_ms = v.integer(&what)?,
            "tokenLifetimeSecs" => {
                config.token_lifetime_secs = v.count_as(&what, u64::from(u32::MAX))?
            }
            "shareLifetimeSecs" => config.share_lifetime_secs = v.integer(&what)?,
            other => {
                return Err(Error::config(format!(
                    "limits has an unknown field '{other}'"
                )))
            }
        }
    }
    Ok(())
}

const KNOWN: [&str; 8] = [
    "store",
    "agora",
    "shareKeys",
    "flags",
    "clock",
    "billing",
    "ledger",
    "limits",
];

/// Builds the engine (and its simulated clock, when asked for) from the config object.
pub fn build(js: Js) -> fanline::Result<(Fanline, Option<ManualClock>)> {
    build_inner(js).map_err(config_error)
}

fn build_inner(js: Js) -> fanline::Result<(Fanline, Option<ManualClock>)> {
    for (key, _) in js.entries("config")? {
        if !KNOWN.contains(&key.as_str()) {
            return Err(Error::config(format!(
                "config has an unknown field '{key}'"
            )));
        }
    }
    let store = open_store(&js.get("store", "config")?.string("config.store")?)?;
    let agora = js.get("agora", "config")?;
    let app_id = agora.get("appId", "config.agora")?;
    let certificate = agora.get("appCertificate", "config.agora")?;
    let clock = clock(js.get("clock", "config")?)?;
    let mut config = EngineConfig {
        billing: crate::billing::policy(js.get("billing", "config")?)?,
        ..EngineConfig::default()
    };
    let ledger = js.get("ledger", "config")?;
    if !ledger.is_nullish()? {
        config.ledger = ledger.boolean("config.ledger")?;
    }
    limits(js.get("limits", "config")?, &mut config)?;
    let mut builder = Fanline::builder()
        .store(store)
        .agora(
            &app_id.string("config.agora.appId")?,
            &certificate.string("config.agora.appCertificate")?,
        )
        .share_keys(crate::share::key_ring(js.get("shareKeys", "config")?)?)
        .flags(flags(js.get("flags", "config")?)?)
        .config(config);
    if let Some(c) = &clock {
        builder = builder.clock(Arc::new(c.clone()));
    }
    Ok((builder.build()?, clock))
}
