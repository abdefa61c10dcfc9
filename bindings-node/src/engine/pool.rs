//! The binding's own worker threads for engine Promises.
//!
//! An engine call can block for seconds: another process holds the SQLite write lock, a
//! PostgreSQL server is slow or gone. On libuv's thread pool (4 threads shared with `fs`,
//! `dns.lookup`, `crypto` and `zlib`) four such calls would stall all of that work too. Engine
//! Promises therefore run on a small fixed set of threads of their own, fed by one queue, and
//! settle through their env's channel back to the JS thread ([`super::settle`]); a stuck
//! store delays engine calls only.
//!
//! Every operation has a deadline, [`DEADLINE`] after it was called. One that has not started
//! by then is rejected with `STORE_UNAVAILABLE` without running (nothing applied, safe to
//! retry), even while every worker is still busy. One that started runs under the same
//! deadline ([`fanline::store::deadline`]): the store stops waiting for locks, connections and
//! retries when it passes and fails with `STORE_UNAVAILABLE`, nothing applied. So a stuck
//! store settles every call in about [`DEADLINE`].

use std::collections::VecDeque;
use std::ptr;
use std::sync::{Condvar, Mutex, MutexGuard, Once, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use fanline::store::deadline::with_deadline;
use fanline::Error;
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, ValueType};

use super::settle::Ticket;
use super::Job;
use crate::env_local;
use crate::error::guard;

/// Worker threads. They mostly wait on the store, so a few more than the cores; eight also
/// covers a PostgreSQL store's default eight connections.
const WORKERS: usize = 8;

/// How long after it was called an operation settles at the latest, when the store is stuck.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// An engine operation, its arguments already converted; it becomes a Promise when returned
/// to JS. A bad argument found while converting them (`job` is an error) rejects it.
pub struct Op {
    /// The engine to run on (a cheap clone sharing the store).
    pub engine: fanline::Fanline,
    /// The work, or why there is none.
    pub job: fanline::Result<Job>,
}

impl TypeName for Op {
    fn type_name() -> &'static str {
        "Promise"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Op {
    unsafe fn to_napi_value(raw: sys::napi_env, op: Self) -> napi::Result<sys::napi_value> {
        if op.job.is_err() {
            // SAFETY: napi calls this on the JS thread of `raw`.
            if let Some(promise) = unsafe { rejected_with_pending_exception(raw) } {
                return Ok(promise);
            }
        }
        // SAFETY: napi calls this on the JS thread of the live `raw`.
        let (promise, ticket) = match unsafe { env_local::of(raw) } {
            Some(local) => unsafe { local.settle.promise(raw) }?,
            None => return Err(napi::Error::from_reason("cannot start an engine Promise")),
        };
        match op.job {
            Ok(job) => pool().submit(op.engine, job, ticket),
            Err(e) => ticket.settle(Err(e)),
        }
        Ok(promise)
    }
}

/// A Promise rejected with the exception a getter or proxy of an argument threw while the
/// arguments were read, taken off the env (left pending, it would be thrown from the call
/// instead); `None` when no exception is pending.
///
/// # Safety
/// Call on the JS thread of the live `env`.
unsafe fn rejected_with_pending_exception(env: sys::napi_env) -> Option<sys::napi_value> {
    let mut pending = false;
    let ok = |status| status == sys::Status::napi_ok;
    if !ok(unsafe { sys::napi_is_exception_pending(env, &mut pending) }) || !pending {
        return None;
    }
    let (mut thrown, mut deferred, mut promise) =
        (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    let rejected = unsafe {
        ok(sys::napi_get_and_clear_last_exception(env, &mut thrown))
            && ok(sys::napi_create_promise(env, &mut deferred, &mut promise))
            && ok(sys::napi_reject_deferred(env, deferred, thrown))
    };
    rejected.then_some(promise)
}

/// An operation waiting for a worker.
struct Queued {
    engine: fanline::Fanline,
    job: Job,
    ticket: Ticket,
    deadline: Instant,
}

impl Queued {
    fn run(self) {
        let result = with_deadline(self.deadline, || guard(|| (self.job)(&self.engine)));
        self.ticket.settle(result);
    }

    /// Rejects an operation that did not start in time; it never runs.
    fn refuse(self) {
        let e = Error::store(format!(
            "no engine worker was free within {} s; the operation did not run",
            DEADLINE.as_secs()
        ));
        self.ticket.settle(Err(e));
    }
}

/// The queue, its workers and the reaper that refuses what waited past its deadline.
struct Pool {
    queue: Mutex<VecDeque<Queued>>,
    /// Signalled when an operation is queued (wakes one worker).
    queued: Condvar,
    /// The reaper sleeps on it with a timeout; nothing signals it (see [`Pool::reap`]).
    timing: Condvar,
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// The process-wide pool, its threads started on first use.
fn pool() -> &'static Pool {
    static START: Once = Once::new();
    let pool = POOL.get_or_init(|| Pool {
        queue: Mutex::new(VecDeque::new()),
        queued: Condvar::new(),
        timing: Condvar::new(),
    });
    START.call_once(|| {
        // The threads outlive any one env: keep the addon's code mapped after the env that
        // loaded it is gone (Node unloads an addon with its last env on some platforms).
        napi::bindgen_prelude::retain_current_module_for_unload_safety();
        for i in 0..WORKERS {
            spawn(format!("fanline-worker-{i}"), move || pool.work());
        }
        spawn("fanline-deadline".into(), move || pool.reap());
    });
    pool
}

/// Starts a named thread. Failing to is fatal to the operations it would serve, so it aborts
/// loudly rather than leave Promises that never settle.
fn spawn(name: String, f: impl FnOnce() + Send + 'static) {
    if let Err(e) = std::thread::Builder::new().name(name).spawn(f) {
        eprintln!("fanline: cannot start an engine thread: {e}");
        std::process::abort();
    }
}

impl Pool {
    /// Queue updates are single steps, so a poisoned lock is taken over as is.
    fn lock(&self) -> MutexGuard<'_, VecDeque<Queued>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues an operation. Its deadline is taken under the lock, which is what lets the
    /// reaper sleep without being woken.
    fn submit(&self, engine: fanline::Fanline, job: Job, ticket: Ticket) {
        let mut queue = self.lock();
        queue.push_back(Queued {
            engine,
            job,
            ticket,
            deadline: Instant::now() + DEADLINE,
        });
        drop(queue);
        self.queued.notify_one();
    }

    /// A worker: runs queued operations in order; one already past its deadline is refused.
    fn work(&self) {
        loop {
            let op = {
                let mut queue = self.lock();
                loop {
                    match queue.pop_front() {
                        Some(op) => break op,
                        None => {
                            queue = self
                                .queued
                                .wait(queue)
                                .unwrap_or_else(PoisonError::into_inner)
                        }
                    }
                }
            };
            if Instant::now() >= op.deadline {
                op.refuse();
            } else {
                op.run();
            }
        }
    }

    /// Refuses queued operations at their deadline, while every worker may still be busy.
    /// Every operation gets the same deadline after it is queued, so the front of the queue
    /// is always the first to expire, and one queued later expires at least [`DEADLINE`] after
    /// the reaper last looked: sleeping that long on an empty queue misses none. So nothing
    /// wakes the reaper (a submit costs one thread wake, not two); it wakes on its own at the
    /// front's deadline, or every [`DEADLINE`] when idle. Refusing under the lock is fine:
    /// settling only queues a call to the JS thread (an unbounded queue, never a wait).
    fn reap(&self) {
        let mut queue = self.lock();
        loop {
            let now = Instant::now();
            while queue.front().is_some_and(|op| op.deadline <= now) {
                if let Some(op) = queue.pop_front() {
                    op.refuse();
                }
            }
            let left = queue.front().map_or(DEADLINE, |op| op.deadline - now);
            queue = self
                .timing
                .wait_timeout(queue, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}
