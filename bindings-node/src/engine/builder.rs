//! `fanline::engine::builder`: the config object read as the core's `FanlineConfig` (its
//! docs list the fields and defaults) and built by it, so Node and Python share one parser.
//! Every mistake in it is `INVALID_CONFIG`, raised by the constructor, never later.

use fanline::engine::{BuiltEngine, FanlineConfig};
use fanline::Error;

use crate::convert::Js;
use crate::share::with_byte_secrets;

/// Builds the engine (and its simulated clock, when asked for) from the config object.
pub fn build(js: Js) -> fanline::Result<BuiltEngine> {
    let read = || -> fanline::Result<FanlineConfig> {
        let mut value = js.json("config")?;
        if let (Some(ring), Ok(js_ring)) =
            (value.get_mut("shareKeys"), js.get("shareKeys", "config"))
        {
            with_byte_secrets(js_ring, ring)?;
        }
        FanlineConfig::from_value(value)
    };
    read().map_err(config_error)?.build()
}

/// Turns input errors met while reading the configuration (a bigint, a function, a number
/// beyond 2^53 - 1) into configuration errors.
pub fn config_error(e: Error) -> Error {
    match e {
        Error::InvalidInput(m) => Error::config(m),
        other => other,
    }
}
