//! `fanline::engine` call operations: initiate, accept, decline, cancel, end, refresh,
//! status, pending, history and the invitation sweeper.

use fanline::calls::CallType;
use fanline::engine::{HistoryQuery, InitiateRequest};
use fanline::{Actor, Role};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use super::{actor_arg, job, text, Fanline, Job, Op};
use crate::convert::Js;
use crate::error::guard;
use crate::output::Json;

fn initiate_job(actor: &Unknown, request: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let req: InitiateRequest = Js::from(request).serde("request")?;
    Ok(job(move |e| e.initiate(&actor, &req)))
}

/// `initiate`'s arguments on the fast path of `load.js`, which reads the two plain objects in
/// JS (where a property read is cheapest) and passes their fields: the actor's `id` and `role`,
/// then the request's `fanId`, `callType`, `message`, `ip` and `ratePerMinute` (`undefined`
/// where absent).
struct InitiateFields<'a>([&'a Unknown<'a>; 7]);

impl InitiateFields<'_> {
    /// The actor and request the fields make; `None` when a field is anything the strict path
    /// might read differently or refuse, and the caller then reads the objects themselves.
    fn read(&self) -> Option<(Actor, InitiateRequest)> {
        let [id, role, fan_id, call_type, message, ip, rate] = self.0.map(Js::from);
        let text = |v: Js| v.string("").ok();
        let optional = |v: Js| match v.is_nullish().ok()? {
            true => Some(None),
            false => text(v).map(Some),
        };
        let actor = Actor::new(text(id)?, Role::parse(&text(role)?).ok()?).ok()?;
        let request = InitiateRequest {
            fan_id: text(fan_id)?,
            call_type: CallType::parse(&text(call_type)?).ok()?,
            message: optional(message)?,
            ip: optional(ip)?,
            rate_per_minute: rate.opt_count_as("", MAX_SAFE).ok()?,
        };
        Some((actor, request))
    }
}

/// `initiate` from the fields `load.js` read, or from the objects when they do not do.
fn initiate_fields_job(
    actor: &Unknown,
    request: &Unknown,
    fields: InitiateFields,
) -> fanline::Result<Job> {
    match fields.read() {
        Some((actor, req)) => Ok(job(move |e| e.initiate(&actor, &req))),
        None => initiate_job(actor, request),
    }
}

/// Largest integer a JavaScript number holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

fn accept_job(
    actor: &Unknown,
    call_id: &Unknown,
    options: Option<&Unknown>,
) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let id = text(call_id, "callId")?;
    let max_rate = match options.map(Js::from) {
        Some(o) if !o.is_nullish()? => {
            for (key, _) in o.entries("options")? {
                if key != "maxRatePerMinute" {
                    return Err(fanline::Error::invalid(format!(
                        "options has an unknown field '{key}'"
                    )));
                }
            }
            o.get("maxRatePerMinute", "options")?
                .opt_count_as("options.maxRatePerMinute", MAX_SAFE)?
        }
        _ => None,
    };
    Ok(job(move |e| e.accept(&actor, &id, max_rate)))
}

fn decline_job(actor: &Unknown, call_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let id = text(call_id, "callId")?;
    Ok(job(move |e| e.decline(&actor, &id)))
}

fn cancel_job(actor: &Unknown, call_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let id = text(call_id, "callId")?;
    Ok(job(move |e| e.cancel(&actor, &id)))
}

fn end_job(actor: &Unknown, call_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let id = text(call_id, "callId")?;
    Ok(job(move |e| e.end(&actor, &id)))
}

fn refresh_token_job(actor: &Unknown, call_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let id = text(call_id, "callId")?;
    Ok(job(move |e| e.refresh_token(&actor, &id)))
}

fn status_job(actor: &Unknown, call_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let id = text(call_id, "callId")?;
    Ok(job(move |e| e.status(&actor, &id)))
}

fn pending_job(actor: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    Ok(job(move |e| e.pending(&actor)))
}

fn history_job(actor: &Unknown, page: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let page: HistoryQuery = Js::from(page)
        .serde::<Option<HistoryQuery>>("page")?
        .unwrap_or_default();
    Ok(job(move |e| {
        e.history(&actor, page.cursor.as_deref(), page.limit())
    }))
}

fn expire_due_job() -> fanline::Result<Job> {
    Ok(job(|e| e.expire_due()))
}

#[napi]
impl Fanline {
    /// A creator calls a fan, in one transaction: rate limits (per creator, per IP), the `calls`
    /// flag, blocks, the fan's `allowCalls`, busy checks, the per-pair cooldown and the start guard.
    /// Resolves to the ringing call and the `call:request` event for the fan; refusals reject with
    /// `CALL_COOLDOWN` / `RATE_LIMITED` (429, with `retryAfter`), `FEATURE_DISABLED`, `BLOCKED`, ...
    ///
    /// ```js
    /// try {
    ///   const { value: call, events } = await engine.initiate(
    ///     { id: 'creator_max', role: 'creator' },
    ///     { fanId: 'fan_ada', callType: 'video', message: 'Hi!', ip: req.socket.remoteAddress })
    ///   publish(events)
    /// } catch (err) {
    ///   res.writeHead(err.status, err.retryAfter ? { 'Retry-After': err.retryAfter } : {})
    ///   res.end(JSON.stringify(errorBody(err)))
    /// }
    /// ```
    #[napi(
        ts_args_type = "actor: Actor, request: InitiateRequest",
        ts_return_type = "Promise<Outcome<CallView>>"
    )]
    pub fn initiate(&self, actor: Unknown, request: Unknown) -> Op {
        self.spawn(guard(|| initiate_job(&actor, &request)))
    }

    /// The synchronous twin of `initiate`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, request: InitiateRequest",
        ts_return_type = "Outcome<CallView>"
    )]
    pub fn initiate_sync(&self, env: &Env, actor: Unknown, request: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| initiate_job(&actor, &request)))
    }

    /// `initiate` with the fields of its arguments read in JS (`load.js`); not part of the API.
    #[napi(skip_typescript)]
    #[allow(clippy::too_many_arguments)] // one argument per field: no object to read them from
    pub fn initiate_fields(
        &self,
        actor: Unknown,
        request: Unknown,
        id: Unknown,
        role: Unknown,
        fan_id: Unknown,
        call_type: Unknown,
        message: Unknown,
        ip: Unknown,
        rate_per_minute: Unknown,
    ) -> Op {
        let fields = InitiateFields([
            &id,
            &role,
            &fan_id,
            &call_type,
            &message,
            &ip,
            &rate_per_minute,
        ]);
        self.spawn(guard(|| initiate_fields_job(&actor, &request, fields)))
    }

    /// `initiateSync` with the fields of its arguments read in JS (`load.js`); not part of the
    /// API.
    #[napi(skip_typescript)]
    #[allow(clippy::too_many_arguments)] // one argument per field: no object to read them from
    pub fn initiate_fields_sync(
        &self,
        env: &Env,
        actor: Unknown,
        request: Unknown,
        id: Unknown,
        role: Unknown,
        fan_id: Unknown,
        call_type: Unknown,
        message: Unknown,
        ip: Unknown,
        rate_per_minute: Unknown,
    ) -> napi::Result<Json> {
        let fields = InitiateFields([
            &id,
            &role,
            &fan_id,
            &call_type,
            &message,
            &ip,
            &rate_per_minute,
        ]);
        self.now(env, guard(|| initiate_fields_job(&actor, &request, fields)))
    }

    /// The fan accepts a ringing call before its invitation expires: the call connects and both
    /// sides get Agora join information (`fan` and `creator`: appId, channel, uid, token, expiresAt).
    /// Pass the price the fan was shown as `{ maxRatePerMinute }`: a call that costs more is
    /// refused with `PRICE_CHANGED`. The call's time limit (`call.limitAt`) is fixed here from the
    /// fan's balance; tokens expire a minute after it. The `call:accepted` event to the creator
    /// carries no token: hand the creator its `creator` join info over your own authenticated API,
    /// or let it call `refreshToken`.
    #[napi(
        ts_args_type = "actor: Actor, callId: string, options?: AcceptOptions",
        ts_return_type = "Promise<Outcome<AcceptedCall>>"
    )]
    pub fn accept(&self, actor: Unknown, call_id: Unknown, options: Option<Unknown>) -> Op {
        self.spawn(guard(|| accept_job(&actor, &call_id, options.as_ref())))
    }

    /// The synchronous twin of `accept`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, callId: string, options?: AcceptOptions",
        ts_return_type = "Outcome<AcceptedCall>"
    )]
    pub fn accept_sync(
        &self,
        env: &Env,
        actor: Unknown,
        call_id: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<Json> {
        self.now(
            env,
            guard(|| accept_job(&actor, &call_id, options.as_ref())),
        )
    }

    /// The fan declines a ringing call (`call:rejected` to the creator).
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Promise<Outcome<CallView>>"
    )]
    pub fn decline(&self, actor: Unknown, call_id: Unknown) -> Op {
        self.spawn(guard(|| decline_job(&actor, &call_id)))
    }

    /// The synchronous twin of `decline`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Outcome<CallView>"
    )]
    pub fn decline_sync(&self, env: &Env, actor: Unknown, call_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| decline_job(&actor, &call_id)))
    }

    /// The creator cancels a ringing call (`call:cancelled` to the fan).
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Promise<Outcome<CallView>>"
    )]
    pub fn cancel(&self, actor: Unknown, call_id: Unknown) -> Op {
        self.spawn(guard(|| cancel_job(&actor, &call_id)))
    }

    /// The synchronous twin of `cancel`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Outcome<CallView>"
    )]
    pub fn cancel_sync(&self, env: &Env, actor: Unknown, call_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| cancel_job(&actor, &call_id)))
    }

    /// Either side ends a connected call. Billing is computed and settled exactly once, in the
    /// same transaction; ending again resolves to the same settlement and no events.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Promise<Outcome<EndedCall>>"
    )]
    pub fn end(&self, actor: Unknown, call_id: Unknown) -> Op {
        self.spawn(guard(|| end_job(&actor, &call_id)))
    }

    /// The synchronous twin of `end`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Outcome<EndedCall>"
    )]
    pub fn end_sync(&self, env: &Env, actor: Unknown, call_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| end_job(&actor, &call_id)))
    }

    /// A fresh Agora token for the actor's side of a connected call.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Promise<JoinInfo>"
    )]
    pub fn refresh_token(&self, actor: Unknown, call_id: Unknown) -> Op {
        self.spawn(guard(|| refresh_token_job(&actor, &call_id)))
    }

    /// The synchronous twin of `refreshToken`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "JoinInfo"
    )]
    pub fn refresh_token_sync(
        &self,
        env: &Env,
        actor: Unknown,
        call_id: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| refresh_token_job(&actor, &call_id)))
    }

    /// A call's status (participants and admins), with its settlement once ended.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "Promise<CallStatus>"
    )]
    pub fn status(&self, actor: Unknown, call_id: Unknown) -> Op {
        self.spawn(guard(|| status_job(&actor, &call_id)))
    }

    /// The synchronous twin of `status`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, callId: string",
        ts_return_type = "CallStatus"
    )]
    pub fn status_sync(&self, env: &Env, actor: Unknown, call_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| status_job(&actor, &call_id)))
    }

    /// The actor's ringing invitations that have not expired, newest first.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "Promise<CallView[]>")]
    pub fn pending(&self, actor: Unknown) -> Op {
        self.spawn(guard(|| pending_job(&actor)))
    }

    /// The synchronous twin of `pending`: same result, on the calling thread.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "CallView[]")]
    pub fn pending_sync(&self, env: &Env, actor: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| pending_job(&actor)))
    }

    /// The actor's calls, newest first, `limit` (1 to 100) at a time; pass `nextCursor` back as
    /// `cursor` for the next page.
    #[napi(
        ts_args_type = "actor: Actor, page?: HistoryQuery | null",
        ts_return_type = "Promise<HistoryPage>"
    )]
    pub fn history(&self, actor: Unknown, page: Unknown) -> Op {
        self.spawn(guard(|| history_job(&actor, &page)))
    }

    /// The synchronous twin of `history`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, page?: HistoryQuery | null",
        ts_return_type = "HistoryPage"
    )]
    pub fn history_sync(&self, env: &Env, actor: Unknown, page: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| history_job(&actor, &page)))
    }

    /// Expires invitations past their time (run it on a timer; the seed used 30 s): their calls
    /// become `missed` and both sides get `call:missed`. Resolves to the expired call ids.
    #[napi(ts_args_type = "", ts_return_type = "Promise<Outcome<string[]>>")]
    pub fn expire_due(&self) -> Op {
        self.spawn(guard(|| expire_due_job()))
    }

    /// The synchronous twin of `expireDue`: same result, on the calling thread.
    #[napi(ts_args_type = "", ts_return_type = "Outcome<string[]>")]
    pub fn expire_due_sync(&self, env: &Env) -> napi::Result<Json> {
        self.now(env, guard(|| expire_due_job()))
    }
}
