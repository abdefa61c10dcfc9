//! `fanline` for Node.js: the pure functions of the core as synchronous functions, and the
//! engine as the class `Fanline`, whose store-backed methods return Promises computed on the
//! binding's own worker threads (each with a `...Sync` twin).
//!
//! The binding is thin: argument conversion (`convert`, its fast path `read`), result building (`output`), error
//! mapping (`error`) and threading (`engine`). Every rule lives in the core; each source file
//! mirrors the core module it wraps.

#![deny(clippy::all)]

mod agora;
mod billing;
mod convert;
mod engine;
mod env_local;
mod error;
mod ids;
mod output;
mod privacy;
mod read;
mod share;

use napi::bindgen_prelude::Object;
use napi::Env;
use napi_derive::napi;

/// Runs when the addon is loaded in a JS environment (the main thread, each worker thread):
/// makes the env's channel for engine Promises (`engine::settle`).
#[napi(module_exports)]
pub fn on_load(_exports: Object, env: Env) -> napi::Result<()> {
    // SAFETY: napi runs module initialisation on the JS thread of the live env.
    unsafe { engine::settle::prepare(env.raw()) };
    Ok(())
}
