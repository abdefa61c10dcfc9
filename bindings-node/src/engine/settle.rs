//! Settling engine Promises from the worker threads.
//!
//! A worker cannot touch JS, so a finished operation travels back to the env's JS thread
//! through a thread-safe function. napi-rs's deferred Promise makes one such function per
//! Promise: per call, a function created (with its libuv handle, async resource and cleanup
//! hook), called once, then released, closed and finalized on a later turn of the loop. Here
//! each env has ONE, made when the addon is loaded in that env and kept until the env is torn
//! down: a Promise costs a plain `napi_create_promise`, one queued item and one settle, and
//! results that finish together are settled in one wake-up of the loop.
//!
//! Made at load rather than with the first Promise: Node gives the function an async resource
//! in the async context it is made in, and keeps it for the env's life. Made inside a
//! request's first engine call, that request's `AsyncLocalStorage` store (and whatever it
//! holds) would stay alive for good; made at load, it is the loading code's context, as for
//! any handle a module opens when it is required.
//!
//! The function keeps the event loop alive only while a Promise of its env is unsettled (it
//! is referenced when the count of unsettled ones leaves 0 and unreferenced when it gets back
//! to 0), as the function-per-Promise did. At env teardown (a worker thread ending with
//! Promises in flight) a cleanup hook closes the function before Node frees it: a result that
//! finishes later is dropped, as there is no JS left to settle it in.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex, PoisonError};

use fanline::Error;
use napi::bindgen_prelude::ToNapiValue;
use napi::{sys, JsError};

use crate::output::{coded, Json};

/// An operation's outcome, on its way to the JS thread.
type Outcome = fanline::Result<Json>;

/// A finished operation queued for its env's JS thread.
struct Settled {
    deferred: sys::napi_deferred,
    outcome: Outcome,
}

/// The env's thread-safe function, as the workers see it: `None` once the env is torn down.
struct Sender(Mutex<Option<Tsfn>>);

/// A thread-safe function handle. napi documents these as callable from any thread.
#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);

// SAFETY: a thread-safe function may be called and released from any thread.
unsafe impl Send for Tsfn {}

impl Sender {
    /// Queues `settled` for the JS thread; drops it when the env is gone.
    fn send(&self, settled: Settled) {
        let data = Box::into_raw(Box::new(settled));
        // The lock is held across the call, so teardown cannot release the function while a
        // worker is inside it.
        let tsfn = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let queued = tsfn.is_some_and(|Tsfn(f)| {
            // SAFETY: `f` is alive: teardown takes it out under this lock before releasing it.
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    f,
                    data.cast(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            status == sys::Status::napi_ok
        });
        if !queued {
            // SAFETY: not queued, so still ours (an unbounded queue refuses only when closing).
            drop(unsafe { Box::from_raw(data) });
        }
    }
}

/// An unsettled Promise of an env: a worker settles it with [`Ticket::settle`]. Dropped
/// unsettled (its operation lost), it rejects with `INTERNAL`, so no Promise waits forever.
pub struct Ticket {
    deferred: Option<SendDeferred>,
    sender: Arc<Sender>,
}

/// A Promise's deferred, carried by a worker but only ever used on its JS thread.
struct SendDeferred(sys::napi_deferred);

// SAFETY: the worker only moves the pointer; it is dereferenced by napi on the JS thread that
// created it, in `call_js`.
unsafe impl Send for SendDeferred {}

impl Ticket {
    /// Resolves or rejects the Promise with `outcome`, on its JS thread.
    pub fn settle(mut self, outcome: Outcome) {
        self.send(|| outcome);
    }

    /// Sends the outcome, once: the first call takes the deferred.
    fn send(&mut self, outcome: impl FnOnce() -> Outcome) {
        if let Some(SendDeferred(deferred)) = self.deferred.take() {
            let outcome = outcome();
            self.sender.send(Settled { deferred, outcome });
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.send(|| {
            Err(Error::internal(
                "an engine operation was lost before it settled",
            ))
        });
    }
}

/// The JS-thread side of an env's channel.
#[derive(Default)]
pub struct Channel {
    state: Cell<State>,
    /// Promises of this env not settled yet.
    unsettled: Cell<usize>,
}

/// Whether the env's function exists yet.
#[derive(Default)]
enum State {
    /// Not made yet, or making it failed (the next Promise tries again).
    #[default]
    Closed,
    /// Being made: making it runs async_hooks `init` hooks, which are JS and may call in.
    Opening,
    Open(Open),
}

struct Open {
    tsfn: sys::napi_threadsafe_function,
    sender: Arc<Sender>,
}

/// Makes the channel of `env` at addon load (see the module docs); a failure is left to the
/// first Promise, which tries again and reports it.
///
/// # Safety
/// Call on the JS thread of the live `env`.
pub unsafe fn prepare(env: sys::napi_env) {
    if let Some(local) = unsafe { crate::env_local::of(env) } {
        let _ = unsafe { local.settle.opened(env) };
    }
}

impl Channel {
    /// The env's function and sender, made now if need be; `None` when napi refuses, or
    /// when called from JS that runs while the function is being made.
    unsafe fn opened(
        &self,
        env: sys::napi_env,
    ) -> Option<(sys::napi_threadsafe_function, Arc<Sender>)> {
        match self.state.replace(State::Opening) {
            State::Open(open) => {
                let got = (open.tsfn, Arc::clone(&open.sender));
                self.state.set(State::Open(open));
                Some(got)
            }
            State::Opening => None,
            State::Closed => {
                let made = unsafe { open(env) };
                let got = made.as_ref().map(|o| (o.tsfn, Arc::clone(&o.sender)));
                self.state.set(made.map_or(State::Closed, State::Open));
                got
            }
        }
    }

    /// A new Promise of `env` and the ticket that settles it; `Err` when napi cannot make
    /// either (then nothing was started).
    ///
    /// # Safety
    /// Call on the JS thread of the live `env`, with `self` the channel of that env.
    pub unsafe fn promise(&self, env: sys::napi_env) -> napi::Result<(sys::napi_value, Ticket)> {
        let (tsfn, sender) = unsafe { self.opened(env) }
            .ok_or_else(|| napi::Error::from_reason("cannot start an engine Promise"))?;
        let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
        napi::check_status!(
            unsafe { sys::napi_create_promise(env, &mut deferred, &mut promise) },
            "napi refused to make a Promise"
        )?;
        if self.unsettled.get() == 0 {
            // Keep the loop alive until this Promise settles. A failure only means the
            // process could exit while it is pending, as if it were unreferenced.
            unsafe { sys::napi_ref_threadsafe_function(env, tsfn) };
        }
        self.unsettled.set(self.unsettled.get() + 1);
        let ticket = Ticket {
            deferred: Some(SendDeferred(deferred)),
            sender,
        };
        Ok((promise, ticket))
    }

    /// One Promise of `env` settled: the loop no longer waits on the channel once none is left.
    unsafe fn settled(&self, env: sys::napi_env) {
        let left = self.unsettled.get().saturating_sub(1);
        self.unsettled.set(left);
        let state = self.state.take();
        if let (0, State::Open(open)) = (left, &state) {
            unsafe { sys::napi_unref_threadsafe_function(env, open.tsfn) };
        }
        self.state.set(state);
    }
}

/// Makes the env's thread-safe function (unreferenced until a Promise is pending) and the
/// cleanup hook that closes it at teardown; `None` if napi refuses.
unsafe fn open(env: sys::napi_env) -> Option<Open> {
    let mut name = ptr::null_mut();
    let label = "fanline.settle";
    let mut tsfn = ptr::null_mut();
    let made = unsafe {
        sys::napi_create_string_latin1(env, label.as_ptr().cast(), label.len() as isize, &mut name)
            == sys::Status::napi_ok
            && sys::napi_create_threadsafe_function(
                env,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0, // an unbounded queue: a worker never waits on the JS thread
                1,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
                Some(call_js),
                &mut tsfn,
            ) == sys::Status::napi_ok
    };
    if !made {
        return None;
    }
    unsafe { sys::napi_unref_threadsafe_function(env, tsfn) };
    let sender = Arc::new(Sender(Mutex::new(Some(Tsfn(tsfn)))));
    // Hooks run in reverse order of registration, so this one runs before the hook Node
    // registered for the function itself, while the function is still alive.
    let hook_arg = Arc::into_raw(Arc::clone(&sender)).cast_mut().cast();
    let hooked = unsafe { sys::napi_add_env_cleanup_hook(env, Some(teardown), hook_arg) };
    if hooked != sys::Status::napi_ok {
        // No hook to close it at teardown: do not use it (a result arriving after the env is
        // gone would call into freed memory). Engine Promises then fail to start.
        unsafe { teardown(hook_arg) };
        return None;
    }
    Some(Open { tsfn, sender })
}

/// Env teardown: no worker may call the function any more; then it is released.
unsafe extern "C" fn teardown(arg: *mut c_void) {
    // SAFETY: `arg` is the `Arc` that `open` leaked for this hook, reclaimed once.
    let sender = unsafe { Arc::from_raw(arg.cast_const().cast::<Sender>()) };
    let taken = sender
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(Tsfn(f)) = taken {
        unsafe {
            sys::napi_release_threadsafe_function(f, sys::ThreadsafeFunctionReleaseMode::abort)
        };
    }
}

/// Settles one finished operation, on the JS thread (napi calls it with a null `env` to drop
/// what is still queued when the env is torn down).
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    _context: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: `data` is a box `Sender::send` queued; napi hands each item over once.
    let Settled { deferred, outcome } = *unsafe { Box::from_raw(data.cast::<Settled>()) };
    if env.is_null() {
        return;
    }
    if let Some(local) = unsafe { crate::env_local::of(env) } {
        unsafe { local.settle.settled(env) };
    }
    let value = outcome
        .map_err(|e| coded(env, &e))
        .and_then(|json| unsafe { Json::to_napi_value(env, json) });
    // A settle napi refuses leaves nothing to report it to: the env is going away.
    unsafe {
        match value {
            Ok(value) => sys::napi_resolve_deferred(env, deferred, value),
            Err(e) => sys::napi_reject_deferred(env, deferred, JsError::from(e).into_value(env)),
        }
    };
}
