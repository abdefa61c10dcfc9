//! The bounds every binding applies to what it reads from its host language, before the
//! core sees it: one set, so a value Node refuses Python refuses too, with the same code
//! (`INVALID_INPUT`). The core's own rules (user ids, messages, pages, batches of pairs) are
//! tighter where they apply; these keep a careless or hostile caller from making a binding
//! copy or walk an unbounded amount of data first.

/// Longest string argument, in UTF-8 bytes (64 KiB).
pub const MAX_STRING_BYTES: usize = 64 * 1024;

/// Deepest nesting of an object argument (a config, a settings patch, a decision input).
pub const MAX_NESTING: usize = 16;

/// Most items in one list argument (ids, tokens, requests). Numeric columns for batch
/// billing have no bound besides memory: they are read in place.
pub const MAX_LIST_ITEMS: usize = 1_000_000;
