//! Bad input: every public constructor and function of the pure core, given empty, oversized,
//! control-character, whitespace-padded and out-of-range values, answers with a stable error
//! code (`INVALID_INPUT`; `INVALID_CONFIG` for configuration constructors; `NOT_FOUND` for
//! share links, as docs/rules.md section 10 says) and never panics. Error messages stay short and
//! free of raw control characters even when the input is a megabyte of junk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use fanline::agora::{agora_uid, call_uids};
use fanline::billing::{billed_seconds, split, BillingPolicy, Rounding};
use fanline::clock::rfc3339;
use fanline::limits::{retry_after_secs, Cooldown, RateLimit};
use fanline::privacy::{Audience, RelationshipKind, SettingsPatch, Visibility};
use fanline::share::{ShareKeyRing, MAX_TOKEN_CHARS};
use fanline::{Actor, CallId, Clock, Error, Feature, Flags, ManualClock, Role, UserId};

const MB: usize = 1 << 20;

/// The first characters of `s`, for failure messages.
fn preview(s: &str) -> String {
    format!("{:?}", s.chars().take(40).collect::<String>())
}

/// Checks the error's code and that its message is bounded and printable.
#[track_caller]
fn assert_code<T: std::fmt::Debug>(result: Result<T, Error>, code: &str, what: &str) {
    match result {
        Ok(v) => panic!("{what}: expected {code}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.code(), code, "{what}: {e}");
            let message = e.to_string();
            assert!(
                message.len() <= 300,
                "{what}: message of {} bytes",
                message.len()
            );
            assert!(
                !message.chars().any(char::is_control),
                "{what}: control character in {message:?}"
            );
        }
    }
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) {
    assert_code(result, "INVALID_INPUT", what);
}

#[track_caller]
fn assert_config<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) {
    assert_code(result, "INVALID_CONFIG", what);
}

/// Values no user id may take (docs/rules.md section 1).
fn bad_user_ids() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "   ",
        " lead",
        "trail ",
        " both ",
        "\tlead-tab",
        "trail-newline\n",
        "\u{a0}nbsp",
        "ideographic-space\u{3000}",
        "line\u{2028}sep-is-fine-inside-but-not-at-end\u{2028}",
        "nul\0inside",
        "tab\tinside",
        "cr\rinside",
        "lf\ninside",
        "del\u{7f}inside",
        "esc\u{1b}[31m",
        "c1\u{85}control",
        "c1\u{9f}control",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    v.push("x".repeat(129));
    v.push("x".repeat(1_000));
    v.push("x".repeat(MB));
    // 127 ASCII bytes + a 2-byte character = 129 bytes, though only 128 characters.
    v.push(format!("{}é", "x".repeat(127)));
    // 43 three-byte characters = 129 bytes.
    v.push("用".repeat(43));
    v
}

#[test]
fn user_ids() {
    for bad in bad_user_ids() {
        let what = preview(&bad);
        assert_invalid(UserId::new(bad.clone()), &what);
        assert_invalid(UserId::new(bad.as_str()), &what);
        assert_invalid(fanline::ids::validate_user_id(&bad), &what);
        for role in [Role::Fan, Role::Creator, Role::Admin] {
            assert_invalid(Actor::new(bad.clone(), role), &what);
        }
        assert_invalid(Actor::fan(bad.clone()), &what);
        assert_invalid(Actor::creator(bad.clone()), &what);
        assert_invalid(Actor::admin(bad.clone()), &what);
        // Through serde too: a bad id never deserialises.
        let json = serde_json::to_string(&bad).unwrap();
        assert!(serde_json::from_str::<UserId>(&json).is_err(), "{what}");
        let actor = format!(r#"{{"id":{json},"role":"fan"}}"#);
        assert!(serde_json::from_str::<Actor>(&actor).is_err(), "{what}");
    }
    // The edges that are valid.
    assert!(UserId::new("x".repeat(128)).is_ok());
    assert!(UserId::new(format!("{}é", "x".repeat(126))).is_ok());
    assert!(UserId::new("inner space ok").is_ok());
    assert!(UserId::new("a").is_ok());
    // Wrong JSON types for ids and roles.
    for json in ["null", "1", "[]", "{}", "true"] {
        assert!(serde_json::from_str::<UserId>(json).is_err(), "{json}");
    }
    for actor in [
        r#"{"id":"u","role":"Fan"}"#,
        r#"{"id":"u","role":"root"}"#,
        r#"{"id":"u"}"#,
        r#"{"role":"fan"}"#,
        r#"{"id":null,"role":"fan"}"#,
    ] {
        assert!(serde_json::from_str::<Actor>(actor).is_err(), "{actor}");
    }
}

/// Text that is not any enum's wire name: empty, padded, wrong case, control characters, huge.
fn bad_names(good: &str) -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        format!(" {good}"),
        format!("{good} "),
        format!("{good}\n"),
        format!("\t{good}"),
        format!("{good}\0"),
        good.to_uppercase(),
        format!("{}{}", &good[..1].to_uppercase(), &good[1..]),
        format!("{good}{good}"),
        good[..good.len() - 1].to_string(),
        "\u{1b}[2J".into(),
        "x".repeat(MB),
        format!("{good}{}", "\n".repeat(1_000)),
    ]
}

#[test]
fn enum_parsers() {
    for good in ["fan", "creator", "admin"] {
        assert!(Role::parse(good).is_ok());
        for bad in bad_names(good) {
            assert_invalid(Role::parse(&bad), &format!("role {good}"));
        }
    }
    for f in Feature::ALL {
        assert_eq!(Feature::parse(f.as_str()).unwrap(), f);
        for bad in bad_names(f.as_str()) {
            assert_invalid(Feature::parse(&bad), &format!("feature {}", f.as_str()));
        }
        // The environment variable is not the feature name.
        assert_invalid(Feature::parse(f.env_var()), f.env_var());
    }
    for good in ["private", "creators", "link"] {
        assert!(Visibility::parse(good).is_ok());
        for bad in bad_names(good) {
            assert_invalid(Visibility::parse(&bad), &format!("visibility {good}"));
        }
    }
    assert_invalid(Visibility::parse("public"), "public");
    for good in ["none", "following", "interacted"] {
        assert!(Audience::parse(good).is_ok());
        for bad in bad_names(good) {
            assert_invalid(Audience::parse(&bad), &format!("audience {good}"));
        }
    }
    assert_invalid(Audience::parse("everyone"), "everyone");
    for k in RelationshipKind::ALL {
        assert_eq!(RelationshipKind::parse(k.as_str()).unwrap(), k);
        for bad in bad_names(k.as_str()) {
            assert_invalid(
                RelationshipKind::parse(&bad),
                &format!("kind {}", k.as_str()),
            );
        }
    }
}

#[test]
fn call_ids() {
    let good = "936da01f-9abd-4d9d-80c7-02af85c822a8";
    assert!(CallId::parse(good).is_ok());
    assert!(CallId::parse("936da01f9abd4d9d80c702af85c822a8").is_ok());
    // A v7 UUID.
    assert!(CallId::parse("01890a5d-ac96-774b-bcce-b302099a8057").is_ok());
    let mut bad: Vec<String> = vec![
        String::new(),
        " ".into(),
        "not-a-uuid".into(),
        format!(" {good}"),
        format!("{good} "),
        format!("{good}\n"),
        format!("{good}\0"),
        format!("{good}0"),
        good[..35].to_string(),
        good.replace('-', "_"),
        good.replace('a', "g"),
        // nil, max, v1, v3, v5 UUIDs.
        "00000000-0000-0000-0000-000000000000".into(),
        "ffffffff-ffff-ffff-ffff-ffffffffffff".into(),
        "c232ab00-9414-11ec-b3c8-9f6bdeced846".into(),
        "6fa459ea-ee8a-3ca4-894e-db77e160355e".into(),
        "886313e1-3b8a-5372-9b90-0c9aee199e5d".into(),
        "x".repeat(MB),
        format!("{good}{}", " ".repeat(MB)),
    ];
    bad.push("\u{1b}".repeat(36));
    for b in bad {
        assert_invalid(CallId::parse(&b), &preview(&b));
        let json = serde_json::to_string(&b).unwrap();
        assert!(serde_json::from_str::<CallId>(&json).is_err());
    }
}

#[test]
fn settings_patches() {
    let mut bad: Vec<String> = [
        "",
        " ",
        "null",
        "true",
        "0",
        "\"visibility\"",
        "[]",
        r#"[{"visibility":"link"}]"#,
        r#"["link"]"#,
        "{",
        "}",
        "{}x",
        "{} {}",
        r#"{"visibility":null}"#,
        r#"{"allowDm":null}"#,
        r#"{"allowCalls":null}"#,
        r#"{"allowSearch":null}"#,
        r#"{"visibility":"public"}"#,
        r#"{"visibility":" link"}"#,
        r#"{"visibility":"link "}"#,
        r#"{"visibility":"LINK"}"#,
        r#"{"visibility":"li\u0000nk"}"#,
        r#"{"visibility":1}"#,
        r#"{"visibility":["link"]}"#,
        r#"{"visibility":{"value":"link"}}"#,
        r#"{"allowDm":"everyone"}"#,
        r#"{"allowCalls":"all"}"#,
        r#"{"allowSearch":"true"}"#,
        r#"{"allowSearch":1}"#,
        r#"{"colour":"red"}"#,
        r#"{"visibility":"link","colour":"red"}"#,
        r#"{"allow_dm":"none"}"#,
        r#"{"searchable":true}"#,
        r#"{"Visibility":"link"}"#,
        r#"{" visibility":"link"}"#,
        r#"{"visibility":"link","visibility":"private"}"#,
        r#"{"allowSearch":true,"allowSearch":true}"#,
        "{\"visibility\":\"link\"\u{0}}",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    // Deep nesting, as a top-level value and as a field value.
    bad.push(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    bad.push(format!(
        "{}{}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    ));
    bad.push(format!(
        "{{\"visibility\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    ));
    bad.push("[".repeat(MB));
    bad.push("{".repeat(MB));
    // Huge values, keys and objects.
    bad.push(format!(r#"{{"visibility":"{}"}}"#, "x".repeat(MB)));
    bad.push(format!(r#"{{"{}":"link"}}"#, "k".repeat(MB)));
    bad.push(format!(
        "{{{}}}",
        (0..50_000)
            .map(|i| format!("\"k{i}\":{i}"))
            .collect::<Vec<_>>()
            .join(",")
    ));
    bad.push(format!(
        r#"{{"visibility":"{}\n\u001b[31m"}}"#,
        "x".repeat(1_000)
    ));
    for b in &bad {
        assert_invalid(SettingsPatch::from_json(b), &preview(b));
    }
    // Valid bodies, with JSON whitespace around them, still parse.
    assert!(SettingsPatch::from_json(" \n\t{}\r\n").unwrap().is_empty());
    assert!(SettingsPatch::from_json(r#"{"visibility":"link"}"#).is_ok());
    // Through serde directly, settings refuse unknown fields as well.
    assert!(serde_json::from_str::<fanline::privacy::PrivacySettings>(
        r#"{"visibility":"link","allowDm":"none","allowCalls":"none","allowSearch":true,"x":1}"#
    )
    .is_err());
}

#[test]
fn agora_uids() {
    for bad in bad_user_ids() {
        let what = preview(&bad);
        assert_invalid(agora_uid(&bad), &what);
        assert_invalid(call_uids(&bad, "fan_1"), &what);
        assert_invalid(call_uids("creator_1", &bad), &what);
        assert_invalid(call_uids(&bad, &bad), &what);
    }
}

fn ring() -> ShareKeyRing {
    ShareKeyRing::new(1, &[42u8; 32]).unwrap()
}

#[test]
fn share_key_ring_configuration() {
    for secret in [&[][..], &[1u8; 1][..], &[1u8; 31][..]] {
        assert_config(ShareKeyRing::new(1, secret), "short secret");
        assert_config(ring().with_key(2, secret), "short extra key");
    }
    assert_config(ring().activate(9), "activate a missing key");
    assert_config(ring().retire(1), "retire the active key");
    // Long secrets are fine (HMAC hashes them).
    let long = ShareKeyRing::new(200, &vec![3u8; MB]).unwrap();
    let fan = UserId::new("fan").unwrap();
    assert!(long.verify(&long.mint(&fan, 0, 10), 0).is_ok());
    // Retiring a key that was never there is harmless.
    assert!(ring().retire(77).is_ok());
}

#[test]
fn share_verify_with_junk_is_not_found() {
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine;

    let r = ring();
    let fan = UserId::new("fan_1").unwrap();
    let good = r.mint(&fan, 5, 2_000_000_000);
    let raw = URL_SAFE_NO_PAD.decode(&good).unwrap();

    let mut junk: Vec<String> = vec![
        String::new(),
        " ".into(),
        "=".into(),
        "====".into(),
        "A".into(),
        "AA".into(),
        "AAA".into(),
        "AAAA".into(),
        "null".into(),
        "../../etc/passwd".into(),
        "\0".repeat(40),
        "\u{1b}[31m".into(),
        "ünïcode".into(),
        "x".repeat(MB),
        "A".repeat(MAX_TOKEN_CHARS + 1),
        format!(" {good}"),
        format!("{good} "),
        format!("{good}\n"),
        format!("{good}="),
        format!("{good}A"),
        good[..good.len() - 1].to_string(),
        good.to_uppercase(),
        good.to_lowercase(),
    ];
    // The standard alphabet and the padded form of the same bytes, where they differ.
    for variant in [
        good.replace('-', "+").replace('_', "/"),
        URL_SAFE.encode(&raw),
    ] {
        if variant != good {
            junk.push(variant);
        }
    }
    // Structured forgeries: wrong version, unknown key id, truncated pieces, the payload with
    // no tag, a zeroed tag, bytes appended before the tag.
    let mut wrong_version = raw.clone();
    wrong_version[0] = 2;
    let mut unknown_key = raw.clone();
    unknown_key[1] = 9;
    let mut zero_tag = raw.clone();
    let n = zero_tag.len();
    zero_tag[n - 16..].fill(0);
    let mut longer = raw[..n - 16].to_vec();
    longer.push(b'x');
    longer.extend_from_slice(&raw[n - 16..]);
    for bytes in [
        wrong_version,
        unknown_key,
        zero_tag,
        longer,
        raw[..n - 16].to_vec(),
        raw[..14].to_vec(),
        raw[..30].to_vec(),
        vec![1u8; 31],
        vec![1u8; 200],
        vec![0u8; 0],
    ] {
        junk.push(URL_SAFE_NO_PAD.encode(&bytes));
    }
    // Random-looking base64url of every length up to the maximum.
    for len in 0..=MAX_TOKEN_CHARS + 2 {
        junk.push(
            (0..len)
                .map(|i| ['A', 'z', '0', '-', '_', 'Q'][i % 6])
                .collect(),
        );
    }
    for j in &junk {
        for now in [i64::MIN, -1, 0, 1_700_000_000, i64::MAX] {
            assert_code(r.verify(j, now), "NOT_FOUND", &preview(j));
        }
    }
    // The good one still works, and extreme expiries mint and verify without panicking.
    assert!(r.verify(&good, 0).is_ok());
    for expires_at in [i64::MIN, -1, 0, i64::MAX] {
        let t = r.mint(&fan, u32::MAX, expires_at);
        let _ = r.verify(&t, i64::MIN);
        assert_code(r.verify(&t, i64::MAX), "NOT_FOUND", "expired at i64::MAX");
    }
}

#[test]
fn billing_out_of_range() {
    for bps in [10_001u16, 20_000, u16::MAX] {
        for rounding in [Rounding::PerStartedMinute, Rounding::PerSecond] {
            assert_invalid(BillingPolicy::new(10, rounding, 0, bps), "fee_bps");
        }
        assert_invalid(split(0, bps), "split 0");
        assert_invalid(split(u64::MAX, bps), "split max");
        // A policy built by hand or deserialised without validation fails where it is used.
        let p = BillingPolicy {
            fee_bps: bps,
            ..BillingPolicy::default()
        };
        assert_invalid(p.validate(), "validate");
        assert_invalid(p.charge(60, 10, 100), "charge with a bad fee");
        let json = format!(
            r#"{{"ratePerMinute":10,"rounding":"per_second","minimumMinutes":0,"feeBps":{bps}}}"#
        );
        let p: BillingPolicy = serde_json::from_str(&json).unwrap();
        assert_invalid(p.validate(), "deserialised policy");
    }
    // Overflowing amounts.
    let p = BillingPolicy::new(u64::MAX, Rounding::PerStartedMinute, u32::MAX, 10_000).unwrap();
    assert_invalid(p.bill(1, u64::MAX), "minimum x rate");
    assert_invalid(p.charge(u64::MAX, u64::MAX, u64::MAX), "charge");
    assert_invalid(p.cost_at(u64::MAX, u64::MAX), "cost_at");
    let s = BillingPolicy::new(1, Rounding::PerSecond, u32::MAX, 0).unwrap();
    assert_invalid(s.bill(1, u64::MAX), "per-second minimum x rate");
    assert_invalid(
        BillingPolicy::new(1, Rounding::PerSecond, 0, 0)
            .unwrap()
            .bill(u64::MAX, u64::MAX),
        "per-second pro rata",
    );
    // Functions without a Result stay total.
    let _ = p.max_affordable_seconds(u64::MAX, u64::MAX);
    let _ = p.max_affordable_seconds(0, u64::MAX);
    let _ = s.max_affordable_seconds(u64::MAX, 1);
    assert_eq!(p.start_guard(u64::MAX), u64::MAX / 2 + 1);
    assert_eq!(billed_seconds(i64::MIN, i64::MAX), u64::MAX / 2 / 1000);
    assert_eq!(billed_seconds(i64::MAX, i64::MIN), 0);
    assert_eq!(billed_seconds(5_000, 1_000), 0);
    // A policy with invalid JSON shapes never deserialises.
    for json in [
        r#"{"ratePerMinute":-1,"rounding":"per_second","minimumMinutes":0,"feeBps":0}"#,
        r#"{"ratePerMinute":1,"rounding":"per_hour","minimumMinutes":0,"feeBps":0}"#,
        r#"{"ratePerMinute":1,"rounding":"per_second","minimumMinutes":0,"feeBps":70000}"#,
        r#"{"ratePerMinute":1.5,"rounding":"per_second","minimumMinutes":0,"feeBps":0}"#,
    ] {
        assert!(
            serde_json::from_str::<BillingPolicy>(json).is_err(),
            "{json}"
        );
    }
}

#[test]
fn flags_configuration() {
    for var in Feature::ALL.map(Feature::env_var) {
        for raw in [
            "", " ", "yes", "no", "on", "off", "2", "-1", "01", "truee", " true", "true ",
            "TRUE\n", "\tfalse", "true\0", "\u{1b}",
        ]
        .into_iter()
        .map(String::from)
        .chain(["x".repeat(MB), format!("true{}", " ".repeat(MB))])
        {
            let what = format!("{var}={}", preview(&raw));
            let raw2 = raw.clone();
            assert_config(
                Flags::from_lookup(move |k| (k == var).then(|| raw2.clone())),
                &what,
            );
        }
        for ok in ["true", "TRUE", "True", "false", "FALSE", "1", "0"] {
            assert!(Flags::from_lookup(|k| (k == var).then(|| ok.to_string())).is_ok());
        }
    }
}

#[test]
fn limits_configuration_and_extremes() {
    for (max, period) in [
        (0u32, 60_000i64),
        (0, 0),
        (1, 0),
        (1, -1),
        (5, i64::MIN),
        (u32::MAX, -60_000),
    ] {
        assert_config(RateLimit::new(max, period), &format!("{max}/{period}"));
    }
    assert_config(RateLimit::per_minute(0), "0 per minute");
    // Extreme but valid limits, and hand-built invalid ones, never panic.
    let limits = [
        RateLimit::new(u32::MAX, 1).unwrap(),
        RateLimit::new(1, i64::MAX).unwrap(),
        RateLimit::new(u32::MAX, i64::MAX).unwrap(),
        RateLimit {
            max: 0,
            period_ms: 0,
        },
        RateLimit {
            max: 3,
            period_ms: i64::MIN,
        },
    ];
    let times = [i64::MIN, -1, 0, 1, i64::MAX];
    for limit in limits {
        for now in times {
            for tat in [None, Some(i64::MIN), Some(0), Some(i64::MAX)] {
                if let Err(e) = limit.take(tat, now) {
                    assert_eq!(e.code(), "RATE_LIMITED");
                    assert!(e.retry_after().unwrap() >= 1);
                }
            }
        }
    }
    for duration_ms in [i64::MIN, -1, 0, 1, i64::MAX] {
        let c = Cooldown { duration_ms };
        for now in times {
            let _ = c.until(now);
            for until in [None, Some(i64::MIN), Some(0), Some(i64::MAX)] {
                if let Err(e) = c.check(until, now) {
                    assert_eq!(e.code(), "CALL_COOLDOWN");
                    assert!(e.retry_after().unwrap() >= 1);
                }
            }
        }
    }
    for ms in times {
        assert!(retry_after_secs(ms) >= 1);
    }
}

#[test]
fn clock_extremes() {
    for ms in [i64::MIN, -1, 0, i64::MAX] {
        let _ = rfc3339(ms);
    }
    let c = ManualClock::at_ms(0);
    c.advance_secs(i64::MAX);
    assert_eq!(c.now_ms(), i64::MAX);
    c.advance_ms(i64::MAX);
    assert_eq!(c.now_ms(), i64::MAX);
    c.set_ms(0);
    c.advance_secs(i64::MIN);
    assert_eq!(c.now_ms(), i64::MIN);
    let _ = c.now_secs();
}
