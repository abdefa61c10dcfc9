//! Plain records that cross the [`Tx`](super::Tx) boundary.

use serde::{Deserialize, Serialize};

use crate::calls::Call;
use crate::clock::rfc3339;
use crate::ids::CallId;
use crate::privacy::{PrivacySettings, RelationshipKind};

/// The ledger account that collects platform fees.
pub const PLATFORM_ACCOUNT: &str = "@platform";
/// The ledger account purchased tokens are issued from (it goes negative as tokens are sold).
pub const ISSUANCE_ACCOUNT: &str = "@issuance";

/// Display fields of a user, set by the host; the only fields a share card or mini profile
/// shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The name shown.
    pub display_name: String,
    /// An avatar URL.
    pub avatar_url: Option<String>,
}

/// Everything an initiation reads about a (creator, fan) pair besides the creator's active
/// call, and its rate-limit rows: [`Tx::initiate_reads`](super::Tx::initiate_reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiateReads {
    /// The limit rows asked for, in the order of their keys (`None`: no row).
    pub limits: Vec<Option<i64>>,
    /// The fan's stored settings, `None` when they never changed anything.
    pub settings: Option<PrivacySettings>,
    /// Every relationship row of the pair, in kind order.
    pub relationships: Vec<Relationship>,
    /// The fan blocked the creator.
    pub blocked_by_fan: bool,
    /// The creator blocked the fan.
    pub blocked_by_creator: bool,
    /// The fan is in a connected call.
    pub fan_connected: bool,
    /// The `created_at_ms` of the pair's latest call after the given time, if any.
    pub latest_pair_call: Option<i64>,
    /// The creator's stored price per minute, `None` when they never set one.
    pub price: Option<u64>,
    /// The fan's ledger balance.
    pub fan_balance: i64,
    /// The creator's display fields.
    pub creator_profile: Option<Profile>,
    /// The id of the creator's ringing or connected call, if any (the call itself is read
    /// only then: most initiations find none).
    pub creator_active_call: Option<CallId>,
}

/// A call with what accepting or ending it reads about its two sides: blocks between them,
/// whether its fan is already in a connected call, and the fan's balance:
/// [`Tx::call_reads`](super::Tx::call_reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallReads {
    /// The call.
    pub call: Call,
    /// The fan blocked the creator.
    pub blocked_by_fan: bool,
    /// The creator blocked the fan.
    pub blocked_by_creator: bool,
    /// The fan is in a connected call.
    pub fan_connected: bool,
    /// The fan's ledger balance.
    pub fan_balance: i64,
}

/// One relationship row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    /// The kind.
    pub kind: RelationshipKind,
    /// First time recorded (unix ms).
    pub first_at_ms: i64,
    /// Last time recorded (unix ms).
    pub last_interaction_at_ms: i64,
}

/// A fan's share-link state. Only the counter and expiry are stored, never a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareState {
    /// The live link number; every enable or disable bumps it.
    pub generation: u32,
    /// Whether a link is live.
    pub enabled: bool,
    /// When the live link expires (unix s).
    pub expires_at: i64,
}

/// A position in a call history: the last call of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryCursor {
    /// `created_at_ms` of the last call seen.
    pub created_at_ms: i64,
    /// Its id, to break ties.
    pub id: CallId,
}

/// One ledger entry. Entries are append-only; `reference` is unique (the idempotency key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    /// Unique key, e.g. `call:<id>:fan`.
    pub reference: String,
    /// The account: a user id or one of the `@` accounts.
    pub account: String,
    /// Signed amount in tokens.
    pub amount: i64,
    /// When (unix ms).
    pub at_ms: i64,
}

/// One audit record (docs/rules.md section 12). Never holds a token or secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// Position in the log, assigned by the store (0 before it is stored).
    pub seq: i64,
    /// `call_initiated`, `privacy_updated`, `share_enabled`, ...
    pub event: String,
    /// Who did it.
    pub actor_id: Option<String>,
    /// The call, for call events.
    pub call_id: Option<String>,
    /// The creator involved.
    pub creator_id: Option<String>,
    /// The fan involved.
    pub fan_id: Option<String>,
    /// `voice` or `video`, for call events.
    pub call_type: Option<String>,
    /// Extra facts as JSON text (amounts, reasons); never a secret.
    pub detail: Option<String>,
    /// When (unix ms).
    pub at_ms: i64,
}

impl AuditRecord {
    /// The record's time as RFC 3339 UTC.
    pub fn timestamp(&self) -> String {
        rfc3339(self.at_ms)
    }
}

/// How many refusals with one code happened in one minute (refusals counted instead of
/// audited: those before and at the rate limits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefusalCount {
    /// The start of the minute (unix ms, a multiple of 60 000).
    pub minute_ms: i64,
    /// The error code.
    #[cfg_attr(feature = "schema", schemars(with = "crate::ErrorCode"))]
    pub code: String,
    /// How many.
    pub count: u64,
}
