//! Error mapping: every failure reaches JS as an `Error` named `FanlineError` carrying the core's
//! `code`, the suggested HTTP `status` and, for limits, `retryAfter` (whole seconds). A panic
//! never crosses the boundary: it becomes `INTERNAL`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use fanline::Error;
use fanline::ErrorCode;
use napi::bindgen_prelude::{Object, Unknown};
use napi::{Env, Status};

use crate::convert::Js;
use crate::output::Json;

/// The `name` of every error fanline throws.
pub const ERROR_NAME: &str = "FanlineError";

/// Runs `f`, turning a panic into `INTERNAL`.
pub fn guard<T>(f: impl FnOnce() -> fanline::Result<T>) -> fanline::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::internal("a panic was caught at the Node boundary")))
}

/// The JS error object for `e`.
pub fn error_object<'e>(env: &'e Env, e: &Error) -> napi::Result<Object<'e>> {
    let mut obj = env.create_error(napi::Error::from_reason(e.to_string()))?;
    obj.set("name", ERROR_NAME)?;
    obj.set("code", e.code())?;
    obj.set("status", u32::from(e.http_status()))?;
    if let Some(secs) = e.retry_after() {
        obj.set("retryAfter", secs as f64)?;
    }
    Ok(obj)
}

/// Throws `e` as a coded JS error and returns the marker that tells napi an exception is
/// already pending.
pub fn throw(env: &Env, e: &Error) -> napi::Error {
    match error_object(env, e).and_then(|obj| env.throw(obj)) {
        Ok(()) => napi::Error::new(Status::PendingException, String::new()),
        Err(failed) => failed,
    }
}

/// Runs `f` under [`guard`] and throws its error as a coded JS error.
pub fn run<T>(env: &Env, f: impl FnOnce() -> fanline::Result<T>) -> napi::Result<T> {
    guard(f).map_err(|e| throw(env, &e))
}

/// Like [`run`] for results shaped as JSON.
pub fn run_json<T: serde::Serialize + Send + 'static>(
    env: &Env,
    f: impl FnOnce() -> fanline::Result<T>,
) -> napi::Result<Json> {
    run(env, || Ok(Json::new(f()?)))
}

/// The seed's wire body for any thrown value.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    ok: bool,
    code: String,
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<f64>,
}

fn fanline_body(err: Js) -> fanline::Result<Option<Body>> {
    if err.kind()? != napi::ValueType::Object {
        return Ok(None);
    }
    let name = err.get("name", "error")?;
    if name.kind()? != napi::ValueType::String || name.string("name")? != ERROR_NAME {
        return Ok(None);
    }
    let code = err.get("code", "error")?.opt_string("code")?;
    let Some(code) = code.filter(|c| ErrorCode::parse(c).is_ok()) else {
        return Ok(None);
    };
    let message = err
        .get("message", "error")?
        .opt_string("message")?
        .unwrap_or_default();
    let retry_after = err.get("retryAfter", "error")?;
    let retry_after = if retry_after.is_nullish()? {
        None
    } else {
        Some(retry_after.count("retryAfter")? as f64)
    };
    Ok(Some(Body {
        ok: false,
        code,
        error: message,
        retry_after,
    }))
}

/// Turns any thrown value into the seed's error body `{ ok: false, code, error, retryAfter? }`.
/// A fanline error keeps its code, message and `retryAfter`; anything else becomes `INTERNAL`
/// with a generic message, so a foreign error's text (SQL, paths, secrets) never reaches a
/// client.
///
/// ```js
/// try { await engine.initiate(actor, req) } catch (err) {
///   const body = errorBody(err)   // { ok: false, code: 'CALL_COOLDOWN', error: '...', retryAfter: 42 }
///   res.writeHead(err.status ?? 500).end(JSON.stringify(body))
/// }
/// ```
#[napi_derive::napi(ts_args_type = "err: unknown", ts_return_type = "ErrorBody")]
pub fn error_body(env: &Env, err: Unknown) -> napi::Result<Json> {
    run(env, || {
        let body = fanline_body(Js::from(&err))
            .ok()
            .flatten()
            .unwrap_or_else(|| {
                let internal = Error::internal("not a fanline error").body();
                Body {
                    ok: false,
                    code: internal.code.to_string(),
                    error: internal.error,
                    retry_after: None,
                }
            });
        Ok(Json::new(body))
    })
}

/// Every stable error code, in the order of the error table (`docs/rules.md` section 10).
#[napi_derive::napi(ts_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}
