//! The one error type of fanline, with the stable codes of docs/rules.md (section 10).
//!
//! Every failure carries a machine `code()`, a suggested `http_status()` and, for limits, a
//! `retry_after()` in whole seconds. Messages are written for humans and never contain SQL,
//! paths, secrets or tokens: transient store failures and internal errors keep their detail in
//! a field that `Display` does not print; a store that can never be used
//! (`STORE_INCOMPATIBLE`) says why, in words fanline chose, for the operator who must act.

use serde::Serialize;

pub use crate::error_code::{ErrorCode, ErrorFamily};

/// A fanline result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a fanline operation can fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The caller passed a value outside the accepted domain (`INVALID_INPUT`, 400).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The library was configured with an unusable value (`INVALID_CONFIG`, 500). Raised when a
    /// component is constructed, never later, so a host fails at start-up instead of mid-call.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// The action needs a creator and the actor is not one (`NOT_CREATOR`, 403).
    #[error("only creators can do this")]
    NotCreator,
    /// The action is behind a feature flag that is off (`FEATURE_DISABLED`, 403).
    #[error("the feature '{0}' is disabled")]
    FeatureDisabled(&'static str),
    /// A block exists in either direction; the message does not say who blocked whom.
    #[error("this interaction is blocked")]
    Blocked,
    /// The fan's visibility setting does not let this actor see the profile.
    #[error("this profile is private")]
    ProfilePrivate,
    /// The fan's `allow_dm` setting refuses this creator.
    #[error("this fan does not accept messages from you")]
    DmNotAllowed,
    /// The fan's `allow_calls` setting refuses this creator.
    #[error("this fan does not accept calls from you")]
    CallNotAllowed,
    /// The thing does not exist, or the actor may not know it exists (also bad share links).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The per-pair call cooldown is running (`CALL_COOLDOWN`, 429).
    #[error("please wait {retry_after} s before calling this fan again")]
    CallCooldown {
        /// Whole seconds until the cooldown ends, at least 1.
        retry_after: u64,
    },
    /// A rate limit is exhausted (`RATE_LIMITED`, 429).
    #[error("too many requests, retry in {retry_after} s")]
    RateLimited {
        /// Whole seconds until the next attempt can succeed, at least 1.
        retry_after: u64,
    },
    /// The operation does not apply in the current state (`INVALID_STATE`, 409).
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// A participant is already in a ringing or connected call (`BUSY`, 409).
    #[error("already in a call")]
    Busy,
    /// The invitation expired before it was answered (`INVITATION_EXPIRED`, 410).
    #[error("the call invitation has expired")]
    InvitationExpired,
    /// The call's rate is higher than the most the fan agreed to (`PRICE_CHANGED`, 409).
    #[error("the call costs {rate_per_minute} tokens per minute, more than the {max_rate_per_minute} agreed")]
    PriceChanged {
        /// The call's rate.
        rate_per_minute: u64,
        /// The most the fan agreed to pay per minute.
        max_rate_per_minute: u64,
    },
    /// An idempotency key was reused for a different request (`CONFLICT`, 409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The fan's balance does not cover the start guard (`INSUFFICIENT_TOKENS`, 402).
    #[error("not enough tokens: {needed} needed")]
    InsufficientTokens {
        /// Tokens the operation needs.
        needed: u64,
    },
    /// The store could not complete the operation; nothing was applied (`STORE_UNAVAILABLE`, 503).
    #[error("the store is unavailable, try again")]
    StoreUnavailable {
        /// Internal detail for the host's own diagnostics; never shown in the message.
        detail: String,
    },
    /// The store can never be used by this library as it is: its schema is newer than this
    /// build, the file is not a fanline database (another program's SQLite file, random bytes,
    /// a corrupt file) or the server refused the credentials (`STORE_INCOMPATIBLE`, 500, no
    /// `retryAfter`). Retrying cannot help; an operator has to act. The detail is written by
    /// fanline (plus the database's own short reason), names no SQL and never a password, and
    /// is part of the message because the operator needs it.
    #[error("the store cannot be used: {detail}")]
    StoreIncompatible {
        /// What is wrong, for the operator.
        detail: String,
    },
    /// A bug or an unexpected condition (`INTERNAL`, 500).
    #[error("internal error")]
    Internal {
        /// Internal detail for the host's own diagnostics; never shown in the message.
        detail: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }

    /// Shorthand for [`Error::InvalidConfig`].
    pub fn config(message: impl Into<String>) -> Self {
        Error::InvalidConfig(message.into())
    }

    /// Names the element of a batch an input error is about, the one form every batch uses
    /// (`item 3: ...`); other errors pass through unchanged.
    pub fn at_item(self, index: usize) -> Self {
        match self {
            Error::InvalidInput(m) => Error::InvalidInput(format!("item {index}: {m}")),
            other => other,
        }
    }

    /// Shorthand for [`Error::InvalidState`].
    pub fn state(message: impl Into<String>) -> Self {
        Error::InvalidState(message.into())
    }

    /// Shorthand for [`Error::StoreUnavailable`].
    pub fn store(detail: impl std::fmt::Display) -> Self {
        Error::StoreUnavailable {
            detail: detail.to_string(),
        }
    }

    /// Shorthand for [`Error::StoreIncompatible`].
    pub fn incompatible(detail: impl std::fmt::Display) -> Self {
        Error::StoreIncompatible {
            detail: detail.to_string(),
        }
    }

    /// Shorthand for [`Error::Internal`].
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Error::Internal {
            detail: detail.to_string(),
        }
    }

    /// The error's entry in the code table.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::InvalidConfig(_) => ErrorCode::InvalidConfig,
            Error::NotCreator => ErrorCode::NotCreator,
            Error::FeatureDisabled(_) => ErrorCode::FeatureDisabled,
            Error::Blocked => ErrorCode::Blocked,
            Error::ProfilePrivate => ErrorCode::ProfilePrivate,
            Error::DmNotAllowed => ErrorCode::DmNotAllowed,
            Error::CallNotAllowed => ErrorCode::CallNotAllowed,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::CallCooldown { .. } => ErrorCode::CallCooldown,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::InvalidState(_) => ErrorCode::InvalidState,
            Error::Busy => ErrorCode::Busy,
            Error::InvitationExpired => ErrorCode::InvitationExpired,
            Error::PriceChanged { .. } => ErrorCode::PriceChanged,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::InsufficientTokens { .. } => ErrorCode::InsufficientTokens,
            Error::StoreUnavailable { .. } => ErrorCode::StoreUnavailable,
            Error::StoreIncompatible { .. } => ErrorCode::StoreIncompatible,
            Error::Internal { .. } => ErrorCode::Internal,
        }
    }

    /// The stable machine code, e.g. `"CALL_COOLDOWN"`.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The suggested HTTP status for this error.
    pub fn http_status(&self) -> u16 {
        self.error_code().status()
    }

    /// Whole seconds the caller should wait before retrying, where that applies.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::CallCooldown { retry_after } | Error::RateLimited { retry_after } => {
                Some(*retry_after)
            }
            Error::StoreUnavailable { .. } => Some(1),
            _ => None,
        }
    }

    /// The seed's wire body: `{ "ok": false, "code", "error", "retryAfter"? }`.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            ok: false,
            code: self.code(),
            error: self.to_string(),
            retry_after: self.retry_after(),
        }
    }
}

/// Caller text quoted inside an error message: control characters escaped and the result cut
/// to at most `max_chars` characters (plus `...`), so a hostile value (a megabyte, a newline,
/// a run of control characters that each escape to six) is never reflected into responses or
/// logs as is, nor blown up by its escaping.
pub(crate) fn clip(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in text.chars() {
        let piece: String = if c.is_control() {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let piece_len = piece.chars().count();
        if len + piece_len > max_chars {
            out.push_str("...");
            break;
        }
        out.push_str(&piece);
        len += piece_len;
    }
    out
}

/// The JSON error body a host sends to its clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Always `false`.
    #[cfg_attr(feature = "schema", schemars(extend("const" = false)))]
    pub ok: bool,
    /// The stable code.
    #[cfg_attr(feature = "schema", schemars(with = "crate::ErrorCode"))]
    pub code: &'static str,
    /// The human message.
    pub error: String,
    /// Seconds to wait, when the error is a limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_has_retry_after_only_for_limits() {
        let cooldown = serde_json::to_value(Error::CallCooldown { retry_after: 7 }).unwrap();
        assert_eq!(
            cooldown,
            serde_json::json!({"ok": false, "code": "CALL_COOLDOWN", "error": "please wait 7 s before calling this fan again", "retryAfter": 7})
        );
        let blocked = serde_json::to_value(Error::Blocked).unwrap();
        assert_eq!(blocked.get("retryAfter"), None);
        assert_eq!(blocked["code"], "BLOCKED");
    }

    #[test]
    fn clip_bounds_and_escapes_caller_text() {
        assert_eq!(clip("ok", 64), "ok");
        assert_eq!(clip("a\nb", 64), "a\\nb");
        assert_eq!(
            clip(&"x".repeat(1_000), 64),
            format!("{}...", "x".repeat(64))
        );
        // Escaping cannot blow the bound up: 1000 DELs escape to 6 characters each.
        let dels = clip(&"\u{7f}".repeat(1_000), 64);
        assert!(dels.chars().count() <= 67, "{dels}");
    }

    #[test]
    fn store_detail_never_reaches_the_message() {
        let e = Error::store("SELECT secret FROM keys failed at /var/db");
        assert!(!e.to_string().contains("SELECT"));
        assert_eq!(e.http_status(), 503);
        assert_eq!(e.code(), "STORE_UNAVAILABLE");
    }

    #[test]
    fn only_transient_store_faults_suggest_a_retry() {
        assert_eq!(Error::store("busy").retry_after(), Some(1));
        let permanent = Error::incompatible("schema version 9 is newer than this library's 1");
        assert_eq!(permanent.retry_after(), None);
        assert_eq!(permanent.code(), "STORE_INCOMPATIBLE");
        assert!(permanent.to_string().contains("schema version 9"));
        assert_eq!(
            serde_json::to_value(&permanent).unwrap().get("retryAfter"),
            None
        );
    }

    #[test]
    fn statuses_match_the_spec_table() {
        let cases = [
            (Error::invalid("x"), 400),
            (Error::NotCreator, 403),
            (Error::FeatureDisabled("calls"), 403),
            (Error::NotFound("call"), 404),
            (Error::RateLimited { retry_after: 1 }, 429),
            (Error::state("x"), 409),
            (Error::Busy, 409),
            (Error::InvitationExpired, 410),
            (
                Error::PriceChanged {
                    rate_per_minute: 20,
                    max_rate_per_minute: 10,
                },
                409,
            ),
            (Error::Conflict("x".into()), 409),
            (Error::InsufficientTokens { needed: 5 }, 402),
            (Error::internal("x"), 500),
            (Error::incompatible("x"), 500),
            (Error::store("x"), 503),
        ];
        for (e, status) in cases {
            assert_eq!(e.http_status(), status, "{}", e.code());
            assert_eq!(ErrorCode::parse(e.code()).unwrap(), e.error_code());
        }
    }
}
