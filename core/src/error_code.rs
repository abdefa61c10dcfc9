//! The table of stable error codes: each code's wire name, suggested HTTP status and family,
//! written once. [`Error::error_code`](crate::Error::error_code) maps every error onto it, and
//! the bindings derive their error lists and exception classes from it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// Defines [`ErrorCode`] and its table from one list: variant, wire name, status, family.
macro_rules! error_codes {
    ($($variant:ident => ($name:literal, $status:literal, $family:ident),)*) => {
        /// A stable machine code (`docs/rules.md` section 10).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $name, "` (", stringify!($status), ").")]
                $variant,
            )*
        }

        impl ErrorCode {
            /// Every code, in the order of the error table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The wire name, e.g. `"CALL_COOLDOWN"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            /// The suggested HTTP status.
            pub fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)*
                }
            }

            /// The family the code belongs to (one exception class per family in Python).
            pub fn family(self) -> ErrorFamily {
                match self {
                    $(ErrorCode::$variant => ErrorFamily::$family,)*
                }
            }
        }
    };
}

error_codes! {
    InvalidInput => ("INVALID_INPUT", 400, InvalidInput),
    InvalidConfig => ("INVALID_CONFIG", 500, Config),
    NotCreator => ("NOT_CREATOR", 403, PermissionDenied),
    FeatureDisabled => ("FEATURE_DISABLED", 403, PermissionDenied),
    Blocked => ("BLOCKED", 403, PermissionDenied),
    ProfilePrivate => ("PROFILE_PRIVATE", 403, PermissionDenied),
    DmNotAllowed => ("DM_NOT_ALLOWED", 403, PermissionDenied),
    CallNotAllowed => ("CALL_NOT_ALLOWED", 403, PermissionDenied),
    NotFound => ("NOT_FOUND", 404, NotFound),
    CallCooldown => ("CALL_COOLDOWN", 429, RateLimit),
    RateLimited => ("RATE_LIMITED", 429, RateLimit),
    InvalidState => ("INVALID_STATE", 409, Conflict),
    Busy => ("BUSY", 409, Conflict),
    InvitationExpired => ("INVITATION_EXPIRED", 410, Expired),
    PriceChanged => ("PRICE_CHANGED", 409, Conflict),
    Conflict => ("CONFLICT", 409, Conflict),
    InsufficientTokens => ("INSUFFICIENT_TOKENS", 402, InsufficientTokens),
    StoreUnavailable => ("STORE_UNAVAILABLE", 503, StoreUnavailable),
    StoreIncompatible => ("STORE_INCOMPATIBLE", 500, StoreIncompatible),
    Internal => ("INTERNAL", 500, Internal),
}

impl ErrorCode {
    /// Parses a wire name; anything else is `INVALID_INPUT`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown error code '{}'",
                    crate::error::clip(s, 64)
                ))
            })
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        ErrorCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A group of codes a host usually handles alike (an HTTP status class, more or less).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorFamily {
    /// A bad value from the caller (`INVALID_INPUT`).
    InvalidInput,
    /// Unusable configuration (`INVALID_CONFIG`).
    Config,
    /// The 403 codes: the actor may not do this.
    PermissionDenied,
    /// `NOT_FOUND`.
    NotFound,
    /// The 429 codes: wait `retryAfter` seconds.
    RateLimit,
    /// The 409 codes: the state, a price or an idempotency key disagrees.
    Conflict,
    /// `INVITATION_EXPIRED`.
    Expired,
    /// `INSUFFICIENT_TOKENS`.
    InsufficientTokens,
    /// `STORE_UNAVAILABLE`: transient, retry.
    StoreUnavailable,
    /// `STORE_INCOMPATIBLE`: permanent, fix the store or its configuration.
    StoreIncompatible,
    /// `INTERNAL`.
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(ErrorCode::parse(code.as_str()).unwrap(), *code);
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
            assert!(ErrorCode::ALL[..i]
                .iter()
                .all(|c| c.as_str() != code.as_str()));
        }
        assert_eq!(
            ErrorCode::parse("NOPE").unwrap_err().code(),
            "INVALID_INPUT"
        );
    }

    #[test]
    fn statuses_follow_the_families() {
        for code in ErrorCode::ALL {
            let expected: &[u16] = match code.family() {
                ErrorFamily::InvalidInput => &[400],
                ErrorFamily::PermissionDenied => &[403],
                ErrorFamily::NotFound => &[404],
                ErrorFamily::RateLimit => &[429],
                ErrorFamily::Conflict => &[409],
                ErrorFamily::Expired => &[410],
                ErrorFamily::InsufficientTokens => &[402],
                ErrorFamily::StoreUnavailable => &[503],
                ErrorFamily::Config | ErrorFamily::StoreIncompatible | ErrorFamily::Internal => {
                    &[500]
                }
            };
            assert!(expected.contains(&code.status()), "{code}");
        }
    }
}
