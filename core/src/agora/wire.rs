//! Little-endian packing shared by the 007 and 006 formats, and the base64/HMAC helpers.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Standard alphabet; writes padding, accepts input with or without it, rejects stray bits.
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An HMAC-SHA256 keyed with `key`. HMAC takes keys of any length: one longer than the
/// 64-byte block is hashed first, a shorter one is zero-padded to the block (RFC 2104), which
/// is exactly the fixed-size key this builds, so no fallible constructor is needed.
pub(crate) fn mac(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <HmacSha256 as KeyInit>::new(&block.into())
}

/// HMAC-SHA256 of `msg` under `key`.
pub(crate) fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = mac(key);
    Mac::update(&mut mac, msg);
    mac.finalize().into_bytes().into()
}

pub(crate) fn put_u16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_le_bytes());
}

/// A `str`: u16 length then the bytes. Callers check lengths beforehand.
pub(crate) fn put_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    debug_assert!(bytes.len() <= u16::MAX as usize);
    put_u16(buf, bytes.len() as u16);
    buf.extend_from_slice(bytes);
}

/// Writes a uid the way the official builders do: 0 as the empty string, else decimal text.
pub(crate) fn put_uid(buf: &mut Vec<u8>, uid: u32) {
    if uid == 0 {
        put_u16(buf, 0);
        return;
    }
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = uid;
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    put_bytes(buf, &digits[i..]);
}

/// A bounds-checked little-endian reader; every failure is `INVALID_INPUT`.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn truncated() -> Error {
    Error::invalid("the token is truncated or malformed")
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(truncated)?;
        let out = self.buf.get(self.pos..end).ok_or_else(truncated)?;
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `str` as raw bytes.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.u16()? as usize;
        self.take(n)
    }

    /// A `str` that must be UTF-8.
    pub(crate) fn string(&mut self) -> Result<String> {
        let b = self.bytes()?;
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| Error::invalid("the token holds text that is not UTF-8"))
    }

    /// Bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_text() {
        for (uid, text) in [(0u32, ""), (7, "7"), (4_294_967_295, "4294967295")] {
            let mut a = Vec::new();
            put_uid(&mut a, uid);
            let mut b = Vec::new();
            put_bytes(&mut b, text.as_bytes());
            assert_eq!(a, b);
        }
    }

    #[test]
    fn reader_never_panics_on_short_input() {
        let mut r = Reader::new(&[5, 0, 1]);
        assert!(r.bytes().is_err());
        let mut r = Reader::new(&[1]);
        assert!(r.u16().is_err());
        assert!(Reader::new(&[]).clone_rest().is_empty());
    }

    impl Reader<'_> {
        fn clone_rest(&self) -> Vec<u8> {
            self.rest().to_vec()
        }
    }

    #[test]
    fn mac_matches_the_variable_length_constructor() {
        for len in [0, 1, 4, 32, 63, 64, 65, 200] {
            let key: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let expected = <HmacSha256 as Mac>::new_from_slice(&key)
                .unwrap()
                .chain_update(b"msg")
                .finalize()
                .into_bytes();
            assert_eq!(
                mac(&key).chain_update(b"msg").finalize().into_bytes(),
                expected,
                "{len}"
            );
        }
    }
}
