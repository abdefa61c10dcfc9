//! The write transaction: every change first journals its inverse, so a failed closure is
//! rolled back step by step and a write costs what it touches.

use std::collections::{BTreeMap, BTreeSet};

use super::State;
use crate::calls::{Call, CallState, Settlement};
use crate::error::Result;
use crate::ids::{CallId, UserId};
use crate::privacy::{PrivacySettings, RelationshipKind};
use crate::store::records::{
    AuditRecord, HistoryCursor, LedgerEntry, Profile, RefusalCount, Relationship, ShareState,
};
use crate::store::Tx;

/// One step of a rollback.
type Undo = Box<dyn FnOnce(&mut State) + Send>;

/// A write transaction over the state: every change first journals its inverse.
pub(super) struct Journal<'a> {
    pub(super) state: &'a mut State,
    pub(super) undo: Vec<Undo>,
}

impl Journal<'_> {
    /// Journals the current value of `key` in the map `field` picks, to restore on rollback.
    fn remember<K, V>(&mut self, field: fn(&mut State) -> &mut BTreeMap<K, V>, key: &K)
    where
        K: Ord + Clone + Send + 'static,
        V: Clone + Send + 'static,
    {
        let old = field(self.state).get(key).cloned();
        let key = key.clone();
        self.undo.push(Box::new(move |s| {
            match old {
                Some(v) => field(s).insert(key, v),
                None => field(s).remove(&key),
            };
        }));
    }

    /// Journals whether `key` is in the set `field` picks.
    fn remember_member<K>(&mut self, field: fn(&mut State) -> &mut BTreeSet<K>, key: &K)
    where
        K: Ord + Clone + Send + 'static,
    {
        let present = field(self.state).contains(key);
        let key = key.clone();
        self.undo.push(Box::new(move |s| {
            if present {
                field(s).insert(key);
            } else {
                field(s).remove(&key);
            }
        }));
    }

    /// Journals the lengths of the append-only logs.
    fn remember_logs(&mut self) {
        let (ledger, audit) = (self.state.ledger.len(), self.state.audit.len());
        self.undo.push(Box::new(move |s| {
            s.ledger.truncate(ledger);
            s.audit.truncate(audit);
        }));
    }
}

impl Tx for Journal<'_> {
    fn get_settings(&mut self, fan: &UserId) -> Result<Option<PrivacySettings>> {
        self.state.get_settings(fan)
    }

    fn put_settings(&mut self, fan: &UserId, s: &PrivacySettings, now_ms: i64) -> Result<()> {
        self.remember(|s| &mut s.settings, fan);
        self.state.put_settings(fan, s, now_ms)
    }

    fn get_profile(&mut self, user: &UserId) -> Result<Option<Profile>> {
        self.state.get_profile(user)
    }

    fn put_profile(&mut self, user: &UserId, profile: &Profile) -> Result<()> {
        self.remember(|s| &mut s.profiles, user);
        self.state.put_profile(user, profile)
    }

    fn relationships(&mut self, creator: &UserId, fan: &UserId) -> Result<Vec<Relationship>> {
        self.state.relationships(creator, fan)
    }

    fn record_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
        now_ms: i64,
    ) -> Result<()> {
        self.remember(
            |s| &mut s.relationships,
            &(creator.clone(), fan.clone(), kind),
        );
        self.state.record_relationship(creator, fan, kind, now_ms)
    }

    fn remove_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
    ) -> Result<bool> {
        self.remember(
            |s| &mut s.relationships,
            &(creator.clone(), fan.clone(), kind),
        );
        self.state.remove_relationship(creator, fan, kind)
    }

    fn is_blocked(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        self.state.is_blocked(blocker, blocked)
    }

    fn put_block(&mut self, blocker: &UserId, blocked: &UserId, now_ms: i64) -> Result<bool> {
        self.remember_member(|s| &mut s.blocks, &(blocker.clone(), blocked.clone()));
        self.state.put_block(blocker, blocked, now_ms)
    }

    fn delete_block(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        self.remember_member(|s| &mut s.blocks, &(blocker.clone(), blocked.clone()));
        self.state.delete_block(blocker, blocked)
    }

    fn get_share(&mut self, fan: &UserId) -> Result<Option<ShareState>> {
        self.state.get_share(fan)
    }

    fn put_share(&mut self, fan: &UserId, state: &ShareState) -> Result<()> {
        self.remember(|s| &mut s.shares, fan);
        self.state.put_share(fan, state)
    }

    fn get_call(&mut self, id: &CallId) -> Result<Option<Call>> {
        self.state.get_call(id)
    }

    fn insert_call(&mut self, call: &Call) -> Result<()> {
        self.remember(|s| &mut s.calls, &call.id);
        self.state.insert_call(call)
    }

    fn update_call(&mut self, call: &Call, expected: CallState) -> Result<bool> {
        self.remember(|s| &mut s.calls, &call.id);
        self.state.update_call(call, expected)
    }

    fn active_call(&mut self, user: &UserId, as_creator: bool) -> Result<Option<Call>> {
        self.state.active_call(user, as_creator)
    }

    fn fan_connected(&mut self, fan: &UserId) -> Result<bool> {
        self.state.fan_connected(fan)
    }

    fn latest_pair_call(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
    ) -> Result<Option<i64>> {
        self.state.latest_pair_call(creator, fan, after_ms)
    }

    fn pending_for_fan(&mut self, fan: &UserId, now_ms: i64) -> Result<Vec<Call>> {
        self.state.pending_for_fan(fan, now_ms)
    }

    fn history(
        &mut self,
        user: &UserId,
        cursor: Option<&HistoryCursor>,
        limit: usize,
    ) -> Result<Vec<Call>> {
        self.state.history(user, cursor, limit)
    }

    fn due_invitations(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        self.state.due_invitations(now_ms, limit)
    }

    fn due_call_limits(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        self.state.due_call_limits(now_ms, limit)
    }

    fn get_call_price(&mut self, creator: &UserId) -> Result<Option<u64>> {
        self.state.get_call_price(creator)
    }

    fn put_call_price(&mut self, creator: &UserId, rate: u64, now_ms: i64) -> Result<()> {
        self.remember(|s| &mut s.prices, creator);
        self.state.put_call_price(creator, rate, now_ms)
    }

    fn get_settlement(&mut self, call: &CallId) -> Result<Option<Settlement>> {
        self.state.get_settlement(call)
    }

    fn insert_settlement(&mut self, settlement: &Settlement) -> Result<bool> {
        self.remember(|s| &mut s.settlements, &settlement.call_id);
        self.state.insert_settlement(settlement)
    }

    fn get_limit(&mut self, key: &str) -> Result<Option<i64>> {
        self.state.get_limit(key)
    }

    fn put_limit(&mut self, key: &str, value_ms: i64) -> Result<()> {
        self.remember(|s| &mut s.limits, &key.to_string());
        self.state.put_limit(key, value_ms)
    }

    fn prune_limits(&mut self, now_ms: i64) -> Result<u64> {
        let pruned: Vec<(String, i64)> = self
            .state
            .limits
            .iter()
            .filter(|(_, v)| **v <= now_ms)
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        self.undo.push(Box::new(move |s| s.limits.extend(pruned)));
        self.state.prune_limits(now_ms)
    }

    fn count_refusal(&mut self, code: &str, minute_ms: i64) -> Result<()> {
        self.remember(|s| &mut s.refusals, &(minute_ms, code.to_string()));
        self.state.count_refusal(code, minute_ms)
    }

    fn refusal_counts(&mut self, since_ms: i64, until_ms: i64) -> Result<Vec<RefusalCount>> {
        self.state.refusal_counts(since_ms, until_ms)
    }

    fn balance(&mut self, account: &str) -> Result<i64> {
        self.state.balance(account)
    }

    fn append_ledger(&mut self, entries: &[LedgerEntry]) -> Result<bool> {
        self.remember_logs();
        for e in entries {
            self.remember_member(|s| &mut s.references, &e.reference);
            self.remember(|s| &mut s.balances, &e.account);
        }
        self.state.append_ledger(entries)
    }

    fn ledger_entry(&mut self, reference: &str) -> Result<Option<LedgerEntry>> {
        self.state.ledger_entry(reference)
    }

    fn ledger_sum(&mut self) -> Result<i64> {
        self.state.ledger_sum()
    }

    fn append_audit(&mut self, record: &AuditRecord) -> Result<()> {
        self.remember_logs();
        self.state.append_audit(record)
    }

    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        self.state.audit(after, limit)
    }
}
