//! `fanline::engine` health: the store probe behind a host's `/health` route.

use napi::Env;
use napi_derive::napi;

use super::{job, Fanline, Op};
use crate::output::Json;

#[napi]
impl Fanline {
    /// Runs one cheap store read and reports `{ ok, store, schemaVersion, latencyMs, error? }`.
    /// An unavailable store (or a schema this library cannot use) is `ok: false` with
    /// `error.code` (`STORE_UNAVAILABLE`), not a rejection. It rejects (`STORE_UNAVAILABLE`)
    /// only when every engine worker stayed busy past the call's deadline, itself a sign of
    /// a stuck store; `healthSync` runs on the calling thread and never throws for the store.
    ///
    /// ```js
    /// const h = await engine.health()
    /// res.writeHead(h.ok ? 200 : 503).end(JSON.stringify(h))
    /// ```
    #[napi(ts_return_type = "Promise<Health>")]
    pub fn health(&self) -> Op {
        self.spawn(Ok(job(|e| Ok(e.health()))))
    }

    /// The synchronous twin of `health`: same result, on the calling thread.
    #[napi(ts_return_type = "Health")]
    pub fn health_sync(&self, env: &Env) -> napi::Result<Json> {
        self.now(env, Ok(job(|e| Ok(e.health()))))
    }
}
