//! The per-pair cooldown and the GCRA rate limits (docs/rules.md section 6, core/src/limits.rs).

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::Result;

use fanline::engine::EngineConfig;
use fanline::limits::RateLimit;

use super::{admin, code_of, creator, fan, Harness};

fn initiate(h: &Harness, c: &str, f: &str, ip: Option<&str>) -> Result<String> {
    let mut req = InitiateRequest::new(f, CallType::Voice);
    req.ip = ip.map(str::to_string);
    let out = h.engine.initiate(&creator(c), &req)?;
    Ok(out.value.id.to_string())
}

/// Initiates and cancels at once, so the creator is free again.
fn call_and_cancel(h: &Harness, c: &str, f: &str, ip: Option<&str>) -> Result<()> {
    let id = initiate(h, c, f, ip)?;
    h.engine.cancel(&creator(c), &id)?;
    Ok(())
}

#[track_caller]
fn retry_after<T: std::fmt::Debug>(r: Result<T>, code: &str) -> u64 {
    assert_eq!(code_of(&r), code);
    let e = r.unwrap_err();
    assert_eq!(e.http_status(), 429);
    let secs = e.retry_after().expect("retry_after");
    assert_eq!(e.body().retry_after, Some(secs));
    secs
}

pub fn cooldown_counts_down_and_rounds_up(h: Harness) {
    h.callable("c1", "f1");
    h.callable("c1", "f2");
    call_and_cancel(&h, "c1", "f1", None).unwrap();
    assert_eq!(
        retry_after(initiate(&h, "c1", "f1", None), "CALL_COOLDOWN"),
        60
    );
    h.clock.advance_ms(500);
    assert_eq!(
        retry_after(initiate(&h, "c1", "f1", None), "CALL_COOLDOWN"),
        60,
        "59.5 s must round up"
    );
    h.clock.advance_ms(500);
    assert_eq!(
        retry_after(initiate(&h, "c1", "f1", None), "CALL_COOLDOWN"),
        59
    );
    h.clock.advance_ms(58_999);
    assert_eq!(
        retry_after(initiate(&h, "c1", "f1", None), "CALL_COOLDOWN"),
        1,
        "1 ms left is 1 s"
    );
    // The cooldown is per pair: another fan is callable meanwhile.
    call_and_cancel(&h, "c1", "f2", None).unwrap();
    h.clock.advance_ms(1);
    call_and_cancel(&h, "c1", "f1", None).unwrap();
    // Any ending of the call leaves the cooldown from the initiate running.
    assert_eq!(code_of(&initiate(&h, "c1", "f1", None)), "CALL_COOLDOWN");
}

pub fn refused_attempts_do_not_start_the_cooldown(h: Harness) {
    h.credit("f1", 100);
    // Refused for the fan's settings: then allowed right away, in the same second.
    assert_eq!(code_of(&initiate(&h, "c1", "f1", None)), "CALL_NOT_ALLOWED");
    h.follow("f1", "c1");
    h.engine.block(&fan("f1"), "c1").unwrap();
    assert_eq!(code_of(&initiate(&h, "c1", "f1", None)), "BLOCKED");
    h.engine.unblock(&fan("f1"), "c1").unwrap();
    // Refused because the creator was busy.
    h.callable("c2", "f2");
    h.callable("c2", "f3");
    let busy = initiate(&h, "c2", "f2", None).unwrap();
    assert_eq!(code_of(&initiate(&h, "c2", "f3", None)), "BUSY");
    h.engine.cancel(&creator("c2"), &busy).unwrap();
    assert!(
        initiate(&h, "c2", "f3", None).is_ok(),
        "BUSY started a cooldown"
    );
    // Refused for the fan's balance.
    h.follow("f4", "c1");
    assert_eq!(
        code_of(&initiate(&h, "c1", "f4", None)),
        "INSUFFICIENT_TOKENS"
    );
    h.credit("f4", 5);
    call_and_cancel(&h, "c1", "f4", None).unwrap();
    assert!(
        initiate(&h, "c1", "f1", None).is_ok(),
        "a refused attempt started the cooldown"
    );
}

pub fn creator_rate_limit_is_10_per_minute(h: Harness) {
    let fans: Vec<String> = (0..13).map(|i| format!("f{i}")).collect();
    for f in &fans {
        h.callable("c1", f);
    }
    // A burst of 10 at one instant.
    for f in &fans[..10] {
        call_and_cancel(&h, "c1", f, None).unwrap();
    }
    // The 11th waits one emission interval: 60 s / 10 = 6 s.
    assert_eq!(
        retry_after(initiate(&h, "c1", &fans[10], None), "RATE_LIMITED"),
        6
    );
    h.clock.advance_ms(5_001);
    assert_eq!(
        retry_after(initiate(&h, "c1", &fans[10], None), "RATE_LIMITED"),
        1
    );
    h.clock.advance_ms(999);
    // Refused attempts did not consume: exactly one more now, then 6 s again.
    call_and_cancel(&h, "c1", &fans[10], None).unwrap();
    assert_eq!(
        retry_after(initiate(&h, "c1", &fans[11], None), "RATE_LIMITED"),
        6
    );
    // The limit is per creator.
    h.callable("c2", "f0x");
    assert!(initiate(&h, "c2", "f0x", None).is_ok());
    // A quiet minute refills the whole burst.
    h.clock.advance_secs(60);
    call_and_cancel(&h, "c1", &fans[11], None).unwrap();
    call_and_cancel(&h, "c1", &fans[12], None).unwrap();
    // Every well-formed attempt counts, refused or not (as the seed's middleware did): eight
    // refused calls to strangers use up the rest of the burst.
    for i in 0..8 {
        let stranger = format!("stranger{i}");
        h.credit(&stranger, 100);
        assert_eq!(
            code_of(&initiate(&h, "c1", &stranger, None)),
            "CALL_NOT_ALLOWED"
        );
    }
    assert_eq!(
        retry_after(initiate(&h, "c1", &fans[0], None), "RATE_LIMITED"),
        6
    );
}

/// The seed's per-IP limit, which a host that passes client IPs configures.
fn with_ip_limit(h: &mut Harness) {
    h.reconfigure(|b| {
        b.config(EngineConfig {
            ip_rate: Some(RateLimit {
                max: 5,
                period_ms: 60_000,
            }),
            ..EngineConfig::default()
        })
    });
}

pub fn ip_rate_limit_is_5_per_minute(mut h: Harness) {
    with_ip_limit(&mut h);
    let ip = Some("203.0.113.7");
    for i in 0..7 {
        h.callable(&format!("c{i}"), "f1");
        h.callable(&format!("c{i}"), "f2");
    }
    // Five different creators behind one IP.
    for i in 0..5 {
        call_and_cancel(&h, &format!("c{i}"), "f1", ip).unwrap();
    }
    assert_eq!(
        retry_after(initiate(&h, "c5", "f1", ip), "RATE_LIMITED"),
        12
    );
    // Another IP is not limited by it; no IP at all is refused, never a skipped limit.
    call_and_cancel(&h, "c5", "f1", Some("2001:db8::1")).unwrap();
    h.refused_unchanged("INVALID_INPUT", || initiate(&h, "c6", "f1", None));
    h.clock.advance_ms(11_999);
    assert_eq!(retry_after(initiate(&h, "c0", "f2", ip), "RATE_LIMITED"), 1);
    h.clock.advance_ms(1);
    call_and_cancel(&h, "c0", "f2", ip).unwrap();
    assert_eq!(code_of(&initiate(&h, "c1", "f2", ip)), "RATE_LIMITED");
}

pub fn ipv6_clients_share_a_limit_per_64(mut h: Harness) {
    with_ip_limit(&mut h);
    for i in 0..7 {
        h.callable(&format!("c{i}"), "f1");
    }
    // Five addresses of one /64 use up its budget ...
    for i in 0..5 {
        call_and_cancel(
            &h,
            &format!("c{i}"),
            "f1",
            Some(&format!("2001:db8:1:2::{i}")),
        )
        .unwrap();
    }
    let same_64 = Some("2001:db8:1:2:ffff::9");
    assert_eq!(code_of(&initiate(&h, "c5", "f1", same_64)), "RATE_LIMITED");
    // ... and the next /64 has its own.
    call_and_cancel(&h, "c5", "f1", Some("2001:db8:1:3::1")).unwrap();
}

pub fn refusals_before_the_limits_write_only_a_counter(h: Harness) {
    // A fan (or anyone refused by the flag, the role or a rate limit) hammering initiate
    // neither spends the rate limits nor grows the audit log: each refusal moves one counter
    // per code and minute.
    let audit_before = h.audit().len();
    for _ in 0..50 {
        let r = h
            .engine
            .initiate(&fan("f0"), &InitiateRequest::new("f1", CallType::Voice));
        assert_eq!(code_of(&r), "NOT_CREATOR");
    }
    assert_eq!(
        h.audit().len(),
        audit_before,
        "NOT_CREATOR refusals were audited"
    );
    for i in 1..=10 {
        h.callable("c1", &format!("f{i}"));
        call_and_cancel(&h, "c1", &format!("f{i}"), None).unwrap();
    }
    h.callable("c1", "f11");
    let audit_mid = h.audit().len();
    for _ in 0..30 {
        assert_eq!(code_of(&initiate(&h, "c1", "f11", None)), "RATE_LIMITED");
    }
    assert_eq!(
        h.audit().len(),
        audit_mid,
        "RATE_LIMITED refusals were audited"
    );
    // The refusals did not take from the limit: it frees up on schedule (one per 6 s).
    h.clock.advance_ms(6_000);
    call_and_cancel(&h, "c1", "f11", None).unwrap();
    let counts = h.engine.refusal_counts(&admin(), None, None).unwrap();
    let total = |code: &str| -> u64 {
        counts
            .iter()
            .filter(|c| c.code == code)
            .map(|c| c.count)
            .sum()
    };
    assert_eq!(total("NOT_CREATOR"), 50);
    assert_eq!(total("RATE_LIMITED"), 30);
    assert!(counts.len() <= 4, "one row per code and minute: {counts:?}");
    assert_eq!(
        code_of(&h.engine.refusal_counts(&fan("f1"), None, None)),
        "NOT_FOUND"
    );
}

pub fn limits_are_shared_by_engines_on_one_store(mut h: Harness) {
    // Two instances of the host over one store share cooldowns and rate limits.
    let ip_config = EngineConfig {
        ip_rate: Some(RateLimit {
            max: 5,
            period_ms: 60_000,
        }),
        ..EngineConfig::default()
    };
    h.reconfigure(|b| b.config(ip_config));
    let other = h.builder().config(ip_config).build().unwrap();
    h.callable("c1", "f1");
    call_and_cancel(&h, "c1", "f1", Some("198.51.100.9")).unwrap();
    let mut req = InitiateRequest::new("f1", CallType::Voice);
    req.ip = Some("198.51.100.9".into());
    assert_eq!(
        code_of(&other.initiate(&creator("c1"), &req)),
        "CALL_COOLDOWN"
    );
    let ip = Some("198.51.100.1".to_string());
    for i in 0..5 {
        let c = format!("k{i}");
        h.callable(&c, "f9");
        let mut req = InitiateRequest::new("f9", CallType::Voice);
        req.ip = ip.clone();
        let engine = if i % 2 == 0 { &h.engine } else { &other };
        let id = engine.initiate(&creator(&c), &req).unwrap().value.id;
        engine.cancel(&creator(&c), &id.to_string()).unwrap();
    }
    h.callable("k5", "f9");
    let mut req = InitiateRequest::new("f9", CallType::Voice);
    req.ip = ip;
    assert_eq!(
        code_of(&other.initiate(&creator("k5"), &req)),
        "RATE_LIMITED"
    );
}

/// The stored state of `creator`'s rate limit (the engine's key for it).
fn creator_limit(h: &Harness, creator_id: &str) -> Option<i64> {
    let mut value = None;
    h.store
        .read(&mut |tx| {
            value = tx.get_limit(&format!("rate\ncreator\n{creator_id}"))?;
            Ok(())
        })
        .unwrap();
    value
}

pub fn the_sweeper_prunes_limits_that_no_longer_bite(h: Harness) {
    let fans: Vec<String> = (0..12).map(|i| format!("f{i}")).collect();
    for f in &fans {
        h.callable("c1", f);
        h.callable("c2", f);
    }
    call_and_cancel(&h, "c1", &fans[0], None).unwrap();
    h.clock.advance_ms(7_000);
    call_and_cancel(&h, "c2", &fans[0], None).unwrap();
    // c1's one call is 6 s (one emission interval) behind it: its row limits nothing now.
    assert!(creator_limit(&h, "c1").is_some());
    let c2 = creator_limit(&h, "c2");
    assert!(c2.is_some());

    h.engine.expire_due().unwrap();
    assert_eq!(creator_limit(&h, "c1"), None);
    assert_eq!(
        creator_limit(&h, "c2"),
        c2,
        "a limit that still bites was pruned"
    );
    // Both limits work on as before (other fans: each pair's cooldown runs): c1 has its
    // whole burst of 10, c2 the 9 its first call left.
    for f in &fans[1..11] {
        call_and_cancel(&h, "c1", f, None).unwrap();
    }
    for f in &fans[1..10] {
        call_and_cancel(&h, "c2", f, None).unwrap();
    }
    for (c, next) in [("c1", &fans[11]), ("c2", &fans[10])] {
        assert_eq!(code_of(&initiate(&h, c, next, None)), "RATE_LIMITED", "{c}");
    }
}
