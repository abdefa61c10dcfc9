//! CPU time of this process: user plus system, so the kernel's share of a commit (the WAL
//! writes) counts, work handed to another thread counts too, and other processes on the
//! machine do not.

use std::time::Duration;

/// User plus system CPU time this process has used so far, all threads.
pub fn process_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is handed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// The CPU time the process spent while `f` ran.
pub fn cpu_of(f: impl FnOnce()) -> Duration {
    let start = process_cpu();
    f();
    process_cpu() - start
}
