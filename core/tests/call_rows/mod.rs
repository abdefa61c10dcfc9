//! Call rows as SQL value lists, for the tests that insert them straight into a store's
//! `calls` table: (call_type, state, rate_per_minute, creator_uid, fan_uid, created_at_ms,
//! expires_at_ms, connected_at_ms, finished_at_ms).

/// Rows that break one rule each: the database must refuse every one.
pub const BROKEN: [&str; 9] = [
    "'fax', 'ringing', 10, 1, 2, 0, 1, NULL, NULL",
    "'voice', 'dialing', 10, 1, 2, 0, 1, NULL, NULL",
    "'voice', 'Ringing', 10, 1, 2, 0, 1, NULL, NULL",
    "'voice', 'ringing', -1, 1, 2, 0, 1, NULL, NULL",
    "'voice', 'ringing', 10, 0, 2, 0, 1, NULL, NULL",
    "'voice', 'ringing', 10, 1, 0, 0, 1, NULL, NULL",
    "'voice', 'connected', 10, 1, 2, 0, 1, NULL, NULL",
    "'voice', 'ended', 10, 1, 2, 0, 1, 5, NULL",
    "'voice', 'missed', 10, 1, 2, 0, 1, NULL, NULL",
];

/// Valid rows, one of each state.
pub const VALID: [&str; 6] = [
    "'voice', 'ringing', 10, 1, 2, 0, 1, NULL, NULL",
    "'video', 'connected', 0, 1, 2, 0, 1, 5, NULL",
    "'video', 'ended', 0, 1, 2, 0, 1, 5, 9",
    "'voice', 'declined', 0, 1, 2, 0, 1, NULL, 9",
    "'voice', 'cancelled', 0, 1, 2, 0, 1, NULL, 9",
    "'voice', 'missed', 0, 1, 2, 0, 1, NULL, 9",
];
