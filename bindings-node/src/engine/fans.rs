//! `fanline::engine` fan-side operations: settings, display profile, share links, mini
//! profiles, batch decisions, relationships and blocks.

use fanline::privacy::{Action, RelationshipKind};
use fanline::store::Profile;
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use super::{actor_arg, job, text, Fanline, Job, Op};
use crate::convert::Js;
use crate::error::guard;
use crate::output::Json;

fn settings_job(actor: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    Ok(job(move |e| e.settings(&actor)))
}

fn update_settings_job(actor: &Unknown, patch: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let patch = crate::privacy::settings_patch(Js::from(patch))?;
    Ok(job(move |e| e.update_settings(&actor, &patch)))
}

fn set_profile_job(actor: &Unknown, profile: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let profile: Profile = Js::from(profile).serde("profile")?;
    Ok(job(move |e| e.set_profile(&actor, &profile)))
}

fn profile_job(user_id: &Unknown) -> fanline::Result<Job> {
    let user = text(user_id, "userId")?;
    Ok(job(move |e| e.profile(&user)))
}

fn enable_share_job(actor: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    Ok(job(move |e| e.enable_share(&actor)))
}

fn disable_share_job(actor: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    Ok(job(move |e| e.disable_share(&actor)))
}

fn resolve_share_job(token: &Unknown) -> fanline::Result<Job> {
    let token = text(token, "token")?;
    Ok(job(move |e| e.resolve_share(&token)))
}

fn mini_profile_job(actor: &Unknown, fan_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let fan = text(fan_id, "fanId")?;
    Ok(job(move |e| e.mini_profile(&actor, &fan)))
}

fn decide_pairs_job(action: &Unknown, pairs: &Unknown) -> fanline::Result<Job> {
    let action: Action = Js::from(action).serde("action")?;
    let pairs: Vec<(String, String)> = Js::from(pairs).serde("pairs")?;
    Ok(job(move |e| e.decide_pairs(action, &pairs)))
}

fn relationship_job(actor: &Unknown, other_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let other = text(other_id, "otherId")?;
    Ok(job(move |e| e.relationship(&actor, &other)))
}

fn record_relationship_job(
    actor: &Unknown,
    other_id: &Unknown,
    kind: &Unknown,
) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let other = text(other_id, "otherId")?;
    let kind = RelationshipKind::parse(&text(kind, "kind")?)?;
    Ok(job(move |e| e.record_relationship(&actor, &other, kind)))
}

fn unfollow_job(actor: &Unknown, creator_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let creator = text(creator_id, "creatorId")?;
    Ok(job(move |e| e.unfollow(&actor, &creator)))
}

fn block_job(actor: &Unknown, other_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let other = text(other_id, "otherId")?;
    Ok(job(move |e| e.block(&actor, &other)))
}

fn unblock_job(actor: &Unknown, other_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let other = text(other_id, "otherId")?;
    Ok(job(move |e| e.unblock(&actor, &other)))
}

fn has_blocked_job(actor: &Unknown, other_id: &Unknown) -> fanline::Result<Job> {
    let actor = actor_arg(actor)?;
    let other = text(other_id, "otherId")?;
    Ok(job(move |e| e.has_blocked(&actor, &other)))
}

#[napi]
impl Fanline {
    /// The actor's own privacy settings (defaults when never changed). Flag `fan_privacy`.
    #[napi(
        ts_args_type = "actor: Actor",
        ts_return_type = "Promise<PrivacySettings>"
    )]
    pub fn settings(&self, actor: Unknown) -> Op {
        self.spawn(guard(|| settings_job(&actor)))
    }

    /// The synchronous twin of `settings`: same result, on the calling thread.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "PrivacySettings")]
    pub fn settings_sync(&self, env: &Env, actor: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| settings_job(&actor)))
    }

    /// Applies a partial update to the actor's own settings (`PATCH /api/fans/me`). Unknown
    /// fields or values are `INVALID_INPUT` and change nothing.
    ///
    /// ```js
    /// const { value: settings } = await engine.updateSettings(fan, { visibility: 'link', allowDm: 'following' })
    /// ```
    #[napi(
        ts_args_type = "actor: Actor, patch: SettingsPatch",
        ts_return_type = "Promise<Outcome<PrivacySettings>>"
    )]
    pub fn update_settings(&self, actor: Unknown, patch: Unknown) -> Op {
        self.spawn(guard(|| update_settings_job(&actor, &patch)))
    }

    /// The synchronous twin of `updateSettings`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, patch: SettingsPatch",
        ts_return_type = "Outcome<PrivacySettings>"
    )]
    pub fn update_settings_sync(
        &self,
        env: &Env,
        actor: Unknown,
        patch: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| update_settings_job(&actor, &patch)))
    }

    /// Sets the actor's display fields (shown on mini profiles and share cards).
    #[napi(
        ts_args_type = "actor: Actor, profile: Profile",
        ts_return_type = "Promise<Outcome<Profile>>"
    )]
    pub fn set_profile(&self, actor: Unknown, profile: Unknown) -> Op {
        self.spawn(guard(|| set_profile_job(&actor, &profile)))
    }

    /// The synchronous twin of `setProfile`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, profile: Profile",
        ts_return_type = "Outcome<Profile>"
    )]
    pub fn set_profile_sync(
        &self,
        env: &Env,
        actor: Unknown,
        profile: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| set_profile_job(&actor, &profile)))
    }

    /// A user's display fields, or `null` when the host set none.
    #[napi(
        ts_args_type = "userId: string",
        ts_return_type = "Promise<Profile | null>"
    )]
    pub fn profile(&self, user_id: Unknown) -> Op {
        self.spawn(guard(|| profile_job(&user_id)))
    }

    /// The synchronous twin of `profile`: same result, on the calling thread.
    #[napi(ts_args_type = "userId: string", ts_return_type = "Profile | null")]
    pub fn profile_sync(&self, env: &Env, user_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| profile_job(&user_id)))
    }

    /// Mints a new share link for the actor (visibility must be `link`), revoking any previous
    /// one. The token is shown once; the store keeps no copy. Flag `fan_share_card`.
    #[napi(
        ts_args_type = "actor: Actor",
        ts_return_type = "Promise<Outcome<ShareLink>>"
    )]
    pub fn enable_share(&self, actor: Unknown) -> Op {
        self.spawn(guard(|| enable_share_job(&actor)))
    }

    /// The synchronous twin of `enableShare`: same result, on the calling thread.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "Outcome<ShareLink>")]
    pub fn enable_share_sync(&self, env: &Env, actor: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| enable_share_job(&actor)))
    }

    /// Revokes the actor's share link at once; `false` when none was live.
    #[napi(
        ts_args_type = "actor: Actor",
        ts_return_type = "Promise<Outcome<boolean>>"
    )]
    pub fn disable_share(&self, actor: Unknown) -> Op {
        self.spawn(guard(|| disable_share_job(&actor)))
    }

    /// The synchronous twin of `disableShare`: same result, on the calling thread.
    #[napi(ts_args_type = "actor: Actor", ts_return_type = "Outcome<boolean>")]
    pub fn disable_share_sync(&self, env: &Env, actor: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| disable_share_job(&actor)))
    }

    /// Opens a share card from its token (public, no actor). Every dead, revoked, expired,
    /// forged or hidden link is `NOT_FOUND`. Serve it with `X-Robots-Tag: X_ROBOTS_TAG`.
    #[napi(ts_args_type = "token: string", ts_return_type = "Promise<ShareCard>")]
    pub fn resolve_share(&self, token: Unknown) -> Op {
        self.spawn(guard(|| resolve_share_job(&token)))
    }

    /// The synchronous twin of `resolveShare`: same result, on the calling thread.
    #[napi(ts_args_type = "token: string", ts_return_type = "ShareCard")]
    pub fn resolve_share_sync(&self, env: &Env, token: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| resolve_share_job(&token)))
    }

    /// A creator's view of a fan, with `canMessage` / `canCall` and the rules that decided.
    ///
    /// ```js
    /// const p = await engine.miniProfile({ id: 'creator_max', role: 'creator' }, 'fan_ada')
    /// if (p.canCall) showCallButton()
    /// ```
    #[napi(
        ts_args_type = "actor: Actor, fanId: string",
        ts_return_type = "Promise<MiniProfile>"
    )]
    pub fn mini_profile(&self, actor: Unknown, fan_id: Unknown) -> Op {
        self.spawn(guard(|| mini_profile_job(&actor, &fan_id)))
    }

    /// The synchronous twin of `miniProfile`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, fanId: string",
        ts_return_type = "MiniProfile"
    )]
    pub fn mini_profile_sync(
        &self,
        env: &Env,
        actor: Unknown,
        fan_id: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| mini_profile_job(&actor, &fan_id)))
    }

    /// Decides `action` for many `[creatorId, fanId]` pairs in one read transaction, each as if
    /// that creator asked.
    #[napi(
        ts_args_type = "action: Action, pairs: Array<[string, string]>",
        ts_return_type = "Promise<Decision[]>"
    )]
    pub fn decide_pairs(&self, action: Unknown, pairs: Unknown) -> Op {
        self.spawn(guard(|| decide_pairs_job(&action, &pairs)))
    }

    /// The synchronous twin of `decidePairs`: same result, on the calling thread.
    #[napi(
        ts_args_type = "action: Action, pairs: Array<[string, string]>",
        ts_return_type = "Decision[]"
    )]
    pub fn decide_pairs_sync(
        &self,
        env: &Env,
        action: Unknown,
        pairs: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| decide_pairs_job(&action, &pairs)))
    }

    /// The relationship rows between the actor and `otherId` (creator and fan, either way).
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Promise<Relationship[]>"
    )]
    pub fn relationship(&self, actor: Unknown, other_id: Unknown) -> Op {
        self.spawn(guard(|| relationship_job(&actor, &other_id)))
    }

    /// The synchronous twin of `relationship`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Relationship[]"
    )]
    pub fn relationship_sync(
        &self,
        env: &Env,
        actor: Unknown,
        other_id: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| relationship_job(&actor, &other_id)))
    }

    /// Records an interaction: fans record `follow`, `tipped`, `purchased` toward a creator;
    /// either side records `messaged` (a creator only when the fan's `allowDm` admits them).
    #[napi(
        ts_args_type = "actor: Actor, otherId: string, kind: RelationshipKind",
        ts_return_type = "Promise<Outcome<null>>"
    )]
    pub fn record_relationship(&self, actor: Unknown, other_id: Unknown, kind: Unknown) -> Op {
        self.spawn(guard(|| record_relationship_job(&actor, &other_id, &kind)))
    }

    /// The synchronous twin of `recordRelationship`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string, kind: RelationshipKind",
        ts_return_type = "Outcome<null>"
    )]
    pub fn record_relationship_sync(
        &self,
        env: &Env,
        actor: Unknown,
        other_id: Unknown,
        kind: Unknown,
    ) -> napi::Result<Json> {
        self.now(
            env,
            guard(|| record_relationship_job(&actor, &other_id, &kind)),
        )
    }

    /// The fan stops following `creatorId`; `false` when they did not follow.
    #[napi(
        ts_args_type = "actor: Actor, creatorId: string",
        ts_return_type = "Promise<Outcome<boolean>>"
    )]
    pub fn unfollow(&self, actor: Unknown, creator_id: Unknown) -> Op {
        self.spawn(guard(|| unfollow_job(&actor, &creator_id)))
    }

    /// The synchronous twin of `unfollow`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, creatorId: string",
        ts_return_type = "Outcome<boolean>"
    )]
    pub fn unfollow_sync(
        &self,
        env: &Env,
        actor: Unknown,
        creator_id: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| unfollow_job(&actor, &creator_id)))
    }

    /// The actor blocks `otherId` (either direction denies view, DM and call); `false` when already blocked.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Promise<Outcome<boolean>>"
    )]
    pub fn block(&self, actor: Unknown, other_id: Unknown) -> Op {
        self.spawn(guard(|| block_job(&actor, &other_id)))
    }

    /// The synchronous twin of `block`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Outcome<boolean>"
    )]
    pub fn block_sync(&self, env: &Env, actor: Unknown, other_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| block_job(&actor, &other_id)))
    }

    /// The actor lifts a block on `otherId`; `false` when there was none.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Promise<Outcome<boolean>>"
    )]
    pub fn unblock(&self, actor: Unknown, other_id: Unknown) -> Op {
        self.spawn(guard(|| unblock_job(&actor, &other_id)))
    }

    /// The synchronous twin of `unblock`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Outcome<boolean>"
    )]
    pub fn unblock_sync(&self, env: &Env, actor: Unknown, other_id: Unknown) -> napi::Result<Json> {
        self.now(env, guard(|| unblock_job(&actor, &other_id)))
    }

    /// Whether the actor blocked `otherId` (for settings screens).
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn has_blocked(&self, actor: Unknown, other_id: Unknown) -> Op {
        self.spawn(guard(|| has_blocked_job(&actor, &other_id)))
    }

    /// The synchronous twin of `hasBlocked`: same result, on the calling thread.
    #[napi(
        ts_args_type = "actor: Actor, otherId: string",
        ts_return_type = "boolean"
    )]
    pub fn has_blocked_sync(
        &self,
        env: &Env,
        actor: Unknown,
        other_id: Unknown,
    ) -> napi::Result<Json> {
        self.now(env, guard(|| has_blocked_job(&actor, &other_id)))
    }
}
