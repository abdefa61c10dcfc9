//! Property tests (proptest) for the invariants of the pure core written in `docs/rules.md`:
//! billing sums and monotonicity, affordability, overflow, uid range and stability, share-link
//! round trips and tamper resistance, GCRA rate limits and cooldowns.
//!
//! Where a property has a closed form, it is checked against a reference model written here
//! in wider integers (`u128`/`i128`), independent of the implementation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use fanline::agora::{agora_uid, call_uids};
use fanline::billing::{split, BillingPolicy, Rounding};
use fanline::limits::{retry_after_secs, Cooldown, RateLimit};
use fanline::share::ShareKeyRing;
use fanline::UserId;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Amounts and counts that hit the edges (0, 1, around 60, near `u64::MAX`) often, plus
/// anything in between.
fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1u64),
        Just(59u64),
        Just(60u64),
        Just(61u64),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(u64::MAX / 60),
        0u64..10_000,
        any::<u64>(),
    ]
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![Just(Rounding::PerStartedMinute), Just(Rounding::PerSecond)]
}

fn minimum() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), 0u32..10, Just(u32::MAX), any::<u32>()]
}

fn policy() -> impl Strategy<Value = BillingPolicy> {
    (amount(), rounding(), minimum(), 0u16..=10_000)
        .prop_map(|(rate, r, m, bps)| BillingPolicy::new(rate, r, m, bps).unwrap())
}

/// Valid user ids: 1 to 128 bytes, no control characters, no surrounding whitespace. Mixes
/// ASCII, multi-byte text and the longest ids.
fn user_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_:@.-]{1,40}",
        "\\PC{1,40}",
        "[a-z]{128}",
        "[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}",
    ]
    .prop_filter_map("not a valid user id", |s| {
        // Trim and cut to 128 bytes on a char boundary, then keep only what the spec accepts.
        let mut s = s.trim().to_string();
        while s.len() > 128 {
            s.pop();
        }
        let s = s.trim().to_string();
        UserId::new(s.clone()).is_ok().then_some(s)
    })
}

fn key_ring(key_id: u8, secret: [u8; 32]) -> ShareKeyRing {
    ShareKeyRing::new(key_id, &secret).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Billing: a reference model in u128
// ---------------------------------------------------------------------------------------------

/// The gross of `seconds` at `rate` under `p`, straight from docs/rules.md section 7, in u128 so
/// it never overflows; the implementation must return this or, above `u64::MAX`, an error.
fn model_gross(p: &BillingPolicy, seconds: u64, rate: u64) -> u128 {
    if seconds == 0 {
        return 0;
    }
    let (s, r, min) = (
        u128::from(seconds),
        u128::from(rate),
        u128::from(p.minimum_minutes),
    );
    match p.rounding {
        Rounding::PerStartedMinute => s.div_ceil(60).max(min) * r,
        Rounding::PerSecond => (s * r / 60).max(min * r),
    }
}

/// Every basis-point value 0..=10000 against amounts at the edges: the parts sum to the
/// amount and the fee is floor(amount * bps / 10000).
#[test]
fn split_sums_for_every_fee_bps_and_huge_amounts() {
    let amounts = [
        0,
        1,
        2,
        9_999,
        10_000,
        10_001,
        123_456_789,
        u64::MAX / 10_000,
        u64::MAX / 2,
        u64::MAX - 1,
        u64::MAX,
    ];
    for bps in 0..=10_000u16 {
        for amount in amounts {
            let (fee, net) = split(amount, bps).unwrap();
            assert_eq!(u128::from(fee) + u128::from(net), u128::from(amount));
            assert_eq!(
                u128::from(fee),
                u128::from(amount) * u128::from(bps) / 10_000,
                "{amount} at {bps} bps"
            );
        }
    }
    // The extremes of the fee.
    assert_eq!(split(u64::MAX, 10_000).unwrap(), (u64::MAX, 0));
    assert_eq!(split(u64::MAX, 0).unwrap(), (0, u64::MAX));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// fee + creator_net == charged always, and == gross when the balance covers it; the
    /// charge never exceeds the balance; shortfall + charged == gross.
    #[test]
    fn charge_parts_sum(p in policy(), seconds in amount(), rate in amount(), balance in amount()) {
        let gross = model_gross(&p, seconds, rate);
        match p.charge(seconds, rate, balance) {
            Ok(c) => {
                prop_assert_eq!(u128::from(c.bill.gross), gross);
                prop_assert_eq!(u128::from(c.fee) + u128::from(c.creator_net), u128::from(c.charged));
                prop_assert!(c.charged <= balance);
                prop_assert!(c.charged <= c.bill.gross);
                prop_assert_eq!(u128::from(c.shortfall) + u128::from(c.charged), gross);
                if u128::from(balance) >= gross {
                    prop_assert_eq!(c.charged, c.bill.gross);
                    prop_assert_eq!(c.shortfall, 0);
                    prop_assert_eq!(u128::from(c.fee) + u128::from(c.creator_net), gross);
                } else {
                    prop_assert_eq!(c.charged, balance);
                }
                prop_assert_eq!(
                    u128::from(c.fee),
                    u128::from(c.charged) * u128::from(p.fee_bps) / 10_000
                );
                prop_assert_eq!(c.bill.billed_seconds, seconds);
                prop_assert_eq!(c.bill.rate_per_minute, rate);
            }
            Err(e) => {
                // Only a real overflow may fail, and it fails as INVALID_INPUT.
                prop_assert_eq!(e.code(), "INVALID_INPUT");
                prop_assert!(gross > u128::from(u64::MAX), "spurious error: {e}");
            }
        }
    }

    /// The billed amount never decreases when the call gets longer, under both policies and
    /// any minimum.
    #[test]
    fn billed_amount_is_monotone_in_seconds(
        p in policy(),
        seconds in prop_oneof![0u64..100_000, amount()],
        extra in prop_oneof![0u64..200, amount()],
        rate in prop_oneof![0u64..1_000, amount()],
    ) {
        let longer = seconds.saturating_add(extra);
        if let (Ok(a), Ok(b)) = (p.bill(seconds, rate), p.bill(longer, rate)) {
            prop_assert!(a.gross <= b.gross, "{} s -> {}, {} s -> {}", seconds, a.gross, longer, b.gross);
        }
        // Once a length overflows, every longer call overflows too (no wrap back to small).
        if p.bill(seconds, rate).is_err() {
            prop_assert!(p.bill(longer, rate).is_err());
        }
    }

    /// `max_affordable_seconds` and `cost_at` agree: the cost at that length fits the balance
    /// and one more second does not (when the answer is finite).
    #[test]
    fn max_affordable_is_consistent_with_cost_at(
        p in policy(),
        balance in prop_oneof![0u64..100_000, amount()],
        rate in prop_oneof![1u64..1_000, amount()],
    ) {
        let secs = p.max_affordable_seconds(balance, rate);
        match p.cost_at(secs, rate) {
            Ok(cost) => prop_assert!(cost <= balance, "{} s cost {} > {}", secs, cost, balance),
            Err(e) => {
                // Only an unbounded answer (clamped to u64::MAX) may be too large to price.
                prop_assert_eq!(secs, u64::MAX, "{}", e);
            }
        }
        if secs != u64::MAX {
            match p.cost_at(secs + 1, rate) {
                Ok(cost) => prop_assert!(cost > balance, "{} s cost {} <= {}", secs + 1, cost, balance),
                Err(e) => prop_assert_eq!(e.code(), "INVALID_INPUT"),
            }
        }
        // A free call is affordable for ever.
        prop_assert_eq!(p.max_affordable_seconds(balance, 0), u64::MAX);
    }

    /// Arithmetic overflow is INVALID_INPUT and never a panic or a wrap, for every entry point.
    #[test]
    fn overflow_is_invalid_input_never_a_panic(
        p in policy(),
        seconds in amount(),
        rate in amount(),
        balance in amount(),
    ) {
        let gross = model_gross(&p, seconds, rate);
        for result in [
            p.bill(seconds, rate).map(|b| b.gross),
            p.cost_at(seconds, rate),
            p.charge(seconds, rate, balance).map(|c| c.bill.gross),
        ] {
            match result {
                Ok(g) => prop_assert_eq!(u128::from(g), gross),
                Err(e) => {
                    prop_assert_eq!(e.code(), "INVALID_INPUT");
                    prop_assert!(gross > u128::from(u64::MAX));
                }
            }
        }
        let _ = p.max_affordable_seconds(balance, rate);
        prop_assert_eq!(u128::from(p.start_guard(rate)), u128::from(rate).div_ceil(2));
    }

    /// split() at any amount and any valid bps; above 10000 bps it is INVALID_INPUT.
    #[test]
    fn split_any_amount(amount in amount(), bps in any::<u16>()) {
        match split(amount, bps) {
            Ok((fee, net)) => {
                prop_assert!(bps <= 10_000);
                prop_assert_eq!(u128::from(fee) + u128::from(net), u128::from(amount));
                prop_assert_eq!(u128::from(fee), u128::from(amount) * u128::from(bps) / 10_000);
            }
            Err(e) => {
                prop_assert!(bps > 10_000);
                prop_assert_eq!(e.code(), "INVALID_INPUT");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Agora uids
// ---------------------------------------------------------------------------------------------

/// The formula of docs/rules.md section 8, computed here independently.
fn model_uid(input: &str) -> u32 {
    let digest = Sha256::digest(format!("fanline-agora-uid:v1:{input}").as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 2_147_483_647 + 1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// A uid is in 1..=2^31-1, the same on every call, and equal to the spec's formula.
    #[test]
    fn uid_in_range_and_stable(id in user_id()) {
        let uid = agora_uid(&id).unwrap();
        prop_assert!((1..=2_147_483_647).contains(&uid));
        prop_assert_eq!(agora_uid(&id).unwrap(), uid);
        prop_assert_eq!(agora_uid(&id.clone()).unwrap(), uid);
        prop_assert_eq!(uid, model_uid(&id));
    }

    /// The two uids of a call never collide, the creator's is its plain uid, and the fan's is
    /// the plain uid or, on a collision, the first `fan_id:n` that differs.
    #[test]
    fn call_uids_never_collide(creator in user_id(), fan in user_id(), same in any::<bool>()) {
        let fan = if same { creator.clone() } else { fan };
        let (c, f) = call_uids(&creator, &fan).unwrap();
        prop_assert_ne!(c, f);
        prop_assert!((1..=2_147_483_647).contains(&c));
        prop_assert!((1..=2_147_483_647).contains(&f));
        prop_assert_eq!(c, agora_uid(&creator).unwrap());
        let plain = agora_uid(&fan).unwrap();
        if plain != c {
            prop_assert_eq!(f, plain);
        } else {
            let n = (1..).find(|n| model_uid(&format!("{fan}:{n}")) != c).unwrap();
            prop_assert_eq!(f, model_uid(&format!("{fan}:{n}")));
        }
        prop_assert_eq!(call_uids(&creator, &fan).unwrap(), (c, f));
    }
}

// ---------------------------------------------------------------------------------------------
// Share links
// ---------------------------------------------------------------------------------------------

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    /// Mint then verify returns exactly what was minted, at any time before expiry, and the
    /// token is URL-safe.
    #[test]
    fn share_token_round_trips(
        fan in user_id(),
        generation in any::<u32>(),
        expires_at in any::<i64>(),
        before in 1u64..=u64::MAX,
        key_id in any::<u8>(),
        secret in any::<[u8; 32]>(),
    ) {
        prop_assume!(expires_at > i64::MIN);
        let ring = key_ring(key_id, secret);
        let fan = UserId::new(fan).unwrap();
        let token = ring.mint(&fan, generation, expires_at);
        prop_assert!(token.bytes().all(|b| B64URL.contains(&b)));
        prop_assert!(token.len() <= fanline::share::MAX_TOKEN_CHARS);
        // Any moment strictly before expiry.
        let now = i64::try_from(i128::from(expires_at) - i128::from(before).min(i128::from(expires_at) - i128::from(i64::MIN))).unwrap();
        prop_assert!(now < expires_at);
        let claims = ring.verify(&token, now).unwrap();
        prop_assert_eq!(&claims.fan, &fan);
        prop_assert_eq!(claims.generation, generation);
        prop_assert_eq!(claims.expires_at, expires_at);
        prop_assert_eq!(claims.key_id, key_id);
        // Minting is deterministic for the same inputs.
        prop_assert_eq!(ring.mint(&fan, generation, expires_at), token);
    }

    /// Any single altered character fails: replaced by another base64url character (still
    /// decodable), by an arbitrary character, removed, or with one added.
    #[test]
    fn altered_share_token_fails(
        fan in user_id(),
        generation in any::<u32>(),
        index in any::<prop::sample::Index>(),
        replacement in any::<prop::sample::Index>(),
        junk in any::<char>(),
        secret in any::<[u8; 32]>(),
    ) {
        let ring = key_ring(1, secret);
        let fan = UserId::new(fan).unwrap();
        let token = ring.mint(&fan, generation, 2_000_000_000);
        let bytes = token.as_bytes();
        let i = index.index(bytes.len());
        let now = 1_700_000_000;

        // Another base64url character at position i.
        let mut b = bytes.to_vec();
        let mut c = B64URL[replacement.index(B64URL.len())];
        if c == b[i] {
            c = B64URL[(replacement.index(B64URL.len()) + 1) % B64URL.len()];
        }
        b[i] = c;
        let altered = String::from_utf8(b).unwrap();
        prop_assert!(ring.verify(&altered, now).is_err(), "base64url change at {}", i);
        prop_assert_eq!(ring.verify(&altered, now).unwrap_err().code(), "NOT_FOUND");

        // Any other character at position i.
        if junk != char::from(bytes[i]) {
            let mut s = String::new();
            s.push_str(&token[..i]);
            s.push(junk);
            s.push_str(&token[i + 1..]);
            prop_assert!(ring.verify(&s, now).is_err(), "junk {:?} at {}", junk, i);
        }

        // A character removed, or one inserted.
        let mut removed = token.clone();
        removed.remove(i);
        prop_assert!(ring.verify(&removed, now).is_err());
        let mut inserted = token.clone();
        inserted.insert(i, char::from(c));
        prop_assert!(ring.verify(&inserted, now).is_err());

        // The original still verifies.
        prop_assert!(ring.verify(&token, now).is_ok());
    }

    /// A token verifies only under its own key: another secret, or the same secret under
    /// another key id, or a retired key, fail closed.
    #[test]
    fn wrong_or_retired_key_fails(
        fan in user_id(),
        secret in any::<[u8; 32]>(),
        other in any::<[u8; 32]>(),
        key_id in 0u8..=254,
    ) {
        prop_assume!(secret != other);
        let ring = key_ring(key_id, secret);
        let fan = UserId::new(fan).unwrap();
        let token = ring.mint(&fan, 7, 2_000_000_000);
        let now = 1_700_000_000;
        prop_assert!(key_ring(key_id, other).verify(&token, now).is_err());
        prop_assert!(key_ring(key_id + 1, secret).verify(&token, now).is_err());
        let rotated = ring.clone().with_key(key_id + 1, &other).unwrap().activate(key_id + 1).unwrap();
        prop_assert!(rotated.verify(&token, now).is_ok());
        prop_assert!(rotated.retire(key_id).unwrap().verify(&token, now).is_err());
    }

    /// From the expiry on (now >= expires_at) the token is dead.
    #[test]
    fn expired_share_token_fails(
        fan in user_id(),
        expires_at in any::<i64>(),
        after in any::<u64>(),
        secret in any::<[u8; 32]>(),
    ) {
        let ring = key_ring(3, secret);
        let fan = UserId::new(fan).unwrap();
        let token = ring.mint(&fan, 0, expires_at);
        let now = i64::try_from((i128::from(expires_at) + i128::from(after)).min(i128::from(i64::MAX))).unwrap();
        prop_assert!(now >= expires_at);
        prop_assert_eq!(ring.verify(&token, now).unwrap_err().code(), "NOT_FOUND");
        prop_assert_eq!(ring.verify(&token, expires_at).unwrap_err().code(), "NOT_FOUND");
    }

    /// Bumping the revocation counter gives a different token with different claims; the
    /// engine revokes by comparing `verify(..).generation` with the stored one, so the old
    /// token's generation must never equal the new one.
    #[test]
    fn bumped_generation_is_a_different_token(
        fan in user_id(),
        generation in any::<u32>(),
        secret in any::<[u8; 32]>(),
    ) {
        let ring = key_ring(1, secret);
        let fan = UserId::new(fan).unwrap();
        let bumped = generation.wrapping_add(1);
        let old = ring.mint(&fan, generation, 2_000_000_000);
        let new = ring.mint(&fan, bumped, 2_000_000_000);
        prop_assert_ne!(&old, &new);
        let now = 1_700_000_000;
        let old_claims = ring.verify(&old, now).unwrap();
        let new_claims = ring.verify(&new, now).unwrap();
        prop_assert_eq!(old_claims.generation, generation);
        prop_assert_eq!(new_claims.generation, bumped);
        prop_assert_ne!(old_claims.generation, new_claims.generation);
        prop_assert_ne!(old_claims, new_claims);
    }

    /// A token minted for one fan never verifies as another fan's.
    #[test]
    fn token_is_bound_to_its_fan(a in user_id(), b in user_id(), secret in any::<[u8; 32]>()) {
        prop_assume!(a != b);
        let ring = key_ring(1, secret);
        let token = ring.mint(&UserId::new(a.clone()).unwrap(), 0, 2_000_000_000);
        let claims = ring.verify(&token, 0).unwrap();
        prop_assert_eq!(claims.fan.as_str(), a.as_str());
        prop_assert_ne!(claims.fan.as_str(), b.as_str());
    }
}

// ---------------------------------------------------------------------------------------------
// GCRA rate limits and cooldowns
// ---------------------------------------------------------------------------------------------

fn rate_limit() -> impl Strategy<Value = RateLimit> {
    prop_oneof![
        (
            1u32..=12,
            prop_oneof![Just(60_000i64), Just(1_000i64), 1i64..200_000]
        )
            .prop_map(|(max, period)| RateLimit::new(max, period).unwrap()),
        Just(RateLimit::per_minute(5).unwrap()),
        Just(RateLimit::per_minute(10).unwrap()),
        Just(RateLimit::new(3, 100).unwrap()),
        Just(RateLimit::new(7, 60_000).unwrap()),
    ]
}

/// Request times: nondecreasing, built from gaps that are often zero (bursts), often small and
/// sometimes a whole period or more.
fn request_times(period: i64) -> impl Strategy<Value = Vec<i64>> {
    let gap = prop_oneof![
        3 => Just(0i64),
        3 => 0i64..=period / 4 + 1,
        1 => 0i64..=period * 2,
    ];
    (any::<i32>(), prop::collection::vec(gap, 1..120)).prop_map(|(start, gaps)| {
        let mut t = i64::from(start);
        gaps.into_iter()
            .map(|g| {
                t += g;
                t
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    /// Whatever the arrival pattern, a limit of `max` per `period`:
    /// - accepts at most 2*max-1 requests in any window [t, t+period);
    /// - accepts at most max + elapsed * max / period requests up to `elapsed` ms after the
    ///   first request (the burst plus the steady rate);
    /// - accepts the first `max` requests of a fresh bucket when they arrive at once;
    /// - refuses with retry_after >= 1, and waiting retry_after seconds makes the next take
    ///   succeed;
    /// - leaves the stored TAT untouched on refusal (the caller keeps the old value).
    #[test]
    fn gcra_bounds((limit, times) in rate_limit().prop_flat_map(|l| (Just(l), request_times(l.period_ms)))) {
        let (max, period) = (i128::from(limit.max), i128::from(limit.period_ms));
        let mut tat: Option<i64> = None;
        let mut accepted: Vec<i64> = Vec::new();
        for &now in &times {
            match limit.take(tat, now) {
                Ok(new_tat) => {
                    prop_assert!(new_tat > now);
                    tat = Some(new_tat);
                    accepted.push(now);
                }
                Err(e) => {
                    prop_assert_eq!(e.code(), "RATE_LIMITED");
                    let wait = e.retry_after().unwrap();
                    prop_assert!(wait >= 1);
                    let later = now + i64::try_from(wait).unwrap() * 1000;
                    prop_assert!(limit.take(tat, later).is_ok(), "retry_after {} s at {} was not enough", wait, now);
                    // Not more than needed: a second earlier (when that is still after `now`)
                    // would have been refused too, or the answer was the floor of 1 s.
                    if wait > 1 {
                        prop_assert!(limit.take(tat, later - 1000).is_err(), "retry_after {} s over-asks", wait);
                    }
                }
            }
        }
        // Window bound.
        for (i, &start) in accepted.iter().enumerate() {
            let in_window = accepted[i..].iter().take_while(|&&t| i128::from(t) < i128::from(start) + period).count();
            prop_assert!(
                (in_window as i128) < 2 * max, // at most 2*max - 1
                "{} accepted in [{}, {}+{}) with max {}", in_window, start, start, period, max
            );
        }
        // Burst plus steady rate, measured from the first request.
        let first = times[0];
        for (k, &t) in accepted.iter().enumerate() {
            let count = (k + 1) as i128;
            let elapsed = i128::from(t - first);
            prop_assert!(
                count * period <= max * period + elapsed * max,
                "{} accepted within {} ms with {} per {} ms", count, elapsed, max, period
            );
        }
    }

    /// A fresh bucket takes a burst of exactly `max` at one instant.
    #[test]
    fn gcra_burst_is_max(limit in rate_limit(), now in any::<i32>()) {
        let now = i64::from(now);
        let mut tat = None;
        for _ in 0..limit.max {
            tat = Some(limit.take(tat, now).unwrap());
        }
        let e = limit.take(tat, now).unwrap_err();
        prop_assert!(e.retry_after().unwrap() >= 1);
    }

    /// Cooldown: retry_after is the whole seconds left rounded up, at least 1; waiting that
    /// long ends it, a second less does not (when more than one second was asked).
    #[test]
    fn cooldown_retry_after_is_ceil(
        duration in 1i64..=600_000,
        started in any::<i32>(),
        elapsed in 0i64..=700_000,
    ) {
        let cooldown = Cooldown { duration_ms: duration };
        let started = i64::from(started);
        let until = cooldown.until(started);
        prop_assert_eq!(until, started + duration);
        let now = started + elapsed;
        match cooldown.check(Some(until), now) {
            Ok(()) => prop_assert!(now >= until),
            Err(e) => {
                prop_assert!(now < until);
                prop_assert_eq!(e.code(), "CALL_COOLDOWN");
                let wait = e.retry_after().unwrap();
                let left = until - now;
                prop_assert!(wait >= 1);
                prop_assert_eq!(wait, u64::try_from(left).unwrap().div_ceil(1000));
                prop_assert!(cooldown.check(Some(until), now + i64::try_from(wait).unwrap() * 1000).is_ok());
                if wait > 1 {
                    prop_assert!(cooldown.check(Some(until), now + i64::try_from(wait - 1).unwrap() * 1000).is_err());
                }
            }
        }
        prop_assert!(cooldown.check(None, now).is_ok());
    }

    /// retry_after_secs: ceil to whole seconds, at least 1, for every input.
    #[test]
    fn retry_after_secs_is_ceil_at_least_one(ms in any::<i64>()) {
        let s = retry_after_secs(ms);
        prop_assert!(s >= 1);
        if ms > 0 {
            prop_assert_eq!(u128::from(s), u128::from(ms.unsigned_abs()).div_ceil(1000).max(1));
        } else {
            prop_assert_eq!(s, 1);
        }
    }

    /// Limits never panic on extreme stored state or clocks (a corrupted row, a clock at the
    /// edge of i64).
    #[test]
    fn limits_never_panic_on_extreme_times(
        tat in prop::option::of(prop_oneof![Just(i64::MIN), Just(i64::MAX), any::<i64>()]),
        now in prop_oneof![Just(i64::MIN), Just(i64::MAX), any::<i64>()],
        limit in rate_limit(),
    ) {
        if let Err(e) = limit.take(tat, now) {
            prop_assert!(e.retry_after().unwrap() >= 1);
        }
        if let Err(e) = Cooldown::default().check(tat, now) {
            prop_assert!(e.retry_after().unwrap() >= 1);
        }
        let _ = Cooldown::default().until(now);
    }
}

// ---------------------------------------------------------------------------------------------
// User ids
// ---------------------------------------------------------------------------------------------

/// The spec's user-id rule, written directly from docs/rules.md section 1.
fn model_valid_user_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && !s.chars().any(char::is_control) && s.trim() == s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    /// The validator (a byte-level fast path) agrees with the spec's wording on any text,
    /// including C0/C1 controls, DEL, multi-byte neighbours of the C1 block and whitespace.
    #[test]
    fn user_id_validation_matches_the_spec(
        s in prop_oneof![
            any::<String>(),
            "[\\x00-\\x{ff}]{0,8}",
            "[a\\x{7e}-\\x{a1}\\x{100}-\\x{17f} ]{1,10}",
            "\\PC{120,130}",
        ]
    ) {
        prop_assert_eq!(fanline::ids::validate_user_id(&s).is_ok(), model_valid_user_id(&s));
    }
}

/// Every character up to U+3100 (all controls and whitespace live there) and a sample of the
/// rest, alone and between letters, is classified as the spec says.
#[test]
fn user_id_validation_every_char() {
    let codes = (0..=0x3100)
        .chain((0x3101..=0x10ffff).step_by(97))
        .chain([0xfeff, 0x10ffff]);
    for c in codes.filter_map(char::from_u32) {
        for s in [c.to_string(), format!("a{c}b")] {
            assert_eq!(
                fanline::ids::validate_user_id(&s).is_ok(),
                model_valid_user_id(&s),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
