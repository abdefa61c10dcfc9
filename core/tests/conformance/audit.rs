//! Audit records (docs/rules.md section 12), realtime events (section 6) and secrets.

use fanline::calls::{CallType, Event};
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::store::{AuditRecord, Profile};

use super::{admin, at, code_of, creator, fan, only_event, Harness, CERTIFICATE, SHARE_KEY};

/// The audit records appended since the last call, checked by name.
struct AuditCursor(usize);

impl AuditCursor {
    #[track_caller]
    fn expect(&mut self, h: &Harness, names: &[&str]) -> Vec<AuditRecord> {
        let all = h.audit();
        let new = all[self.0..].to_vec();
        self.0 = all.len();
        let got: Vec<_> = new.iter().map(|r| r.event.as_str()).collect();
        assert_eq!(got, names);
        new
    }
}

#[track_caller]
fn assert_call_record(r: &AuditRecord, id: &str, c: &str, f: &str, offset_ms: i64) {
    assert_eq!(r.call_id.as_deref(), Some(id), "{r:?}");
    assert_eq!(r.creator_id.as_deref(), Some(c));
    assert_eq!(r.fan_id.as_deref(), Some(f));
    assert_eq!(r.call_type.as_deref(), Some("video"));
    assert_eq!(r.timestamp(), at(offset_ms));
}

pub fn every_state_change_is_audited(h: Harness) {
    let mut log = AuditCursor(0);
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    log.expect(&h, &["privacy_updated"]);
    let profile = Profile {
        display_name: "F".into(),
        avatar_url: None,
    };
    h.engine.set_profile(&f, &profile).unwrap();
    log.expect(&h, &["profile_updated"]);
    h.engine.enable_share(&f).unwrap();
    log.expect(&h, &["share_enabled"]);
    h.engine.disable_share(&f).unwrap();
    log.expect(&h, &["share_disabled"]);
    for c in ["c1", "c2", "c3", "c4"] {
        h.follow("f1", c);
    }
    log.expect(&h, &["relationship_recorded"; 4]);
    h.engine
        .record_relationship(&creator("c1"), "f1", RelationshipKind::Messaged)
        .unwrap();
    let r = log.expect(&h, &["relationship_recorded"]);
    assert_eq!(r[0].actor_id.as_deref(), Some("c1"));
    h.engine.unfollow(&f, "c4").unwrap();
    log.expect(&h, &["relationship_removed"]);
    h.engine.block(&f, "c4").unwrap();
    h.engine.unblock(&f, "c4").unwrap();
    log.expect(&h, &["user_blocked", "user_unblocked"]);
    h.credit("f1", 1000);
    log.expect(&h, &["tokens_credited"]);

    h.clock.advance_secs(1);
    let a = h.ring("c1", "f1").id.to_string();
    let r = log.expect(&h, &["call_initiated"]);
    assert_call_record(&r[0], &a, "c1", "f1", 1_000);
    assert_eq!(r[0].actor_id.as_deref(), Some("c1"));
    h.engine.decline(&f, &a).unwrap();
    let r = log.expect(&h, &["call_declined"]);
    assert_call_record(&r[0], &a, "c1", "f1", 1_000);
    assert_eq!(r[0].actor_id.as_deref(), Some("f1"));

    let b = h.ring("c2", "f1").id.to_string();
    h.engine.cancel(&creator("c2"), &b).unwrap();
    log.expect(&h, &["call_initiated", "call_cancelled"]);

    let c = h.ring("c3", "f1").id.to_string();
    h.clock.advance_secs(2);
    h.engine.accept(&f, &c, None).unwrap();
    h.clock.advance_secs(60);
    h.engine.end(&creator("c3"), &c).unwrap();
    let r = log.expect(&h, &["call_initiated", "call_accepted", "call_ended"]);
    assert_call_record(&r[1], &c, "c3", "f1", 3_000);
    assert_call_record(&r[2], &c, "c3", "f1", 63_000);
    let detail: serde_json::Value = serde_json::from_str(r[2].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["gross"], 10);
    assert_eq!(detail["billedSeconds"], 60);

    // Refusals are logged for the metrics; bad input is not.
    let r = h
        .engine
        .initiate(&creator("c9"), &InitiateRequest::new("f1", CallType::Video));
    assert_eq!(code_of(&r), "CALL_NOT_ALLOWED");
    let r = log.expect(&h, &["call_refused"]);
    assert!(r[0].detail.as_deref().unwrap().contains("CALL_NOT_ALLOWED"));
    assert_eq!(r[0].creator_id.as_deref(), Some("c9"));
    let bad = InitiateRequest::new("", CallType::Video);
    assert!(h.engine.initiate(&creator("c3"), &bad).is_err());
    log.expect(&h, &[]);

    h.callable("c2", "f2");
    h.ring("c2", "f2");
    h.clock.advance_secs(120);
    h.engine.expire_due().unwrap();
    let r = log.expect(
        &h,
        &[
            "relationship_recorded",
            "tokens_credited",
            "call_initiated",
            "call_missed",
        ],
    );
    assert_eq!(r[3].actor_id, None);

    // Leaving `link` visibility with a live link revokes it, in the same change.
    h.engine.enable_share(&f).unwrap();
    h.set("f1", r#"{"visibility":"private"}"#);
    log.expect(&h, &["share_enabled", "privacy_updated", "share_disabled"]);

    // Reads and no-ops are not audited.
    h.engine.status(&f, &c).unwrap();
    h.engine.unfollow(&f, "c4").unwrap();
    h.engine.unblock(&f, "c4").unwrap();
    h.engine.end(&f, &c).unwrap();
    log.expect(&h, &[]);
}

pub fn audit_log_pages_and_is_admin_only(h: Harness) {
    for c in ["c1", "c2", "c3", "c4", "c5"] {
        h.follow("f1", c);
    }
    let all = h.audit();
    assert_eq!(all.len(), 5);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    let mut after = 0;
    let mut paged = Vec::new();
    loop {
        let page = h.engine.audit_log(&admin(), after, 2).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().unwrap().seq;
        paged.extend(page);
    }
    assert_eq!(paged, all);
    for who in [fan("f1"), creator("c1")] {
        assert_eq!(code_of(&h.engine.audit_log(&who, 0, 10)), "NOT_FOUND");
    }
}

pub fn events_go_to_the_right_channels(h: Harness) {
    for c in ["c1", "c2", "c3"] {
        h.callable(c, "f1");
    }
    let f = fan("f1");
    let out = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Video))
        .unwrap();
    let id = out.value.id.to_string();
    only_event(&out.events, "call:request", "f1");
    let out = h.engine.decline(&f, &id).unwrap();
    let e = only_event(&out.events, "call:rejected", "c1");
    assert_eq!(e.payload["callId"], id);

    let id = h.ring("c2", "f1").id.to_string();
    let out = h.engine.cancel(&creator("c2"), &id).unwrap();
    let e = only_event(&out.events, "call:cancelled", "f1");
    assert_eq!(e.payload["callId"], id);

    let id = h.ring("c3", "f1").id.to_string();
    let out = h.engine.accept(&f, &id, None).unwrap();
    let e = only_event(&out.events, "call:accepted", "c3");
    assert_eq!(e.payload["callId"], id);
    assert_eq!(e.payload["fanId"], "f1");
    let out = h.engine.end(&f, &id).unwrap();
    only_event(&out.events, "call:ended", "c3");

    // Operations outside calls publish nothing.
    assert!(h.engine.block(&f, "c9").unwrap().events.is_empty());
    assert!(h
        .engine
        .credit(&admin(), "f1", 1, "x")
        .unwrap()
        .events
        .is_empty());
}

fn leaks(haystack: &str, token: &str) -> bool {
    // The whole token, or its last 24 characters (the signature part).
    haystack.contains(token) || haystack.contains(&token[token.len() - 24..])
}

pub fn tokens_never_leak(h: Harness) {
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    let link = h.engine.enable_share(&f).unwrap();
    let share_token = link.value.token.clone();
    let mut texts = vec![format!("{link:?}")];
    h.callable("c1", "f1");
    let initiated = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Video))
        .unwrap();
    let id = initiated.value.id.to_string();
    let accepted = h.engine.accept(&f, &id, None).unwrap();
    let refreshed = h.engine.refresh_token(&creator("c1"), &id).unwrap();
    let tokens = [
        share_token.clone(),
        accepted.value.fan.token.clone(),
        accepted.value.creator.token.clone(),
        refreshed.token.clone(),
    ];
    h.clock.advance_secs(61);
    let ended = h.engine.end(&f, &id).unwrap();
    h.engine.disable_share(&f).unwrap();
    let dead = h.engine.resolve_share(&share_token).unwrap_err();

    let mut events: Vec<Event> = Vec::new();
    events.extend(initiated.events.iter().cloned());
    events.extend(accepted.events.iter().cloned());
    events.extend(ended.events.iter().cloned());
    texts.push(format!("{accepted:?}"));
    texts.push(format!("{refreshed:?}"));
    texts.push(format!("{ended:?}"));
    texts.push(format!("{dead:?} {dead}"));
    texts.push(serde_json::to_string(&dead).unwrap());
    for e in &events {
        texts.push(format!("{e:?}"));
        texts.push(serde_json::to_string(e).unwrap());
    }
    for r in h.audit() {
        texts.push(format!("{r:?}"));
        texts.push(serde_json::to_string(&r).unwrap());
    }
    texts.push(h.dump());
    texts.push(format!("{:?}", h.engine));
    for t in &texts {
        for token in &tokens {
            assert!(!leaks(t, token), "a token leaked into: {t}");
        }
    }
    // Nor the secrets the tokens are made with.
    let engine_debug = format!("{:?}", h.engine);
    assert!(!engine_debug.contains(CERTIFICATE));
    assert!(!engine_debug
        .to_lowercase()
        .contains(&CERTIFICATE.to_lowercase()));
    assert!(!engine_debug.contains(&format!("{:?}", &SHARE_KEY[..8])));
}
