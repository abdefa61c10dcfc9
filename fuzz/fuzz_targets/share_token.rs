//! Arbitrary text into the share-link verifier: any input must be `Ok` or `NOT_FOUND` (the one
//! answer for every dead link), never a panic; and whatever verifies must round-trip through
//! `mint` to the same claims.
#![no_main]

use fanline::share::ShareKeyRing;
use libfuzzer_sys::fuzz_target;

/// A ring with two keys (1 retired-but-known, 2 active), so key ids are exercised.
fn ring() -> ShareKeyRing {
    ShareKeyRing::new(1, &[7u8; 32])
        .and_then(|r| r.with_key(2, &[9u8; 32]))
        .and_then(|r| r.activate(2))
        .expect("a valid ring")
}

fuzz_target!(|data: &[u8]| {
    let ring = ring();
    let text = String::from_utf8_lossy(data);
    // Before every expiry and after many: the verdict depends on time only through `expires_at`.
    for now in [i64::MIN, 0, 1_800_000_000, i64::MAX] {
        match ring.verify(&text, now) {
            Ok(claims) => {
                assert!(now < claims.expires_at);
                let again = ring
                    .verify(
                        &ring.mint(&claims.fan, claims.generation, claims.expires_at),
                        now,
                    )
                    .expect("a minted token verifies");
                assert_eq!((again.fan, again.generation), (claims.fan, claims.generation));
            }
            Err(e) => assert_eq!(e.code(), "NOT_FOUND"),
        }
    }
});
