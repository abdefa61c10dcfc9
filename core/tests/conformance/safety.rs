//! Money and call safety: the fan consents to the price, calls end on their own, blocks stop
//! what is in flight, and no billing input reachable through the engine wedges a call.

use fanline::billing::{BillingPolicy, Rounding};
use fanline::calls::{CallState, CallType};
use fanline::engine::{EngineConfig, InitiateRequest};

use super::{admin, at, code_of, creator, fan, Harness};

fn balance(h: &Harness, account: &str) -> i64 {
    h.engine.balance(&admin(), account).unwrap()
}

pub fn prices_come_from_the_store(h: Harness) {
    let max = creator("c1");
    assert_eq!(
        h.engine.call_price("c1").unwrap(),
        10,
        "the billing default"
    );
    h.refused_unchanged("NOT_CREATOR", || {
        h.engine.set_call_price(&fan("c1"), "c1", 5)
    });
    h.refused_unchanged("NOT_FOUND", || {
        h.engine.set_call_price(&creator("c2"), "c1", 5)
    });
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine.set_call_price(&max, "c1", 1_000_000_001)
    });
    assert_eq!(h.engine.set_call_price(&max, "c1", 30).unwrap().value, 30);
    assert_eq!(h.engine.set_call_price(&admin(), "c2", 7).unwrap().value, 7);
    assert_eq!(h.engine.call_price("c1").unwrap(), 30);
    h.callable("c1", "f1"); // 1000 tokens
    let ringing = h.ring("c1", "f1");
    assert_eq!(ringing.rate_per_minute, 30);
    assert_eq!(
        ringing.affordable_minutes, None,
        "the creator never sees the balance"
    );
    let request = h
        .audit()
        .into_iter()
        .filter(|r| r.event == "call_price_set")
        .count();
    assert_eq!(request, 2);
    let pending = h.engine.pending(&fan("f1")).unwrap();
    assert_eq!(pending[0].rate_per_minute, 30);
    assert_eq!(pending[0].affordable_minutes, Some(33));
}

pub fn the_invitation_shows_price_and_affordable_minutes(h: Harness) {
    h.engine.set_call_price(&creator("c1"), "c1", 40).unwrap();
    h.follow("f1", "c1");
    h.credit("f1", 130);
    let out = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Voice))
        .unwrap();
    let request = &out.events[0];
    assert_eq!(request.name, "call:request");
    assert_eq!(request.payload["ratePerMinute"], 40);
    assert_eq!(request.payload["affordableMinutes"], 3);
}

pub fn accept_refuses_a_higher_price(h: Harness) {
    h.engine.set_call_price(&creator("c1"), "c1", 25).unwrap();
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    let e = h
        .engine
        .accept(&fan("f1"), &id, Some(24))
        .expect_err("a higher price than agreed");
    assert_eq!((e.code(), e.http_status()), ("PRICE_CHANGED", 409));
    h.refused_unchanged("PRICE_CHANGED", || {
        h.engine.accept(&fan("f1"), &id, Some(0))
    });
    let accepted = h.engine.accept(&fan("f1"), &id, Some(25)).unwrap();
    assert_eq!(accepted.value.call.rate_per_minute, 25);
}

pub fn calls_end_on_their_own_at_the_limit(h: Harness) {
    h.follow("f1", "c1");
    h.credit("f1", 35); // 3 started minutes at 10 per minute
    let id = h.ring("c1", "f1").id.to_string();
    let accepted = h.engine.accept(&fan("f1"), &id, None).unwrap().value;
    assert_eq!(
        accepted.call.limit_at.as_deref(),
        Some(at(180_000).as_str())
    );
    assert_eq!(
        accepted.fan.expires_at,
        at(240_000),
        "tokens outlive the limit by 60 s"
    );
    h.clock.advance_secs(179);
    assert!(h.engine.expire_due().unwrap().value.is_empty());
    assert!(h.engine.refresh_token(&fan("f1"), &id).is_ok());
    h.clock.advance_secs(1);
    h.refused_unchanged("INVALID_STATE", || {
        h.engine.refresh_token(&creator("c1"), &id)
    });
    h.credit("f1", 1_000); // bought during the call: not taken beyond the limit
    h.clock.advance_secs(30);
    let swept = h.engine.expire_due().unwrap();
    assert_eq!(swept.value, vec![id.clone()]);
    let ended: Vec<_> = swept
        .events
        .iter()
        .filter(|e| e.name == "call:ended")
        .collect();
    assert_eq!(ended.len(), 2, "both sides hear the call ended");
    for e in &ended {
        assert_eq!(e.payload["reason"], "limit");
        assert_eq!(e.payload["by"], serde_json::Value::Null);
        assert_eq!(e.payload["settlement"]["bill"]["billedSeconds"], 180);
    }
    let status = h.engine.status(&fan("f1"), &id).unwrap();
    assert_eq!(status.call.state, CallState::Ended);
    assert_eq!(
        status.call.finished_at.as_deref(),
        Some(at(180_000).as_str())
    );
    assert_eq!(status.settlement.unwrap().charge.charged, 30);
    assert_eq!(balance(&h, "f1"), 1_005);
    // Ending again replays the settlement.
    let again = h.engine.end(&fan("f1"), &id).unwrap();
    assert!(again.events.is_empty());
    assert_eq!(again.value.settlement.charge.charged, 30);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
}

pub fn the_longest_call_caps_the_limit(mut h: Harness) {
    h.reconfigure(|b| {
        b.config(EngineConfig {
            max_call_secs: 600,
            ..EngineConfig::default()
        })
    });
    let (id, accepted) = h.connect("c1", "f1"); // 1000 tokens afford 100 minutes
    assert_eq!(
        accepted.call.limit_at.as_deref(),
        Some(at(600_000).as_str())
    );
    h.clock.advance_secs(3_600);
    let ended = h.engine.end(&creator("c1"), &id).unwrap();
    assert_eq!(ended.value.settlement.charge.bill.billed_seconds, 600);
    assert_eq!(ended.events[0].payload["reason"], "limit");
}

pub fn the_limit_follows_the_balance_at_accept(h: Harness) {
    let (first, _) = h.connect("c1", "f1"); // 1000 tokens
    h.clock.advance_secs(50 * 60);
    h.engine.end(&fan("f1"), &first).unwrap();
    assert_eq!(balance(&h, "f1"), 500);
    h.clock.advance_secs(60); // past the pair's cooldown
    let second = h.ring("c1", "f1").id.to_string();
    let accepted = h.engine.accept(&fan("f1"), &second, None).unwrap().value;
    // 500 tokens left afford 50 minutes from now.
    assert_eq!(
        accepted.call.limit_at.as_deref(),
        Some(at((51 * 60 + 50 * 60) * 1000).as_str())
    );
}

pub fn accept_refuses_a_balance_that_affords_nothing(h: Harness) {
    h.follow("f1", "c1");
    h.credit("f1", 5); // passes the start guard (ceil(10 / 2)), affords no started minute
    let id = h.ring("c1", "f1").id.to_string();
    let e = h.engine.accept(&fan("f1"), &id, None).unwrap_err();
    assert_eq!(e, fanline::Error::InsufficientTokens { needed: 10 });
    h.refused_unchanged("INSUFFICIENT_TOKENS", || {
        h.engine.accept(&fan("f1"), &id, None)
    });
    h.credit("f1", 5);
    assert!(h.engine.accept(&fan("f1"), &id, None).is_ok());
}

pub fn a_block_cancels_a_ringing_call(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    let out = h.engine.block(&fan("f1"), "c1").unwrap();
    assert!(out.value);
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].name, "call:cancelled");
    assert_eq!(out.events[0].channel, "user:c1");
    assert_eq!(out.events[0].payload["reason"], "blocked");
    assert_eq!(h.state_of("c1", &id), "cancelled");
    assert_eq!(
        code_of(&h.engine.accept(&fan("f1"), &id, None)),
        "INVALID_STATE"
    );
    // The creator is free again (for other fans).
    h.callable("c1", "f2");
    h.ring("c1", "f2");
}

pub fn a_block_ends_a_connected_call(h: Harness) {
    let (id, _) = h.connect("c1", "f1");
    h.clock.advance_secs(90);
    let out = h.engine.block(&creator("c1"), "f1").unwrap();
    assert_eq!(out.events.len(), 1);
    let ended = &out.events[0];
    assert_eq!(
        (ended.name, ended.channel.as_str()),
        ("call:ended", "user:f1")
    );
    assert_eq!(ended.payload["reason"], "blocked");
    assert_eq!(ended.payload["settlement"]["bill"]["billedMinutes"], 2);
    let status = h.engine.status(&fan("f1"), &id).unwrap();
    assert_eq!(status.call.state, CallState::Ended);
    assert_eq!(status.settlement.unwrap().charge.charged, 20);
    assert_eq!(balance(&h, "f1"), 980);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    // Blocking again changes nothing more.
    let again = h.engine.block(&creator("c1"), "f1").unwrap();
    assert!(!again.value && again.events.is_empty());
}

pub fn no_billing_input_wedges_a_call(mut h: Harness) {
    let extremes = [
        (Rounding::PerStartedMinute, u32::MAX, false),
        (Rounding::PerSecond, u32::MAX, false),
        (Rounding::PerStartedMinute, 0, true),
        (Rounding::PerSecond, u32::MAX, true),
    ];
    for (i, (rounding, minimum_minutes, ledger)) in extremes.into_iter().enumerate() {
        h.reconfigure(|b| {
            b.config(EngineConfig {
                billing: BillingPolicy {
                    rate_per_minute: 1_000_000_000,
                    rounding,
                    minimum_minutes,
                    fee_bps: 9_999,
                },
                ledger,
                max_call_secs: 86_400,
                ..EngineConfig::default()
            })
        });
        let (c, f) = (format!("x{i}"), format!("y{i}"));
        h.follow(&f, &c);
        if ledger {
            h.credit(&f, i64::MAX as u64 / 2);
        }
        let id = h.ring(&c, &f).id.to_string();
        h.engine
            .accept(&fan(&f), &id, Some(u64::MAX))
            .unwrap_or_else(|e| panic!("case {i}: {e:?}"));
        // Ten years later: billed to the limit, never an overflow.
        h.clock.advance_secs(10 * 365 * 86_400);
        let ended = h
            .engine
            .end(&creator(&c), &id)
            .unwrap_or_else(|e| panic!("case {i}: {e:?}"));
        let charge = ended.value.settlement.charge;
        assert!(charge.bill.billed_seconds <= 86_400, "case {i}");
        assert_eq!(charge.fee + charge.creator_net, charge.charged, "case {i}");
    }
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
}
