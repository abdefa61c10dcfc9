//! Feature flags (docs/rules.md section 9), read from the environment and switchable at run time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{clip, Error, Result};
use crate::wire::wire_enum;

wire_enum! {
    /// A feature that can be switched off.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Feature {
        /// Creator-to-fan calls (`FEATURE_CALLS`, seed default off).
        Calls = "calls",
        /// Public share cards (`FEATURE_FAN_SHARE_CARD`, seed default off).
        FanShareCard = "fan_share_card",
        /// Privacy settings (`FEATURE_FAN_PRIVACY`, seed default on).
        FanPrivacy = "fan_privacy",
        /// Creator-side mini profiles (`FEATURE_FAN_MINI_PROFILE`, seed default on).
        FanMiniProfile = "fan_mini_profile",
    }
}

impl Feature {
    /// All four flags.
    pub const ALL: [Feature; 4] = [
        Feature::Calls,
        Feature::FanShareCard,
        Feature::FanPrivacy,
        Feature::FanMiniProfile,
    ];

    /// The environment variable that sets it.
    pub fn env_var(self) -> &'static str {
        match self {
            Feature::Calls => "FEATURE_CALLS",
            Feature::FanShareCard => "FEATURE_FAN_SHARE_CARD",
            Feature::FanPrivacy => "FEATURE_FAN_PRIVACY",
            Feature::FanMiniProfile => "FEATURE_FAN_MINI_PROFILE",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(name: &str) -> Result<Self> {
        Feature::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| Error::invalid(format!("unknown feature flag '{}'", clip(name, 64))))
    }

    fn seed_default(self) -> bool {
        matches!(self, Feature::FanPrivacy | Feature::FanMiniProfile)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The four flags. Clones share state, so a host flips a flag once and every engine sees it.
#[derive(Debug, Clone)]
pub struct Flags(Arc<[AtomicBool; 4]>);

impl Default for Flags {
    /// The seed defaults: calls and share card off, privacy and mini profile on.
    fn default() -> Self {
        Flags(Arc::new(
            Feature::ALL.map(|f| AtomicBool::new(f.seed_default())),
        ))
    }
}

impl Flags {
    /// Every flag on: handy for tests and examples.
    pub fn all_on() -> Self {
        Flags(Arc::new(Feature::ALL.map(|_| AtomicBool::new(true))))
    }

    /// Reads the `FEATURE_*` variables from the process environment; unset ones keep the seed
    /// defaults. A value other than `true/false/1/0` (any case) is a configuration error.
    pub fn from_env() -> Result<Self> {
        Flags::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Flags::from_env`] but over any lookup, so hosts and tests can pass a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let flags = Flags::default();
        for feature in Feature::ALL {
            if let Some(raw) = lookup(feature.env_var()) {
                flags.set(feature, parse_bool(feature.env_var(), &raw)?);
            }
        }
        Ok(flags)
    }

    /// Whether `feature` is on.
    pub fn is_on(&self, feature: Feature) -> bool {
        self.0[feature.index()].load(Ordering::Relaxed)
    }

    /// Switches `feature` at run time.
    pub fn set(&self, feature: Feature, on: bool) {
        self.0[feature.index()].store(on, Ordering::Relaxed);
    }

    /// `Ok(())` when on, `FEATURE_DISABLED` otherwise.
    pub fn require(&self, feature: Feature) -> Result<()> {
        if self.is_on(feature) {
            Ok(())
        } else {
            Err(Error::FeatureDisabled(feature.as_str()))
        }
    }
}

/// Exactly `true/false/1/0` in any case; anything else, surrounding whitespace included, is a
/// configuration error (docs/rules.md section 9), so a typo fails at start-up, loudly.
fn parse_bool(var: &str, raw: &str) -> Result<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Error::config(format!("{var} must be true, false, 1 or 0"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_defaults() {
        let f = Flags::default();
        assert!(!f.is_on(Feature::Calls));
        assert!(!f.is_on(Feature::FanShareCard));
        assert!(f.is_on(Feature::FanPrivacy));
        assert!(f.is_on(Feature::FanMiniProfile));
        assert_eq!(
            f.require(Feature::Calls).unwrap_err().code(),
            "FEATURE_DISABLED"
        );
    }

    #[test]
    fn lookup_parses_case_insensitively_and_rejects_junk() {
        let f = Flags::from_lookup(|k| (k == "FEATURE_CALLS").then(|| "TRUE".to_string())).unwrap();
        assert!(f.is_on(Feature::Calls));
        let f =
            Flags::from_lookup(|k| (k == "FEATURE_FAN_PRIVACY").then(|| "0".to_string())).unwrap();
        assert!(!f.is_on(Feature::FanPrivacy));
        let e =
            Flags::from_lookup(|k| (k == "FEATURE_CALLS").then(|| "yes".to_string())).unwrap_err();
        assert_eq!(e.code(), "INVALID_CONFIG");
    }

    #[test]
    fn clones_share_state() {
        let a = Flags::default();
        let b = a.clone();
        a.set(Feature::Calls, true);
        assert!(b.is_on(Feature::Calls));
    }
}
