//! Agora: stable uids and RTC tokens.
