//! What the binding keeps per JS environment (the main thread and each worker thread have one
//! env each). napi gives an addon one instance-data slot per env, so everything lives in one
//! [`EnvLocal`], made on first use and dropped when the env is torn down.

use std::ffi::c_void;
use std::ptr;

use napi::sys;

use crate::engine::settle::Channel;
use crate::output::shapes::Shapes;

/// One env's state. Used on that env's JS thread only.
#[derive(Default)]
pub struct EnvLocal {
    /// Result factories and argument readers.
    pub shapes: Shapes,
    /// Where engine Promises of this env are settled from the worker threads.
    pub settle: Channel,
}

unsafe extern "C" fn drop_local(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the box `of` leaked; napi calls this once, at env teardown, which also
    // frees the references the caches hold.
    drop(unsafe { Box::from_raw(data.cast::<EnvLocal>()) });
}

/// The state of `env`, made on first use; `None` if napi cannot keep it.
///
/// # Safety
/// Call on the JS thread of the live `env`. Nothing else in this addon sets instance data.
pub unsafe fn of(env: sys::napi_env) -> Option<&'static EnvLocal> {
    let mut data = ptr::null_mut();
    if unsafe { sys::napi_get_instance_data(env, &mut data) } != sys::Status::napi_ok {
        return None;
    }
    if data.is_null() {
        let fresh = Box::into_raw(Box::<EnvLocal>::default());
        let set = unsafe {
            sys::napi_set_instance_data(env, fresh.cast(), Some(drop_local), ptr::null_mut())
        };
        if set != sys::Status::napi_ok {
            drop(unsafe { Box::from_raw(fresh) });
            return None;
        }
        data = fresh.cast();
    }
    // SAFETY: the data is the `EnvLocal` set above, alive until env teardown; it is used on
    // the JS thread only, and each part guards its own re-entry.
    Some(unsafe { &*data.cast::<EnvLocal>() })
}
