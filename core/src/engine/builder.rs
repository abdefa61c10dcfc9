//! Configuring the engine.

use std::sync::Arc;

use serde::Serialize;

use super::calls::MAX_RATE_PER_MINUTE;
use super::Fanline;
use crate::agora::{AgoraCredentials, RtcTokenBuilder};
use crate::billing::BillingPolicy;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::flags::Flags;
use crate::limits::{Cooldown, RateLimit};
use crate::share::{ShareKeyRing, DEFAULT_LIFETIME_SECS};
use crate::store::Store;

/// The engine's tunables, with the seed's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EngineConfig {
    /// Billing rules (default: 10 tokens/min, per started minute, no minimum, no fee).
    pub billing: BillingPolicy,
    /// Whether calls are charged through the ledger (default on): start guard, capped
    /// charges, balances.
    pub ledger: bool,
    /// Per (creator, fan) cooldown after a successful initiate (default 60 s); serialized as
    /// `cooldownMs`, the configuration's name.
    #[serde(rename = "cooldownMs", serialize_with = "cooldown_ms")]
    #[cfg_attr(feature = "schema", schemars(with = "i64"))]
    pub cooldown: Cooldown,
    /// Initiations per creator (default 10 per minute).
    pub creator_rate: RateLimit,
    /// Initiations per client IP (default: none). When set, every initiation must carry the
    /// client's IP ([`InitiateRequest::ip`](super::InitiateRequest::ip)); one without is
    /// `INVALID_INPUT`, never a skipped limit. The seed used 5 per minute.
    pub ip_rate: Option<RateLimit>,
    /// Invitation lifetime in milliseconds (default 120 s).
    pub invitation_ttl_ms: i64,
    /// Agora token and privilege lifetime in seconds (default 7200, at most 86400).
    pub token_lifetime_secs: u32,
    /// Share-link lifetime in seconds (default 30 days).
    pub share_lifetime_secs: i64,
    /// The longest a call may last, in seconds (default 2 h, at most 24 h). A call's limit,
    /// fixed at accept, is the smaller of this and what the fan's balance affords.
    pub max_call_secs: u32,
}

fn cooldown_ms<S: serde::Serializer>(c: &Cooldown, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_i64(c.duration_ms)
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            billing: BillingPolicy::default(),
            ledger: true,
            cooldown: Cooldown::default(),
            creator_rate: RateLimit {
                max: 10,
                period_ms: 60_000,
            },
            ip_rate: None,
            invitation_ttl_ms: 120_000,
            token_lifetime_secs: 7_200,
            share_lifetime_secs: DEFAULT_LIFETIME_SECS,
            max_call_secs: 7_200,
        }
    }
}

impl EngineConfig {
    /// Checks every field; `build` calls it.
    pub fn validate(&self) -> Result<()> {
        self.billing
            .validate()
            .map_err(|e| Error::config(e.to_string()))?;
        RateLimit::new(self.creator_rate.max, self.creator_rate.period_ms)?;
        if let Some(ip_rate) = self.ip_rate {
            RateLimit::new(ip_rate.max, ip_rate.period_ms)?;
        }
        if self.billing.rate_per_minute > MAX_RATE_PER_MINUTE {
            return Err(Error::config(format!(
                "the default rate must be at most {MAX_RATE_PER_MINUTE} tokens per minute"
            )));
        }
        if !(1..=86_400).contains(&self.max_call_secs) {
            return Err(Error::config("the longest call is 1 to 86400 seconds"));
        }
        if self.cooldown.duration_ms < 0 {
            return Err(Error::config("the cooldown cannot be negative"));
        }
        if self.invitation_ttl_ms <= 0 {
            return Err(Error::config("the invitation lifetime must be positive"));
        }
        if !(1..=86_400).contains(&self.token_lifetime_secs) {
            return Err(Error::config(
                "the token lifetime is in relative seconds, 1 to 86400",
            ));
        }
        if self.share_lifetime_secs <= 0 {
            return Err(Error::config("the share-link lifetime must be positive"));
        }
        Ok(())
    }
}

/// Builds a [`Fanline`]. Store, Agora credentials and share keys are required; everything
/// else has the seed's defaults. A mistake is `INVALID_CONFIG` from [`build`](Self::build).
///
/// ```
/// use fanline::billing::BillingPolicy;
/// use fanline::share::ShareKeyRing;
/// use fanline::store::MemoryStore;
/// use fanline::{Fanline, Flags};
/// use std::sync::Arc;
///
/// let engine = Fanline::builder()
///     .store(Arc::new(MemoryStore::new()))
///     .agora("970CA35de60c44645bbae8a215061b33", "5CFd2fd1755d40ecb72977518be15d3b")
///     .share_keys(ShareKeyRing::new(1, b"at-least-32-random-bytes-of-secret")?)
///     .flags(Flags::all_on())
///     .billing(BillingPolicy { rate_per_minute: 30, fee_bps: 2_000, ..BillingPolicy::default() })
///     .build()?;
/// assert_eq!(engine.config().billing.rate_per_minute, 30);
///
/// let missing = Fanline::builder().build().unwrap_err();
/// assert_eq!(missing.code(), "INVALID_CONFIG");
/// # Ok::<(), fanline::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct FanlineBuilder {
    store: Option<Arc<dyn Store>>,
    agora: Option<Result<AgoraCredentials>>,
    share_keys: Option<ShareKeyRing>,
    flags: Option<Flags>,
    clock: Option<Arc<dyn Clock>>,
    config: EngineConfig,
}

impl FanlineBuilder {
    /// The store (memory, SQLite or PostgreSQL).
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// Agora app id and certificate (32 hex characters each).
    pub fn agora(mut self, app_id: &str, certificate: &str) -> Self {
        self.agora = Some(AgoraCredentials::new(app_id, certificate));
        self
    }

    /// Share-link keys.
    pub fn share_keys(mut self, keys: ShareKeyRing) -> Self {
        self.share_keys = Some(keys);
        self
    }

    /// Feature flags (default: the seed defaults; clones share state).
    pub fn flags(mut self, flags: Flags) -> Self {
        self.flags = Some(flags);
        self
    }

    /// The clock (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Every tunable at once.
    pub fn config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// Billing rules.
    pub fn billing(mut self, billing: BillingPolicy) -> Self {
        self.config.billing = billing;
        self
    }

    /// Turns the ledger on or off.
    pub fn ledger(mut self, on: bool) -> Self {
        self.config.ledger = on;
        self
    }

    /// Validates everything and builds the engine. Missing or bad configuration is
    /// `INVALID_CONFIG`.
    pub fn build(self) -> Result<Fanline> {
        let store = self
            .store
            .ok_or_else(|| Error::config("a store is required"))?;
        let creds = self
            .agora
            .ok_or_else(|| Error::config("Agora app id and certificate are required"))??;
        let share_keys = self
            .share_keys
            .ok_or_else(|| Error::config("share-link keys are required"))?;
        self.config.validate()?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        Ok(Fanline {
            store,
            tokens: RtcTokenBuilder::new(&creds).with_clock(clock.clone()),
            share_keys,
            flags: self.flags.unwrap_or_default(),
            clock,
            config: self.config,
        })
    }
}
