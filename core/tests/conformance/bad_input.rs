//! Bad input at every engine method is `INVALID_INPUT` and leaves the store unchanged.

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::{Action, RelationshipKind, SettingsPatch};
use fanline::store::Profile;

use super::{admin, creator, fan, Harness};

/// Ids that break the user-id rules (docs/rules.md section 1).
fn bad_user_ids() -> Vec<String> {
    vec![
        String::new(),
        " leading".into(),
        "trailing ".into(),
        "\u{3000}ideographic-space".into(),
        "tab\tinside".into(),
        "line\nbreak".into(),
        "nul\0".into(),
        "del\u{7f}".into(),
        "c1\u{85}next-line".into(),
        "x".repeat(129),
        "é".repeat(65),
    ]
}

/// Call ids that are not v4/v7 UUIDs.
fn bad_call_ids() -> Vec<String> {
    vec![
        String::new(),
        "not-a-uuid".into(),
        "123".into(),
        // Version 1, nil and max UUIDs.
        "c232ab00-9414-11ec-b3c8-9f6bdeced846".into(),
        "00000000-0000-0000-0000-000000000000".into(),
        "ffffffff-ffff-ffff-ffff-ffffffffffff".into(),
        " 6f1c2b7e-4d3a-4b8e-9f00-0123456789ab".into(),
        "6f1c2b7e-4d3a-4b8e-9f00-0123456789ab\n".into(),
        "6f1c2b7e-4d3a-4b8e-9f00-0123456789abc".into(),
        "x".repeat(10_000),
    ]
}

/// A store with something of everything in it, so "unchanged" means something.
fn seeded(h: &Harness) -> String {
    h.set("f1", r#"{"visibility":"link"}"#);
    h.engine.enable_share(&fan("f1")).unwrap();
    h.connect("c1", "f1");
    h.callable("c2", "f2");
    h.ring("c2", "f2").id.to_string()
}

pub fn bad_user_ids_change_nothing(h: Harness) {
    seeded(&h);
    let c = creator("c1");
    let f = fan("f1");
    let a = admin();
    for bad in bad_user_ids() {
        let bad = bad.as_str();
        let e = "INVALID_INPUT";
        h.refused_unchanged(e, || h.engine.profile(bad));
        h.refused_unchanged(e, || h.engine.mini_profile(&c, bad));
        h.refused_unchanged(e, || h.engine.relationship(&c, bad));
        h.refused_unchanged(e, || h.engine.relationship(&f, bad));
        for kind in [RelationshipKind::Follow, RelationshipKind::Messaged] {
            h.refused_unchanged(e, || h.engine.record_relationship(&f, bad, kind));
        }
        h.refused_unchanged(e, || {
            h.engine
                .record_relationship(&c, bad, RelationshipKind::Messaged)
        });
        h.refused_unchanged(e, || h.engine.unfollow(&f, bad));
        h.refused_unchanged(e, || h.engine.block(&f, bad));
        h.refused_unchanged(e, || h.engine.unblock(&c, bad));
        h.refused_unchanged(e, || h.engine.has_blocked(&f, bad));
        h.refused_unchanged(e, || h.engine.balance(&a, bad));
        h.refused_unchanged(e, || h.engine.credit(&a, bad, 10, "ref-1"));
        let req = InitiateRequest::new(bad, CallType::Voice);
        h.refused_unchanged(e, || h.engine.initiate(&c, &req));
        // Actors are validated when they are made.
        assert_eq!(
            fanline::Actor::fan(bad).unwrap_err().code(),
            "INVALID_INPUT"
        );
    }
}

pub fn bad_call_ids_change_nothing(h: Harness) {
    seeded(&h);
    for bad in bad_call_ids() {
        let bad = bad.as_str();
        for who in [fan("f1"), creator("c1"), admin()] {
            let e = "INVALID_INPUT";
            h.refused_unchanged(e, || h.engine.accept(&who, bad, None));
            h.refused_unchanged(e, || h.engine.decline(&who, bad));
            h.refused_unchanged(e, || h.engine.cancel(&who, bad));
            h.refused_unchanged(e, || h.engine.end(&who, bad));
            h.refused_unchanged(e, || h.engine.refresh_token(&who, bad));
            h.refused_unchanged(e, || h.engine.status(&who, bad));
        }
    }
}

pub fn bad_cursors_and_limits_change_nothing(h: Harness) {
    seeded(&h);
    let c = creator("c1");
    let id = "6f1c2b7e-4d3a-4b8e-9f00-0123456789ab";
    let cursors = [
        String::new(),
        "abc".into(),
        "1".into(),
        "1.".into(),
        format!(".{id}"),
        format!("x.{id}"),
        "1.not-a-uuid".into(),
        "1.c232ab00-9414-11ec-b3c8-9f6bdeced846".into(),
        format!("99999999999999999999.{id}"),
        format!("1.5.{id}"),
        "x".repeat(10_000),
    ];
    for cursor in &cursors {
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.history(&c, Some(cursor.as_str()), 10)
        });
    }
    for limit in [0, 101, u32::MAX] {
        h.refused_unchanged("INVALID_INPUT", || h.engine.history(&c, None, limit));
    }
    for (after, limit) in [(0, 0), (0, 1001), (-1, 10), (i64::MIN, 10)] {
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.audit_log(&admin(), after, limit)
        });
    }
    // The edges are fine.
    assert!(h.engine.history(&c, None, 1).is_ok());
    assert!(h.engine.history(&c, None, 100).is_ok());
    assert!(h.engine.audit_log(&admin(), 0, 1000).is_ok());
}

pub fn bad_amounts_and_references_change_nothing(h: Harness) {
    seeded(&h);
    let a = admin();
    for amount in [0, i64::MAX as u64 + 1, u64::MAX] {
        h.refused_unchanged("INVALID_INPUT", || h.engine.credit(&a, "f1", amount, "r"));
    }
    for reference in [
        String::new(),
        "r".repeat(201),
        "a\nb".into(),
        "nul\0".into(),
    ] {
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.credit(&a, "f1", 10, &reference)
        });
    }
    // A rate no call could ever be billed at.
    h.callable("c3", "f3");
    let mut req = InitiateRequest::new("f3", CallType::Voice);
    req.rate_per_minute = Some(u64::MAX);
    h.refused_unchanged("INVALID_INPUT", || h.engine.initiate(&creator("c3"), &req));
    assert!(h.engine.credit(&a, "f1", 1, &"r".repeat(200)).is_ok());
}

pub fn bad_patches_and_profiles_change_nothing(h: Harness) {
    seeded(&h);
    for bad in [
        r#"{"visibility":"public"}"#,
        r#"{"visibility":"Private"}"#,
        r#"{"colour":"red"}"#,
        r#"{"allowDm":null}"#,
        r#"{"allowCalls":"everyone"}"#,
        r#"{"allowSearch":"yes"}"#,
        r#"[]"#,
        r#""visibility""#,
        "",
        "{",
    ] {
        assert_eq!(
            SettingsPatch::from_json(bad).unwrap_err().code(),
            "INVALID_INPUT",
            "{bad}"
        );
    }
    let f = fan("f1");
    let bad_profiles = [
        ("x".repeat(101), None),
        ("line\nbreak".into(), None),
        ("nul\0".into(), None),
        ("ok".into(), Some("javascript:alert(1)".to_string())),
        ("ok".into(), Some("ftp://files.example/a.png".into())),
        ("ok".into(), Some(String::new())),
        (
            "ok".into(),
            Some(format!("https://cdn.example/{}", "a".repeat(2048))),
        ),
        ("ok".into(), Some("https://cdn.example/a\n.png".into())),
    ];
    for (name, avatar) in bad_profiles {
        let p = Profile {
            display_name: name,
            avatar_url: avatar,
        };
        h.refused_unchanged("INVALID_INPUT", || h.engine.set_profile(&f, &p));
    }
    let ok = Profile {
        display_name: "é".repeat(100),
        avatar_url: Some("/avatars/f1.png".into()),
    };
    assert!(h.engine.set_profile(&f, &ok).is_ok());
}

pub fn bad_initiate_requests_change_nothing(h: Harness) {
    seeded(&h);
    h.callable("c3", "f3");
    let c = creator("c3");
    let with = |message: Option<String>, ip: Option<String>| {
        let mut req = InitiateRequest::new("f3", CallType::Video);
        req.message = message;
        req.ip = ip;
        req
    };
    let bad_messages = [
        "m".repeat(501),
        "bell\u{7}".into(),
        "cr\r".into(),
        "nul\0".into(),
    ];
    for m in bad_messages {
        let req = with(Some(m), None);
        h.refused_unchanged("INVALID_INPUT", || h.engine.initiate(&c, &req));
    }
    let bad_ips = [
        String::new(),
        " ".into(),
        "203.0.113.7 ".into(),
        "1".repeat(65),
        "ünïcode".into(),
        "203.0.113.7\t".into(),
    ];
    for ip in bad_ips {
        let req = with(None, Some(ip));
        h.refused_unchanged("INVALID_INPUT", || h.engine.initiate(&c, &req));
    }
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine
            .initiate(&c, &InitiateRequest::new("c3", CallType::Voice))
    });
    // The limits are inclusive.
    let req = with(Some("m".repeat(500)), Some("2001:db8::1".into()));
    assert!(h.engine.initiate(&c, &req).is_ok());
}

pub fn bad_pairs_change_nothing(h: Harness) {
    seeded(&h);
    for bad in bad_user_ids() {
        for pairs in [
            vec![
                ("c1".to_string(), "f1".to_string()),
                (bad.clone(), "f1".into()),
            ],
            vec![("c1".to_string(), bad.clone())],
        ] {
            h.refused_unchanged("INVALID_INPUT", || {
                h.engine.decide_pairs(Action::Message, &pairs)
            });
        }
    }
    let f = fan("f1");
    let c = creator("c1");
    h.refused_unchanged("INVALID_INPUT", || h.engine.relationship(&f, "f1"));
    h.refused_unchanged("INVALID_INPUT", || h.engine.relationship(&admin(), "f1"));
    h.refused_unchanged("INVALID_INPUT", || h.engine.block(&c, "c1"));
    h.refused_unchanged("INVALID_INPUT", || h.engine.unfollow(&f, "f1"));
    h.refused_unchanged("INVALID_INPUT", || {
        h.engine
            .record_relationship(&f, "f1", RelationshipKind::Follow)
    });
}

pub fn reserved_ledger_accounts_are_not_users(h: Harness) {
    seeded(&h);
    let a = admin();
    for reserved in [
        fanline::store::PLATFORM_ACCOUNT,
        fanline::store::ISSUANCE_ACCOUNT,
    ] {
        h.refused_unchanged("INVALID_INPUT", || h.engine.credit(&a, reserved, 10, "r"));
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.balance(&fan(reserved), reserved)
        });
        let call_it = InitiateRequest::new(reserved, CallType::Voice);
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.initiate(&creator("c1"), &call_it)
        });
        let from_it = InitiateRequest::new("f1", CallType::Voice);
        h.refused_unchanged("INVALID_INPUT", || {
            h.engine.initiate(&creator(reserved), &from_it)
        });
        // Admins read the system accounts.
        assert!(h.engine.balance(&a, reserved).is_ok());
    }
}
