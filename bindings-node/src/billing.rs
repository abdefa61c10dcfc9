//! `fanline::billing`: integer billing. Amounts are whole tokens; every count must be an
//! integer from 0 to 2^53 - 1, and a result beyond that is an `INVALID_INPUT` error rather
//! than a rounded number.

use fanline::billing::{self, BillingPolicy};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::{safe_u64, Js};
use crate::error::{run, run_json};
use crate::output::Json;

/// A billing policy from a plain object; `undefined`/`null` is the default policy and absent
/// fields take their defaults.
pub fn policy(js: Js) -> fanline::Result<BillingPolicy> {
    if js.is_nullish()? {
        return Ok(BillingPolicy::default());
    }
    let p: BillingPolicy = js.serde("policy")?;
    p.validate()?;
    Ok(p)
}

/// The bill for `seconds` at `rate` tokens per minute under `policy`.
///
/// ```js
/// bill({ rounding: 'per_started_minute' }, 190, 10)
/// // { billedSeconds: 190, billedMinutes: 4, ratePerMinute: 10, gross: 40 }
/// ```
#[napi(
    ts_args_type = "policy: BillingPolicyInput | null | undefined, seconds: number, rate: number",
    ts_return_type = "Bill"
)]
pub fn bill(env: &Env, policy: Unknown, seconds: Unknown, rate: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let p = self::policy(Js::from(&policy))?;
        p.bill(
            Js::from(&seconds).count("seconds")?,
            Js::from(&rate).count("rate")?,
        )
    })
}

/// Settles `seconds` at `rate` against a fan holding `balance`: capped at the balance, the
/// shortfall recorded, the charged amount split by the platform fee.
#[napi(
    ts_args_type = "policy: BillingPolicyInput | null | undefined, seconds: number, rate: number, balance: number",
    ts_return_type = "Charge"
)]
pub fn charge(
    env: &Env,
    policy: Unknown,
    seconds: Unknown,
    rate: Unknown,
    balance: Unknown,
) -> napi::Result<Json> {
    run_json(env, || {
        let p = self::policy(Js::from(&policy))?;
        p.charge(
            Js::from(&seconds).count("seconds")?,
            Js::from(&rate).count("rate")?,
            Js::from(&balance).count("balance")?,
        )
    })
}

/// The fee split of `amount` at `feeBps` basis points: `fee = floor(amount * bps / 10000)`,
/// `net = amount - fee`.
#[napi(
    ts_args_type = "amount: number, feeBps: number",
    ts_return_type = "{ fee: number; net: number }"
)]
pub fn split(env: &Env, amount: Unknown, fee_bps: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let (fee, net) = billing::split(
            Js::from(&amount).count("amount")?,
            Js::from(&fee_bps).count_as("feeBps", u64::from(u16::MAX))?,
        )?;
        Ok(serde_json::json!({ "fee": fee, "net": net }))
    })
}

/// The longest call, in whole seconds, whose cost stays within `balance` (drives
/// auto-disconnect). `Infinity` for a free call (`rate` 0).
#[napi(
    ts_args_type = "policy: BillingPolicyInput | null | undefined, balance: number, rate: number"
)]
pub fn max_affordable_seconds(
    env: &Env,
    policy: Unknown,
    balance: Unknown,
    rate: Unknown,
) -> napi::Result<f64> {
    run(env, || {
        let p = self::policy(Js::from(&policy))?;
        match p.max_affordable_seconds(
            Js::from(&balance).count("balance")?,
            Js::from(&rate).count("rate")?,
        ) {
            u64::MAX => Ok(f64::INFINITY),
            secs => safe_u64(secs),
        }
    })
}

/// The price of `elapsed` seconds so far (the live cost display).
#[napi(
    ts_args_type = "policy: BillingPolicyInput | null | undefined, elapsed: number, rate: number"
)]
pub fn cost_at(env: &Env, policy: Unknown, elapsed: Unknown, rate: Unknown) -> napi::Result<f64> {
    run(env, || {
        let p = self::policy(Js::from(&policy))?;
        safe_u64(p.cost_at(
            Js::from(&elapsed).count("elapsed")?,
            Js::from(&rate).count("rate")?,
        )?)
    })
}

/// The balance a fan needs to start a call at `rate`: 30 seconds' worth, `ceil(rate / 2)`.
#[napi(ts_args_type = "policy: BillingPolicyInput | null | undefined, rate: number")]
pub fn start_guard(env: &Env, policy: Unknown, rate: Unknown) -> napi::Result<f64> {
    run(env, || {
        let p = self::policy(Js::from(&policy))?;
        safe_u64(p.start_guard(Js::from(&rate).count("rate")?))
    })
}

/// Whole seconds from `connectedMs` to `endedMs` (floor), 0 if the end is not after.
#[napi(ts_args_type = "connectedMs: number, endedMs: number")]
pub fn billed_seconds(env: &Env, connected_ms: Unknown, ended_ms: Unknown) -> napi::Result<f64> {
    run(env, || {
        safe_u64(billing::billed_seconds(
            Js::from(&connected_ms).integer("connectedMs")?,
            Js::from(&ended_ms).integer("endedMs")?,
        ))
    })
}
