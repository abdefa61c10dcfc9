//! `fanline::engine` ledger and audit operations.

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use fanline::engine::{AuditQuery, MetricsQuery};

use super::{actor_arg, job, text, Fanline, Job, Op};
use crate::convert::Js;
use crate::error::guard;
use crate::output::Json;

fn credit_job(
    actor: &Unknown,
    user_id: &Unknown,
    amount: &Unknown,
    reference: &Unknown,
) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let user = text(user_id, "userId")?;
    let amount = Js::from(amount).count("amount")?;
    let reference = text(reference, "reference")?;
    Ok(job(move |e| e.credit(&actor, &user, amount, &reference)))
}

fn balance_job(actor: &Unknown, user_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let user = text(user_id, "userId")?;
    Ok(job(move |e| e.balance(&actor, &user)))
}

fn ledger_sum_job(actor: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    Ok(job(move |e| e.ledger_sum(&actor)))
}

fn audit_log_job(actor: &Unknown, after: &Unknown, limit: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let query = AuditQuery {
        after: (!Js::from(after).is_nullish()?)
            .then(|| Js::from(after).integer("after"))
            .transpose()?,
        limit: Js::from(limit).opt_count_as("limit", u64::from(u32::MAX))?,
    };
    Ok(job(move |e| {
        e.audit_log(&actor, query.after(), query.limit())
    }))
}

fn metrics_job(actor: &Unknown, query: Option<&Unknown>) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let query: MetricsQuery = query
        .map(|q| Js::from(q).serde::<Option<MetricsQuery>>("query"))
        .transpose()?
        .flatten()
        .unwrap_or_default();
    Ok(job(move |e| e.metrics(&actor, &query)))
}

fn refusal_counts_job(actor: &Unknown, range: Option<&Unknown>) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let (mut since, mut until) = (None, None);
    if let Some(range) = range
        .map(Js::from)
        .filter(|r| !r.is_nullish().unwrap_or(true))
    {
        for (key, v) in range.entries("range")? {
            let slot = match key.as_str() {
                "sinceMs" => &mut since,
                "untilMs" => &mut until,
                other => {
                    return Err(fanline::Error::invalid(format!(
                        "range has an unknown field '{other}'"
                    )))
                }
            };
            if !v.is_nullish()? {
                *slot = Some(v.integer(&format!("range.{key}"))?);
            }
        }
    }
    Ok(job(move |e| e.refusal_counts(&actor, since, until)))
}

#[napi]
impl Fanline {
    /// The funnel metrics (admin) as tables of plain rows: `summary` (one row),
    /// `revenueByCreator`, `denialsByReason`, `refusalsByReason`, `timeline` (call events per
    /// `bucketMs`, default one hour). The log is read a page at a time, so writers are not
    /// held up.
    #[napi(
        ts_args_type = "actor: Actor, query?: MetricsQuery | null",
        ts_return_type = "Promise<Metrics>"
    )]
    pub fn metrics(&self, actor: Unknown, query: Option<Unknown>) -> Op {
        self.spawn(guard(|| metrics_job(&actor, query.as_ref())))
    }

    /// The synchronous twin of `metrics`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, query?: MetricsQuery | null",
        ts_return_type = "Metrics"
    )]
    pub fn metrics_sync(
        &self,
        env: &Env,
        actor: Unknown,
        query: Option<Unknown>,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| metrics_job(&actor, query.as_ref())))
    }

    /// The refusal counters (admin): refusals by the `calls` flag, the creator role and the rate
    /// limits, counted per code and minute instead of audited one by one.
    #[napi(
        ts_args_type = "actor: Actor, range?: { sinceMs?: number | null; untilMs?: number | null }",
        ts_return_type = "Promise<RefusalCount[]>"
    )]
    pub fn refusal_counts(&self, actor: Unknown, range: Option<Unknown>) -> Op {
        self.spawn(guard(|| refusal_counts_job(&actor, range.as_ref())))
    }

    /// The synchronous twin of `refusalCounts`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, range?: { sinceMs?: number | null; untilMs?: number | null }",
        ts_return_type = "RefusalCount[]"
    )]
    pub fn refusal_counts_sync(
        &self,
        env: &Env,
        actor: Unknown,
        range: Option<Unknown>,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| refusal_counts_job(&actor, range.as_ref())))
    }

    /// Credits purchased tokens to `userId` from the issuance account (admin: the host's payment
    /// flow). `reference` makes it idempotent. Resolves to the user's balance.
    ///
    /// ```js
    /// await engine.credit({ id: 'payments', role: 'admin' }, 'fan_ada', 100, `order-${orderId}`)
    /// ```
    #[napi(
        ts_args_type = "actor: Actor, userId: string, amount: number, reference: string",
        ts_return_type = "Promise<Outcome<number>>"
    )]
    pub fn credit(
        &self,
        actor: Unknown,
        user_id: Unknown,
        amount: Unknown,
        reference: Unknown,
    ) -> Op {
        self.spawn(guard(|| credit_job(&actor, &user_id, &amount, &reference)))
    }

    /// The synchronous twin of `credit`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, userId: string, amount: number, reference: string",
        ts_return_type = "Outcome<number>"
    )]
    pub fn credit_sync(
        &self,
        env: &Env,
        actor: Unknown,
        user_id: Unknown,
        amount: Unknown,
        reference: Unknown,
    ) -> napi::Result<Json> {
        self.now(
            env,
            guard(|| credit_job(&actor, &user_id, &amount, &reference)),
        )
    }

    /// A user's token balance (the user themself or an admin).
    #[napi(
        ts_args_type = "actor: Actor, userId: string",
        ts_return_type = "Promise<number>"
    )]
    pub fn balance(&self, actor: Unknown, user_id: Unknown) -> Op {
        self.spawn(guard(|| balance_job(&actor, &user_id)))
    }

    /// The synchronous twin of `balance`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, userId: string",
        ts_return_type = "number"
    )]
    pub fn balance_sync(&self, env: &Env, actor: Unknown, user_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| balance_job(&actor, &user_id)))
    }

    /// The sum of every ledger entry: zero when the books balance (admin).
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "Promise<number>")]
    pub fn ledger_sum(&self, actor: Unknown) -> Op {
        self.spawn(guard(|| ledger_sum_job(&actor)))
    }

    /// The synchronous twin of `ledgerSum`: same result, on the calling thread.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "number")]
    pub fn ledger_sum_sync(&self, env: &Env, actor: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| ledger_sum_job(&actor)))
    }

    /// Audit records after position `after`, oldest first, at most `limit` (1 to 1000) (admin).
    #[napi(
        ts_args_type = "actor: Actor, after?: number | null, limit?: number | null",
        ts_return_type = "Promise<AuditRecord[]>"
    )]
    pub fn audit_log(&self, actor: Unknown, after: Unknown, limit: Unknown) -> Op {
        self.spawn(guard(|| audit_log_job(&actor, &after, &limit)))
    }

    /// The synchronous twin of `auditLog`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, after?: number | null, limit?: number | null",
        ts_return_type = "AuditRecord[]"
    )]
    pub fn audit_log_sync(
        &self,
        env: &Env,
        actor: Unknown,
        after: Unknown,
        limit: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| audit_log_job(&actor, &after, &limit)))
    }
}
