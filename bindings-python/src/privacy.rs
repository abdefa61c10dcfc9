//! The pure decision function (core `privacy`).

use fanline::ids::Role;
use fanline::privacy::{
    decide as core_decide, Action, BlockState, DecisionInput, PrivacySettings, RelationshipKind,
    RelationshipSet, SettingsPatch,
};
use pyo3::prelude::*;
use pyo3::types::PyBool;

use crate::convert::{to_json, to_py, Text, TextList};
use crate::errors::{invalid, pure};

/// A `bool` argument; anything else is `INVALID_INPUT`.
pub struct Flag(pub bool);

impl FromPyObject<'_, '_> for Flag {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        obj.cast::<PyBool>()
            .map(|b| Flag(b.is_true()))
            .map_err(|_| invalid(obj.py(), "expected a bool"))
    }
}

/// Privacy settings given as a dict with the wire names (`visibility`, `allowDm`,
/// `allowCalls`, `allowSearch`); missing fields take their defaults (the core's serde form).
pub fn settings_of(obj: &Bound<'_, PyAny>) -> PyResult<PrivacySettings> {
    let py = obj.py();
    let json = to_json(obj, 0)?;
    if !json.is_object() {
        return Err(invalid(py, "settings must be a dict"));
    }
    serde_json::from_value(json).map_err(|e| {
        // serde names the bad field or value; keep a long value from flooding the message.
        let detail: String = e.to_string().chars().take(160).collect();
        invalid(py, format!("settings: {detail}"))
    })
}

/// Decides one action with every fact given (no store): which rule decided and, when
/// refused, the denial code.
#[pyfunction]
#[pyo3(signature = (action, *, actor_role=None, actor_is_fan=None, feature_on=None,
    settings=None, relationships=None, blocked_by_fan=None, blocked_by_creator=None,
    fan_in_connected_call=None, share_link_valid=None))]
#[allow(clippy::too_many_arguments)]
pub fn decide(
    py: Python<'_>,
    action: Text,
    actor_role: Option<Text>,
    actor_is_fan: Option<Flag>,
    feature_on: Option<Flag>,
    settings: Option<Bound<'_, PyAny>>,
    relationships: Option<TextList>,
    blocked_by_fan: Option<Flag>,
    blocked_by_creator: Option<Flag>,
    fan_in_connected_call: Option<Flag>,
    share_link_valid: Option<Flag>,
) -> PyResult<Py<PyAny>> {
    let settings = match settings {
        Some(s) if !s.is_none() => settings_of(&s)?,
        _ => PrivacySettings::default(),
    };
    let on = |f: Option<Flag>, default: bool| f.map_or(default, |f| f.0);
    let decision = pure(py, || {
        let mut input = DecisionInput::creator(Action::parse(&action.0)?);
        if let Some(role) = &actor_role {
            input.actor_role = Role::parse(&role.0)?;
        }
        input.relationships = relationships
            .map(|r| r.0)
            .unwrap_or_default()
            .iter()
            .map(|k| RelationshipKind::parse(k))
            .collect::<fanline::Result<RelationshipSet>>()?;
        input.settings = settings;
        input.actor_is_fan = on(actor_is_fan, false);
        input.feature_on = on(feature_on, true);
        input.blocks = BlockState {
            by_fan: on(blocked_by_fan, false),
            by_creator: on(blocked_by_creator, false),
        };
        input.fan_in_connected_call = on(fan_in_connected_call, false);
        input.share_link_valid = on(share_link_valid, false);
        Ok(core_decide(&input))
    })?;
    to_py(py, &decision)
}

/// The settings of a fan who never changed anything: private, DMs and calls from creators
/// they interacted with, not searchable.
#[pyfunction]
pub fn default_settings(py: Python<'_>) -> PyResult<Py<PyAny>> {
    to_py(py, &PrivacySettings::default())
}

/// The settings after a partial update (PATCH semantics: only the fields present change),
/// without touching any store. Unknown fields and `None` values are refused.
#[pyfunction]
pub fn apply_settings_patch(
    py: Python<'_>,
    settings: Bound<'_, PyAny>,
    patch: Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let settings = settings_of(&settings)?;
    let json = to_json(&patch, 0)?.to_string();
    let patch = pure(py, || SettingsPatch::from_json(&json))?;
    to_py(py, &settings.apply(&patch))
}
