//! Privacy settings, display profiles and share links (docs/rules.md sections 2 and 5).

use fanline::privacy::{Audience, PrivacySettings, SettingsPatch, Visibility};
use fanline::share::ShareKeyRing;
use fanline::store::Profile;

use super::{at, code_of, fan, Harness, SHARE_KEY};

pub fn settings_default_to_private(h: Harness) {
    let before = h.dump();
    let s = h.engine.settings(&fan("f1")).unwrap();
    assert_eq!(s, PrivacySettings::default());
    assert_eq!(s.visibility, Visibility::Private);
    assert_eq!(s.allow_dm, Audience::Interacted);
    assert_eq!(s.allow_calls, Audience::Interacted);
    assert!(!s.searchable);
    assert_eq!(h.dump(), before, "reading settings wrote something");
}

pub fn update_settings_is_partial_and_audited(h: Harness) {
    let f = fan("f1");
    let patch = SettingsPatch::from_json(r#"{"visibility":"creators"}"#).unwrap();
    let out = h.engine.update_settings(&f, &patch).unwrap();
    assert!(out.events.is_empty());
    assert_eq!(out.value.visibility, Visibility::Creators);
    assert_eq!(out.value.allow_dm, Audience::Interacted);

    h.clock.advance_secs(5);
    let patch = SettingsPatch::from_json(r#"{"allowDm":"none","allowSearch":true}"#).unwrap();
    let s = h.engine.update_settings(&f, &patch).unwrap().value;
    assert_eq!(
        s.visibility,
        Visibility::Creators,
        "a patch kept an untouched field"
    );
    assert_eq!(s.allow_dm, Audience::None);
    assert!(s.searchable);
    assert_eq!(h.engine.settings(&f).unwrap(), s);
    // Another fan is untouched.
    assert_eq!(
        h.engine.settings(&fan("f2")).unwrap(),
        PrivacySettings::default()
    );

    let audit = h.audit();
    assert_eq!(audit.len(), 2);
    for (rec, offset) in audit.iter().zip([0, 5_000]) {
        assert_eq!(rec.event, "privacy_updated");
        assert_eq!(rec.fan_id.as_deref(), Some("f1"));
        assert_eq!(rec.actor_id.as_deref(), Some("f1"));
        assert_eq!(rec.timestamp(), at(offset));
        // The role, so that the metrics count fans only.
        assert!(rec.detail.as_deref().unwrap().contains(r#""role":"fan""#));
    }
}

pub fn update_settings_without_change_writes_nothing(h: Harness) {
    let f = fan("f1");
    let before = h.dump();
    let empty = SettingsPatch::default();
    assert_eq!(
        h.engine.update_settings(&f, &empty).unwrap().value,
        PrivacySettings::default()
    );
    let same = SettingsPatch::from_json(r#"{"visibility":"private"}"#).unwrap();
    h.engine.update_settings(&f, &same).unwrap();
    assert_eq!(h.dump(), before);
}

pub fn set_profile_round_trips_and_is_audited(h: Harness) {
    let profile = Profile {
        display_name: "Ana Lúcia".into(),
        avatar_url: Some("https://cdn.example/a.png".into()),
    };
    assert_eq!(h.engine.profile("f1").unwrap(), None);
    let out = h.engine.set_profile(&fan("f1"), &profile).unwrap();
    assert_eq!(out.value, profile);
    assert!(out.events.is_empty());
    assert_eq!(h.engine.profile("f1").unwrap(), Some(profile.clone()));
    let renamed = Profile {
        display_name: "Ana".into(),
        avatar_url: None,
    };
    h.engine.set_profile(&fan("f1"), &renamed).unwrap();
    assert_eq!(h.engine.profile("f1").unwrap(), Some(renamed));
    assert_eq!(h.audit_names(), ["profile_updated", "profile_updated"]);
}

pub fn share_needs_link_visibility(h: Harness) {
    let f = fan("f1");
    h.refused_unchanged("INVALID_STATE", || h.engine.enable_share(&f));
    h.set("f1", r#"{"visibility":"creators"}"#);
    h.refused_unchanged("INVALID_STATE", || h.engine.enable_share(&f));
    h.set("f1", r#"{"visibility":"link"}"#);
    assert!(h.engine.enable_share(&f).is_ok());
}

pub fn share_enable_resolve_disable(h: Harness) {
    let f = fan("f1");
    h.engine
        .set_profile(
            &f,
            &Profile {
                display_name: "Fan One".into(),
                avatar_url: None,
            },
        )
        .unwrap();
    h.set("f1", r#"{"visibility":"link"}"#);
    let link = h.engine.enable_share(&f).unwrap();
    assert!(link.events.is_empty());
    let link = link.value;
    assert_eq!(link.expires_at, at(30 * 24 * 3600 * 1000));
    assert!(link
        .token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));

    let card = h.engine.resolve_share(&link.token).unwrap();
    assert_eq!(card.display_name, "Fan One");
    assert_eq!(card.avatar_url, None);
    assert_eq!(card.expires_at, link.expires_at);
    // The card is public and carries display fields only.
    let json = serde_json::to_value(&card).unwrap();
    let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["avatarUrl", "displayName", "expiresAt"]);

    assert!(h.engine.disable_share(&f).unwrap().value);
    assert_eq!(
        code_of(&h.engine.resolve_share(&link.token)),
        "NOT_FOUND",
        "a disabled link still resolves"
    );
    assert_eq!(
        h.audit_names()
            .into_iter()
            .filter(|e| e.starts_with("share_"))
            .collect::<Vec<_>>(),
        ["share_enabled", "share_disabled"]
    );
}

pub fn share_reenable_kills_older_links(h: Harness) {
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    let t1 = h.engine.enable_share(&f).unwrap().value.token;
    let t2 = h.engine.enable_share(&f).unwrap().value.token;
    assert_ne!(t1, t2);
    assert_eq!(code_of(&h.engine.resolve_share(&t1)), "NOT_FOUND");
    assert!(h.engine.resolve_share(&t2).is_ok());
    h.engine.disable_share(&f).unwrap();
    let t3 = h.engine.enable_share(&f).unwrap().value.token;
    for old in [&t1, &t2] {
        assert_eq!(
            code_of(&h.engine.resolve_share(old)),
            "NOT_FOUND",
            "re-enabling revived an old link"
        );
    }
    assert!(h.engine.resolve_share(&t3).is_ok());
}

pub fn share_link_expires(mut h: Harness) {
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    let token = h.engine.enable_share(&f).unwrap().value.token;
    h.clock.advance_secs(30 * 24 * 3600 - 1);
    assert!(h.engine.resolve_share(&token).is_ok());
    h.clock.advance_secs(1);
    assert_eq!(code_of(&h.engine.resolve_share(&token)), "NOT_FOUND");

    // The lifetime is configurable.
    h.reconfigure(|b| {
        b.config(fanline::engine::EngineConfig {
            share_lifetime_secs: 60,
            ..Default::default()
        })
    });
    let link = h.engine.enable_share(&f).unwrap().value;
    assert_eq!(link.expires_at, at((30 * 24 * 3600 + 60) * 1000));
    h.clock.advance_secs(59);
    assert!(h.engine.resolve_share(&link.token).is_ok());
    h.clock.advance_secs(1);
    assert_eq!(code_of(&h.engine.resolve_share(&link.token)), "NOT_FOUND");
}

pub fn share_leaving_link_visibility_revokes_the_link(h: Harness) {
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    let token = h.engine.enable_share(&f).unwrap().value.token;
    h.set("f1", r#"{"visibility":"private"}"#);
    assert_eq!(code_of(&h.engine.resolve_share(&token)), "NOT_FOUND");
    // Going back to `link` does not revive a link the fan made private.
    h.set("f1", r#"{"visibility":"link"}"#);
    assert_eq!(
        code_of(&h.engine.resolve_share(&token)),
        "NOT_FOUND",
        "a link revoked by going private came back"
    );
    let fresh = h.engine.enable_share(&f).unwrap().value.token;
    assert!(h.engine.resolve_share(&fresh).is_ok());
}

pub fn share_garbage_and_forged_tokens_are_not_found(h: Harness) {
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    let token = h.engine.enable_share(&f).unwrap().value.token;
    let mut flipped = token.clone().into_bytes();
    let last = flipped.len() - 2;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let other_key = ShareKeyRing::new(1, &[9; 32]).unwrap().mint(
        &fanline::UserId::new("f1").unwrap(),
        1,
        i64::MAX,
    );
    for bad in [
        String::new(),
        "abc".into(),
        "%%%".into(),
        "x".repeat(10_000),
        flipped,
        other_key,
        format!("{token}A"),
    ] {
        h.refused_unchanged("NOT_FOUND", || h.engine.resolve_share(&bad));
    }
    assert!(h.engine.resolve_share(&token).is_ok());
}

pub fn share_retired_key_fails_closed(h: Harness) {
    let f = fan("f1");
    h.set("f1", r#"{"visibility":"link"}"#);
    let token = h.engine.enable_share(&f).unwrap().value.token;
    // Rotation: key 2 signs, key 1 still verifies.
    let rotating = ShareKeyRing::new(1, &SHARE_KEY)
        .unwrap()
        .with_key(2, &[8; 32])
        .unwrap()
        .activate(2)
        .unwrap();
    let during = h.builder().share_keys(rotating.clone()).build().unwrap();
    assert!(during.resolve_share(&token).is_ok());
    // Key 1 retired: its tokens fail closed.
    let after = h
        .builder()
        .share_keys(rotating.retire(1).unwrap())
        .build()
        .unwrap();
    assert_eq!(code_of(&after.resolve_share(&token)), "NOT_FOUND");
    let fresh = after.enable_share(&f).unwrap().value.token;
    assert!(after.resolve_share(&fresh).is_ok());
}

pub fn share_disable_without_live_link_changes_nothing(h: Harness) {
    let f = fan("f1");
    let before = h.dump();
    assert!(!h.engine.disable_share(&f).unwrap().value);
    assert_eq!(h.dump(), before);
    h.set("f1", r#"{"visibility":"link"}"#);
    h.engine.enable_share(&f).unwrap();
    assert!(h.engine.disable_share(&f).unwrap().value);
    let before = h.dump();
    assert!(!h.engine.disable_share(&f).unwrap().value);
    assert_eq!(h.dump(), before, "disabling a dead link wrote something");
}
