//! Requests and results of the engine's operations (camelCase on the wire).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calls::{CallType, CallView, Settlement};
use crate::ids::CallId;
use crate::privacy::Decision;
use crate::store::{HistoryCursor, Relationship};

/// A creator's request to call a fan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitiateRequest {
    /// The fan to call.
    pub fan_id: String,
    /// Voice or video.
    pub call_type: CallType,
    /// An optional note shown on the invitation (at most 500 characters).
    #[serde(default)]
    pub message: Option<String>,
    /// The client's IP address, for the per-IP rate limit.
    #[serde(default)]
    pub ip: Option<String>,
    /// The creator's rate for this call, at most 10^9 tokens per minute (default: the billing
    /// policy's).
    #[serde(default)]
    pub rate_per_minute: Option<u64>,
}

impl InitiateRequest {
    /// A request with no note, IP or rate override.
    pub fn new(fan_id: impl Into<String>, call_type: CallType) -> Self {
        InitiateRequest {
            fan_id: fan_id.into(),
            call_type,
            message: None,
            ip: None,
            rate_per_minute: None,
        }
    }
}

/// What one side needs to join the Agora channel. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct JoinInfo {
    /// The Agora app id.
    pub app_id: String,
    /// The channel.
    pub channel: String,
    /// The uid to join with (it is the uid inside the token).
    pub uid: u32,
    /// The RTC token.
    pub token: String,
    /// When the token expires (RFC 3339).
    pub expires_at: String,
}

impl fmt::Debug for JoinInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinInfo")
            .field("channel", &self.channel)
            .field("uid", &self.uid)
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The result of accepting: the call and both sides' join information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AcceptedCall {
    /// The call, now connected.
    pub call: CallView,
    /// The fan's join information.
    pub fan: JoinInfo,
    /// The creator's join information, for the host to hand to the creator over its own
    /// authenticated API (the `call:accepted` event carries no token).
    pub creator: JoinInfo,
}

/// The result of ending: the call and its one settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EndedCall {
    /// The call, now ended.
    pub call: CallView,
    /// The settlement (the same one on every `end`).
    pub settlement: Settlement,
}

/// A call's status, with its settlement once ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallStatus {
    /// The call.
    pub call: CallView,
    /// Its settlement, when ended.
    pub settlement: Option<Settlement>,
}

/// One page of call history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    /// The calls.
    pub items: Vec<CallView>,
    /// Pass this back to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Encodes a history cursor as opaque text.
pub(crate) fn encode_cursor(c: &HistoryCursor) -> String {
    format!("{}.{}", c.created_at_ms, c.id)
}

/// Decodes a cursor produced by [`encode_cursor`].
pub(crate) fn decode_cursor(s: &str) -> crate::Result<HistoryCursor> {
    let bad = || crate::Error::invalid("malformed history cursor");
    let (ms, id) = s.split_once('.').ok_or_else(bad)?;
    Ok(HistoryCursor {
        created_at_ms: ms.parse().map_err(|_| bad())?,
        id: CallId::parse(id).map_err(|_| bad())?,
    })
}

/// A creator's view of a fan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MiniProfile {
    /// The fan.
    pub fan_id: String,
    /// Display name (empty when the host set none).
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// The relationship rows between the viewer and the fan.
    pub relationships: Vec<Relationship>,
    /// Whether the viewer may message the fan.
    pub can_message: bool,
    /// Whether the viewer may call the fan.
    pub can_call: bool,
    /// The full message decision (which rule decided).
    pub message_decision: Decision,
    /// The full call decision (which rule decided).
    pub call_decision: Decision,
}

/// A freshly minted share link. The token is shown once; the store keeps no copy.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShareLink {
    /// The URL-safe token.
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

impl fmt::Debug for ShareLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShareLink")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The public share card: display fields only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShareCard {
    /// Display name.
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// When the link expires (RFC 3339).
    pub expires_at: String,
}

/// Calls per history page when the caller names no limit.
pub const DEFAULT_HISTORY_LIMIT: u32 = 20;
/// Audit records per page when the caller names no limit.
pub const DEFAULT_AUDIT_LIMIT: u32 = 100;

/// A request for one page of [`Fanline::history`](super::Fanline::history), as the bindings
/// take it: both fields optional, the defaults decided here once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryQuery {
    /// The previous page's `nextCursor` (none: the newest calls).
    pub cursor: Option<String>,
    /// Calls per page, 1 to 100 (default [`DEFAULT_HISTORY_LIMIT`]).
    pub limit: Option<u32>,
}

impl HistoryQuery {
    /// The page size asked for, or the default.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_HISTORY_LIMIT)
    }
}

/// A request for one page of [`Fanline::audit_log`](super::Fanline::audit_log): both fields
/// optional, the defaults decided here once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditQuery {
    /// Records after this position (default 0: from the start).
    pub after: Option<i64>,
    /// Records per page, 1 to 1000 (default [`DEFAULT_AUDIT_LIMIT`]).
    pub limit: Option<u32>,
}

impl AuditQuery {
    /// The position to read after, or the start.
    pub fn after(&self) -> i64 {
        self.after.unwrap_or(0)
    }

    /// The page size asked for, or the default.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_AUDIT_LIMIT)
    }
}
