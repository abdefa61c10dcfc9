//! The AccessToken2 (`007`) builder for RTC, optionally with RTM login in the same token.
//!
//! Output is byte-identical to the official Python builder for the same inputs: zlib level 6
//! through `flate2`'s vanilla zlib backend. Per thread, one `Compress` is reset and reused, the
//! buffers are reused, and the first HMAC (which depends only on the issue time and the
//! certificate) is cached for the current second.
//!
//! Reuse is safe because vanilla zlib never matches past the end of its input, so a reset
//! stream compresses exactly as a new one does. That holds only for the zlib fanline builds in
//! (libz-sys `static`, private to the library): a forked zlib that reads stale window bytes
//! after `deflateReset` (Node's Chromium zlib, which a dynamically linked addon would bind to)
//! makes the same request give different strings depending on the tokens built before it.

use std::cell::RefCell;
use std::sync::Arc;

use base64::Engine;
use flate2::{Compress, Compression, FlushCompress, Status};

use super::credentials::AgoraCredentials;
use super::request::{
    unix_secs_u32, RtcRole, RtcTokenRequest, TokenIssue, PRIVILEGE_JOIN_CHANNEL,
    PRIVILEGE_PUBLISH_AUDIO, PRIVILEGE_PUBLISH_DATA, PRIVILEGE_PUBLISH_VIDEO, PRIVILEGE_RTM_LOGIN,
    SERVICE_RTC, SERVICE_RTM,
};
use super::wire::{hmac, put_bytes, put_u16, put_u32, B64};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

/// Per-thread reusable state of the builder.
struct Scratch {
    content: Vec<u8>,
    compressed: Vec<u8>,
    deflate: Compress,
    /// (issue_ts, certificate, k1) of the last token built on this thread.
    k1: Option<(u32, [u8; 32], [u8; 32])>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        content: Vec::with_capacity(512),
        compressed: Vec::with_capacity(512),
        deflate: Compress::new(Compression::new(6), true),
        k1: None,
    });
}

/// `k1 = HMAC(key = u32le(issueTs), msg = certificate)`, `k2 = HMAC(key = u32le(salt), msg = k1)`.
pub(crate) fn signing_key(k1: &[u8; 32], salt: u32) -> [u8; 32] {
    hmac(&salt.to_le_bytes(), k1)
}

/// The first key of the chain; depends only on the issue time and the certificate.
pub(crate) fn first_key(issue_ts: u32, certificate: &[u8]) -> [u8; 32] {
    hmac(&issue_ts.to_le_bytes(), certificate)
}

/// Writes `u16 32 + [0; 32] + signing_info` into `buf`.
fn write_content(buf: &mut Vec<u8>, app_id: &[u8; 32], req: &RtcTokenRequest, issue: TokenIssue) {
    buf.clear();
    put_u16(buf, 32);
    buf.extend_from_slice(&[0; 32]);
    put_bytes(buf, app_id);
    put_u32(buf, issue.issue_ts);
    put_u32(buf, req.token_expire);
    put_u32(buf, issue.salt);
    put_u16(buf, if req.rtm.is_some() { 2 } else { 1 });

    put_u16(buf, SERVICE_RTC);
    let default = req.privilege_expire.unwrap_or(req.token_expire);
    let p = &req.privilege_expiries;
    if req.role == RtcRole::Publisher {
        put_u16(buf, 4);
        for (id, v) in [
            (PRIVILEGE_JOIN_CHANNEL, p.join),
            (PRIVILEGE_PUBLISH_AUDIO, p.publish_audio),
            (PRIVILEGE_PUBLISH_VIDEO, p.publish_video),
            (PRIVILEGE_PUBLISH_DATA, p.publish_data),
        ] {
            put_u16(buf, id);
            put_u32(buf, v.unwrap_or(default));
        }
    } else {
        put_u16(buf, 1);
        put_u16(buf, PRIVILEGE_JOIN_CHANNEL);
        put_u32(buf, p.join.unwrap_or(default));
    }
    put_bytes(buf, req.channel.as_bytes());
    req.uid.put(buf);

    if let Some(rtm) = &req.rtm {
        put_u16(buf, SERVICE_RTM);
        put_u16(buf, 1);
        put_u16(buf, PRIVILEGE_RTM_LOGIN);
        put_u32(buf, rtm.expire.unwrap_or(req.token_expire));
        put_bytes(buf, rtm.user_id.as_bytes());
    }
}

/// zlib level 6 of `input` into `out` (cleared first), reusing `z`.
pub(crate) fn deflate_into(z: &mut Compress, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
    z.reset();
    out.clear();
    // zlib's compressBound plus slack; loop anyway in case it is not enough.
    out.reserve(input.len() + input.len() / 1000 + 64);
    loop {
        let consumed = z.total_in() as usize;
        let status = z
            .compress_vec(&input[consumed..], out, FlushCompress::Finish)
            .map_err(|e| Error::internal(format!("deflate failed: {e}")))?;
        match status {
            Status::StreamEnd => return Ok(()),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
}

/// Builds one token on this thread's scratch state. `req` must be validated.
fn build_validated(creds: &AgoraCredentials, req: &RtcTokenRequest, issue: TokenIssue) -> String {
    SCRATCH.with(|s| {
        let s = &mut *s.borrow_mut();
        write_content(&mut s.content, creds.app_id_bytes(), req, issue);

        let cert = creds.certificate_bytes();
        let k1 = match &s.k1 {
            Some((ts, c, k1)) if *ts == issue.issue_ts && c == cert => *k1,
            _ => {
                let k1 = first_key(issue.issue_ts, cert);
                s.k1 = Some((issue.issue_ts, *cert, k1));
                k1
            }
        };
        let signature = hmac(&signing_key(&k1, issue.salt), &s.content[34..]);
        s.content[2..34].copy_from_slice(&signature);

        let mut token = String::new();
        match deflate_into(&mut s.deflate, &s.content, &mut s.compressed) {
            Ok(()) => {
                token.reserve(3 + s.compressed.len().div_ceil(3) * 4);
                token.push_str("007");
                B64.encode_string(&s.compressed, &mut token);
            }
            // Deflate into memory cannot fail short of a zlib bug; keep the state fresh.
            Err(_) => s.deflate = Compress::new(Compression::new(6), true),
        }
        token
    })
}

fn nonempty(token: String) -> Result<String> {
    if token.is_empty() {
        Err(Error::internal("deflate failed while building a token"))
    } else {
        Ok(token)
    }
}

/// Builds an AccessToken2 (`007`) for RTC (and RTM when asked). With `issue` the output is
/// deterministic; without, the issue time is the system clock's and the salt is random.
///
/// ```
/// use fanline::agora::{build_rtc_token, AgoraCredentials, RtcTokenRequest, RtcUser, TokenIssue};
/// let creds = AgoraCredentials::new(
///     "970CA35de60c44645bbae8a215061b33", "5CFd2fd1755d40ecb72977518be15d3b").unwrap();
/// let req = RtcTokenRequest::publisher("call_0123", RtcUser::Uid(42));
/// let token = build_rtc_token(&creds, &req, Some(TokenIssue::new(1_700_000_000, 1))).unwrap();
/// assert!(token.starts_with("007eJ"));
/// ```
pub fn build_rtc_token(
    creds: &AgoraCredentials,
    req: &RtcTokenRequest,
    issue: Option<TokenIssue>,
) -> Result<String> {
    req.validate()?;
    let issue = match issue {
        Some(i) => i,
        None => TokenIssue::now(&SystemClock)?,
    };
    nonempty(build_validated(creds, req, issue))
}

/// A token builder bound to credentials and a clock (the system clock unless replaced).
#[derive(Debug, Clone)]
pub struct RtcTokenBuilder {
    creds: AgoraCredentials,
    clock: Arc<dyn Clock>,
}

impl RtcTokenBuilder {
    /// A builder for `creds` reading the system clock.
    pub fn new(creds: &AgoraCredentials) -> Self {
        RtcTokenBuilder {
            creds: creds.clone(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses `clock` for issue times (the engine passes its own `Clock`).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The credentials this builder signs with.
    pub fn credentials(&self) -> &AgoraCredentials {
        &self.creds
    }

    /// A token issued now (by the builder's clock) with a random salt.
    pub fn build(&self, req: &RtcTokenRequest) -> Result<String> {
        req.validate()?;
        nonempty(build_validated(
            &self.creds,
            req,
            TokenIssue::now(&*self.clock)?,
        ))
    }

    /// A token with a pinned issue time and salt.
    pub fn build_at(&self, req: &RtcTokenRequest, issue: TokenIssue) -> Result<String> {
        build_rtc_token(&self.creds, req, Some(issue))
    }

    /// Many tokens on every core, all issued at the builder's current second.
    pub fn build_batch(&self, requests: &[RtcTokenRequest]) -> Vec<Result<String>> {
        match unix_secs_u32(&*self.clock) {
            Ok(ts) => build_tokens_batch(&self.creds, requests, Some(ts)),
            Err(e) => requests.iter().map(|_| Err(e.clone())).collect(),
        }
    }
}

/// Below this many items a batch is built on the calling thread.
const MIN_PARALLEL_BATCH: usize = 64;

/// Maps `f` over `items` on every available core, keeping the order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads <= 1 || items.len() < MIN_PARALLEL_BATCH {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Builds many tokens using every core, in the order of `requests`. All are issued at
/// `issue_ts` (default: now) with independent random salts. Each request is validated on its
/// own, so one bad request only fails its own slot.
pub fn build_tokens_batch(
    creds: &AgoraCredentials,
    requests: &[RtcTokenRequest],
    issue_ts: Option<u32>,
) -> Vec<Result<String>> {
    let ts = match issue_ts {
        Some(ts) => ts,
        None => match unix_secs_u32(&SystemClock) {
            Ok(ts) => ts,
            Err(e) => return requests.iter().map(|_| Err(e.clone())).collect(),
        },
    };
    parallel_map(requests, |req| {
        req.validate()?;
        nonempty(build_validated(creds, req, TokenIssue::random_at(ts)?))
    })
}

/// Builds many tokens using every core with pinned issue times and salts (deterministic).
pub fn build_tokens_batch_pinned(
    creds: &AgoraCredentials,
    items: &[(RtcTokenRequest, TokenIssue)],
) -> Vec<Result<String>> {
    parallel_map(items, |(req, issue)| {
        build_rtc_token(creds, req, Some(*issue))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agora::RtcUser;

    fn creds() -> AgoraCredentials {
        AgoraCredentials::new(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .unwrap()
    }

    #[test]
    fn uid_and_same_account_give_the_same_token() {
        let issue = Some(TokenIssue::new(1_700_000_000, 5));
        let a = build_rtc_token(
            &creds(),
            &RtcTokenRequest::publisher("c", RtcUser::Uid(123)),
            issue,
        );
        let b = build_rtc_token(
            &creds(),
            &RtcTokenRequest::publisher("c", RtcUser::Account("123".into())),
            issue,
        );
        assert_eq!(a.unwrap(), b.unwrap());
        let zero = build_rtc_token(
            &creds(),
            &RtcTokenRequest::publisher("c", RtcUser::Uid(0)),
            issue,
        );
        let zero_text = build_rtc_token(
            &creds(),
            &RtcTokenRequest::publisher("c", RtcUser::Account("0".into())),
            issue,
        );
        assert_ne!(zero.unwrap(), zero_text.unwrap());
    }

    #[test]
    fn absolute_expiry_is_rejected() {
        let mut req = RtcTokenRequest::publisher("c", RtcUser::Uid(1));
        req.token_expire = 1_700_003_600;
        let e = build_rtc_token(&creds(), &req, None).unwrap_err();
        assert_eq!(e.code(), "INVALID_INPUT");
        assert!(e.to_string().contains("relative seconds"));
        req.token_expire = 3600;
        req.privilege_expiries.publish_video = Some(86_401);
        assert!(build_rtc_token(&creds(), &req, None).is_err());
    }

    #[test]
    fn batch_keeps_order_and_isolates_errors() {
        let mut reqs: Vec<_> = (0..200)
            .map(|i| RtcTokenRequest::publisher(format!("c{i}"), RtcUser::Uid(i)))
            .collect();
        reqs[7].channel = String::new();
        let out = build_tokens_batch(&creds(), &reqs, Some(1_700_000_000));
        assert_eq!(out.len(), 200);
        assert!(out[7].is_err());
        assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 199);

        let items: Vec<_> = reqs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.clone(), TokenIssue::new(1_700_000_000, i as u32 + 1)))
            .collect();
        let pinned = build_tokens_batch_pinned(&creds(), &items);
        for (i, (req, issue)) in items.iter().enumerate() {
            assert_eq!(
                pinned[i].as_ref().ok(),
                build_rtc_token(&creds(), req, Some(*issue)).ok().as_ref()
            );
        }
    }

    #[test]
    fn builder_uses_its_clock() {
        let clock = Arc::new(crate::clock::ManualClock::at_ms(1_700_000_000_500));
        let b = RtcTokenBuilder::new(&creds()).with_clock(clock);
        let t = b
            .build(&RtcTokenRequest::publisher("c", RtcUser::Uid(1)))
            .unwrap();
        let parsed = super::super::parse_token(&t).unwrap();
        assert_eq!(parsed.issue_ts, 1_700_000_000);
        assert!(parsed.verify("5CFd2fd1755d40ecb72977518be15d3b").unwrap());
    }
}
