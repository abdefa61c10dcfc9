//! `fanline::privacy`: the pure decision function, its batch form and settings helpers.

use fanline::privacy::{self, DecisionInput, PrivacySettings, SettingsPatch};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::Js;
use crate::error::run_json;
use crate::output::Json;

/// A settings patch from a JS object, through the core's own parser (which refuses unknown
/// fields, unknown values, `null` and non-objects).
pub fn settings_patch(js: Js) -> fanline::Result<SettingsPatch> {
    SettingsPatch::from_json(&js.json("patch")?.to_string())
}

/// Decides one action and names the rule that decided (flag, self/admin, creator-only,
/// block, then the fan's setting).
///
/// ```js
/// const d = decide({ action: 'call', actorRole: 'creator', relationships: ['follow'] })
/// // { allowed: true, deny: null, rule: 'allow_calls' }
/// ```
#[napi(ts_args_type = "input: DecisionInput", ts_return_type = "Decision")]
pub fn decide(env: &Env, input: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let input: DecisionInput = Js::from(&input).serde("input")?;
        Ok(privacy::decide(&input))
    })
}

/// Decides many inputs at once (one crossing of the boundary for a whole list).
#[napi(
    ts_args_type = "inputs: DecisionInput[]",
    ts_return_type = "Decision[]"
)]
pub fn decide_many(env: &Env, inputs: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let inputs: Vec<DecisionInput> = Js::from(&inputs).serde("inputs")?;
        Ok(privacy::decide_many(&inputs))
    })
}

/// The settings of a fan who never changed anything: private, DMs and calls from creators
/// they interacted with, not searchable.
#[napi(ts_return_type = "PrivacySettings")]
pub fn default_settings(env: &Env) -> napi::Result<Json> {
    run_json(env, || Ok(PrivacySettings::default()))
}

/// The settings after a partial update (PATCH semantics), without touching any store.
#[napi(
    ts_args_type = "settings: PrivacySettingsInput, patch: SettingsPatch",
    ts_return_type = "PrivacySettings"
)]
pub fn apply_settings_patch(env: &Env, settings: Unknown, patch: Unknown) -> napi::Result<Json> {
    run_json(env, || {
        let settings: PrivacySettings = Js::from(&settings).serde("settings")?;
        Ok(settings.apply(&settings_patch(Js::from(&patch))?))
    })
}
