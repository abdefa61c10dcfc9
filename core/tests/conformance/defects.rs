//! The baseline's defects (docs/rules.md section 14), each checked not to come back.

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;

use super::{admin, code_of, creator, fan, Harness};

/// `creators` let every creator see; `private` let related creators see.
pub fn visibility_is_not_inverted(h: Harness) {
    h.follow("f1", "related");
    h.refused_unchanged("PROFILE_PRIVATE", || {
        h.engine.mini_profile(&creator("related"), "f1")
    });
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.refused_unchanged("PROFILE_PRIVATE", || {
        h.engine.mini_profile(&creator("stranger"), "f1")
    });
    assert!(h.engine.mini_profile(&creator("related"), "f1").is_ok());
}

/// A refused call started the cooldown, and the cooldown lived in one process.
pub fn refused_call_does_not_start_the_cooldown(h: Harness) {
    let req = InitiateRequest::new("f1", CallType::Voice);
    let c = creator("c1");
    h.follow("f1", "c1");
    assert_eq!(code_of(&h.engine.initiate(&c, &req)), "INSUFFICIENT_TOKENS");
    h.set("f1", r#"{"allowCalls":"none"}"#);
    h.credit("f1", 100);
    assert_eq!(code_of(&h.engine.initiate(&c, &req)), "CALL_NOT_ALLOWED");
    h.set("f1", r#"{"allowCalls":"interacted"}"#);
    let id = h.engine.initiate(&c, &req).unwrap().value.id.to_string();
    h.engine.cancel(&c, &id).unwrap();
    // The cooldown is in the store: another instance sees it.
    let other = h.builder().build().unwrap();
    let e = other.initiate(&c, &req).unwrap_err();
    assert_eq!(e.code(), "CALL_COOLDOWN");
    assert_eq!(e.retry_after(), Some(60));
}

/// Share tokens stored in plaintext.
pub fn share_tokens_are_not_stored(h: Harness) {
    h.set("f1", r#"{"visibility":"link"}"#);
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(h.engine.enable_share(&fan("f1")).unwrap().value.token);
    }
    let dump = h.dump();
    for t in &tokens {
        assert!(
            !dump.contains(t.as_str()),
            "a share token is stored in plaintext"
        );
    }
}

/// Billing in floating point, no platform split, settlement writes outside a transaction.
pub fn billing_is_integer_and_settled_once(mut h: Harness) {
    h.reconfigure(|b| {
        b.billing(
            fanline::billing::BillingPolicy::new(
                7,
                fanline::billing::Rounding::PerSecond,
                0,
                1_250,
            )
            .unwrap(),
        )
    });
    let (id, _) = h.connect("c1", "f1");
    h.clock.advance_ms(100_999);
    let ended = h.engine.end(&creator("c1"), &id).unwrap().value;
    let json = serde_json::to_value(ended.settlement).unwrap();
    for field in ["charged", "fee", "creatorNet", "shortfall"] {
        assert!(json[field].is_u64(), "{field} is not an integer: {json}");
    }
    for field in ["gross", "billedSeconds", "ratePerMinute"] {
        assert!(
            json["bill"][field].is_u64(),
            "{field} is not an integer: {json}"
        );
    }
    let c = ended.settlement.charge;
    // floor(100 s x 7 / 60) = 11; fee floor(11 x 12.5%) = 1.
    assert_eq!((c.bill.gross, c.fee, c.creator_net), (11, 1, 10));
    assert_eq!(c.charged + c.shortfall, c.bill.gross);
    assert_eq!(c.fee + c.creator_net, c.charged);
    // The ended call and its settlement are seen together.
    let status = h.engine.status(&fan("f1"), &id).unwrap();
    assert_eq!(status.settlement, Some(ended.settlement));
    assert_eq!(h.engine.balance(&admin(), "f1").unwrap(), 989);
    assert_eq!(h.engine.balance(&admin(), "c1").unwrap(), 10);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    assert_eq!(h.engine.end(&fan("f1"), &id).unwrap().value, ended);
}

/// The block was checked in one direction only.
pub fn blocks_work_both_ways(h: Harness) {
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.callable("c1", "f1");
    h.engine
        .record_relationship(&fan("f1"), "c1", RelationshipKind::Messaged)
        .unwrap();
    let req = InitiateRequest::new("f1", CallType::Voice);
    for (blocker, blocked) in [(fan("f1"), "c1"), (creator("c1"), "f1")] {
        h.engine.block(&blocker, blocked).unwrap();
        let c = creator("c1");
        assert_eq!(code_of(&h.engine.mini_profile(&c, "f1")), "BLOCKED");
        assert_eq!(
            code_of(
                &h.engine
                    .record_relationship(&c, "f1", RelationshipKind::Messaged)
            ),
            "BLOCKED"
        );
        assert_eq!(code_of(&h.engine.initiate(&c, &req)), "BLOCKED");
        h.engine.unblock(&blocker, blocked).unwrap();
    }
    assert!(h.engine.initiate(&creator("c1"), &req).is_ok());
}
