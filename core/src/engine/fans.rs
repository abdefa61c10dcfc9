//! Fan-side operations: settings, display profile, share links, mini profiles, relationships
//! and blocks.

use serde_json::json;

use super::views::{MiniProfile, ShareCard, ShareLink};
use super::{audit, detail, Fanline, Outcome};
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::flags::Feature;
use crate::ids::{Actor, Role, UserId};
use crate::privacy::{
    decide, Action, BlockState, Decision, DecisionInput, PrivacySettings, RelationshipKind,
    RelationshipSet, SettingsPatch, Visibility,
};
use crate::store::{Profile, Relationship, ShareState, Tx};

/// Longest display name, in characters.
const MAX_DISPLAY_NAME_CHARS: usize = 100;
/// Most pairs one `decide_pairs` call reads, so one request cannot hold a transaction open
/// for an unbounded time.
pub const MAX_BATCH_PAIRS: usize = 10_000;
/// Longest avatar URL, in bytes.
const MAX_AVATAR_URL_BYTES: usize = 2048;

/// What the decision function needs about one (creator, fan) pair, read in one go.
pub(super) struct PairFacts {
    pub settings: PrivacySettings,
    pub relationships: Vec<Relationship>,
    pub blocks: BlockState,
}

impl PairFacts {
    pub(super) fn read(tx: &mut dyn Tx, creator: &UserId, fan: &UserId) -> Result<Self> {
        Ok(PairFacts {
            settings: tx.get_settings(fan)?.unwrap_or_default(),
            relationships: tx.relationships(creator, fan)?,
            blocks: BlockState {
                by_fan: tx.is_blocked(fan, creator)?,
                by_creator: tx.is_blocked(creator, fan)?,
            },
        })
    }

    pub(super) fn input(&self, action: Action, actor: &Actor, fan: &UserId) -> DecisionInput {
        DecisionInput {
            action,
            feature_on: true,
            actor_role: actor.role,
            actor_is_fan: &actor.id == fan,
            settings: self.settings,
            relationships: self
                .relationships
                .iter()
                .map(|r| r.kind)
                .collect::<RelationshipSet>(),
            blocks: self.blocks,
            fan_in_connected_call: false,
            share_link_valid: false,
        }
    }
}

fn validate_profile(profile: &Profile) -> Result<()> {
    let name = &profile.display_name;
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "display name must be at most {MAX_DISPLAY_NAME_CHARS} characters without control characters"
        )));
    }
    if let Some(url) = &profile.avatar_url {
        let ok_scheme =
            url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/');
        if url.len() > MAX_AVATAR_URL_BYTES || !ok_scheme || url.chars().any(char::is_control) {
            return Err(Error::invalid(
                "avatar URL must be an http(s) URL or a path of at most 2048 bytes",
            ));
        }
    }
    Ok(())
}

impl Fanline {
    fn decision_input(
        &self,
        facts: &PairFacts,
        action: Action,
        actor: &Actor,
        fan: &UserId,
    ) -> DecisionInput {
        let mut input = facts.input(action, actor, fan);
        input.feature_on = action.feature().is_none_or(|f| self.flags.is_on(f));
        input
    }

    /// The actor's own privacy settings (defaults when never changed).
    pub fn settings(&self, actor: &Actor) -> Result<PrivacySettings> {
        self.flags.require(Feature::FanPrivacy)?;
        self.read(|tx| Ok(tx.get_settings(&actor.id)?.unwrap_or_default()))
    }

    /// Applies a partial update to the actor's own settings (`PATCH /api/fans/me`).
    pub fn update_settings(
        &self,
        actor: &Actor,
        patch: &SettingsPatch,
    ) -> Result<Outcome<PrivacySettings>> {
        self.flags.require(Feature::FanPrivacy)?;
        let now = self.now_ms();
        self.write(|tx| {
            let before = tx.get_settings(&actor.id)?.unwrap_or_default();
            let after = before.apply(patch);
            if after != before {
                tx.put_settings(&actor.id, &after, now)?;
                let mut rec = audit("privacy_updated", Some(actor), now);
                rec.fan_id = Some(actor.id.to_string());
                // The role lets the metrics count fans only (creators have settings too).
                rec.detail = detail(json!({
                    "changed": serde_json::to_value(patch).unwrap_or_default(),
                    "differsFromDefault": after.differs_from_default(),
                    "role": actor.role.as_str(),
                }));
                tx.append_audit(&rec)?;
                // Leaving `link` revokes the live link: going back to `link` later must not
                // revive a link the fan may have believed dead.
                if before.visibility == Visibility::Link && after.visibility != Visibility::Link {
                    revoke_share(tx, actor, now)?;
                }
            }
            Ok(Outcome::quiet(after))
        })
    }

    /// Sets the actor's display fields (shown on mini profiles and share cards).
    pub fn set_profile(&self, actor: &Actor, profile: &Profile) -> Result<Outcome<Profile>> {
        validate_profile(profile)?;
        let now = self.now_ms();
        self.write(|tx| {
            tx.put_profile(&actor.id, profile)?;
            let mut rec = audit("profile_updated", Some(actor), now);
            rec.fan_id = Some(actor.id.to_string());
            tx.append_audit(&rec)?;
            Ok(Outcome::quiet(profile.clone()))
        })
    }

    /// A user's display fields, if the host set any.
    pub fn profile(&self, user_id: &str) -> Result<Option<Profile>> {
        let user = UserId::new(user_id)?;
        self.read(|tx| tx.get_profile(&user))
    }

    /// Mints a new share link for the actor, revoking any previous one. The fan's visibility
    /// must be `link`.
    pub fn enable_share(&self, actor: &Actor) -> Result<Outcome<ShareLink>> {
        self.flags.require(Feature::FanShareCard)?;
        let now = self.now_ms();
        let now_s = now.div_euclid(1000);
        self.write(|tx| {
            let settings = tx.get_settings(&actor.id)?.unwrap_or_default();
            if settings.visibility != Visibility::Link {
                return Err(Error::state(
                    "set visibility to 'link' before enabling a share link",
                ));
            }
            let previous = tx.get_share(&actor.id)?;
            let state = ShareState {
                generation: previous.map_or(1, |p| p.generation.wrapping_add(1)),
                enabled: true,
                expires_at: now_s.saturating_add(self.config.share_lifetime_secs),
            };
            tx.put_share(&actor.id, &state)?;
            let mut rec = audit("share_enabled", Some(actor), now);
            rec.fan_id = Some(actor.id.to_string());
            tx.append_audit(&rec)?;
            Ok(Outcome::quiet(ShareLink {
                token: self
                    .share_keys
                    .mint(&actor.id, state.generation, state.expires_at),
                expires_at: rfc3339(state.expires_at.saturating_mul(1000)),
            }))
        })
    }

    /// Revokes the actor's share link at once; `false` (and nothing written) when none was
    /// live.
    pub fn disable_share(&self, actor: &Actor) -> Result<Outcome<bool>> {
        self.flags.require(Feature::FanShareCard)?;
        let now = self.now_ms();
        self.write(|tx| Ok(Outcome::quiet(revoke_share(tx, actor, now)?)))
    }

    /// Opens a share card from its token (public: no actor). Every dead, revoked, expired,
    /// forged or hidden link is `NOT_FOUND`.
    pub fn resolve_share(&self, token: &str) -> Result<ShareCard> {
        self.flags.require(Feature::FanShareCard)?;
        let now = self.now_ms();
        let claims = self.share_keys.verify(token, now.div_euclid(1000))?;
        self.read(|tx| {
            let live = tx
                .get_share(&claims.fan)?
                .is_some_and(|s| s.enabled && s.generation == claims.generation);
            let settings = tx.get_settings(&claims.fan)?.unwrap_or_default();
            let input = DecisionInput {
                share_link_valid: live,
                settings,
                actor_role: Role::Fan,
                ..DecisionInput::creator(Action::ViewShareCard)
            };
            decide(&input)
                .into_result(Some(Feature::FanShareCard))
                .map_err(|_| Error::NotFound("share link"))?;
            let profile = tx.get_profile(&claims.fan)?.unwrap_or_default();
            Ok(ShareCard {
                display_name: profile.display_name,
                avatar_url: profile.avatar_url,
                expires_at: rfc3339(claims.expires_at.saturating_mul(1000)),
            })
        })
    }

    /// A creator's view of a fan, with `canMessage` / `canCall` and the rules that decided.
    pub fn mini_profile(&self, actor: &Actor, fan_id: &str) -> Result<MiniProfile> {
        let fan = UserId::new(fan_id)?;
        self.read(|tx| {
            let facts = PairFacts::read(tx, &actor.id, &fan)?;
            let view = decide(&self.decision_input(&facts, Action::ViewProfile, actor, &fan));
            view.into_result(Some(Feature::FanMiniProfile))?;
            let message = decide(&self.decision_input(&facts, Action::Message, actor, &fan));
            let mut call_input = self.decision_input(&facts, Action::Call, actor, &fan);
            call_input.fan_in_connected_call = tx.fan_connected(&fan)?;
            let call = decide(&call_input);
            let profile = tx.get_profile(&fan)?.unwrap_or_default();
            Ok(MiniProfile {
                fan_id: fan.to_string(),
                display_name: profile.display_name,
                avatar_url: profile.avatar_url,
                relationships: facts.relationships,
                can_message: message.allowed,
                can_call: call.allowed,
                message_decision: message,
                call_decision: call,
            })
        })
    }

    /// Decides `action` for many (creator, fan) pairs in one read transaction (the batch
    /// form). Each pair is decided as if that creator asked.
    pub fn decide_pairs(
        &self,
        action: Action,
        pairs: &[(String, String)],
    ) -> Result<Vec<Decision>> {
        if pairs.len() > MAX_BATCH_PAIRS {
            return Err(Error::invalid(format!(
                "at most {MAX_BATCH_PAIRS} pairs per batch"
            )));
        }
        let pairs = pairs
            .iter()
            .map(|(c, f)| Ok((Actor::creator(c.as_str())?, UserId::new(f.as_str())?)))
            .collect::<Result<Vec<_>>>()?;
        self.read(|tx| {
            pairs
                .iter()
                .map(|(creator, fan)| {
                    let facts = PairFacts::read(tx, &creator.id, fan)?;
                    let mut input = self.decision_input(&facts, action, creator, fan);
                    if action == Action::Call {
                        input.fan_in_connected_call = tx.fan_connected(fan)?;
                    }
                    Ok(decide(&input))
                })
                .collect()
        })
    }

    /// The relationship rows between the actor and `other` (creator and fan, either way).
    pub fn relationship(&self, actor: &Actor, other_id: &str) -> Result<Vec<Relationship>> {
        let other = UserId::new(other_id)?;
        let (creator, fan) = pair_of(actor, &other)?;
        self.read(|tx| tx.relationships(&creator, &fan))
    }

    /// Records an interaction. Fans record `follow`, `tipped` and `purchased` toward a
    /// creator; either side records `messaged`, and a creator only when the fan's `allow_dm`
    /// admits them. `called` is recorded by the engine when a call connects. A block in either
    /// direction refuses every kind with `BLOCKED`.
    pub fn record_relationship(
        &self,
        actor: &Actor,
        other_id: &str,
        kind: RelationshipKind,
    ) -> Result<Outcome<()>> {
        let other = UserId::new(other_id)?;
        let (creator, fan) = pair_of(actor, &other)?;
        match (kind, actor.role) {
            (RelationshipKind::Called, _) => {
                return Err(Error::invalid("'called' is recorded when a call connects"))
            }
            (RelationshipKind::Messaged, _) | (_, Role::Fan) | (_, Role::Admin) => {}
            _ => {
                return Err(Error::invalid(format!(
                    "only the fan records '{}'",
                    kind.as_str()
                )))
            }
        }
        let now = self.now_ms();
        self.write(|tx| {
            let facts = PairFacts::read(tx, &creator, &fan)?;
            // A block in either direction stops new interactions from both sides.
            if facts.blocks.any() {
                return Err(Error::Blocked);
            }
            if actor.role == Role::Creator {
                decide(&self.decision_input(&facts, Action::Message, actor, &fan))
                    .into_result(None)?;
            }
            tx.record_relationship(&creator, &fan, kind, now)?;
            let mut rec = audit("relationship_recorded", Some(actor), now);
            rec.creator_id = Some(creator.to_string());
            rec.fan_id = Some(fan.to_string());
            rec.detail = detail(json!({ "kind": kind.as_str() }));
            tx.append_audit(&rec)?;
            Ok(Outcome::quiet(()))
        })
    }

    /// The fan stops following the creator; `false` when they did not follow.
    pub fn unfollow(&self, actor: &Actor, creator_id: &str) -> Result<Outcome<bool>> {
        let creator = UserId::new(creator_id)?;
        if actor.role != Role::Fan {
            return Err(Error::invalid("only a fan can unfollow"));
        }
        if creator == actor.id {
            return Err(Error::invalid("a relationship needs two different users"));
        }
        let now = self.now_ms();
        self.write(|tx| {
            let removed = tx.remove_relationship(&creator, &actor.id, RelationshipKind::Follow)?;
            if removed {
                let mut rec = audit("relationship_removed", Some(actor), now);
                rec.creator_id = Some(creator.to_string());
                rec.fan_id = Some(actor.id.to_string());
                rec.detail = detail(json!({ "kind": "follow" }));
                tx.append_audit(&rec)?;
            }
            Ok(Outcome::quiet(removed))
        })
    }

    /// The actor blocks `other`; `false` when already blocked. A call between the two stops
    /// in the same transaction: a ringing one is cancelled, a connected one ends (billed to
    /// this moment), each with its events (reason `blocked`) for the other side.
    pub fn block(&self, actor: &Actor, other_id: &str) -> Result<Outcome<bool>> {
        self.set_block(actor, other_id, true)
    }

    /// The actor lifts a block on `other`; `false` when there was none.
    pub fn unblock(&self, actor: &Actor, other_id: &str) -> Result<Outcome<bool>> {
        self.set_block(actor, other_id, false)
    }

    fn set_block(&self, actor: &Actor, other_id: &str, on: bool) -> Result<Outcome<bool>> {
        let other = UserId::new(other_id)?;
        if other == actor.id {
            return Err(Error::invalid("you cannot block yourself"));
        }
        let now = self.now_ms();
        self.write(|tx| {
            let changed = if on {
                tx.put_block(&actor.id, &other, now)?
            } else {
                tx.delete_block(&actor.id, &other)?
            };
            if changed {
                let event = if on { "user_blocked" } else { "user_unblocked" };
                let mut rec = audit(event, Some(actor), now);
                rec.detail = detail(json!({ "other": other.as_str() }));
                tx.append_audit(&rec)?;
            }
            let mut events = Vec::new();
            if on {
                self.stop_calls_between(tx, actor, &other, now, &mut events)?;
            }
            Ok(Outcome {
                value: changed,
                events,
            })
        })
    }

    /// Whether the actor blocked `other` (for settings screens).
    pub fn has_blocked(&self, actor: &Actor, other_id: &str) -> Result<bool> {
        let other = UserId::new(other_id)?;
        self.read(|tx| tx.is_blocked(&actor.id, &other))
    }
}

/// Revokes the actor's live share link, if any: bumps the generation so every token minted
/// so far dies, and audits it. `false` (nothing written) when no link was live.
fn revoke_share(tx: &mut dyn Tx, actor: &Actor, now_ms: i64) -> Result<bool> {
    let Some(previous) = tx.get_share(&actor.id)?.filter(|s| s.enabled) else {
        return Ok(false);
    };
    let state = ShareState {
        generation: previous.generation.wrapping_add(1),
        enabled: false,
        expires_at: previous.expires_at,
    };
    tx.put_share(&actor.id, &state)?;
    let mut rec = audit("share_disabled", Some(actor), now_ms);
    rec.fan_id = Some(actor.id.to_string());
    tx.append_audit(&rec)?;
    Ok(true)
}

/// The (creator, fan) pair between the actor and `other`, by the actor's role.
fn pair_of(actor: &Actor, other: &UserId) -> Result<(UserId, UserId)> {
    if &actor.id == other {
        return Err(Error::invalid("a relationship needs two different users"));
    }
    match actor.role {
        Role::Creator => Ok((actor.id.clone(), other.clone())),
        Role::Fan => Ok((other.clone(), actor.id.clone())),
        Role::Admin => Err(Error::invalid("an admin is neither side of a relationship")),
    }
}
