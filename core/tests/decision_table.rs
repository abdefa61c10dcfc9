//! The privacy decision checked exhaustively against an expected-outcome table written
//! separately from the implementation.
//!
//! Every combination of visibility (3) x allow_dm (3) x allow_calls (3) x searchable (2) x
//! relationship kinds present (32 subsets of 5) x block direction (4) x actor (fan-self, other
//! fan, creator, admin) x action (5) x feature flag (2) x fan in a connected call (2) x share
//! link valid (2) = 1,105,920 inputs. For each, both the outcome (allowed or the error code)
//! and the deciding rule must match.
//!
//! The expectation is a list of rules expressed as data, transcribed from docs/rules.md section 4
//! ("order of evaluation, first match wins") and its action table: each row names the rule,
//! a condition in the spec's words, and the verdict. The first row whose condition holds
//! decides. Codes and rule names are compared as strings (the wire forms), not as the
//! implementation's enums.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use fanline::privacy::{
    decide, decide_many, Action, Audience, BlockState, DecisionInput, PrivacySettings,
    RelationshipKind, RelationshipSet, Visibility,
};
use fanline::{Feature, Role};

// ---------------------------------------------------------------------------------------------
// The world of one case, in the spec's vocabulary
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// The fan themself.
    FanSelf,
    /// Some other fan (not the subject of the decision).
    OtherFan,
    /// A creator.
    Creator,
    /// Staff.
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blocked {
    Nobody,
    ByFan,
    ByCreator,
    Both,
}

#[derive(Debug, Clone)]
struct Case {
    visibility: &'static str,
    allow_dm: &'static str,
    allow_calls: &'static str,
    searchable: bool,
    /// The relationship rows present, by wire name.
    rows: Vec<&'static str>,
    blocked: Blocked,
    who: Who,
    action: &'static str,
    flag_on: bool,
    fan_in_connected_call: bool,
    share_link_valid: bool,
}

const VISIBILITIES: [&str; 3] = ["private", "creators", "link"];
const AUDIENCES: [&str; 3] = ["none", "following", "interacted"];
const KINDS: [&str; 5] = ["follow", "tipped", "purchased", "messaged", "called"];
const ACTIONS: [&str; 5] = [
    "view_profile",
    "message",
    "call",
    "view_share_card",
    "appear_in_search",
];
const WHO: [Who; 4] = [Who::FanSelf, Who::OtherFan, Who::Creator, Who::Admin];
const BLOCKS: [Blocked; 4] = [
    Blocked::Nobody,
    Blocked::ByFan,
    Blocked::ByCreator,
    Blocked::Both,
];

// ---------------------------------------------------------------------------------------------
// The spec, as data
// ---------------------------------------------------------------------------------------------

/// What a row decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allow,
    Deny(&'static str),
}

/// One row of the expected table: `rule` decides with `verdict` when `when` holds.
struct Row {
    rule: &'static str,
    when: fn(&Case) -> bool,
    verdict: Verdict,
}

/// section 3: "following" = a `follow` row exists.
fn following(c: &Case) -> bool {
    c.rows.contains(&"follow")
}

/// section 3: "interacted" = any row exists.
fn interacted(c: &Case) -> bool {
    !c.rows.is_empty()
}

/// section 2: `none` admits nobody, `following` creators the fan follows, `interacted`
/// creators with any relationship.
fn admits(setting: &str, c: &Case) -> bool {
    match setting {
        "none" => false,
        "following" => following(c),
        "interacted" => interacted(c),
        other => unreachable!("{other}"),
    }
}

/// Actions only a creator may take: viewing a fan's mini profile, messaging and calling a fan,
/// and creator-side search. The share card is public: "anyone holding a live share link".
fn creator_only(action: &str) -> bool {
    action != "view_share_card"
}

/// Actions between a creator and the fan, where a block applies ("either direction denies
/// view, DM and call"; search: "searchable is true and no block"). The public share card is
/// opened by whoever holds the link, signed in or not, so a block cannot be enforced there and
/// the implementation does not apply it: the card is governed by the link alone (visibility
/// `link`, a live token) and disabling the link is how a fan withdraws it.
fn between_pair(action: &str) -> bool {
    action != "view_share_card"
}

/// docs/rules.md section 4, top to bottom. First match wins.
const SPEC: &[Row] = &[
    // 1. feature flag off -> FEATURE_DISABLED
    Row {
        rule: "feature_flag",
        when: |c| !c.flag_on,
        verdict: Verdict::Deny("FEATURE_DISABLED"),
    },
    // 2. actor is the fan themself or an admin -> allowed (full view)
    Row {
        rule: "self_or_admin",
        when: |c| matches!(c.who, Who::FanSelf | Who::Admin),
        verdict: Verdict::Allow,
    },
    // 3. actor is not a creator (for creator-only actions) -> NOT_CREATOR
    Row {
        rule: "creator_only",
        when: |c| creator_only(c.action) && c.who != Who::Creator,
        verdict: Verdict::Deny("NOT_CREATOR"),
    },
    // 4. a block in either direction -> BLOCKED; in search NOT_FOUND (no existence leak)
    Row {
        rule: "block",
        when: |c| c.action == "appear_in_search" && c.blocked != Blocked::Nobody,
        verdict: Verdict::Deny("NOT_FOUND"),
    },
    Row {
        rule: "block",
        when: |c| between_pair(c.action) && c.blocked != Blocked::Nobody,
        verdict: Verdict::Deny("BLOCKED"),
    },
    // 5. the fan's setting for this action.
    // view mini profile: visibility is `creators` or `link`, and any relationship exists.
    Row {
        rule: "visibility",
        when: |c| {
            c.action == "view_profile"
                && (c.visibility == "creators" || c.visibility == "link")
                && interacted(c)
        },
        verdict: Verdict::Allow,
    },
    Row {
        rule: "visibility",
        when: |c| c.action == "view_profile",
        verdict: Verdict::Deny("PROFILE_PRIVATE"),
    },
    // message: allow_dm is satisfied.
    Row {
        rule: "allow_dm",
        when: |c| c.action == "message" && admits(c.allow_dm, c),
        verdict: Verdict::Allow,
    },
    Row {
        rule: "allow_dm",
        when: |c| c.action == "message",
        verdict: Verdict::Deny("DM_NOT_ALLOWED"),
    },
    // call: allow_calls is satisfied, and the fan is not in another connected call.
    Row {
        rule: "allow_calls",
        when: |c| c.action == "call" && !admits(c.allow_calls, c),
        verdict: Verdict::Deny("CALL_NOT_ALLOWED"),
    },
    Row {
        rule: "fan_busy",
        when: |c| c.action == "call" && c.fan_in_connected_call,
        verdict: Verdict::Deny("BUSY"),
    },
    Row {
        rule: "allow_calls",
        when: |c| c.action == "call",
        verdict: Verdict::Allow,
    },
    // view share card: visibility is `link`, share link enabled, token valid and unexpired.
    // A dead link is indistinguishable from no link: NOT_FOUND.
    Row {
        rule: "share_link",
        when: |c| c.action == "view_share_card" && c.visibility == "link" && c.share_link_valid,
        verdict: Verdict::Allow,
    },
    Row {
        rule: "share_link",
        when: |c| c.action == "view_share_card",
        verdict: Verdict::Deny("NOT_FOUND"),
    },
    // appear in search: searchable is true (and no block, rule 4). A hidden fan is NOT_FOUND.
    Row {
        rule: "searchable",
        when: |c| c.action == "appear_in_search" && c.searchable,
        verdict: Verdict::Allow,
    },
    Row {
        rule: "searchable",
        when: |c| c.action == "appear_in_search",
        verdict: Verdict::Deny("NOT_FOUND"),
    },
];

/// The expected (verdict, rule) of a case.
fn expected(c: &Case) -> (Verdict, &'static str) {
    let row = SPEC
        .iter()
        .find(|row| (row.when)(c))
        .unwrap_or_else(|| panic!("the spec table has no row for {c:?}"));
    (row.verdict, row.rule)
}

// ---------------------------------------------------------------------------------------------
// Building the implementation's input from a case
// ---------------------------------------------------------------------------------------------

fn to_input(c: &Case) -> DecisionInput {
    let action = match c.action {
        "view_profile" => Action::ViewProfile,
        "message" => Action::Message,
        "call" => Action::Call,
        "view_share_card" => Action::ViewShareCard,
        "appear_in_search" => Action::AppearInSearch,
        other => unreachable!("{other}"),
    };
    let (actor_role, actor_is_fan) = match c.who {
        Who::FanSelf => (Role::Fan, true),
        Who::OtherFan => (Role::Fan, false),
        Who::Creator => (Role::Creator, false),
        Who::Admin => (Role::Admin, false),
    };
    DecisionInput {
        action,
        feature_on: c.flag_on,
        actor_role,
        actor_is_fan,
        settings: PrivacySettings {
            visibility: Visibility::parse(c.visibility).unwrap(),
            allow_dm: Audience::parse(c.allow_dm).unwrap(),
            allow_calls: Audience::parse(c.allow_calls).unwrap(),
            searchable: c.searchable,
        },
        relationships: c
            .rows
            .iter()
            .map(|k| RelationshipKind::parse(k).unwrap())
            .collect::<RelationshipSet>(),
        blocks: BlockState {
            by_fan: matches!(c.blocked, Blocked::ByFan | Blocked::Both),
            by_creator: matches!(c.blocked, Blocked::ByCreator | Blocked::Both),
        },
        fan_in_connected_call: c.fan_in_connected_call,
        share_link_valid: c.share_link_valid,
    }
}

/// Every case, in a fixed order.
fn all_cases() -> Vec<Case> {
    let mut cases = Vec::with_capacity(1_105_920);
    for visibility in VISIBILITIES {
        for allow_dm in AUDIENCES {
            for allow_calls in AUDIENCES {
                for searchable in [false, true] {
                    for mask in 0u32..32 {
                        let rows: Vec<&'static str> = KINDS
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, k)| *k)
                            .collect();
                        for blocked in BLOCKS {
                            for who in WHO {
                                for action in ACTIONS {
                                    for flag_on in [false, true] {
                                        for fan_in_connected_call in [false, true] {
                                            for share_link_valid in [false, true] {
                                                cases.push(Case {
                                                    visibility,
                                                    allow_dm,
                                                    allow_calls,
                                                    searchable,
                                                    rows: rows.clone(),
                                                    blocked,
                                                    who,
                                                    action,
                                                    flag_on,
                                                    fan_in_connected_call,
                                                    share_link_valid,
                                                });
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    cases
}

/// The rule's wire name, through serde (snake_case), so the comparison does not depend on the
/// implementation's enum names.
fn rule_name<T: serde::Serialize>(rule: T) -> String {
    serde_json::to_value(rule)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_combination_matches_the_spec_table() {
    let cases = all_cases();
    assert_eq!(cases.len(), 3 * 3 * 3 * 2 * 32 * 4 * 4 * 5 * 2 * 2 * 2);
    let mut mismatches = Vec::new();
    let mut mismatch_count = 0usize;
    let mut seen_rules = std::collections::BTreeMap::<(&str, Option<&str>), usize>::new();
    for c in &cases {
        let input = to_input(c);
        let got = decide(&input);
        let (verdict, rule) = expected(c);
        let want_code = match verdict {
            Verdict::Allow => None,
            Verdict::Deny(code) => Some(code),
        };
        *seen_rules.entry((rule, want_code)).or_default() += 1;

        let ok = got.allowed == want_code.is_none()
            && got.code() == want_code
            && got.deny.is_some() != got.allowed
            && rule_name(got.rule) == rule;
        mismatch_count += usize::from(!ok);
        if !ok && mismatches.len() < 20 {
            mismatches.push(format!(
                "{c:?}\n  expected {want_code:?} by {rule}, got {:?} by {}",
                got.code(),
                rule_name(got.rule)
            ));
        }
        // The error form agrees with the code.
        let feature = input.action.feature();
        match got.into_result(feature) {
            Ok(()) => assert!(got.allowed),
            Err(e) => {
                assert_eq!(Some(e.code()), got.code());
                let status = match e.code() {
                    "BUSY" => 409,
                    "NOT_FOUND" => 404,
                    _ => 403,
                };
                assert_eq!(e.http_status(), status, "{}", e.code());
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{mismatch_count} mismatches (first 20):\n{}",
        mismatches.join("\n")
    );

    // The table is exercised in full: every (rule, outcome) of the spec is reached.
    let expected_pairs = [
        ("feature_flag", Some("FEATURE_DISABLED")),
        ("self_or_admin", None),
        ("creator_only", Some("NOT_CREATOR")),
        ("block", Some("BLOCKED")),
        ("block", Some("NOT_FOUND")),
        ("visibility", None),
        ("visibility", Some("PROFILE_PRIVATE")),
        ("allow_dm", None),
        ("allow_dm", Some("DM_NOT_ALLOWED")),
        ("allow_calls", None),
        ("allow_calls", Some("CALL_NOT_ALLOWED")),
        ("fan_busy", Some("BUSY")),
        ("share_link", None),
        ("share_link", Some("NOT_FOUND")),
        ("searchable", None),
        ("searchable", Some("NOT_FOUND")),
    ];
    for pair in expected_pairs {
        assert!(
            seen_rules.get(&pair).copied().unwrap_or(0) > 0,
            "{pair:?} never reached"
        );
    }
    assert_eq!(seen_rules.len(), expected_pairs.len());
}

#[test]
fn batch_equals_map_of_single_decisions() {
    let cases = all_cases();
    let inputs: Vec<DecisionInput> = cases.iter().map(to_input).collect();
    let batch = decide_many(&inputs);
    assert_eq!(batch.len(), inputs.len());
    for (i, (input, got)) in inputs.iter().zip(&batch).enumerate() {
        assert_eq!(*got, decide(input), "input {i}: {input:?}");
    }
    assert!(decide_many(&[]).is_empty());
    // Order is preserved for a shuffled-looking subset too (every 7th case, reversed).
    let subset: Vec<DecisionInput> = inputs.iter().step_by(7).rev().copied().collect();
    let expected: Vec<_> = subset.iter().map(decide).collect();
    assert_eq!(decide_many(&subset), expected);
}

#[test]
fn flags_guard_the_actions_the_spec_names() {
    // section 9: calls, share card and mini profile sit behind their flags; the decision
    // input records whether that flag is on.
    assert_eq!(Action::Call.feature(), Some(Feature::Calls));
    assert_eq!(Action::ViewShareCard.feature(), Some(Feature::FanShareCard));
    assert_eq!(Action::ViewProfile.feature(), Some(Feature::FanMiniProfile));
    // A FEATURE_DISABLED error names the flag.
    let input = DecisionInput {
        feature_on: false,
        ..DecisionInput::creator(Action::Call)
    };
    let e = decide(&input)
        .into_result(Some(Feature::Calls))
        .unwrap_err();
    assert_eq!(e.code(), "FEATURE_DISABLED");
    assert!(e.to_string().contains("calls"));
}

#[test]
fn default_settings_are_the_private_defaults() {
    // A fan with nothing stored: private, DMs/calls from interacted creators, not searchable.
    let input = DecisionInput {
        relationships: RelationshipSet::of(&[RelationshipKind::Tipped]),
        ..DecisionInput::creator(Action::ViewProfile)
    };
    assert_eq!(decide(&input).code(), Some("PROFILE_PRIVATE"));
    for (action, allowed) in [
        (Action::Message, true),
        (Action::Call, true),
        (Action::AppearInSearch, false),
        (Action::ViewShareCard, false),
    ] {
        let d = decide(&DecisionInput { action, ..input });
        assert_eq!(d.allowed, allowed, "{action:?}");
    }
}
