//! Mini profiles, decisions, relationships and blocks (docs/rules.md sections 3 and 4).

use fanline::calls::CallType;
use fanline::engine::{InitiateRequest, MAX_BATCH_PAIRS};
use fanline::privacy::{Action, Deny, RelationshipKind, Rule};
use fanline::store::Profile;

use super::{admin, code_of, creator, fan, Harness, T0_MS};

pub fn mini_profile_visibility_rules(h: Harness) {
    let c = creator("c1");
    // Private: nobody but the fan and admins, even a related creator.
    h.follow("f1", "c1");
    assert_eq!(code_of(&h.engine.mini_profile(&c, "f1")), "PROFILE_PRIVATE");
    // Creators: related creators only.
    h.set("f1", r#"{"visibility":"creators"}"#);
    assert!(h.engine.mini_profile(&c, "f1").is_ok());
    assert_eq!(
        code_of(&h.engine.mini_profile(&creator("c2"), "f1")),
        "PROFILE_PRIVATE"
    );
    // Link: as creators.
    h.set("f1", r#"{"visibility":"link"}"#);
    assert!(h.engine.mini_profile(&c, "f1").is_ok());
    assert_eq!(
        code_of(&h.engine.mini_profile(&creator("c2"), "f1")),
        "PROFILE_PRIVATE"
    );
    // Any relationship kind counts.
    for (kind, other) in [
        (RelationshipKind::Tipped, "c3"),
        (RelationshipKind::Purchased, "c4"),
        (RelationshipKind::Messaged, "c5"),
    ] {
        h.engine
            .record_relationship(&fan("f1"), other, kind)
            .unwrap();
        assert!(h.engine.mini_profile(&creator(other), "f1").is_ok());
    }
    // A fan nobody knows looks exactly like a private one.
    let unknown = h.engine.mini_profile(&c, "nobody").unwrap_err();
    let private = h.engine.mini_profile(&creator("c2"), "f1").unwrap_err();
    assert_eq!(unknown, private);
}

pub fn mini_profile_self_and_admin_see_everything(h: Harness) {
    let me = h.engine.mini_profile(&fan("f1"), "f1").unwrap();
    assert_eq!(me.fan_id, "f1");
    assert!(h.engine.mini_profile(&admin(), "f1").is_ok());
    assert_eq!(me.message_decision.rule, Rule::SelfOrAdmin);
}

pub fn mini_profile_needs_a_creator(h: Harness) {
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.engine
        .record_relationship(&fan("f2"), "f1", RelationshipKind::Follow)
        .unwrap();
    assert_eq!(
        code_of(&h.engine.mini_profile(&fan("f2"), "f1")),
        "NOT_CREATOR"
    );
}

pub fn mini_profile_can_message_and_can_call(h: Harness) {
    let c = creator("c1");
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.engine
        .record_relationship(&fan("f1"), "c1", RelationshipKind::Tipped)
        .unwrap();
    // Defaults: interacted for both.
    let p = h.engine.mini_profile(&c, "f1").unwrap();
    assert!(p.can_message && p.can_call);
    assert_eq!(p.message_decision.rule, Rule::AllowDm);
    assert_eq!(p.call_decision.rule, Rule::AllowCalls);

    // `following` needs a follow, a tip is not enough.
    h.set("f1", r#"{"allowDm":"following","allowCalls":"following"}"#);
    let p = h.engine.mini_profile(&c, "f1").unwrap();
    assert!(!p.can_message && !p.can_call);
    assert_eq!(p.message_decision.deny, Some(Deny::DmNotAllowed));
    assert_eq!(p.call_decision.deny, Some(Deny::CallNotAllowed));
    h.follow("f1", "c1");
    let p = h.engine.mini_profile(&c, "f1").unwrap();
    assert!(p.can_message && p.can_call);

    // `none` refuses everyone.
    h.set("f1", r#"{"allowDm":"none"}"#);
    let p = h.engine.mini_profile(&c, "f1").unwrap();
    assert!(!p.can_message && p.can_call);

    // A fan in a connected call cannot be called, by anyone.
    h.connect("c2", "f1");
    let p = h.engine.mini_profile(&c, "f1").unwrap();
    assert!(!p.can_call);
    assert_eq!(p.call_decision.deny, Some(Deny::Busy));
    assert_eq!(p.call_decision.rule, Rule::FanBusy);

    // The calls flag off turns the call button off, with the rule that decided.
    h.engine.flags().set(fanline::Feature::Calls, false);
    let p = h.engine.mini_profile(&c, "f1").unwrap();
    assert!(!p.can_call);
    assert_eq!(p.call_decision.rule, Rule::FeatureFlag);
}

pub fn mini_profile_shows_display_fields_and_relationships(h: Harness) {
    let profile = Profile {
        display_name: "Fan One".into(),
        avatar_url: Some("https://cdn.example/f1.png".into()),
    };
    h.engine.set_profile(&fan("f1"), &profile).unwrap();
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.follow("f1", "c1");
    h.clock.advance_secs(3);
    h.engine
        .record_relationship(&fan("f1"), "c1", RelationshipKind::Purchased)
        .unwrap();
    let p = h.engine.mini_profile(&creator("c1"), "f1").unwrap();
    assert_eq!(p.display_name, "Fan One");
    assert_eq!(p.avatar_url, profile.avatar_url);
    let kinds: Vec<_> = p.relationships.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [RelationshipKind::Follow, RelationshipKind::Purchased]
    );
    assert_eq!(p.relationships[1].first_at_ms, T0_MS + 3_000);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["canMessage"], true);
    assert_eq!(json["canCall"], true);
}

pub fn decide_pairs_is_a_batch_with_reasons(h: Harness) {
    h.set("f1", r#"{"visibility":"creators","allowDm":"following"}"#);
    h.follow("f1", "c1");
    h.engine
        .record_relationship(&fan("f1"), "c2", RelationshipKind::Tipped)
        .unwrap();
    h.engine.block(&fan("f1"), "c3").unwrap();
    let pairs: Vec<(String, String)> = [("c1", "f1"), ("c2", "f1"), ("c3", "f1"), ("c4", "f1")]
        .iter()
        .map(|(c, f)| (c.to_string(), f.to_string()))
        .collect();

    let before = h.dump();
    let view = h.engine.decide_pairs(Action::ViewProfile, &pairs).unwrap();
    let codes: Vec<_> = view.iter().map(|d| d.code()).collect();
    assert_eq!(
        codes,
        [None, None, Some("BLOCKED"), Some("PROFILE_PRIVATE")]
    );
    assert_eq!(view[2].rule, Rule::Block);

    let dm = h.engine.decide_pairs(Action::Message, &pairs).unwrap();
    let codes: Vec<_> = dm.iter().map(|d| d.code()).collect();
    assert_eq!(
        codes,
        [
            None,
            Some("DM_NOT_ALLOWED"),
            Some("BLOCKED"),
            Some("DM_NOT_ALLOWED")
        ]
    );

    let search = h
        .engine
        .decide_pairs(Action::AppearInSearch, &pairs)
        .unwrap();
    assert!(search.iter().all(|d| !d.allowed));
    h.set("f1", r#"{"allowSearch":true}"#);
    let before_search = h.dump();
    let search = h
        .engine
        .decide_pairs(Action::AppearInSearch, &pairs)
        .unwrap();
    let allowed: Vec<_> = search.iter().map(|d| d.allowed).collect();
    assert_eq!(allowed, [true, true, false, true]);
    // A blocked pair is withheld from search as if the fan did not exist.
    assert_eq!(search[2].code(), Some("NOT_FOUND"));
    assert_eq!(search[2].rule, Rule::Block);
    assert_eq!(h.dump(), before_search);

    // The calls flag decides calls for the whole batch.
    h.engine.flags().set(fanline::Feature::Calls, false);
    let calls = h.engine.decide_pairs(Action::Call, &pairs).unwrap();
    assert!(calls.iter().all(|d| d.rule == Rule::FeatureFlag));

    assert!(h.engine.decide_pairs(Action::Call, &[]).unwrap().is_empty());
    assert_ne!(before, h.dump(), "sanity: the settings change was written");
}

pub fn relationship_listing_and_timestamps(h: Harness) {
    h.follow("f1", "c1");
    h.clock.advance_secs(10);
    h.follow("f1", "c1");
    let from_creator = h.engine.relationship(&creator("c1"), "f1").unwrap();
    let from_fan = h.engine.relationship(&fan("f1"), "c1").unwrap();
    assert_eq!(from_creator, from_fan);
    assert_eq!(from_creator.len(), 1, "recording again added a row");
    let r = from_creator[0];
    assert_eq!(r.kind, RelationshipKind::Follow);
    assert_eq!(r.first_at_ms, T0_MS);
    assert_eq!(r.last_interaction_at_ms, T0_MS + 10_000);
    assert!(h
        .engine
        .relationship(&creator("c2"), "f1")
        .unwrap()
        .is_empty());
    h.refused_unchanged("INVALID_INPUT", || h.engine.relationship(&fan("f1"), "f1"));
    h.refused_unchanged("INVALID_INPUT", || h.engine.relationship(&admin(), "f1"));
}

pub fn record_relationship_rules(h: Harness) {
    let f = fan("f1");
    for kind in [
        RelationshipKind::Follow,
        RelationshipKind::Tipped,
        RelationshipKind::Purchased,
        RelationshipKind::Messaged,
    ] {
        let out = h.engine.record_relationship(&f, "c1", kind).unwrap();
        assert!(out.events.is_empty());
    }
    let kinds: Vec<_> = h
        .engine
        .relationship(&f, "c1")
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(kinds.len(), 4);
    // `called` is the engine's to record.
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine
            .record_relationship(&f, "c1", RelationshipKind::Called)
    });
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine
            .record_relationship(&creator("c1"), "f1", RelationshipKind::Called)
    });
    // A creator does not record a fan's follow, tip or purchase.
    for kind in [
        RelationshipKind::Follow,
        RelationshipKind::Tipped,
        RelationshipKind::Purchased,
    ] {
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.record_relationship(&creator("c1"), "f2", kind)
        });
    }
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine
            .record_relationship(&admin(), "f1", RelationshipKind::Follow)
    });
    let audit = h.audit();
    assert_eq!(audit.len(), 4);
    for rec in audit {
        assert_eq!(rec.event, "relationship_recorded");
        assert_eq!(rec.creator_id.as_deref(), Some("c1"));
        assert_eq!(rec.fan_id.as_deref(), Some("f1"));
    }
}

pub fn creator_messaging_is_gated_by_allow_dm(h: Harness) {
    let c = creator("c1");
    let msg = RelationshipKind::Messaged;
    // Default `interacted`: no relationship yet, refused.
    h.refused_unchanged("DM_NOT_ALLOWED", || {
        h.engine.record_relationship(&c, "f1", msg)
    });
    h.engine
        .record_relationship(&fan("f1"), "c1", RelationshipKind::Tipped)
        .unwrap();
    h.engine.record_relationship(&c, "f1", msg).unwrap();
    // `following`: a tip is not a follow.
    h.set("f1", r#"{"allowDm":"following"}"#);
    h.refused_unchanged("DM_NOT_ALLOWED", || {
        h.engine.record_relationship(&c, "f1", msg)
    });
    h.follow("f1", "c1");
    h.engine.record_relationship(&c, "f1", msg).unwrap();
    // `none`.
    h.set("f1", r#"{"allowDm":"none"}"#);
    h.refused_unchanged("DM_NOT_ALLOWED", || {
        h.engine.record_relationship(&c, "f1", msg)
    });
    // A block in either direction beats the setting.
    h.set("f1", r#"{"allowDm":"interacted"}"#);
    h.engine.block(&fan("f1"), "c1").unwrap();
    h.refused_unchanged("BLOCKED", || h.engine.record_relationship(&c, "f1", msg));
    h.engine.unblock(&fan("f1"), "c1").unwrap();
    h.engine.block(&c, "f1").unwrap();
    h.refused_unchanged("BLOCKED", || h.engine.record_relationship(&c, "f1", msg));
}

pub fn unfollow_removes_only_the_follow(h: Harness) {
    let f = fan("f1");
    h.follow("f1", "c1");
    h.engine
        .record_relationship(&f, "c1", RelationshipKind::Tipped)
        .unwrap();
    let out = h.engine.unfollow(&f, "c1").unwrap();
    assert!(out.value);
    assert!(out.events.is_empty());
    let kinds: Vec<_> = h
        .engine
        .relationship(&f, "c1")
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(kinds, [RelationshipKind::Tipped]);
    let before = h.dump();
    assert!(!h.engine.unfollow(&f, "c1").unwrap().value);
    assert!(!h.engine.unfollow(&f, "c9").unwrap().value);
    assert_eq!(h.dump(), before);
    h.refused_unchanged("INVALID_INPUT", || h.engine.unfollow(&creator("c1"), "f1"));
    h.refused_unchanged("INVALID_INPUT", || h.engine.unfollow(&f, "f1"));
    let names = h.audit_names();
    assert_eq!(
        names.last().map(String::as_str),
        Some("relationship_removed")
    );
    // `following` now refuses the creator.
    h.set("f1", r#"{"allowCalls":"following"}"#);
    h.credit("f1", 100);
    assert_eq!(
        code_of(
            &h.engine
                .initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Voice))
        ),
        "CALL_NOT_ALLOWED"
    );
}

pub fn block_and_unblock_both_directions(h: Harness) {
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.callable("c1", "f1");
    let c = creator("c1");
    let f = fan("f1");
    let call = || {
        h.engine
            .initiate(&c, &InitiateRequest::new("f1", CallType::Voice))
    };
    let mut messages = Vec::new();
    for (blocker, other) in [(&f, "c1"), (&c, "f1")] {
        let out = h.engine.block(blocker, other).unwrap();
        assert!(out.value);
        assert!(out.events.is_empty());
        assert!(h.engine.has_blocked(blocker, other).unwrap());
        let before = h.dump();
        assert!(
            !h.engine.block(blocker, other).unwrap().value,
            "double block"
        );
        assert_eq!(h.dump(), before);

        let view = h.engine.mini_profile(&c, "f1").unwrap_err();
        assert_eq!(view.code(), "BLOCKED");
        messages.push(view.to_string());
        let p = h
            .engine
            .decide_pairs(Action::Call, &[("c1".into(), "f1".into())]);
        assert_eq!(p.unwrap()[0].code(), Some("BLOCKED"));
        assert_eq!(code_of(&call()), "BLOCKED");

        assert!(h.engine.unblock(blocker, other).unwrap().value);
        assert!(!h.engine.has_blocked(blocker, other).unwrap());
        let before = h.dump();
        assert!(!h.engine.unblock(blocker, other).unwrap().value);
        assert_eq!(h.dump(), before);
        assert!(h.engine.mini_profile(&c, "f1").is_ok());
    }
    // The message does not say who blocked whom.
    assert_eq!(messages[0], messages[1]);
    // The fan's block is not the creator's.
    h.engine.block(&f, "c1").unwrap();
    assert!(!h.engine.has_blocked(&c, "f1").unwrap());
    h.refused_unchanged("INVALID_INPUT", || h.engine.block(&f, "f1"));
    h.refused_unchanged("INVALID_INPUT", || h.engine.unblock(&c, "c1"));
    let names: Vec<_> = h
        .audit_names()
        .into_iter()
        .filter(|n| n.contains("block"))
        .collect();
    assert_eq!(
        names,
        [
            "user_blocked",
            "user_unblocked",
            "user_blocked",
            "user_unblocked",
            "user_blocked"
        ]
    );
    // The call still works once nobody blocks.
    h.engine.unblock(&f, "c1").unwrap();
    assert!(call().is_ok());
}

pub fn blocks_refuse_new_relationships_both_ways(h: Harness) {
    let c = creator("c1");
    let f = fan("f1");
    h.set("f1", r#"{"allowDm":"interacted"}"#);
    h.follow("f1", "c1");
    for (blocker, other) in [(&f, "c1"), (&c, "f1")] {
        h.engine.block(blocker, other).unwrap();
        h.refused_unchanged("BLOCKED", || {
            h.engine
                .record_relationship(&f, "c1", RelationshipKind::Tipped)
        });
        h.refused_unchanged("BLOCKED", || {
            h.engine
                .record_relationship(&c, "f1", RelationshipKind::Messaged)
        });
        h.engine.unblock(blocker, other).unwrap();
    }
    h.engine
        .record_relationship(&f, "c1", RelationshipKind::Tipped)
        .unwrap();
}

pub fn decide_pairs_batches_are_capped(h: Harness) {
    let pairs = vec![("c1".to_string(), "f1".to_string()); MAX_BATCH_PAIRS];
    assert_eq!(
        h.engine.decide_pairs(Action::Call, &pairs).unwrap().len(),
        MAX_BATCH_PAIRS
    );
    let too_many = vec![("c1".to_string(), "f1".to_string()); MAX_BATCH_PAIRS + 1];
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine.decide_pairs(Action::Call, &too_many)
    });
}
