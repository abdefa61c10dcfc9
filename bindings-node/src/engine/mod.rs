//! `fanline::engine`: the class `Fanline`. Every store-backed method returns a Promise
//! computed on the binding's own worker threads (see [`pool`]), so neither the event loop nor
//! libuv's thread pool (`fs`, `dns`, `crypto`) ever waits on the store, and has a `...Sync`
//! twin that runs on the calling thread. Both report failures the same way: an `Error` with
//! `code`, `status` and `retryAfter` (a Promise rejects with it, even for bad arguments).
//!
//! Mutating methods resolve to `{ value, events }`: `events` are the realtime messages
//! (`{ channel: 'user:<id>', name: 'call:request', payload }`) the host publishes after the
//! operation; fanline never publishes anything itself.

mod builder;
mod calls;
mod fans;
mod health;
mod ledger;
mod pool;
mod prices;
pub mod settle;

use fanline::{Actor, Error, Feature, ManualClock};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use serde::Serialize;

pub use self::builder::config_error;
pub use self::pool::Op;
use crate::convert::Js;
use crate::error::run;
use crate::output::Json;

/// One engine operation, its arguments already converted, ready to run on any thread.
pub type Job = Box<dyn FnOnce(&fanline::Fanline) -> fanline::Result<Json> + Send>;

/// Wraps an engine call; its result becomes a JS value on the JS thread.
pub fn job<T: Serialize + Send + 'static>(
    f: impl FnOnce(&fanline::Fanline) -> fanline::Result<T> + Send + 'static,
) -> Job {
    Box::new(move |engine| Ok(Json::new(f(engine)?)))
}

/// The actor argument: `{ id, role: 'fan' | 'creator' | 'admin' }`.
pub fn actor_arg(v: &Unknown) -> fanline::Result<Actor> {
    Js::from(v).serde("actor")
}

/// A user id or call id argument.
pub fn text(v: &Unknown, what: &str) -> fanline::Result<String> {
    Js::from(v).string(what)
}

/// The fanline engine: privacy, share links, calls, billing and the ledger over one store.
///
/// ```js
/// const { Fanline } = require('fanline')
/// const engine = new Fanline({
///   store: 'sqlite:/var/lib/app/fanline.db',            // or 'memory:'
///   agora: { appId: process.env.AGORA_APP_ID, appCertificate: process.env.AGORA_APP_CERTIFICATE },
///   shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: process.env.SHARE_KEY }] },
///   flags: 'env',                                         // FEATURE_CALLS, ... or { calls: true }
/// })
/// const { value: call, events } = await engine.initiate(
///   { id: 'creator_max', role: 'creator' }, { fanId: 'fan_ada', callType: 'video' })
/// for (const e of events) realtime.publish(e.channel, e.name, e.payload)
/// ```
#[napi]
pub struct Fanline {
    inner: fanline::Fanline,
    clock: Option<ManualClock>,
}

#[napi]
impl Fanline {
    /// Opens the store and builds the engine. Any configuration mistake (unknown field, bad
    /// app id, short share key, unknown flag, bad store spec) is `INVALID_CONFIG`.
    #[napi(constructor, ts_args_type = "config: FanlineConfig")]
    pub fn new(env: &Env, config: Unknown) -> napi::Result<Self> {
        run(env, || {
            let built = builder::build(Js::from(&config))?;
            Ok(Fanline {
                inner: built.engine,
                clock: built.clock,
            })
        })
    }

    /// The one way engine Promises are made: `job` runs on the binding's workers (see
    /// [`pool`]), within its deadline.
    fn spawn(&self, job: fanline::Result<Job>) -> Op {
        Op {
            engine: self.inner.clone(),
            job,
        }
    }

    fn now(&self, env: &Env, job: fanline::Result<Job>) -> napi::Result<Json> {
        run(env, || job?(&self.inner))
    }

    /// Switches a feature flag at run time (`'calls'`, `'fan_share_card'`, `'fan_privacy'`,
    /// `'fan_mini_profile'`); every clone of the engine sees it at once.
    ///
    /// ```js
    /// engine.setFlag('calls', false)   // initiate now fails with FEATURE_DISABLED (403)
    /// ```
    #[napi(ts_args_type = "name: FeatureName, on: boolean")]
    pub fn set_flag(&self, env: &Env, name: Unknown, on: Unknown) -> napi::Result<()> {
        run(env, || {
            let feature = Feature::parse(&Js::from(&name).string("name")?)?;
            self.inner
                .flags()
                .set(feature, Js::from(&on).boolean("on")?);
            Ok(())
        })
    }

    /// Whether a feature flag is on.
    #[napi(ts_args_type = "name: FeatureName")]
    pub fn flag(&self, env: &Env, name: Unknown) -> napi::Result<bool> {
        run(env, || {
            let feature = Feature::parse(&Js::from(&name).string("name")?)?;
            Ok(self.inner.flags().is_on(feature))
        })
    }

    /// Every flag by name.
    #[napi(ts_return_type = "Record<FeatureName, boolean>")]
    pub fn flags(&self, env: &Env) -> napi::Result<Json> {
        run(env, || {
            let flags: serde_json::Map<String, serde_json::Value> = Feature::ALL
                .into_iter()
                .map(|f| (f.as_str().to_string(), self.inner.flags().is_on(f).into()))
                .collect();
            Ok(Json::new(flags))
        })
    }

    /// The engine's time, unix milliseconds (simulated or system).
    #[napi]
    pub fn now_ms(&self) -> f64 {
        self.inner.clock().now_ms() as f64
    }

    /// Moves a simulated clock (`clock: { manualStartMs }`) forward by `ms` (negative moves it
    /// back). `INVALID_STATE` on an engine that uses the system clock.
    ///
    /// ```js
    /// engine.advanceClock(190_000)   // the call has now lasted 3 min 10 s
    /// ```
    #[napi(ts_args_type = "ms: number")]
    pub fn advance_clock(&self, env: &Env, ms: Unknown) -> napi::Result<f64> {
        run(env, || {
            let ms = Js::from(&ms).integer("ms")?;
            let clock = self
                .clock
                .as_ref()
                .ok_or_else(|| Error::state("this engine uses the system clock"))?;
            clock.advance_ms(ms);
            Ok(self.inner.clock().now_ms() as f64)
        })
    }

    /// Whether the engine runs on a simulated clock.
    #[napi(getter)]
    pub fn simulated_clock(&self) -> bool {
        self.clock.is_some()
    }

    /// The tunables in use (billing, ledger, lifetimes).
    #[napi(ts_return_type = "EngineConfig")]
    pub fn config(&self, env: &Env) -> napi::Result<Json> {
        run(env, || Json::of(self.inner.config()))
    }
}
