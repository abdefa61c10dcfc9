//! The call state machine (docs/rules.md section 6): every legal transition and the illegal ones.

use std::collections::BTreeSet;

use fanline::agora::{agora_uid, inspect_token};
use fanline::calls::{CallState, CallType, InvitationState};
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;

use super::{admin, at, code_of, creator, fan, only_event, Harness, CERTIFICATE, T0_MS};

pub fn call_lifecycle_end_to_end(h: Harness) {
    h.callable("c1", "f1");
    let c = creator("c1");
    let f = fan("f1");
    let mut req = InitiateRequest::new("f1", CallType::Voice);
    req.message = Some("hi there\nit's me".into());
    let out = h.engine.initiate(&c, &req).unwrap();
    let call = out.value;
    assert_eq!(call.state, CallState::Ringing);
    assert_eq!(call.invitation, InvitationState::Pending);
    assert_eq!(call.creator_id.as_str(), "c1");
    assert_eq!(call.fan_id.as_str(), "f1");
    assert_eq!(call.call_type, CallType::Voice);
    assert_eq!(call.created_at, at(0));
    assert_eq!(call.expires_at, at(120_000));
    assert_eq!(
        call.channel,
        format!("call_{}", call.id.to_string().replace('-', ""))
    );
    assert_eq!(call.channel.len(), 37);
    let request = only_event(&out.events, "call:request", "f1");
    let p = &request.payload;
    assert_eq!(p["callId"], call.id.to_string());
    assert_eq!(p["creatorId"], "c1");
    assert_eq!(p["callType"], "voice");
    assert_eq!(p["expiresAt"], at(120_000));
    assert_eq!(p["message"], "hi there\nit's me");

    let id = call.id.to_string();
    let pending = h.engine.pending(&f).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, call.id);
    assert!(h.engine.pending(&c).unwrap().is_empty());
    for who in [&c, &f, &admin()] {
        let s = h.engine.status(who, &id).unwrap();
        assert_eq!(s.call.state, CallState::Ringing);
        assert_eq!(s.settlement, None);
    }

    h.clock.advance_secs(10);
    let out = h.engine.accept(&f, &id, None).unwrap();
    let accepted = out.value;
    assert_eq!(accepted.call.state, CallState::Connected);
    assert_eq!(accepted.call.invitation, InvitationState::Accepted);
    assert_eq!(accepted.call.connected_at, Some(at(10_000)));
    let e = only_event(&out.events, "call:accepted", "c1");
    assert_eq!(e.payload["callId"], id);
    assert_eq!(e.payload["fanId"], "f1");
    assert!(h.engine.pending(&f).unwrap().is_empty());
    // A connected call records `called`.
    let kinds: Vec<_> = h
        .engine
        .relationship(&c, "f1")
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    assert!(kinds.contains(&RelationshipKind::Called), "{kinds:?}");

    // 3 min 10 s bills 4 started minutes at the default 10 tokens/min.
    h.clock.advance_secs(190);
    let out = h.engine.end(&f, &id).unwrap();
    let ended = out.value;
    assert_eq!(ended.call.state, CallState::Ended);
    assert_eq!(ended.call.finished_at, Some(at(200_000)));
    let s = ended.settlement;
    assert_eq!(s.call_id, call.id);
    assert_eq!(s.charge.bill.billed_seconds, 190);
    assert_eq!(s.charge.bill.billed_minutes, 4);
    assert_eq!(s.charge.bill.gross, 40);
    assert_eq!(s.charge.charged, 40);
    assert_eq!(s.settled_at_ms, T0_MS + 200_000);
    let e = only_event(&out.events, "call:ended", "c1");
    assert_eq!(e.payload["callId"], id);
    assert_eq!(e.payload["settlement"]["bill"]["gross"], 40);
    assert_eq!(e.payload["settlement"]["charged"], 40);

    let status = h.engine.status(&c, &id).unwrap();
    assert_eq!(status.call.state, CallState::Ended);
    assert_eq!(status.settlement, Some(s));
    assert_eq!(h.engine.balance(&f, "f1").unwrap(), 960);
    assert_eq!(h.engine.balance(&c, "c1").unwrap(), 40);
    for who in [&c, &f] {
        let page = h.engine.history(who, None, 10).unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].id, call.id);
        assert_eq!(page.next_cursor, None);
    }
}

pub fn accepted_tokens_verify_with_stable_uids(h: Harness) {
    let (id, accepted) = h.connect("c1", "f1");
    let channel = accepted.call.channel.clone();
    assert_eq!(accepted.fan.uid, agora_uid("f1").unwrap());
    assert_eq!(accepted.creator.uid, agora_uid("c1").unwrap());
    assert_ne!(accepted.fan.uid, accepted.creator.uid);
    // 1000 tokens at 10 per minute afford 100 minutes: the call's limit, and the tokens
    // expire a minute after it (not after a fixed 2 h).
    assert_eq!(
        accepted.call.limit_at.as_deref(),
        Some(at(6_000_000).as_str())
    );
    for join in [&accepted.fan, &accepted.creator] {
        assert_eq!(join.app_id, super::APP_ID);
        assert_eq!(join.channel, channel);
        assert_eq!(join.expires_at, at(6_060_000));
        let t = inspect_token(&join.token, Some(CERTIFICATE)).unwrap();
        assert_eq!(t.signature_valid, Some(true));
        assert_eq!(t.channel.as_deref(), Some(channel.as_str()));
        assert_eq!(t.numeric_uid, Some(join.uid));
        assert_eq!(t.expire, 6_060);
        assert_eq!(i64::from(t.issue_ts), T0_MS / 1000);
        // Publisher: join plus the three publish privileges.
        assert_eq!(t.services[0].privileges.len(), 4);
    }
    // The uids are the same on the next call between them.
    h.engine.end(&fan("f1"), &id).unwrap();
    h.clock.advance_secs(61);
    let id2 = h.ring("c1", "f1").id.to_string();
    let again = h.engine.accept(&fan("f1"), &id2, None).unwrap().value;
    assert_eq!(again.fan.uid, accepted.fan.uid);
    assert_ne!(again.fan.channel, channel);
}

pub fn accept_after_decline_is_invalid_state(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    let out = h.engine.decline(&fan("f1"), &id).unwrap();
    assert_eq!(out.value.state, CallState::Declined);
    assert_eq!(out.value.invitation, InvitationState::Declined);
    only_event(&out.events, "call:rejected", "c1");
    h.refused_unchanged("INVALID_STATE", || h.engine.accept(&fan("f1"), &id, None));
    h.refused_unchanged("INVALID_STATE", || h.engine.decline(&fan("f1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.cancel(&creator("c1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.end(&fan("f1"), &id));
    assert_eq!(h.state_of("c1", &id), "declined");
}

pub fn end_before_accept_is_invalid_state(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    h.refused_unchanged("INVALID_STATE", || h.engine.end(&creator("c1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.end(&fan("f1"), &id));
    assert_eq!(h.state_of("c1", &id), "ringing");
    assert!(h.engine.accept(&fan("f1"), &id, None).is_ok());
}

pub fn double_end_returns_the_same_settlement(h: Harness) {
    let (id, _) = h.connect("c1", "f1");
    h.clock.advance_secs(61);
    let first = h.engine.end(&creator("c1"), &id).unwrap();
    only_event(&first.events, "call:ended", "f1");
    let after_first = h.dump();
    h.clock.advance_secs(30);
    for who in [creator("c1"), fan("f1")] {
        let again = h.engine.end(&who, &id).unwrap();
        assert_eq!(again.value.settlement, first.value.settlement);
        assert_eq!(again.value.call, first.value.call);
        assert!(again.events.is_empty(), "a repeated end published again");
    }
    assert_eq!(h.dump(), after_first, "a repeated end wrote something");
    assert_eq!(h.engine.balance(&fan("f1"), "f1").unwrap(), 980);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    let ended = h
        .audit_names()
        .iter()
        .filter(|n| *n == "call_ended")
        .count();
    assert_eq!(ended, 1);
}

pub fn accept_after_expiry_without_sweeper(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    h.clock.advance_ms(119_999);
    assert_eq!(h.engine.pending(&fan("f1")).unwrap().len(), 1);
    h.clock.advance_ms(1);
    assert!(h.engine.pending(&fan("f1")).unwrap().is_empty());
    h.refused_unchanged("INVITATION_EXPIRED", || {
        h.engine.accept(&fan("f1"), &id, None)
    });
    let e = h.engine.accept(&fan("f1"), &id, None).unwrap_err();
    assert_eq!(e.http_status(), 410);
    // The sweeper then marks it missed and tells both sides.
    let out = h.engine.expire_due().unwrap();
    assert_eq!(out.value, [id.as_str()]);
    let channels: BTreeSet<_> = out.events.iter().map(|e| e.channel.as_str()).collect();
    assert_eq!(channels, BTreeSet::from(["user:c1", "user:f1"]));
    assert!(out.events.iter().all(|e| e.name == "call:missed"));
    assert!(out.events.iter().all(|e| e.payload["callId"] == id));
    let s = h.engine.status(&fan("f1"), &id).unwrap();
    assert_eq!(s.call.state, CallState::Missed);
    assert_eq!(s.call.invitation, InvitationState::Expired);
    h.refused_unchanged("INVALID_STATE", || h.engine.accept(&fan("f1"), &id, None));
    assert_eq!(
        h.audit_names().last().map(String::as_str),
        Some("call_missed")
    );
}

pub fn decline_and_cancel_after_expiry(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    h.callable("c2", "f2");
    let id2 = h.ring("c2", "f2").id.to_string();
    h.clock.advance_secs(120);
    // Past its time, swept or not, an invitation stops ringing as missed, never as a late
    // decline or cancel.
    for (out, other) in [
        (h.engine.decline(&fan("f1"), &id).unwrap(), &id),
        (h.engine.cancel(&creator("c2"), &id2).unwrap(), &id2),
    ] {
        assert_eq!(out.value.state, CallState::Missed);
        assert_eq!(out.value.invitation, InvitationState::Expired);
        assert_eq!(out.value.finished_at, Some(at(120_000)));
        assert_eq!(out.events.len(), 2);
        assert!(out.events.iter().all(|e| e.name == "call:missed"));
        assert_eq!(
            h.engine.status(&fan("f1"), &id).unwrap().call.state,
            CallState::Missed
        );
        assert_eq!(out.value.id.to_string(), *other);
    }
    h.refused_unchanged("INVALID_STATE", || h.engine.decline(&fan("f1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.cancel(&creator("c2"), &id2));
    assert!(h.engine.expire_due().unwrap().value.is_empty());
    let names = h.audit_names();
    assert_eq!(names.iter().filter(|n| *n == "call_missed").count(), 2);
    assert!(!names
        .iter()
        .any(|n| n == "call_declined" || n == "call_cancelled"));
}

pub fn expire_due_marks_missed_at_the_boundary(h: Harness) {
    h.callable("c1", "f1");
    h.callable("c2", "f2");
    let first = h.ring("c1", "f1").id.to_string();
    h.clock.advance_secs(30);
    let second = h.ring("c2", "f2").id.to_string();
    h.clock.advance_ms(89_999);
    let out = h.engine.expire_due().unwrap();
    assert!(out.value.is_empty() && out.events.is_empty());
    assert_eq!(h.state_of("c1", &first), "ringing");
    h.clock.advance_ms(1);
    assert_eq!(h.engine.expire_due().unwrap().value, [first.as_str()]);
    assert_eq!(h.state_of("c2", &second), "ringing");
    h.clock.advance_secs(30);
    assert_eq!(h.engine.expire_due().unwrap().value, [second.as_str()]);
    assert!(h.engine.expire_due().unwrap().value.is_empty());
    // Answered calls are never swept.
    let (connected, _) = h.connect("c3", "f3");
    h.clock.advance_secs(600);
    assert!(h.engine.expire_due().unwrap().value.is_empty());
    assert_eq!(h.state_of("c3", &connected), "connected");
}

pub fn expired_invitation_does_not_keep_the_creator_busy(h: Harness) {
    h.callable("c1", "f1");
    h.callable("c1", "f2");
    let first = h.ring("c1", "f1").id.to_string();
    let r = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f2", CallType::Video));
    assert_eq!(code_of(&r), "BUSY");
    h.clock.advance_secs(120);
    // A refused attempt (here: a fan who does not take calls) leaves the stale invitation to
    // the sweeper, rather than marking it missed without publishing its events.
    let refused = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f9", CallType::Video));
    assert_eq!(code_of(&refused), "CALL_NOT_ALLOWED");
    assert_eq!(h.state_of("c1", &first), "ringing");
    // The sweeper has not run: the expired invitation must not keep the creator busy.
    let out = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f2", CallType::Video))
        .unwrap();
    assert_eq!(out.value.state, CallState::Ringing);
    assert_eq!(h.state_of("c1", &first), "missed");
    let names: Vec<_> = out
        .events
        .iter()
        .map(|e| (e.name, e.channel.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("call:missed", "user:c1"),
            ("call:missed", "user:f1"),
            ("call:request", "user:f2")
        ]
    );
    // Exactly one call of the creator is still ringing.
    let ringing = h
        .engine
        .history(&creator("c1"), None, 10)
        .unwrap()
        .items
        .iter()
        .filter(|c| c.state == CallState::Ringing)
        .count();
    assert_eq!(ringing, 1);
}

pub fn cancel_after_accept_is_invalid_state(h: Harness) {
    let (id, _) = h.connect("c1", "f1");
    h.refused_unchanged("INVALID_STATE", || h.engine.cancel(&creator("c1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.decline(&fan("f1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.accept(&fan("f1"), &id, None));
    assert_eq!(h.state_of("c1", &id), "connected");
    // Cancel while ringing works and tells the fan.
    h.callable("c2", "f2");
    let id2 = h.ring("c2", "f2").id.to_string();
    let out = h.engine.cancel(&creator("c2"), &id2).unwrap();
    assert_eq!(out.value.state, CallState::Cancelled);
    assert_eq!(out.value.invitation, InvitationState::Cancelled);
    only_event(&out.events, "call:cancelled", "f2");
    h.refused_unchanged("INVALID_STATE", || h.engine.accept(&fan("f2"), &id2, None));
}

pub fn wrong_side_transitions_are_invalid_state(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    h.refused_unchanged("INVALID_STATE", || h.engine.decline(&creator("c1"), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.cancel(&fan("f1"), &id));
    h.refused_unchanged("INVALID_STATE", || {
        h.engine.accept(&creator("c1"), &id, None)
    });
    // Admins read any call but do not act in one.
    for op in [
        h.engine.accept(&admin(), &id, None).map(|_| ()),
        h.engine.decline(&admin(), &id).map(|_| ()),
        h.engine.cancel(&admin(), &id).map(|_| ()),
    ] {
        assert_eq!(code_of(&op), "INVALID_STATE");
    }
    h.engine.accept(&fan("f1"), &id, None).unwrap();
    h.refused_unchanged("INVALID_STATE", || h.engine.end(&admin(), &id));
    h.refused_unchanged("INVALID_STATE", || h.engine.refresh_token(&admin(), &id));
    assert_eq!(h.state_of("c1", &id), "connected");
}

pub fn non_participants_get_not_found(h: Harness) {
    h.callable("c1", "f1");
    let ringing = h.ring("c1", "f1").id.to_string();
    let (connected, _) = h.connect("c2", "f2");
    let unknown = "6f1c2b7e-4d3a-4b8e-9f00-0123456789ab".to_string();
    let outsiders = [fan("f9"), creator("c9"), fan("f2"), creator("c2")];
    for id in [&ringing, &unknown] {
        for who in &outsiders {
            h.refused_unchanged("NOT_FOUND", || h.engine.accept(who, id, None));
            h.refused_unchanged("NOT_FOUND", || h.engine.decline(who, id));
            h.refused_unchanged("NOT_FOUND", || h.engine.cancel(who, id));
            h.refused_unchanged("NOT_FOUND", || h.engine.status(who, id));
        }
    }
    for who in [fan("f1"), creator("c1"), fan("f9")] {
        h.refused_unchanged("NOT_FOUND", || h.engine.end(&who, &connected));
        h.refused_unchanged("NOT_FOUND", || h.engine.refresh_token(&who, &connected));
        h.refused_unchanged("NOT_FOUND", || h.engine.status(&who, &connected));
    }
    // Outsiders see none of it in their lists.
    assert!(h
        .engine
        .history(&fan("f9"), None, 100)
        .unwrap()
        .items
        .is_empty());
    assert!(h.engine.pending(&fan("f9")).unwrap().is_empty());
    assert_eq!(
        h.engine.history(&fan("f1"), None, 100).unwrap().items.len(),
        1
    );
    // Same error whether the call exists or not.
    let a = h.engine.status(&fan("f9"), &ringing).unwrap_err();
    let b = h.engine.status(&fan("f9"), &unknown).unwrap_err();
    assert_eq!(a, b);
}

pub fn refresh_token_only_while_connected(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    h.refused_unchanged("INVALID_STATE", || h.engine.refresh_token(&fan("f1"), &id));
    let accepted = h.engine.accept(&fan("f1"), &id, None).unwrap().value;
    h.clock.advance_secs(3_600);
    let before = h.dump();
    for (who, expected_uid) in [
        (fan("f1"), accepted.fan.uid),
        (creator("c1"), accepted.creator.uid),
    ] {
        let join = h.engine.refresh_token(&who, &id).unwrap();
        assert_eq!(join.uid, expected_uid);
        assert_eq!(join.channel, accepted.call.channel);
        // The call's limit (100 minutes, what 1000 tokens afford) plus a minute.
        assert_eq!(join.expires_at, at(6_060 * 1000));
        let t = inspect_token(&join.token, Some(CERTIFICATE)).unwrap();
        assert_eq!(t.signature_valid, Some(true));
        assert_eq!(t.numeric_uid, Some(expected_uid));
        assert_eq!(i64::from(t.issue_ts), T0_MS / 1000 + 3_600);
    }
    assert_eq!(h.dump(), before, "refreshing a token wrote something");
    // Past the call's limit there is nothing left to join.
    h.clock.advance_secs(2_400);
    h.refused_unchanged("INVALID_STATE", || h.engine.refresh_token(&fan("f1"), &id));
    h.engine.end(&creator("c1"), &id).unwrap();
    h.refused_unchanged("INVALID_STATE", || h.engine.refresh_token(&fan("f1"), &id));
}

pub fn initiate_refusals(h: Harness) {
    let c = creator("c1");
    let req = InitiateRequest::new("f1", CallType::Video);
    let initiate = |who: &fanline::Actor| h.engine.initiate(who, &req);
    // A fan cannot call.
    assert_eq!(code_of(&initiate(&fan("f2"))), "NOT_CREATOR");
    assert_eq!(code_of(&initiate(&admin())), "NOT_CREATOR");
    // No relationship: `interacted` refuses.
    h.credit("f1", 100);
    assert_eq!(code_of(&initiate(&c)), "CALL_NOT_ALLOWED");
    // `following` with only a tip.
    h.engine
        .record_relationship(&fan("f1"), "c1", RelationshipKind::Tipped)
        .unwrap();
    h.set("f1", r#"{"allowCalls":"following"}"#);
    assert_eq!(code_of(&initiate(&c)), "CALL_NOT_ALLOWED");
    h.set("f1", r#"{"allowCalls":"none"}"#);
    h.follow("f1", "c1");
    assert_eq!(code_of(&initiate(&c)), "CALL_NOT_ALLOWED");
    h.set("f1", r#"{"allowCalls":"following"}"#);
    // Blocks either way.
    h.engine.block(&fan("f1"), "c1").unwrap();
    assert_eq!(code_of(&initiate(&c)), "BLOCKED");
    h.engine.unblock(&fan("f1"), "c1").unwrap();
    // Calling oneself.
    let me = InitiateRequest::new("c1", CallType::Voice);
    h.refused_unchanged("INVALID_INPUT", || h.engine.initiate(&c, &me));
    // None of the refusals created a call or started anything.
    assert!(h.engine.history(&c, None, 100).unwrap().items.is_empty());
    assert!(initiate(&c).is_ok());
    let refused: Vec<_> = h
        .audit()
        .into_iter()
        .filter(|r| r.event == "call_refused")
        .map(|r| r.detail.unwrap_or_default())
        .collect();
    // The role refusals come before the rate limits and are only counted; the rest are
    // audited.
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert!(refused[0].contains("CALL_NOT_ALLOWED"));
    assert!(refused[3].contains("BLOCKED"));
    let counted = h.engine.refusal_counts(&admin(), None, None).unwrap();
    assert_eq!(counted.len(), 1);
    assert_eq!(
        (counted[0].code.as_str(), counted[0].count),
        ("NOT_CREATOR", 2)
    );
}

pub fn busy_creator_and_busy_fan(h: Harness) {
    h.callable("c1", "f1");
    h.callable("c1", "f2");
    h.callable("c2", "f1");
    h.callable("c3", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    // A ringing creator is busy.
    let r = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f2", CallType::Voice));
    assert_eq!(code_of(&r), "BUSY");
    // A fan may have several invitations; accepting one makes the others busy.
    let other = h.ring("c2", "f1").id.to_string();
    h.engine.accept(&fan("f1"), &id, None).unwrap();
    h.refused_unchanged("BUSY", || h.engine.accept(&fan("f1"), &other, None));
    // A fan in a connected call cannot be called.
    let r = h
        .engine
        .initiate(&creator("c3"), &InitiateRequest::new("f1", CallType::Voice));
    assert_eq!(code_of(&r), "BUSY");
    // A connected creator is busy too.
    let r = h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f2", CallType::Voice));
    assert_eq!(code_of(&r), "BUSY");
    // Once it ends, both are free.
    h.engine.end(&fan("f1"), &id).unwrap();
    assert!(h.engine.accept(&fan("f1"), &other, None).is_ok());
    assert!(h
        .engine
        .initiate(&creator("c1"), &InitiateRequest::new("f2", CallType::Voice))
        .is_ok());
}

pub fn pending_lists_live_invitations_newest_first(h: Harness) {
    for c in ["c1", "c2", "c3"] {
        h.callable(c, "f1");
    }
    let a = h.ring("c1", "f1").id;
    h.clock.advance_secs(60);
    let b = h.ring("c2", "f1").id;
    h.clock.advance_secs(1);
    let c = h.ring("c3", "f1").id;
    h.engine.cancel(&creator("c3"), &c.to_string()).unwrap();
    let ids: Vec<_> = h
        .engine
        .pending(&fan("f1"))
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(ids, [b, a]);
    h.clock.advance_secs(59);
    let ids: Vec<_> = h
        .engine
        .pending(&fan("f1"))
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(ids, [b], "an expired invitation is still pending");
}

pub fn history_paginates_newest_first(h: Harness) {
    // Seven calls, three of them in the same millisecond (ties broken by id).
    let fans = ["f1", "f2", "f3", "f4", "f5", "f6", "f7"];
    let mut made = Vec::new();
    for (i, f) in fans.iter().enumerate() {
        h.callable("c1", f);
        if i % 3 == 0 {
            h.clock.advance_secs(1);
        }
        let id = h.ring("c1", f).id;
        h.engine.cancel(&creator("c1"), &id.to_string()).unwrap();
        made.push(id);
    }
    let c = creator("c1");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = h.engine.history(&c, cursor.as_deref(), 3).unwrap();
        pages += 1;
        assert!(page.items.len() <= 3);
        seen.extend(page.items.iter().map(|v| (v.created_at.clone(), v.id)));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 7);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "history is not newest first");
    let ids: BTreeSet<_> = seen.iter().map(|(_, id)| *id).collect();
    assert_eq!(
        ids,
        made.iter().copied().collect(),
        "pages skipped or repeated a call"
    );
    // An exact page boundary has no next cursor.
    let all = h.engine.history(&c, None, 7).unwrap();
    assert_eq!(all.items.len(), 7);
    assert_eq!(all.next_cursor, None);
    let one = h.engine.history(&fan("f4"), None, 100).unwrap();
    assert_eq!(one.items.len(), 1);
    assert_eq!(one.items[0].id, made[3]);
}

pub fn reads_change_nothing(h: Harness) {
    let (id, _) = h.connect("c1", "f1");
    h.set("f1", r#"{"visibility":"creators"}"#);
    let before = h.dump();
    let c = creator("c1");
    let f = fan("f1");
    h.engine.status(&c, &id).unwrap();
    h.engine.pending(&f).unwrap();
    h.engine.history(&f, None, 10).unwrap();
    h.engine.mini_profile(&c, "f1").unwrap();
    h.engine.settings(&f).unwrap();
    h.engine.relationship(&c, "f1").unwrap();
    h.engine.has_blocked(&c, "f1").unwrap();
    h.engine.balance(&f, "f1").unwrap();
    h.engine.ledger_sum(&admin()).unwrap();
    h.engine.audit_log(&admin(), 0, 10).unwrap();
    h.engine.profile("f1").unwrap();
    h.engine.refresh_token(&c, &id).unwrap();
    h.engine
        .decide_pairs(
            fanline::privacy::Action::Call,
            &[("c1".into(), "f1".into())],
        )
        .unwrap();
    assert_eq!(h.dump(), before);
}
