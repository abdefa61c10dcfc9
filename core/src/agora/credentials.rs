//! Agora project credentials and the input checks shared by every token builder.

use std::fmt;

use crate::error::{Error, Result};

/// Longest token or privilege lifetime Agora accepts, in seconds (24 hours).
pub const MAX_EXPIRE_SECS: u32 = 86_400;

/// Default lifetime of a call token and its privileges, in seconds (docs/rules.md section 8).
pub const DEFAULT_EXPIRE_SECS: u32 = 7_200;

/// Longest channel name Agora accepts, in bytes.
pub const MAX_CHANNEL_BYTES: usize = 64;

/// Longest user account (string uid) Agora accepts, in bytes of UTF-8.
pub const MAX_ACCOUNT_BYTES: usize = 255;

/// An Agora project's app id and app certificate, both checked to be 32 hexadecimal
/// characters when constructed.
///
/// `Debug` shows the app id (it travels in clear inside every token) and never the certificate.
///
/// ```
/// use fanline::agora::AgoraCredentials;
/// let creds = AgoraCredentials::new(
///     "970CA35de60c44645bbae8a215061b33",
///     "5CFd2fd1755d40ecb72977518be15d3b",
/// ).unwrap();
/// assert!(!format!("{creds:?}").contains("5CFd2fd1"));
/// assert_eq!(AgoraCredentials::new("short", "x").unwrap_err().code(), "INVALID_CONFIG");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AgoraCredentials {
    app_id: [u8; 32],
    certificate: [u8; 32],
}

impl AgoraCredentials {
    /// Checks and wraps an app id and an app certificate (32 hex characters each, case kept as
    /// given). Anything else is an `INVALID_CONFIG` error whose message names the field but
    /// never repeats its value.
    pub fn new(app_id: &str, certificate: &str) -> Result<Self> {
        Ok(AgoraCredentials {
            app_id: hex32(app_id).ok_or_else(|| {
                Error::config("the Agora app id must be 32 hexadecimal characters")
            })?,
            certificate: hex32(certificate).ok_or_else(|| {
                Error::config("the Agora app certificate must be 32 hexadecimal characters")
            })?,
        })
    }

    /// The app id, exactly as given.
    pub fn app_id(&self) -> &str {
        // Checked to be ASCII hex in `new`.
        std::str::from_utf8(&self.app_id).unwrap_or_default()
    }

    /// The app certificate's ASCII bytes. Keep them out of logs.
    pub fn certificate_bytes(&self) -> &[u8; 32] {
        &self.certificate
    }

    pub(crate) fn app_id_bytes(&self) -> &[u8; 32] {
        &self.app_id
    }
}

impl fmt::Debug for AgoraCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgoraCredentials")
            .field("app_id", &self.app_id())
            .field("certificate", &"<redacted>")
            .finish()
    }
}

/// The 32 ASCII bytes of `s` when it is exactly 32 hexadecimal characters.
pub(crate) fn hex32(s: &str) -> Option<[u8; 32]> {
    let bytes: [u8; 32] = s.as_bytes().try_into().ok()?;
    bytes.iter().all(u8::is_ascii_hexdigit).then_some(bytes)
}

/// Checks a certificate passed on its own (to a verifier).
pub(crate) fn certificate(certificate: &str) -> Result<[u8; 32]> {
    hex32(certificate)
        .ok_or_else(|| Error::config("the Agora app certificate must be 32 hexadecimal characters"))
}

/// Agora's channel-name character set as a lookup table.
const CHANNEL_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let extra = b" !#$%&()+-:;<=.>?@[]^_{|}~,";
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric();
        i += 1;
    }
    let mut j = 0;
    while j < extra.len() {
        t[extra[j] as usize] = true;
        j += 1;
    }
    t
};

/// Whether `b` is in Agora's channel-name character set.
fn channel_byte(b: u8) -> bool {
    CHANNEL_BYTES[b as usize]
}

/// Checks a channel name: 1 to 64 bytes of Agora's character set (a-z A-Z 0-9, space and
/// `!#$%&()+-:;<=.>?@[]^_{|}~,`).
pub fn validate_channel(channel: &str) -> Result<()> {
    if channel.is_empty() {
        return Err(Error::invalid("the channel name is empty"));
    }
    if channel.len() > MAX_CHANNEL_BYTES {
        return Err(Error::invalid(format!(
            "the channel name is {} bytes, at most {MAX_CHANNEL_BYTES} are allowed",
            channel.len()
        )));
    }
    if !channel.bytes().all(channel_byte) {
        return Err(Error::invalid(
            "the channel name may only hold a-z A-Z 0-9, space and !#$%&()+-:;<=.>?@[]^_{|}~,",
        ));
    }
    Ok(())
}

/// Checks a user account (string uid) or an RTM user id: 1 to 255 bytes of UTF-8.
pub fn validate_account(account: &str) -> Result<()> {
    if account.is_empty() {
        return Err(Error::invalid(
            "the user account is empty (use the numeric uid 0 for a wildcard)",
        ));
    }
    if account.len() > MAX_ACCOUNT_BYTES {
        return Err(Error::invalid(format!(
            "the user account is {} bytes, at most {MAX_ACCOUNT_BYTES} are allowed",
            account.len()
        )));
    }
    Ok(())
}

/// Checks a 007 lifetime in relative seconds: at most 86400, and at least 1 unless `zero_ok`.
pub(crate) fn validate_relative(what: &str, secs: u32, zero_ok: bool) -> Result<()> {
    if secs > MAX_EXPIRE_SECS {
        return Err(Error::invalid(format!(
            "the {what} is {secs}: AccessToken2 expiries are relative seconds from the issue \
             time (at most {MAX_EXPIRE_SECS}), not absolute unix timestamps"
        )));
    }
    if secs == 0 && !zero_ok {
        return Err(Error::invalid(format!(
            "the {what} is 0: give a lifetime in relative seconds, 1 to {MAX_EXPIRE_SECS}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_checked_and_redacted() {
        let c = AgoraCredentials::new(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .unwrap();
        assert_eq!(c.app_id(), "970CA35de60c44645bbae8a215061b33");
        let dbg = format!("{c:?}");
        assert!(dbg.contains("970CA35d") && !dbg.contains("5CFd2fd1"));
        for (app, cert) in [
            ("", "5CFd2fd1755d40ecb72977518be15d3b"),
            (
                "970CA35de60c44645bbae8a215061b3",
                "5CFd2fd1755d40ecb72977518be15d3b",
            ),
            (
                "970CA35de60c44645bbae8a215061b3g",
                "5CFd2fd1755d40ecb72977518be15d3b",
            ),
            (
                "970CA35de60c44645bbae8a215061b33",
                "5CFd2fd1755d40ecb72977518be15d3bb",
            ),
            (
                "970CA35de60c44645bbae8a215061b33",
                "5CFd2fd1755d40ecb72977518be15dé",
            ),
        ] {
            let e = AgoraCredentials::new(app, cert).unwrap_err();
            assert_eq!(e.code(), "INVALID_CONFIG");
            assert!(!e.to_string().contains("5CFd2fd1"));
        }
    }

    #[test]
    fn channel_rules() {
        validate_channel("call_0123456789abcdef0123456789abcdef").unwrap();
        validate_channel("room_#1 (test), {ok}~").unwrap();
        validate_channel(&"a".repeat(64)).unwrap();
        for bad in ["", "caf\u{e9}", "a/b", "a\"b", "a'b", "a*b", "a\\b", "a\nb"] {
            assert_eq!(
                validate_channel(bad).unwrap_err().code(),
                "INVALID_INPUT",
                "{bad:?}"
            );
        }
        assert!(validate_channel(&"a".repeat(65)).is_err());
    }

    #[test]
    fn account_and_expiry_rules() {
        validate_account("ünïcödé").unwrap();
        validate_account(&"x".repeat(255)).unwrap();
        assert!(validate_account("").is_err());
        assert!(validate_account(&"x".repeat(256)).is_err());
        validate_relative("token expiry", 86_400, false).unwrap();
        assert!(validate_relative("token expiry", 0, false).is_err());
        validate_relative("privilege expiry", 0, true).unwrap();
        let e = validate_relative("token expiry", 1_700_003_600, false).unwrap_err();
        assert!(e.to_string().contains("relative seconds"));
    }
}
