//! `fanline::engine` prices: a creator's call price per minute.

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use super::{actor_arg, job, text, Fanline, Job, Op};
use crate::convert::Js;
use crate::error::guard;
use crate::output::Json;

/// Largest integer a JavaScript number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

fn set_call_price_job(
    actor: &Unknown,
    creator_id: &Unknown,
    rate: &Unknown,
) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let creator = text(creator_id, "creatorId")?;
    let rate: u64 = Js::from(rate).count_as("ratePerMinute", MAX_SAFE)?;
    Ok(job(move |e| e.set_call_price(&actor, &creator, rate)))
}

fn call_price_job(creator_id: &Unknown) -> fanline::Result<Job> {
    let creator = text(creator_id, "creatorId")?;
    Ok(job(move |e| e.call_price(&creator)))
}

#[napi]
impl Fanline {
    /// Sets a creator's price per minute (the creator themself, or an admin); the calls they start
    /// from now on take it, so a route never passes a rate from a request body. Resolves to the
    /// price.
    ///
    /// ```js
    /// await engine.setCallPrice({ id: 'creator_max', role: 'creator' }, 'creator_max', 30)
    /// ```
    #[napi(
        ts_args_type = "actor: Actor, creatorId: string, ratePerMinute: number",
        ts_return_type = "Promise<Outcome<number>>"
    )]
    pub fn set_call_price(
        &self,
        actor: Unknown,
        creator_id: Unknown,
        rate_per_minute: Unknown,
    ) -> Op {
        self.spawn(guard(|| {
            set_call_price_job(&actor, &creator_id, &rate_per_minute)
        }))
    }

    /// The synchronous twin of `setCallPrice`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, creatorId: string, ratePerMinute: number",
        ts_return_type = "Outcome<number>"
    )]
    pub fn set_call_price_sync(
        &self,
        env: &Env,
        actor: Unknown,
        creator_id: Unknown,
        rate_per_minute: Unknown,
    ) -> napi::Result<Json> {
        self.now(
            env,
            guard(|| set_call_price_job(&actor, &creator_id, &rate_per_minute)),
        )
    }

    /// A creator's price per minute: what they set, else the billing policy's default.
    #[napi(ts_args_type = "creatorId: string", ts_return_type = "Promise<number>")]
    pub fn call_price(&self, creator_id: Unknown) -> Op {
        self.spawn(guard(|| call_price_job(&creator_id)))
    }

    /// The synchronous twin of `callPrice`: same result, on the calling thread.
    #[napi(ts_args_type = "creatorId: string", ts_return_type = "number")]
    pub fn call_price_sync(&self, env: &Env, creator_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| call_price_job(&creator_id)))
    }
}
