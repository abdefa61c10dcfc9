//! Feature flags (docs/rules.md section 9): off means `FEATURE_DISABLED`, switchable at run time.

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::{Action, Rule, SettingsPatch};
use fanline::Feature;

use super::{code_of, creator, fan, Harness};

pub fn flags_gate_their_operations(h: Harness) {
    let f = fan("f1");
    let c = creator("c1");
    h.set("f1", r#"{"visibility":"link"}"#);
    h.callable("c1", "f1");
    h.callable("c2", "f1");
    let token = h.engine.enable_share(&f).unwrap().value.token;
    let ringing = h.ring("c1", "f1").id.to_string();
    let flags = h.engine.flags().clone();

    // calls: starting or joining a call.
    flags.set(Feature::Calls, false);
    let req = InitiateRequest::new("f1", CallType::Video);
    let r = h.engine.initiate(&creator("c2"), &req);
    assert_eq!(code_of(&r), "FEATURE_DISABLED");
    assert!(r.unwrap_err().to_string().contains("calls"));
    assert_eq!(
        h.engine
            .history(&creator("c2"), None, 10)
            .unwrap()
            .items
            .len(),
        0
    );
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.accept(&f, &ringing, None));
    flags.set(Feature::Calls, true);
    h.engine.accept(&f, &ringing, None).unwrap();
    flags.set(Feature::Calls, false);
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.refresh_token(&f, &ringing));
    flags.set(Feature::Calls, true);
    assert!(h.engine.refresh_token(&f, &ringing).is_ok());

    // fan_mini_profile.
    flags.set(Feature::FanMiniProfile, false);
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.mini_profile(&c, "f1"));
    let d = h
        .engine
        .decide_pairs(Action::ViewProfile, &[("c1".into(), "f1".into())])
        .unwrap();
    assert_eq!(d[0].rule, Rule::FeatureFlag);
    assert_eq!(d[0].code(), Some("FEATURE_DISABLED"));
    flags.set(Feature::FanMiniProfile, true);
    assert!(h.engine.mini_profile(&c, "f1").is_ok());

    // fan_privacy.
    flags.set(Feature::FanPrivacy, false);
    let patch = SettingsPatch::from_json(r#"{"allowDm":"none"}"#).unwrap();
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.settings(&f));
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.update_settings(&f, &patch));
    flags.set(Feature::FanPrivacy, true);
    assert!(h.engine.update_settings(&f, &patch).is_ok());

    // fan_share_card.
    flags.set(Feature::FanShareCard, false);
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.resolve_share(&token));
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.enable_share(&f));
    h.refused_unchanged("FEATURE_DISABLED", || h.engine.disable_share(&f));
    flags.set(Feature::FanShareCard, true);
    assert!(
        h.engine.resolve_share(&token).is_ok(),
        "the link died with the flag"
    );

    // Seed defaults: calls and share card off, privacy and mini profile on.
    let seeded = h
        .builder()
        .flags(fanline::Flags::default())
        .build()
        .unwrap();
    let r = seeded.initiate(&creator("c2"), &req);
    assert_eq!(code_of(&r), "FEATURE_DISABLED");
    assert_eq!(code_of(&seeded.resolve_share(&token)), "FEATURE_DISABLED");
    assert!(seeded.settings(&f).is_ok());
    assert!(seeded.mini_profile(&c, "f1").is_ok());
    // Each engine has its own flags unless they share a `Flags`.
    assert!(h.engine.resolve_share(&token).is_ok());
}

pub fn calls_flag_off_still_winds_calls_down(h: Harness) {
    let (connected, _) = h.connect("c1", "f1");
    h.callable("c2", "f2");
    h.callable("c3", "f3");
    h.callable("c4", "f4");
    let to_decline = h.ring("c2", "f2").id.to_string();
    let to_cancel = h.ring("c3", "f3").id.to_string();
    let to_miss = h.ring("c4", "f4").id.to_string();
    h.engine.flags().set(Feature::Calls, false);
    h.clock.advance_secs(90);
    // Nothing is stranded: in-flight calls end, settle, decline, cancel and expire.
    let ended = h.engine.end(&fan("f1"), &connected).unwrap().value;
    assert_eq!(ended.settlement.charge.bill.gross, 20);
    h.engine.decline(&fan("f2"), &to_decline).unwrap();
    h.engine.cancel(&creator("c3"), &to_cancel).unwrap();
    h.clock.advance_secs(30);
    assert_eq!(h.engine.expire_due().unwrap().value, [to_miss.as_str()]);
    assert!(h.engine.status(&fan("f1"), &connected).is_ok());
    assert_eq!(
        h.engine.history(&fan("f4"), None, 10).unwrap().items.len(),
        1
    );
    assert!(h.engine.pending(&fan("f4")).unwrap().is_empty());
}
