//! `Fanline`, the engine: one method per operation behind the seed's endpoints (docs/rules.md
//! section 11), each run as one store transaction, each returning its result plus the
//! realtime events for the host to publish.

mod builder;
mod call_end;
mod calls;
pub mod config;
mod fans;
mod health;
mod ledger;
mod metrics;
mod prices;
mod views;

use std::sync::Arc;

use serde::Serialize;

pub use builder::{EngineConfig, FanlineBuilder};
pub use config::{BuiltEngine, FanlineConfig};
pub use fans::MAX_BATCH_PAIRS;
pub use health::{Health, HealthError};
pub use metrics::{
    store_metrics, CreatorRevenue, Metrics, MetricsBuilder, MetricsQuery, ReasonCount, Summary,
    TimelineRow,
};
pub use views::{
    AcceptedCall, AuditQuery, CallStatus, EndedCall, HistoryPage, HistoryQuery, InitiateRequest,
    JoinInfo, MiniProfile, ShareCard, ShareLink, DEFAULT_AUDIT_LIMIT, DEFAULT_HISTORY_LIMIT,
};

use crate::agora::RtcTokenBuilder;
use crate::calls::Event;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::flags::Flags;
use crate::ids::{Actor, UserId};
use crate::share::ShareKeyRing;
use crate::store::{AuditRecord, Store, Tx};

/// A result with the realtime events the host should publish after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome<T> {
    /// The operation's result.
    pub value: T,
    /// Events to publish, in order (possibly none).
    pub events: Vec<Event>,
}

impl<T> Outcome<T> {
    fn quiet(value: T) -> Self {
        Outcome {
            value,
            events: Vec::new(),
        }
    }
}

/// The engine. Cheap to clone; clones share the store, flags and clock.
///
/// Every operation is one store transaction, authorised for its [`Actor`],
/// and mutating ones return an [`Outcome`]: the value and the events to publish.
///
/// ```
/// use std::sync::Arc;
/// use fanline::calls::{CallState, CallType};
/// use fanline::engine::InitiateRequest;
/// use fanline::privacy::RelationshipKind;
/// use fanline::share::ShareKeyRing;
/// use fanline::store::open_store;
/// use fanline::{Actor, Fanline, Flags, ManualClock};
///
/// let clock = ManualClock::at_ms(1_795_608_000_000);
/// let engine = Fanline::builder()
///     .store(open_store("sqlite::memory:")?)
///     .agora("970CA35de60c44645bbae8a215061b33", "5CFd2fd1755d40ecb72977518be15d3b")
///     .share_keys(ShareKeyRing::new(1, b"at-least-32-random-bytes-of-secret")?)
///     .flags(Flags::all_on())
///     .clock(Arc::new(clock.clone()))
///     .build()?;
/// let (ada, max, ops) = (Actor::fan("ada")?, Actor::creator("max")?, Actor::admin("ops")?);
/// engine.record_relationship(&ada, "max", RelationshipKind::Follow)?;
/// engine.credit(&ops, "ada", 100, "order-1")?;
///
/// let ringing = engine.initiate(&max, &InitiateRequest::new("ada", CallType::Voice))?;
/// assert_eq!(ringing.events[0].name, "call:request"); // publish it on the fan's channel
/// let call_id = ringing.value.id.to_string();
/// let accepted = engine.accept(&ada, &call_id, Some(ringing.value.rate_per_minute))?;
/// assert_eq!(accepted.value.call.state, CallState::Connected);
/// clock.advance_ms(90_000);
/// let ended = engine.end(&max, &call_id)?;
/// assert_eq!(ended.value.settlement.charge.charged, 20); // two started minutes at 10 tokens
/// assert_eq!(engine.balance(&ops, "ada")?, 80);
/// # Ok::<(), fanline::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Fanline {
    store: Arc<dyn Store>,
    tokens: RtcTokenBuilder,
    share_keys: ShareKeyRing,
    flags: Flags,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
}

impl Fanline {
    /// Starts a builder.
    pub fn builder() -> FanlineBuilder {
        FanlineBuilder::default()
    }

    /// The feature flags (switch them at run time with [`Flags::set`]).
    pub fn flags(&self) -> &Flags {
        &self.flags
    }

    /// The configuration in use.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The engine's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Runs `f` in one write transaction and returns what it produced.
    fn write<T>(&self, mut f: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.store.write(&mut |tx| {
            out = Some(f(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::internal("write transaction produced no result"))
    }

    /// Runs `f` in one read transaction and returns what it produced.
    fn read<T>(&self, mut f: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.store.read(&mut |tx| {
            out = Some(f(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::internal("read transaction produced no result"))
    }
}

/// Builds an audit record stamped `now_ms`.
fn audit(event: &str, actor: Option<&Actor>, now_ms: i64) -> AuditRecord {
    AuditRecord {
        seq: 0,
        event: event.to_string(),
        actor_id: actor.map(|a| a.id.to_string()),
        call_id: None,
        creator_id: None,
        fan_id: None,
        call_type: None,
        detail: None,
        at_ms: now_ms,
    }
}

/// Admins see everything; everyone else only what concerns them.
fn require_self_or_admin(actor: &Actor, user: &UserId) -> Result<()> {
    if &actor.id == user || actor.role == crate::ids::Role::Admin {
        Ok(())
    } else {
        Err(Error::NotFound("user"))
    }
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.role == crate::ids::Role::Admin {
        Ok(())
    } else {
        Err(Error::NotFound("resource"))
    }
}

fn detail(value: serde_json::Value) -> Option<String> {
    Some(value.to_string())
}
