//! The `Fanline` engine (core `engine`) over a store named by a spec string. Every method
//! that touches the store releases the GIL. Results are plain Python data (camelCase keys, as
//! on the wire); mutating methods return `{"value": ..., "events": [...]}`, the events being
//! what the host should publish.

use fanline::calls::CallType;
use fanline::engine::{AuditQuery, HistoryQuery, InitiateRequest, MetricsQuery};
use fanline::flags::Feature;
use fanline::privacy::{Action, RelationshipKind, SettingsPatch};
use fanline::store::Profile;
use fanline::{Clock, Error, Fanline, ManualClock};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::Kwargs;
use crate::convert::{to_json, to_py, Int, Text, TextList};
use crate::errors::{blocking, invalid, pure};
use crate::ids::ActorArg;
use crate::privacy::Flag;

/// The engine: privacy, share links, relationships, blocks, calls, the ledger, the audit log
/// and the funnel metrics, over one store.
#[pyclass(frozen, name = "Fanline", module = "fanline")]
pub struct PyFanline {
    inner: Fanline,
    clock: Option<ManualClock>,
    store_kind: String,
}

#[pymethods]
impl PyFanline {
    /// Opens the store `store` names (`"memory:"`, `"sqlite:<path>"`, ...; required) and
    /// builds the engine from the core's `FanlineConfig`, the same parser and defaults as
    /// Node's config object. `share_key` (with `share_key_id`, default 1) is a ring of one key;
    /// `share_keys` a whole ring for rotation. `clock_ms` switches to a manual clock starting
    /// at that instant (unix ms), moved with `advance_clock`. Any mistake, a wrong type
    /// included, is a `ConfigError`.
    #[new]
    #[pyo3(signature = (store, *, app_id, app_certificate, share_key=None, share_key_id=None,
        share_keys=None, flags=None, clock_ms=None, billing=None, ledger=None,
        invitation_ttl_ms=None, token_lifetime_secs=None, share_lifetime_secs=None,
        cooldown_ms=None, creator_rate=None, ip_rate=None, max_call_secs=None))]
    #[allow(clippy::too_many_arguments)]
    fn new<'py>(
        py: Python<'py>,
        store: Bound<'py, PyAny>,
        app_id: Bound<'py, PyAny>,
        app_certificate: Bound<'py, PyAny>,
        share_key: Option<Bound<'py, PyAny>>,
        share_key_id: Option<Bound<'py, PyAny>>,
        share_keys: Option<Bound<'py, PyAny>>,
        flags: Option<Bound<'py, PyAny>>,
        clock_ms: Option<Bound<'py, PyAny>>,
        billing: Option<Bound<'py, PyAny>>,
        ledger: Option<Bound<'py, PyAny>>,
        invitation_ttl_ms: Option<Bound<'py, PyAny>>,
        token_lifetime_secs: Option<Bound<'py, PyAny>>,
        share_lifetime_secs: Option<Bound<'py, PyAny>>,
        cooldown_ms: Option<Bound<'py, PyAny>>,
        creator_rate: Option<Bound<'py, PyAny>>,
        ip_rate: Option<Bound<'py, PyAny>>,
        max_call_secs: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        let config = Kwargs {
            store,
            app_id,
            app_certificate,
            share_key,
            share_key_id,
            share_keys,
            flags,
            clock_ms,
            billing,
            ledger,
            limits: vec![
                ("cooldown_ms", "cooldownMs", cooldown_ms),
                ("creator_rate", "creatorRate", creator_rate),
                ("ip_rate", "ipRate", ip_rate),
                ("invitation_ttl_ms", "invitationTtlMs", invitation_ttl_ms),
                (
                    "token_lifetime_secs",
                    "tokenLifetimeSecs",
                    token_lifetime_secs,
                ),
                (
                    "share_lifetime_secs",
                    "shareLifetimeSecs",
                    share_lifetime_secs,
                ),
                ("max_call_secs", "maxCallSecs", max_call_secs),
            ],
        }
        .config(py)?;
        let store_kind = config
            .store
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        let built = blocking(py, move || config.build())?;
        Ok(PyFanline {
            inner: built.engine,
            clock: built.clock,
            store_kind,
        })
    }

    // --- clock, flags, configuration -------------------------------------------------------

    /// The engine's current time, unix ms.
    #[getter]
    fn now_ms(&self) -> i64 {
        self.inner.clock().now_ms()
    }

    /// Moves a manual clock (see `clock_ms`) by `ms` milliseconds; `ConflictError` on the
    /// system clock.
    fn advance_clock(&self, py: Python<'_>, ms: Int<i64>) -> PyResult<i64> {
        pure(py, || match &self.clock {
            Some(c) => {
                c.advance_ms(ms.0);
                Ok(c.now_ms())
            }
            None => Err(Error::state(
                "the engine runs on the system clock; pass clock_ms to use a manual clock",
            )),
        })
    }

    /// Every feature flag: name -> on.
    #[getter]
    fn flags<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for f in Feature::ALL {
            d.set_item(f.as_str(), self.inner.flags().is_on(f))?;
        }
        Ok(d)
    }

    /// Whether a feature flag is on.
    fn flag(&self, py: Python<'_>, name: Text) -> PyResult<bool> {
        let feature = pure(py, || Feature::parse(&name.0))?;
        Ok(self.inner.flags().is_on(feature))
    }

    /// Whether the engine runs on a manual clock (`clock_ms`), moved by `advance_clock`.
    #[getter]
    fn simulated_clock(&self) -> bool {
        self.clock.is_some()
    }

    /// Switches a feature flag at run time.
    fn set_flag(&self, py: Python<'_>, name: Text, on: Flag) -> PyResult<()> {
        let feature = pure(py, || Feature::parse(&name.0))?;
        self.inner.flags().set(feature, on.0);
        Ok(())
    }

    /// The configuration in use (billing, ledger, lifetimes).
    #[getter]
    fn config(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, self.inner.config())
    }

    // --- fans --------------------------------------------------------------------------------

    /// The actor's privacy settings (defaults when never changed).
    fn settings(&self, py: Python<'_>, actor: ActorArg) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.settings(&actor.0))?;
        to_py(py, &v)
    }

    /// Applies a partial update (wire names: `visibility`, `allowDm`, `allowCalls`,
    /// `allowSearch`) to the actor's settings.
    fn update_settings(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        patch: Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let json = to_json(&patch, 0)?.to_string();
        let patch = pure(py, || SettingsPatch::from_json(&json))?;
        let v = blocking(py, || self.inner.update_settings(&actor.0, &patch))?;
        to_py(py, &v)
    }

    /// Sets the actor's display fields.
    #[pyo3(signature = (actor, display_name, avatar_url=None))]
    fn set_profile(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        display_name: Text,
        avatar_url: Option<Text>,
    ) -> PyResult<Py<PyAny>> {
        let profile = Profile {
            display_name: display_name.0,
            avatar_url: avatar_url.map(|a| a.0),
        };
        let v = blocking(py, || self.inner.set_profile(&actor.0, &profile))?;
        to_py(py, &v)
    }

    /// A user's display fields, or `None`.
    fn profile(&self, py: Python<'_>, user_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.profile(&user_id.0))?;
        to_py(py, &v)
    }

    /// Mints a share link (visibility must be `link`); the token is shown once.
    fn enable_share(&self, py: Python<'_>, actor: ActorArg) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.enable_share(&actor.0))?;
        to_py(py, &v)
    }

    /// Revokes the actor's share link; the value is whether one was live.
    fn disable_share(&self, py: Python<'_>, actor: ActorArg) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.disable_share(&actor.0))?;
        to_py(py, &v)
    }

    /// Opens a share card from its token; any dead link is `NotFoundError`.
    fn resolve_share(&self, py: Python<'_>, token: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.resolve_share(&token.0))?;
        to_py(py, &v)
    }

    /// A creator's view of a fan, with `canMessage`, `canCall` and the deciding rules.
    fn mini_profile(&self, py: Python<'_>, actor: ActorArg, fan_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.mini_profile(&actor.0, &fan_id.0))?;
        to_py(py, &v)
    }

    /// Decides `action` for many (creator, fan) pairs, given as two equally long lists, in
    /// one read transaction. Returns one decision dict per pair.
    fn decide_pairs(
        &self,
        py: Python<'_>,
        action: Text,
        creator_ids: TextList,
        fan_ids: TextList,
    ) -> PyResult<Py<PyAny>> {
        let action = pure(py, || Action::parse(&action.0))?;
        if creator_ids.0.len() != fan_ids.0.len() {
            return Err(invalid(
                py,
                format!(
                    "{} creator ids but {} fan ids",
                    creator_ids.0.len(),
                    fan_ids.0.len()
                ),
            ));
        }
        let pairs: Vec<(String, String)> = creator_ids.0.into_iter().zip(fan_ids.0).collect();
        let v = blocking(py, || self.inner.decide_pairs(action, &pairs))?;
        to_py(py, &v)
    }

    /// The relationship rows between the actor and another user.
    fn relationship(&self, py: Python<'_>, actor: ActorArg, other_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.relationship(&actor.0, &other_id.0))?;
        to_py(py, &v)
    }

    /// Records an interaction (`follow`, `tipped`, `purchased`, `messaged`).
    fn record_relationship(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        other_id: Text,
        kind: Text,
    ) -> PyResult<Py<PyAny>> {
        let kind = pure(py, || RelationshipKind::parse(&kind.0))?;
        let v = blocking(py, || {
            self.inner.record_relationship(&actor.0, &other_id.0, kind)
        })?;
        to_py(py, &v)
    }

    /// The fan stops following a creator; the value is whether they followed.
    fn unfollow(&self, py: Python<'_>, actor: ActorArg, creator_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.unfollow(&actor.0, &creator_id.0))?;
        to_py(py, &v)
    }

    /// The actor blocks another user; the value is whether the block is new.
    fn block(&self, py: Python<'_>, actor: ActorArg, other_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.block(&actor.0, &other_id.0))?;
        to_py(py, &v)
    }

    /// The actor lifts a block; the value is whether there was one.
    fn unblock(&self, py: Python<'_>, actor: ActorArg, other_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.unblock(&actor.0, &other_id.0))?;
        to_py(py, &v)
    }

    /// Whether the actor blocked another user.
    fn has_blocked(&self, py: Python<'_>, actor: ActorArg, other_id: Text) -> PyResult<bool> {
        blocking(py, || self.inner.has_blocked(&actor.0, &other_id.0))
    }

    // --- calls -------------------------------------------------------------------------------

    /// A creator calls a fan (`call_type` is `voice` or `video`).
    #[pyo3(signature = (actor, fan_id, call_type, *, message=None, ip=None, rate_per_minute=None))]
    #[allow(clippy::too_many_arguments)]
    fn initiate(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        fan_id: Text,
        call_type: Text,
        message: Option<Text>,
        ip: Option<Text>,
        rate_per_minute: Option<Int<u64>>,
    ) -> PyResult<Py<PyAny>> {
        let req = InitiateRequest {
            call_type: pure(py, || CallType::parse(&call_type.0))?,
            fan_id: fan_id.0,
            message: message.map(|m| m.0),
            ip: ip.map(|i| i.0),
            rate_per_minute: rate_per_minute.map(|r| r.0),
        };
        let v = blocking(py, || self.inner.initiate(&actor.0, &req))?;
        to_py(py, &v)
    }

    /// The fan accepts; both sides get join information with a token.
    #[pyo3(signature = (actor, call_id, *, max_rate_per_minute=None))]
    fn accept(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        call_id: Text,
        max_rate_per_minute: Option<Int<u64>>,
    ) -> PyResult<Py<PyAny>> {
        let max = max_rate_per_minute.map(|m| m.0);
        let v = blocking(py, || self.inner.accept(&actor.0, &call_id.0, max))?;
        to_py(py, &v)
    }

    /// Sets a creator's price per minute (the creator themself, or an admin); calls they
    /// start from now on take it. The value is the price.
    fn set_call_price(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        creator_id: Text,
        rate_per_minute: Int<u64>,
    ) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || {
            self.inner
                .set_call_price(&actor.0, &creator_id.0, rate_per_minute.0)
        })?;
        to_py(py, &v)
    }

    /// A creator's price per minute: what they set, else the billing policy's default.
    fn call_price(&self, py: Python<'_>, creator_id: Text) -> PyResult<u64> {
        blocking(py, || self.inner.call_price(&creator_id.0))
    }

    /// The refusal counters (admin): refusals by the `calls` flag, the creator role and the
    /// rate limits, counted per code and minute instead of audited.
    #[pyo3(signature = (actor, *, since_ms=None, until_ms=None))]
    fn refusal_counts(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        since_ms: Option<Int<i64>>,
        until_ms: Option<Int<i64>>,
    ) -> PyResult<Py<PyAny>> {
        let (since, until) = (since_ms.map(|v| v.0), until_ms.map(|v| v.0));
        let v = blocking(py, || self.inner.refusal_counts(&actor.0, since, until))?;
        to_py(py, &v)
    }

    /// The fan declines a ringing call.
    fn decline(&self, py: Python<'_>, actor: ActorArg, call_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.decline(&actor.0, &call_id.0))?;
        to_py(py, &v)
    }

    /// The creator cancels a ringing call.
    fn cancel(&self, py: Python<'_>, actor: ActorArg, call_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.cancel(&actor.0, &call_id.0))?;
        to_py(py, &v)
    }

    /// Either side ends a connected call; billing is settled exactly once.
    fn end(&self, py: Python<'_>, actor: ActorArg, call_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.end(&actor.0, &call_id.0))?;
        to_py(py, &v)
    }

    /// A fresh token for the actor's side of a connected call.
    fn refresh_token(&self, py: Python<'_>, actor: ActorArg, call_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.refresh_token(&actor.0, &call_id.0))?;
        to_py(py, &v)
    }

    /// A call's status, with its settlement once ended.
    fn status(&self, py: Python<'_>, actor: ActorArg, call_id: Text) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.status(&actor.0, &call_id.0))?;
        to_py(py, &v)
    }

    /// The actor's unexpired ringing invitations, newest first.
    fn pending(&self, py: Python<'_>, actor: ActorArg) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.pending(&actor.0))?;
        to_py(py, &v)
    }

    /// One page of the actor's calls, newest first; pass `nextCursor` back for more.
    #[pyo3(signature = (actor, cursor=None, limit=None))]
    fn history(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        cursor: Option<Text>,
        limit: Option<Int<u32>>,
    ) -> PyResult<Py<PyAny>> {
        let page = HistoryQuery {
            cursor: cursor.map(|c| c.0),
            limit: limit.map(|l| l.0),
        };
        let v = blocking(py, || {
            self.inner
                .history(&actor.0, page.cursor.as_deref(), page.limit())
        })?;
        to_py(py, &v)
    }

    /// Expires due invitations (their calls become `missed`); the value lists their ids.
    fn expire_due(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || self.inner.expire_due())?;
        to_py(py, &v)
    }

    // --- ledger, audit, metrics ------------------------------------------------------------

    /// Credits purchased tokens (admin), idempotent by `reference`; the value is the balance.
    fn credit(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        user_id: Text,
        amount: Int<u64>,
        reference: Text,
    ) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || {
            self.inner
                .credit(&actor.0, &user_id.0, amount.0, &reference.0)
        })?;
        to_py(py, &v)
    }

    /// A user's token balance (the user or an admin).
    fn balance(&self, py: Python<'_>, actor: ActorArg, user_id: Text) -> PyResult<i64> {
        blocking(py, || self.inner.balance(&actor.0, &user_id.0))
    }

    /// The sum of every ledger entry, zero when the books balance (admin).
    fn ledger_sum(&self, py: Python<'_>, actor: ActorArg) -> PyResult<i64> {
        blocking(py, || self.inner.ledger_sum(&actor.0))
    }

    /// Audit records after position `after`, oldest first, at most `limit` (1 to 1000)
    /// (admin).
    #[pyo3(signature = (actor, after=None, limit=None))]
    fn audit_log(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        after: Option<Int<i64>>,
        limit: Option<Int<u32>>,
    ) -> PyResult<Py<PyAny>> {
        let query = AuditQuery {
            after: after.map(|a| a.0),
            limit: limit.map(|l| l.0),
        };
        let v = blocking(py, || {
            self.inner.audit_log(&actor.0, query.after(), query.limit())
        })?;
        to_py(py, &v)
    }

    /// The funnel metrics (admin) as tables, each a list of dicts: `summary` (one row),
    /// `revenueByCreator`, `denialsByReason`, `refusalsByReason` (every refusal code), `timeline`
    /// (call events per bucket).
    #[pyo3(signature = (actor, *, since_ms=None, until_ms=None, bucket_ms=None))]
    fn metrics(
        &self,
        py: Python<'_>,
        actor: ActorArg,
        since_ms: Option<Int<i64>>,
        until_ms: Option<Int<i64>>,
        bucket_ms: Option<Int<i64>>,
    ) -> PyResult<Py<PyAny>> {
        let query = MetricsQuery {
            since_ms: since_ms.map(|s| s.0),
            until_ms: until_ms.map(|u| u.0),
            bucket_ms: bucket_ms.map_or(MetricsQuery::default().bucket_ms, |b| b.0),
        };
        let v = blocking(py, || self.inner.metrics(&actor.0, &query))?;
        to_py(py, &v)
    }

    /// One cheap store read: `{"ok", "store", "schemaVersion", "latencyMs", "error"?}`. Never
    /// raises for an unavailable store: that is `ok` False with `error["code"]`.
    fn health(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v = blocking(py, || Ok(self.inner.health()))?;
        to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        format!(
            "Fanline(store={:?}, clock={:?})",
            self.store_kind,
            if self.clock.is_some() {
                "manual"
            } else {
                "system"
            }
        )
    }
}
