//! The pure decision function: may this actor view, message, call, see the share card of, or
//! find this fan? Every answer names the rule that decided (docs/rules.md section 4).

use serde::{Deserialize, Serialize};

use super::{Audience, PrivacySettings, RelationshipSet, Visibility};
use crate::error::{clip, Error};
use crate::flags::Feature;
use crate::ids::Role;
use crate::wire::wire_enum;

wire_enum! {
    /// What the actor wants to do with the fan.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Action {
        /// See the mini profile.
        ViewProfile = "view_profile",
        /// Send a direct message.
        Message = "message",
        /// Start a call.
        Call = "call",
        /// Open the public share card (any visitor holding the link).
        ViewShareCard = "view_share_card",
        /// Appear in creator-side search.
        AppearInSearch = "appear_in_search",
    }
}

impl Action {
    /// The flag guarding the action, if any.
    pub fn feature(self) -> Option<Feature> {
        match self {
            Action::ViewProfile => Some(Feature::FanMiniProfile),
            Action::Call => Some(Feature::Calls),
            Action::ViewShareCard => Some(Feature::FanShareCard),
            Action::Message | Action::AppearInSearch => None,
        }
    }

    /// Every action.
    pub const ALL: [Action; 5] = [
        Action::ViewProfile,
        Action::Message,
        Action::Call,
        Action::ViewShareCard,
        Action::AppearInSearch,
    ];

    /// Parses a wire name; anything else is `INVALID_INPUT`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::invalid(format!("unknown action '{}'", clip(s, 64))))
    }

    /// Creator-only actions (rule 3). The share card is public; the rest need a creator.
    fn creator_only(self) -> bool {
        !matches!(self, Action::ViewShareCard)
    }
}

/// Blocks between the pair, by direction. Either direction denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct BlockState {
    /// The fan blocked the creator.
    pub by_fan: bool,
    /// The creator blocked the fan.
    pub by_creator: bool,
}

impl BlockState {
    /// Whether any block exists.
    pub fn any(self) -> bool {
        self.by_fan || self.by_creator
    }
}

/// Everything the decision needs, gathered by the caller (the engine reads it in one
/// transaction). Plain data: deciding does no I/O and allocates nothing.
///
/// Its serde form (for the bindings) is camelCase; only `action` and `actorRole` are required,
/// every other field defaults as in [`DecisionInput::creator`] (flag on, default settings, no
/// relationship, no block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionInput {
    /// The action asked for.
    pub action: Action,
    /// Whether the action's feature flag is on (`true` for actions without a flag).
    #[serde(default = "flag_on")]
    pub feature_on: bool,
    /// The actor's role.
    pub actor_role: Role,
    /// Whether the actor is the fan themself.
    #[serde(default)]
    pub actor_is_fan: bool,
    /// The fan's settings (defaults when nothing is stored).
    #[serde(default)]
    pub settings: PrivacySettings,
    /// Relationship kinds between the creator and the fan.
    #[serde(default)]
    pub relationships: RelationshipSet,
    /// Blocks between them.
    #[serde(default)]
    pub blocks: BlockState,
    /// Whether the fan is in another connected call (calls only).
    #[serde(default)]
    pub fan_in_connected_call: bool,
    /// Whether a live, verified, unrevoked share link was presented (share card only).
    #[serde(default)]
    pub share_link_valid: bool,
}

fn flag_on() -> bool {
    true
}

impl DecisionInput {
    /// An input for `action` by a creator with everything else neutral: flag on, default
    /// settings, no relationship, no block. Set the fields that matter with struct update.
    pub fn creator(action: Action) -> Self {
        DecisionInput {
            action,
            feature_on: true,
            actor_role: Role::Creator,
            actor_is_fan: false,
            settings: PrivacySettings::default(),
            relationships: RelationshipSet::EMPTY,
            blocks: BlockState::default(),
            fan_in_connected_call: false,
            share_link_valid: false,
        }
    }
}

wire_enum! {
    /// The rule that decided.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Rule {
        /// 1: the feature flag is off.
        FeatureFlag = "feature_flag",
        /// 2: the fan themself or an admin.
        SelfOrAdmin = "self_or_admin",
        /// 3: a creator-only action by a non-creator.
        CreatorOnly = "creator_only",
        /// 4: a block in either direction.
        Block = "block",
        /// 5: the fan's visibility setting.
        Visibility = "visibility",
        /// 5: the fan's `allow_dm` setting.
        AllowDm = "allow_dm",
        /// 5: the fan's `allow_calls` setting.
        AllowCalls = "allow_calls",
        /// 5: the fan is already in a connected call.
        FanBusy = "fan_busy",
        /// 5: the share link and the `link` visibility.
        ShareLink = "share_link",
        /// 5: the fan's `searchable` setting.
        Searchable = "searchable",
    }
}

wire_enum! {
    /// Why an action is refused; each maps to one stable error code.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Deny {
        /// `FEATURE_DISABLED`.
        FeatureDisabled = "FEATURE_DISABLED",
        /// `NOT_CREATOR`.
        NotCreator = "NOT_CREATOR",
        /// `BLOCKED`.
        Blocked = "BLOCKED",
        /// `PROFILE_PRIVATE`.
        ProfilePrivate = "PROFILE_PRIVATE",
        /// `DM_NOT_ALLOWED`.
        DmNotAllowed = "DM_NOT_ALLOWED",
        /// `CALL_NOT_ALLOWED`.
        CallNotAllowed = "CALL_NOT_ALLOWED",
        /// `BUSY`.
        Busy = "BUSY",
        /// `NOT_FOUND` (a share card that is not live, or a fan hidden from search).
        NotFound = "NOT_FOUND",
    }
}

/// A decision: allowed or the denial, plus the rule that decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// The denial, when refused.
    pub deny: Option<Deny>,
    /// The rule that decided.
    pub rule: Rule,
}

impl Decision {
    fn allow(rule: Rule) -> Self {
        Decision {
            allowed: true,
            deny: None,
            rule,
        }
    }

    fn deny(deny: Deny, rule: Rule) -> Self {
        Decision {
            allowed: false,
            deny: Some(deny),
            rule,
        }
    }

    /// The stable error code of the denial, if any.
    pub fn code(&self) -> Option<&'static str> {
        self.deny.map(|d| d.to_error(None).code())
    }

    /// `Ok(())` when allowed, the matching [`Error`] otherwise. `feature` names the flag in
    /// a `FEATURE_DISABLED` error.
    pub fn into_result(self, feature: Option<Feature>) -> Result<(), Error> {
        match self.deny {
            None => Ok(()),
            Some(d) => Err(d.to_error(feature)),
        }
    }
}

impl Deny {
    /// The error for this denial.
    pub fn to_error(self, feature: Option<Feature>) -> Error {
        match self {
            Deny::FeatureDisabled => {
                Error::FeatureDisabled(feature.map(Feature::as_str).unwrap_or("feature"))
            }
            Deny::NotCreator => Error::NotCreator,
            Deny::Blocked => Error::Blocked,
            Deny::ProfilePrivate => Error::ProfilePrivate,
            Deny::DmNotAllowed => Error::DmNotAllowed,
            Deny::CallNotAllowed => Error::CallNotAllowed,
            Deny::Busy => Error::Busy,
            Deny::NotFound => Error::NotFound("profile"),
        }
    }
}

fn audience_admits(audience: Audience, relationships: RelationshipSet) -> bool {
    match audience {
        Audience::None => false,
        Audience::Following => relationships.following(),
        Audience::Interacted => relationships.interacted(),
    }
}

/// Decides one action. Order of evaluation, first match wins: flag, self/admin, creator-only,
/// block, then the fan's setting for the action. Every denial of "appear in search" after the
/// creator-only rule is `NOT_FOUND` (block included), so search never leaks a fan's existence.
///
/// ```
/// use fanline::privacy::{decide, Action, Audience, DecisionInput, Deny, PrivacySettings};
/// use fanline::privacy::{RelationshipKind, RelationshipSet};
///
/// let mut input = DecisionInput::creator(Action::Call);
/// input.settings = PrivacySettings { allow_calls: Audience::Following, ..PrivacySettings::default() };
/// let refused = decide(&input);
/// assert_eq!(refused.deny, Some(Deny::CallNotAllowed));
///
/// input.relationships = RelationshipSet::of(&[RelationshipKind::Follow]);
/// assert!(decide(&input).allowed);
/// ```
pub fn decide(input: &DecisionInput) -> Decision {
    if !input.feature_on {
        return Decision::deny(Deny::FeatureDisabled, Rule::FeatureFlag);
    }
    if input.actor_is_fan || input.actor_role == Role::Admin {
        return Decision::allow(Rule::SelfOrAdmin);
    }
    if input.action.creator_only() && input.actor_role != Role::Creator {
        return Decision::deny(Deny::NotCreator, Rule::CreatorOnly);
    }
    // A public share card has no creator pair, so blocks do not apply to it. A search result
    // that is withheld must not reveal that the fan exists, nor that a block is why: a block
    // there is NOT_FOUND, like a fan who is not searchable.
    if input.action != Action::ViewShareCard && input.blocks.any() {
        let deny = if input.action == Action::AppearInSearch {
            Deny::NotFound
        } else {
            Deny::Blocked
        };
        return Decision::deny(deny, Rule::Block);
    }
    let s = &input.settings;
    let rel = input.relationships;
    match input.action {
        Action::ViewProfile => {
            let visible =
                matches!(s.visibility, Visibility::Creators | Visibility::Link) && rel.interacted();
            verdict(visible, Deny::ProfilePrivate, Rule::Visibility)
        }
        Action::Message => verdict(
            audience_admits(s.allow_dm, rel),
            Deny::DmNotAllowed,
            Rule::AllowDm,
        ),
        Action::Call => {
            if !audience_admits(s.allow_calls, rel) {
                Decision::deny(Deny::CallNotAllowed, Rule::AllowCalls)
            } else if input.fan_in_connected_call {
                Decision::deny(Deny::Busy, Rule::FanBusy)
            } else {
                Decision::allow(Rule::AllowCalls)
            }
        }
        Action::ViewShareCard => verdict(
            s.visibility == Visibility::Link && input.share_link_valid,
            Deny::NotFound,
            Rule::ShareLink,
        ),
        Action::AppearInSearch => verdict(s.searchable, Deny::NotFound, Rule::Searchable),
    }
}

fn verdict(allowed: bool, deny: Deny, rule: Rule) -> Decision {
    if allowed {
        Decision::allow(rule)
    } else {
        Decision::deny(deny, rule)
    }
}

/// Decides many inputs at once (the batch form over many (creator, fan) pairs).
pub fn decide_many(inputs: &[DecisionInput]) -> Vec<Decision> {
    inputs.iter().map(decide).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::RelationshipKind;

    #[test]
    fn private_fan_hides_even_from_related_creators() {
        // Defect 14.1 of the baseline: `private` let related creators see.
        let input = DecisionInput {
            relationships: RelationshipSet::of(&[RelationshipKind::Follow]),
            ..DecisionInput::creator(Action::ViewProfile)
        };
        let d = decide(&input);
        assert_eq!(d.deny, Some(Deny::ProfilePrivate));
        assert_eq!(d.rule, Rule::Visibility);
    }

    #[test]
    fn creators_visibility_needs_a_relationship() {
        // Defect 14.1 again: `creators` let every creator see.
        let mut input = DecisionInput::creator(Action::ViewProfile);
        input.settings.visibility = Visibility::Creators;
        assert!(!decide(&input).allowed);
        input.relationships = RelationshipSet::of(&[RelationshipKind::Tipped]);
        assert!(decide(&input).allowed);
    }

    #[test]
    fn block_either_way_wins_over_settings() {
        for blocks in [
            BlockState {
                by_fan: true,
                by_creator: false,
            },
            BlockState {
                by_fan: false,
                by_creator: true,
            },
        ] {
            let input = DecisionInput {
                blocks,
                relationships: RelationshipSet::of(&[RelationshipKind::Follow]),
                ..DecisionInput::creator(Action::Call)
            };
            assert_eq!(decide(&input).code(), Some("BLOCKED"));
        }
    }

    #[test]
    fn flag_first_then_self_then_role() {
        let mut input = DecisionInput::creator(Action::Call);
        input.feature_on = false;
        input.actor_is_fan = true;
        assert_eq!(decide(&input).rule, Rule::FeatureFlag);
        input.feature_on = true;
        assert_eq!(decide(&input).rule, Rule::SelfOrAdmin);
        input.actor_is_fan = false;
        input.actor_role = Role::Fan;
        assert_eq!(decide(&input).code(), Some("NOT_CREATOR"));
    }

    #[test]
    fn action_names_round_trip_and_match_serde() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()).unwrap(), a);
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
        assert_eq!(Action::parse("View").unwrap_err().code(), "INVALID_INPUT");
    }

    #[test]
    fn serde_form_defaults_like_creator() {
        let input: DecisionInput =
            serde_json::from_str(r#"{"action":"call","actorRole":"creator"}"#).unwrap();
        assert_eq!(input, DecisionInput::creator(Action::Call));
        let full: DecisionInput = serde_json::from_str(
            r#"{"action":"view_profile","actorRole":"fan","featureOn":false,"relationships":["follow","called"],"blocks":{"byFan":true}}"#,
        )
        .unwrap();
        assert!(!full.feature_on && full.blocks.by_fan && !full.blocks.by_creator);
        assert!(
            full.relationships.following() && full.relationships.contains(RelationshipKind::Called)
        );
        for bad in [
            r#"{"action":"call"}"#,
            r#"{"action":"hug","actorRole":"creator"}"#,
            r#"{"action":"call","actorRole":"creator","colour":1}"#,
        ] {
            assert!(serde_json::from_str::<DecisionInput>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn busy_fan_cannot_be_called() {
        let input = DecisionInput {
            relationships: RelationshipSet::of(&[RelationshipKind::Messaged]),
            fan_in_connected_call: true,
            ..DecisionInput::creator(Action::Call)
        };
        assert_eq!(decide(&input).code(), Some("BUSY"));
    }
}
