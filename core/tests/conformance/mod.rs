//! The conformance suite: every engine operation, error code and call transition, run over
//! any [`Store`]. A store is done when it passes all of it (the contract is in the
//! `fanline::store` module docs; the rules in docs/rules.md).
//!
//! # Running it against a store
//! Add one file under `core/tests/`, e.g. `conformance_postgres.rs`:
//!
//! ```ignore
//! #[macro_use]
//! mod conformance;
//!
//! fn store() -> conformance::Backend {
//!     // A FRESH, EMPTY store for every call: each case starts from nothing.
//!     let store = fanline::store::PostgresStore::connect(&url_of_a_fresh_schema()).unwrap();
//!     conformance::Backend::new(std::sync::Arc::new(store))
//! }
//!
//! conformance_suite!(store);
//! ```
//!
//! The factory is any expression callable as `() -> B` where `B: Into<Backend>`: a function
//! returning `Arc<dyn Store>` works as is. A store that needs something kept alive for the
//! length of a case (a temporary directory, a throw-away schema, a container handle) returns
//! [`Backend::with_guard`]; the guard is dropped after the engine and the store.
//!
//! The macro generates one `#[test]` per case, grouped in modules named after the files here
//! (`calls::double_end_returns_the_same_settlement`, ...), so a failure names its case and
//! `cargo test --test conformance_<store> calls::` runs one group. Time is pinned with a
//! [`ManualClock`]; no case sleeps or asserts a duration.
//!
//! # Adding a case
//! Write `pub fn name(h: Harness)` in the module it belongs to and add `name` to that module's
//! list in [`conformance_suite!`].

pub mod audit;
pub mod bad_input;
pub mod billing;
pub mod calls;
pub mod concurrency;
pub mod config;
pub mod defects;
pub mod failures;
pub mod flags;
pub mod limits;
pub mod privacy;
pub mod safety;
pub mod settings;
pub mod store;
pub mod transitions;

use std::any::Any;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use fanline::calls::{CallType, CallView, Event};
use fanline::engine::{AcceptedCall, InitiateRequest};
use fanline::privacy::{RelationshipKind, SettingsPatch};
use fanline::share::ShareKeyRing;
use fanline::store::{AuditRecord, Store};
use fanline::{Actor, Fanline, FanlineBuilder, Flags, ManualClock, Result};

/// Generates one `#[test]` per conformance case; `$factory` makes a fresh store per case.
macro_rules! conformance_suite {
    ($factory:expr) => {
        conformance_suite!(@groups $factory;
            settings {
                settings_default_to_private,
                update_settings_is_partial_and_audited,
                update_settings_without_change_writes_nothing,
                set_profile_round_trips_and_is_audited,
                share_needs_link_visibility,
                share_enable_resolve_disable,
                share_reenable_kills_older_links,
                share_link_expires,
                share_leaving_link_visibility_revokes_the_link,
                share_garbage_and_forged_tokens_are_not_found,
                share_retired_key_fails_closed,
                share_disable_without_live_link_changes_nothing,
            }
            privacy {
                mini_profile_visibility_rules,
                mini_profile_self_and_admin_see_everything,
                mini_profile_needs_a_creator,
                mini_profile_can_message_and_can_call,
                mini_profile_shows_display_fields_and_relationships,
                decide_pairs_is_a_batch_with_reasons,
                relationship_listing_and_timestamps,
                record_relationship_rules,
                creator_messaging_is_gated_by_allow_dm,
                unfollow_removes_only_the_follow,
                block_and_unblock_both_directions,
                blocks_refuse_new_relationships_both_ways,
                decide_pairs_batches_are_capped,
            }
            calls {
                call_lifecycle_end_to_end,
                accepted_tokens_verify_with_stable_uids,
                accept_after_decline_is_invalid_state,
                end_before_accept_is_invalid_state,
                double_end_returns_the_same_settlement,
                accept_after_expiry_without_sweeper,
                decline_and_cancel_after_expiry,
                expire_due_marks_missed_at_the_boundary,
                expired_invitation_does_not_keep_the_creator_busy,
                cancel_after_accept_is_invalid_state,
                wrong_side_transitions_are_invalid_state,
                non_participants_get_not_found,
                refresh_token_only_while_connected,
                initiate_refusals,
                busy_creator_and_busy_fan,
                pending_lists_live_invitations_newest_first,
                history_paginates_newest_first,
                reads_change_nothing,
            }
            concurrency {
                racing_initiates_let_exactly_one_through,
                racing_ends_settle_once,
                racing_accept_and_decline_pick_one,
                racing_credits_with_one_reference_apply_once,
                racing_calls_to_one_fan_connect_once,
            }
            config {
                tunables_take_effect,
                bad_configuration_fails_at_build,
            }
            transitions {
                every_operation_from_every_state,
            }
            failures {
                store_failures_surface_without_detail,
            }
            limits {
                cooldown_counts_down_and_rounds_up,
                refused_attempts_do_not_start_the_cooldown,
                creator_rate_limit_is_10_per_minute,
                ip_rate_limit_is_5_per_minute,
                ipv6_clients_share_a_limit_per_64,
                refusals_before_the_limits_write_only_a_counter,
                limits_are_shared_by_engines_on_one_store,
                the_sweeper_prunes_limits_that_no_longer_bite,
            }
            billing {
                start_guard_needs_half_a_minute,
                fee_split_and_conservation,
                charge_is_capped_with_shortfall,
                zero_second_call_bills_nothing,
                per_second_rounding_and_minimum_minutes,
                request_rate_overrides_the_default,
                ledger_off_charges_nothing,
                credit_is_idempotent_and_admin_only,
                credit_overflow_is_refused,
                balance_is_private,
            }
            audit {
                every_state_change_is_audited,
                audit_log_pages_and_is_admin_only,
                events_go_to_the_right_channels,
                tokens_never_leak,
            }
            flags {
                flags_gate_their_operations,
                calls_flag_off_still_winds_calls_down,
            }
            bad_input {
                bad_user_ids_change_nothing,
                bad_call_ids_change_nothing,
                bad_cursors_and_limits_change_nothing,
                bad_amounts_and_references_change_nothing,
                bad_patches_and_profiles_change_nothing,
                bad_initiate_requests_change_nothing,
                bad_pairs_change_nothing,
                reserved_ledger_accounts_are_not_users,
            }
            safety {
                prices_come_from_the_store,
                the_invitation_shows_price_and_affordable_minutes,
                accept_refuses_a_higher_price,
                calls_end_on_their_own_at_the_limit,
                the_longest_call_caps_the_limit,
                the_limit_follows_the_balance_at_accept,
                accept_refuses_a_balance_that_affords_nothing,
                a_block_cancels_a_ringing_call,
                a_block_ends_a_connected_call,
                no_billing_input_wedges_a_call,
            }
            store {
                initiate_reads_match_the_single_reads,
                call_reads_match_the_single_reads,
                ledger_batches_apply_once_whole_or_not_at_all,
                writes_are_read_back_rolled_back_and_checked,
                pruning_removes_only_limits_that_no_longer_bite,
            }
            defects {
                visibility_is_not_inverted,
                refused_call_does_not_start_the_cooldown,
                share_tokens_are_not_stored,
                billing_is_integer_and_settled_once,
                blocks_work_both_ways,
            }
        );
    };
    (@groups $factory:expr; $($group:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $group {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[test]
                    fn $case() {
                        crate::conformance::$group::$case(
                            crate::conformance::Harness::new(($factory)()),
                        );
                    }
                )*
            }
        )*
    };
}

/// A store for one case, plus whatever must outlive it.
pub struct Backend {
    store: Arc<dyn Store>,
    guard: Option<Box<dyn Any>>,
}

impl Backend {
    /// A store that needs nothing else kept alive.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Backend { store, guard: None }
    }

    /// A store and a guard (a temp dir, a schema handle) dropped after the store.
    #[allow(dead_code)] // Each entry file compiles this module; not every store needs a guard.
    pub fn with_guard(store: Arc<dyn Store>, guard: impl Any) -> Self {
        Backend {
            store,
            guard: Some(Box::new(guard)),
        }
    }
}

impl From<Arc<dyn Store>> for Backend {
    fn from(store: Arc<dyn Store>) -> Self {
        Backend::new(store)
    }
}

/// The Agora app id every case uses.
pub const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
/// The Agora certificate every case uses.
pub const CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";
/// The share-link key (id 1).
pub const SHARE_KEY: [u8; 32] = [7; 32];
/// The instant every case starts at (2023-11-14T22:13:20Z).
pub const T0_MS: i64 = 1_700_000_000_000;

/// One case's world: an engine over a fresh store, a pinned clock, every flag on.
pub struct Harness {
    /// The engine under test.
    pub engine: Fanline,
    /// Its clock; move it with `advance_ms` / `advance_secs`.
    pub clock: ManualClock,
    /// The store (for `dump`).
    pub store: Arc<dyn Store>,
    references: AtomicU64,
    // Declared last: dropped after the engine and the store.
    _guard: Option<Box<dyn Any>>,
}

impl Harness {
    /// A harness over `backend` with the default configuration and every flag on.
    pub fn new(backend: impl Into<Backend>) -> Self {
        let backend = backend.into();
        let clock = ManualClock::at_ms(T0_MS);
        let engine = Self::builder_for(&backend.store, &clock)
            .build()
            .expect("engine builds");
        Harness {
            engine,
            clock,
            store: backend.store,
            references: AtomicU64::new(0),
            _guard: backend.guard,
        }
    }

    fn builder_for(store: &Arc<dyn Store>, clock: &ManualClock) -> FanlineBuilder {
        Fanline::builder()
            .store(store.clone())
            .agora(APP_ID, CERTIFICATE)
            .share_keys(ShareKeyRing::new(1, &SHARE_KEY).expect("share key"))
            .flags(Flags::all_on())
            .clock(Arc::new(clock.clone()))
    }

    /// A builder for a second engine over the same store and clock (another "instance", or
    /// another configuration), flags all on unless changed.
    pub fn builder(&self) -> FanlineBuilder {
        Self::builder_for(&self.store, &self.clock)
    }

    /// Replaces the engine with one built from `f(self.builder())` (same store and clock).
    pub fn reconfigure(&mut self, f: impl FnOnce(FanlineBuilder) -> FanlineBuilder) {
        self.engine = f(self.builder()).build().expect("engine builds");
    }

    /// The store's canonical dump.
    pub fn dump(&self) -> String {
        self.store.dump().expect("dump")
    }

    /// Runs `f`, asserts it fails with `code`, and that the store did not change.
    #[track_caller]
    pub fn refused_unchanged<T: Debug>(&self, code: &str, f: impl FnOnce() -> Result<T>) {
        let before = self.dump();
        let result = f();
        assert_eq!(code_of(&result), code, "result: {result:?}");
        assert_eq!(self.dump(), before, "a refused {code} changed the store");
    }

    /// The whole audit log.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.engine.audit_log(&admin(), 0, 1000).expect("audit log")
    }

    /// The audit event names, in order.
    pub fn audit_names(&self) -> Vec<String> {
        self.audit().into_iter().map(|r| r.event).collect()
    }

    /// Credits `amount` tokens to `user` under a fresh reference.
    pub fn credit(&self, user: &str, amount: u64) -> i64 {
        let n = self.references.fetch_add(1, Ordering::SeqCst);
        self.engine
            .credit(&admin(), user, amount, &format!("test-{n}"))
            .expect("credit")
            .value
    }

    /// The fan follows the creator.
    pub fn follow(&self, fan_id: &str, creator_id: &str) {
        self.engine
            .record_relationship(&fan(fan_id), creator_id, RelationshipKind::Follow)
            .expect("follow");
    }

    /// Sets the fan's settings from a JSON patch.
    pub fn set(&self, fan_id: &str, patch: &str) {
        let patch = SettingsPatch::from_json(patch).expect("patch");
        self.engine
            .update_settings(&fan(fan_id), &patch)
            .expect("update settings");
    }

    /// Makes the pair callable: the fan follows and holds 1000 tokens.
    pub fn callable(&self, creator_id: &str, fan_id: &str) {
        self.follow(fan_id, creator_id);
        self.credit(fan_id, 1000);
    }

    /// The creator starts a video call to the fan (which must be callable).
    pub fn ring(&self, creator_id: &str, fan_id: &str) -> CallView {
        self.engine
            .initiate(
                &creator(creator_id),
                &InitiateRequest::new(fan_id, CallType::Video),
            )
            .expect("initiate")
            .value
    }

    /// Makes the pair callable, rings and accepts; returns the call id and the answer.
    pub fn connect(&self, creator_id: &str, fan_id: &str) -> (String, AcceptedCall) {
        self.callable(creator_id, fan_id);
        let id = self.ring(creator_id, fan_id).id.to_string();
        let accepted = self
            .engine
            .accept(&fan(fan_id), &id, None)
            .expect("accept")
            .value;
        (id, accepted)
    }

    /// The call's state, as its creator sees it.
    pub fn state_of(&self, creator_id: &str, call_id: &str) -> &'static str {
        self.engine
            .status(&creator(creator_id), call_id)
            .expect("status")
            .call
            .state
            .as_str()
    }
}

/// A fan actor.
pub fn fan(id: &str) -> Actor {
    Actor::fan(id).expect("fan id")
}

/// A creator actor.
pub fn creator(id: &str) -> Actor {
    Actor::creator(id).expect("creator id")
}

/// The admin actor.
pub fn admin() -> Actor {
    Actor::admin("admin-1").expect("admin id")
}

/// The error code of a result that must be an error.
#[track_caller]
pub fn code_of<T: Debug>(result: &Result<T>) -> &'static str {
    match result {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e.code(),
    }
}

/// The only event of an outcome, checked by name and channel.
#[track_caller]
pub fn only_event<'a>(events: &'a [Event], name: &str, to_user: &str) -> &'a Event {
    assert_eq!(events.len(), 1, "events: {events:?}");
    let e = &events[0];
    assert_eq!(e.name, name);
    assert_eq!(e.channel, format!("user:{to_user}"));
    e
}

/// The RFC 3339 text of `T0_MS + offset_ms`.
pub fn at(offset_ms: i64) -> String {
    fanline::clock::rfc3339(T0_MS + offset_ms)
}
