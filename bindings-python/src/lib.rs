//! The native module of the `fanline` Python package (`fanline._native`). Thin: it converts
//! arguments, maps errors and releases the GIL; every rule lives in the `fanline` crate.
//! Each file mirrors the core module it wraps.

mod agora;
mod billing;
mod config;
mod convert;
mod engine;
mod errors;
mod ids;
mod output;
mod pool;
mod privacy;
mod share;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let codes: Vec<&str> = fanline::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    m.add("ERROR_CODES", codes)?;
    m.add(
        "FEATURES",
        fanline::Feature::ALL.map(fanline::Feature::as_str).to_vec(),
    )?;
    m.add("ROBOTS_TXT", fanline::share::ROBOTS_TXT)?;
    m.add("X_ROBOTS_TAG", fanline::share::X_ROBOTS_TAG)?;
    m.add_class::<ids::PyActor>()?;
    m.add_class::<billing::PyBillingPolicy>()?;
    m.add_class::<agora::PyTokenBuilder>()?;
    m.add_class::<engine::PyFanline>()?;
    m.add_class::<share::PyShareKeyRing>()?;
    m.add_function(wrap_pyfunction!(ids::validate_user_id, m)?)?;
    m.add_function(wrap_pyfunction!(ids::channel_name, m)?)?;
    m.add_function(wrap_pyfunction!(billing::split, m)?)?;
    m.add_function(wrap_pyfunction!(billing::billed_seconds, m)?)?;
    m.add_function(wrap_pyfunction!(privacy::decide, m)?)?;
    m.add_function(wrap_pyfunction!(privacy::default_settings, m)?)?;
    m.add_function(wrap_pyfunction!(privacy::apply_settings_patch, m)?)?;
    m.add_function(wrap_pyfunction!(agora::agora_uid, m)?)?;
    m.add_function(wrap_pyfunction!(agora::call_uids, m)?)?;
    m.add_function(wrap_pyfunction!(agora::agora_uids, m)?)?;
    m.add_function(wrap_pyfunction!(agora::build_rtc_token, m)?)?;
    m.add_function(wrap_pyfunction!(agora::inspect_token, m)?)?;
    m.add_function(wrap_pyfunction!(agora::inspect_tokens, m)?)?;
    m.add_function(wrap_pyfunction!(agora::verify_token, m)?)?;
    m.add_function(wrap_pyfunction!(agora::build_token_006, m)?)?;
    m.add_function(wrap_pyfunction!(agora::parse_token_006, m)?)?;
    m.add_function(wrap_pyfunction!(agora::verify_token_006, m)?)?;
    Ok(())
}
