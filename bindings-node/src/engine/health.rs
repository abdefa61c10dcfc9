//! `fanline::engine` health: the store probe behind a host's `/health` route.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;

use super::{job, Fanline, Op};
use crate::convert::Json;

#[napi]
impl Fanline {
    /// Runs one cheap store read and reports `{ ok, store, schemaVersion, latencyMs, error? }`.
    /// Never rejects: an unavailable store (or a schema this library cannot use) is
    /// `ok: false` with `error.code` (`STORE_UNAVAILABLE`).
    ///
    /// ```js
    /// const h = await engine.health()
    /// res.writeHead(h.ok ? 200 : 503).end(JSON.stringify(h))
    /// ```
    #[napi(ts_return_type = "Promise<Health>")]
    pub fn health(&self) -> AsyncTask<Op> {
        self.spawn(Ok(job(|e| Ok(e.health()))))
    }

    /// The synchronous twin of `health`: same result, on the calling thread.
    #[napi(ts_return_type = "Health")]
    pub fn health_sync(&self, env: &Env) -> napi::Result<Json> {
        self.now(env, Ok(job(|e| Ok(e.health()))))
    }
}
