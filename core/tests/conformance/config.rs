//! The engine's tunables take effect, and bad configuration fails at build time.

use fanline::agora::inspect_token;
use fanline::billing::BillingPolicy;
use fanline::calls::CallType;
use fanline::engine::{EngineConfig, InitiateRequest};
use fanline::limits::{Cooldown, RateLimit};
use fanline::share::ShareKeyRing;
use fanline::Fanline;

use super::{at, code_of, creator, fan, Harness, APP_ID, CERTIFICATE};

pub fn tunables_take_effect(mut h: Harness) {
    h.reconfigure(|b| {
        b.config(EngineConfig {
            token_lifetime_secs: 600,
            invitation_ttl_ms: 30_000,
            cooldown: Cooldown {
                duration_ms: 10_000,
            },
            creator_rate: RateLimit::new(2, 60_000).unwrap(),
            ..EngineConfig::default()
        })
    });
    h.callable("c1", "f1");
    h.callable("c1", "f2");
    h.callable("c1", "f3");
    let call = h.ring("c1", "f1");
    assert_eq!(call.expires_at, at(30_000));
    let id = call.id.to_string();
    let join = h.engine.accept(&fan("f1"), &id, None).unwrap().value.fan;
    assert_eq!(join.expires_at, at(600_000));
    assert_eq!(
        inspect_token(&join.token, Some(CERTIFICATE))
            .unwrap()
            .expire,
        600
    );
    h.engine.end(&fan("f1"), &id).unwrap();

    let again = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Voice));
    assert_eq!(again.unwrap_err().retry_after(), Some(10));
    // Two attempts per minute, refusals included: the third waits 30 s.
    let third = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f2", CallType::Voice));
    assert_eq!(code_of(&third), "RATE_LIMITED");
    assert_eq!(third.unwrap_err().retry_after(), Some(30));

    h.clock.advance_secs(30);
    let late = h.ring("c1", "f3").id.to_string();
    h.clock.advance_secs(30);
    assert_eq!(
        code_of(&h.engine.accept(&fan("f3"), &late, None)),
        "INVITATION_EXPIRED"
    );
}

pub fn bad_configuration_fails_at_build(h: Harness) {
    let bad_configs = [
        EngineConfig {
            token_lifetime_secs: 0,
            ..EngineConfig::default()
        },
        EngineConfig {
            token_lifetime_secs: 86_401,
            ..EngineConfig::default()
        },
        EngineConfig {
            invitation_ttl_ms: 0,
            ..EngineConfig::default()
        },
        EngineConfig {
            cooldown: Cooldown { duration_ms: -1 },
            ..EngineConfig::default()
        },
        EngineConfig {
            share_lifetime_secs: 0,
            ..EngineConfig::default()
        },
        EngineConfig {
            billing: BillingPolicy {
                fee_bps: 10_001,
                ..BillingPolicy::default()
            },
            ..EngineConfig::default()
        },
        EngineConfig {
            ip_rate: Some(RateLimit {
                max: 0,
                period_ms: 60_000,
            }),
            ..EngineConfig::default()
        },
        EngineConfig {
            billing: BillingPolicy {
                rate_per_minute: 1_000_000_001,
                ..BillingPolicy::default()
            },
            ..EngineConfig::default()
        },
        EngineConfig {
            max_call_secs: 0,
            ..EngineConfig::default()
        },
        EngineConfig {
            max_call_secs: 86_401,
            ..EngineConfig::default()
        },
    ];
    for config in bad_configs {
        let e = h.builder().config(config).build().unwrap_err();
        assert_eq!(e.code(), "INVALID_CONFIG", "{config:?}");
    }
    let keys = ShareKeyRing::new(1, &[7; 32]).unwrap();
    let missing = [
        Fanline::builder()
            .agora(APP_ID, CERTIFICATE)
            .share_keys(keys.clone()),
        Fanline::builder()
            .store(h.store.clone())
            .share_keys(keys.clone()),
        Fanline::builder()
            .store(h.store.clone())
            .agora(APP_ID, CERTIFICATE),
        h.builder().agora("not-hex", CERTIFICATE),
        h.builder().agora(APP_ID, "short"),
    ];
    for builder in missing {
        let e = builder.build().unwrap_err();
        assert_eq!(e.code(), "INVALID_CONFIG");
        assert!(!e.to_string().contains(CERTIFICATE));
    }
    // Building an engine writes nothing.
    let before = h.dump();
    h.builder().build().unwrap();
    assert_eq!(h.dump(), before);
}
