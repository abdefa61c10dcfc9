//! The shape of one embedded schema migration, shared by the SQL stores.

/// One schema step: the SQL that moves the schema from `version - 1` to `version` and back.
pub(crate) struct Migration {
    /// 1, 2, 3, ... without gaps.
    pub version: u32,
    /// A short name, recorded when the step is applied.
    pub name: &'static str,
    /// SQL applied going up.
    pub up: &'static str,
    /// SQL that undoes `up`.
    pub down: &'static str,
}
