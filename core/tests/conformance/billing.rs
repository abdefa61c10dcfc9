//! Integer billing, the ledger and its conservation (docs/rules.md section 7).

use fanline::billing::{BillingPolicy, Rounding};
use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::Error;

use super::{admin, code_of, creator, fan, Harness};

/// Follows, credits `balance`, rings and accepts; returns the call id.
fn connect_with_balance(h: &Harness, c: &str, f: &str, balance: u64) -> String {
    h.follow(f, c);
    if balance > 0 {
        h.credit(f, balance);
    }
    let id = h.ring(c, f).id.to_string();
    h.engine.accept(&fan(f), &id, None).unwrap();
    id
}

fn balance(h: &Harness, account: &str) -> i64 {
    h.engine.balance(&admin(), account).unwrap()
}

pub fn start_guard_needs_half_a_minute(h: Harness) {
    h.follow("f1", "c1");
    h.credit("f1", 4);
    let req = InitiateRequest::new("f1", CallType::Voice);
    let r = h.engine.initiate(&creator("c1"), &req);
    assert_eq!(
        r.as_ref().unwrap_err(),
        &Error::InsufficientTokens { needed: 5 }
    );
    assert_eq!(r.unwrap_err().http_status(), 402);
    h.credit("f1", 1);
    assert!(h.engine.initiate(&creator("c1"), &req).is_ok());
    // An odd rate rounds the guard up: 7 tokens/min needs 4.
    h.follow("f2", "c2");
    h.credit("f2", 3);
    let mut req = InitiateRequest::new("f2", CallType::Voice);
    req.rate_per_minute = Some(7);
    assert_eq!(
        h.engine.initiate(&creator("c2"), &req).unwrap_err(),
        Error::InsufficientTokens { needed: 4 }
    );
    h.credit("f2", 1);
    assert!(h.engine.initiate(&creator("c2"), &req).is_ok());
    // Nothing was charged by starting.
    assert_eq!(balance(&h, "f1"), 5);
    assert_eq!(balance(&h, "f2"), 4);
}

pub fn fee_split_and_conservation(mut h: Harness) {
    h.reconfigure(|b| {
        b.billing(BillingPolicy::new(10, Rounding::PerStartedMinute, 0, 2_000).unwrap())
    });
    let id = connect_with_balance(&h, "c1", "f1", 1000);
    h.clock.advance_secs(190);
    let s = h.engine.end(&creator("c1"), &id).unwrap().value.settlement;
    let c = s.charge;
    assert_eq!(
        (c.bill.gross, c.charged, c.fee, c.creator_net, c.shortfall),
        (40, 40, 8, 32, 0)
    );
    assert_eq!(c.fee + c.creator_net, c.charged);
    assert_eq!(balance(&h, "f1"), 960);
    assert_eq!(balance(&h, "c1"), 32);
    assert_eq!(balance(&h, fanline::store::PLATFORM_ACCOUNT), 8);
    assert_eq!(balance(&h, fanline::store::ISSUANCE_ACCOUNT), -1000);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    let ended = h
        .audit()
        .into_iter()
        .find(|r| r.event == "call_ended")
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(ended.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["fee"], 8);
    assert_eq!(detail["creatorNet"], 32);
}

pub fn charge_is_capped_with_shortfall(h: Harness) {
    // 35 tokens at 10 per minute afford 3 started minutes: the call's limit. Billing stops
    // there however long the call stays up, and tokens bought meanwhile are not taken.
    let id = connect_with_balance(&h, "c1", "f1", 35);
    h.credit("f1", 1_000);
    h.clock.advance_secs(600);
    let c = h
        .engine
        .end(&fan("f1"), &id)
        .unwrap()
        .value
        .settlement
        .charge;
    assert_eq!(c.bill.billed_seconds, 180);
    assert_eq!((c.bill.gross, c.charged, c.shortfall), (30, 30, 0));
    assert_eq!(balance(&h, "f1"), 1_005);
    assert_eq!(balance(&h, "c1"), 30);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    let status = h.engine.status(&fan("f1"), &id).unwrap();
    assert_eq!(status.settlement.unwrap().charge.shortfall, 0);
    assert_eq!(
        status.call.finished_at.as_deref(),
        status.call.limit_at.as_deref()
    );
}

pub fn zero_second_call_bills_nothing(h: Harness) {
    let id = connect_with_balance(&h, "c1", "f1", 100);
    h.clock.advance_ms(999);
    let before_end = balance(&h, "f1");
    let s = h.engine.end(&fan("f1"), &id).unwrap().value.settlement;
    assert_eq!(s.charge.bill.billed_seconds, 0);
    assert_eq!((s.charge.bill.gross, s.charge.charged), (0, 0));
    assert_eq!(balance(&h, "f1"), before_end);
    assert_eq!(balance(&h, "c1"), 0);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    assert_eq!(
        h.engine.status(&fan("f1"), &id).unwrap().settlement,
        Some(s)
    );
}

pub fn per_second_rounding_and_minimum_minutes(mut h: Harness) {
    h.reconfigure(|b| b.billing(BillingPolicy::new(60, Rounding::PerSecond, 2, 0).unwrap()));
    let short = connect_with_balance(&h, "c1", "f1", 1000);
    let long = connect_with_balance(&h, "c2", "f2", 1000);
    h.clock.advance_secs(30);
    let s = h.engine.end(&fan("f1"), &short).unwrap().value.settlement;
    assert_eq!(
        s.charge.bill.gross, 120,
        "the minimum of 2 minutes was not applied"
    );
    h.clock.advance_secs(120);
    let s = h.engine.end(&fan("f2"), &long).unwrap().value.settlement;
    assert_eq!(s.charge.bill.billed_seconds, 150);
    assert_eq!(s.charge.bill.gross, 150);
    assert_eq!(balance(&h, "f2"), 850);
}

pub fn request_rate_overrides_the_default(h: Harness) {
    h.follow("f1", "c1");
    h.credit("f1", 60);
    let mut req = InitiateRequest::new("f1", CallType::Video);
    req.rate_per_minute = Some(25);
    let call = h.engine.initiate(&creator("c1"), &req).unwrap().value;
    assert_eq!(call.rate_per_minute, 25);
    let id = call.id.to_string();
    h.engine.accept(&fan("f1"), &id, None).unwrap();
    h.clock.advance_secs(61);
    let s = h.engine.end(&fan("f1"), &id).unwrap().value.settlement;
    assert_eq!(s.charge.bill.rate_per_minute, 25);
    assert_eq!(s.charge.bill.gross, 50);
    assert_eq!((s.charge.charged, s.charge.shortfall), (50, 0));
    assert_eq!(balance(&h, "f1"), 10);
}

pub fn ledger_off_charges_nothing(mut h: Harness) {
    h.reconfigure(|b| b.ledger(false));
    h.follow("f1", "c1");
    // No start guard without a ledger.
    let id = h.ring("c1", "f1").id.to_string();
    h.engine.accept(&fan("f1"), &id, None).unwrap();
    h.clock.advance_secs(190);
    let s = h.engine.end(&fan("f1"), &id).unwrap().value.settlement;
    assert_eq!(
        (s.charge.bill.gross, s.charge.charged, s.charge.shortfall),
        (40, 40, 0)
    );
    assert_eq!(balance(&h, "f1"), 0);
    assert_eq!(balance(&h, "c1"), 0);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
}

pub fn credit_is_idempotent_and_admin_only(h: Harness) {
    let a = admin();
    let out = h.engine.credit(&a, "f1", 100, "order-1").unwrap();
    assert_eq!(out.value, 100);
    assert!(out.events.is_empty());
    let before = h.dump();
    assert_eq!(
        h.engine.credit(&a, "f1", 100, "order-1").unwrap().value,
        100
    );
    assert_eq!(h.dump(), before, "a repeated credit wrote something");
    assert_eq!(h.engine.credit(&a, "f1", 50, "order-2").unwrap().value, 150);
    // The same reference for another user or amount is a conflict, not a silent replay.
    h.refused_unchanged("CONFLICT", || h.engine.credit(&a, "f2", 50, "order-2"));
    h.refused_unchanged("CONFLICT", || h.engine.credit(&a, "f1", 51, "order-2"));
    assert_eq!(h.engine.credit(&a, "f1", 50, "order-2").unwrap().value, 150);
    for who in [fan("f1"), creator("c1")] {
        h.refused_unchanged("NOT_FOUND", || h.engine.credit(&who, "f1", 10, "order-3"));
    }
    assert_eq!(balance(&h, "f1"), 150);
    assert_eq!(h.engine.ledger_sum(&a).unwrap(), 0);
    let credited: Vec<_> = h
        .audit()
        .into_iter()
        .filter(|r| r.event == "tokens_credited")
        .collect();
    assert_eq!(credited.len(), 2);
    assert_eq!(credited[0].fan_id.as_deref(), Some("f1"));
}

pub fn credit_overflow_is_refused(h: Harness) {
    let a = admin();
    let max = i64::MAX as u64;
    h.engine.credit(&a, "f1", max - 10, "big").unwrap();
    h.refused_unchanged("INVALID_INPUT", || h.engine.credit(&a, "f1", 11, "over"));
    assert_eq!(
        h.engine.credit(&a, "f1", 10, "fill").unwrap().value,
        i64::MAX
    );
    // At most i64::MAX tokens circulate, so no balance can overflow later, whoever is paid.
    h.refused_unchanged("INVALID_INPUT", || h.engine.credit(&a, "f2", 1, "beyond"));
    assert_eq!(balance(&h, fanline::store::ISSUANCE_ACCOUNT), -i64::MAX);
    assert_eq!(h.engine.ledger_sum(&a).unwrap(), 0);
}

pub fn balance_is_private(h: Harness) {
    h.credit("f1", 10);
    assert_eq!(h.engine.balance(&fan("f1"), "f1").unwrap(), 10);
    assert_eq!(h.engine.balance(&fan("f2"), "f2").unwrap(), 0);
    for who in [fan("f2"), creator("c1")] {
        assert_eq!(code_of(&h.engine.balance(&who, "f1")), "NOT_FOUND");
    }
    assert_eq!(code_of(&h.engine.ledger_sum(&fan("f1"))), "NOT_FOUND");
    assert_eq!(code_of(&h.engine.ledger_sum(&creator("c1"))), "NOT_FOUND");
}
