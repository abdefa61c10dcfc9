//! A deadline for the store operations of one thread, on top of each store's own timeouts.
//!
//! A host that promises its callers an answer within some time (the Node binding settles every
//! engine Promise within about 5 s) sets the deadline around the engine call; the SQLite and
//! PostgreSQL stores then stop waiting at whichever comes first, their own timeout or this
//! deadline, and return `STORE_UNAVAILABLE` with nothing applied. It bounds waiting (for a
//! lock, a free connection, a retry), never a statement already running. A thread-local keeps
//! it out of every engine signature, as a request-scoped context would.

use std::cell::Cell;
use std::time::Instant;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `f` with the store operations it makes on this thread bounded by `deadline`. Nested
/// calls keep the earlier of the two deadlines; the previous one is restored afterwards, also
/// when `f` panics.
pub fn with_deadline<T>(deadline: Instant, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.set(self.0);
        }
    }
    let previous = DEADLINE.get();
    let _restore = Restore(previous);
    DEADLINE.set(Some(previous.map_or(deadline, |p| p.min(deadline))));
    f()
}

/// The deadline [`with_deadline`] set on this thread, if any.
pub fn current() -> Option<Instant> {
    DEADLINE.get()
}

/// `own` (a store's own deadline for the operation), or the thread's deadline if earlier.
pub(crate) fn bound(own: Instant) -> Instant {
    DEADLINE.get().map_or(own, |d| d.min(own))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_earlier_deadline_wins_and_is_restored() {
        let now = Instant::now();
        let later = now + Duration::from_secs(60);
        assert_eq!(bound(later), later);
        let soon = now + Duration::from_secs(1);
        with_deadline(soon, || {
            assert_eq!(bound(later), soon);
            assert_eq!(bound(now), now);
            with_deadline(later, || assert_eq!(bound(later), soon));
        });
        assert_eq!(bound(later), later);
        let caught = std::panic::catch_unwind(|| with_deadline(soon, || panic!("boom")));
        assert!(caught.is_err());
        assert_eq!(bound(later), later, "restored after a panic");
    }
}
