//! An in-memory [`Store`] for tests, examples and short-lived tools.
//!
//! A write transaction changes the state in place and journals how to undo each change; a
//! failed closure is rolled back from the journal, so it leaves nothing behind and a write
//! costs what it touches, not the size of the store. Queries that the SQL stores serve from
//! indexes scan the calls here: use the SQLite store for anything long-lived.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::records::{
    AuditRecord, HistoryCursor, LedgerEntry, Profile, RefusalCount, Relationship, ShareState,
};
use super::{Store, Tx};
use crate::calls::{Call, CallState, Settlement};
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::privacy::{PrivacySettings, RelationshipKind};

/// The in-memory store.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    settings: BTreeMap<UserId, PrivacySettings>,
    profiles: BTreeMap<UserId, Profile>,
    relationships: BTreeMap<(UserId, UserId, RelationshipKind), Relationship>,
    blocks: BTreeSet<(UserId, UserId)>,
    shares: BTreeMap<UserId, ShareState>,
    calls: BTreeMap<CallId, Call>,
    settlements: BTreeMap<CallId, Settlement>,
    limits: BTreeMap<String, i64>,
    prices: BTreeMap<UserId, u64>,
    refusals: BTreeMap<(i64, String), u64>,
    ledger: Vec<LedgerEntry>,
    references: BTreeSet<String>,
    balances: BTreeMap<String, i64>,
    audit: Vec<AuditRecord>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        self.state
            .lock()
            .map_err(|_| Error::internal("memory store lock poisoned"))
    }
}

impl Store for MemoryStore {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        // The engine never writes inside `read`, so the closure runs on the state itself.
        let mut guard = self.lock()?;
        f(&mut *guard)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let mut guard = self.lock()?;
        let mut journal = Journal {
            state: &mut guard,
            undo: Vec::new(),
        };
        let result = f(&mut journal);
        if result.is_err() {
            let Journal { state, undo } = journal;
            for step in undo.into_iter().rev() {
                step(state);
            }
        }
        result
    }

    fn dump(&self) -> Result<String> {
        Ok(format!("{:#?}", *self.lock()?))
    }

    fn probe(&self) -> Result<super::StoreProbe> {
        drop(self.lock()?);
        Ok(super::StoreProbe {
            kind: "memory",
            schema_version: None,
            latest_version: None,
        })
    }
}

impl Tx for State {
    fn get_settings(&mut self, fan: &UserId) -> Result<Option<PrivacySettings>> {
        Ok(self.settings.get(fan).copied())
    }

    fn put_settings(&mut self, fan: &UserId, s: &PrivacySettings, _now_ms: i64) -> Result<()> {
        self.settings.insert(fan.clone(), *s);
        Ok(())
    }

    fn get_profile(&mut self, user: &UserId) -> Result<Option<Profile>> {
        Ok(self.profiles.get(user).cloned())
    }

    fn put_profile(&mut self, user: &UserId, profile: &Profile) -> Result<()> {
        self.profiles.insert(user.clone(), profile.clone());
        Ok(())
    }

    fn relationships(&mut self, creator: &UserId, fan: &UserId) -> Result<Vec<Relationship>> {
        Ok(RelationshipKind::ALL
            .iter()
            .filter_map(|k| {
                self.relationships
                    .get(&(creator.clone(), fan.clone(), *k))
                    .copied()
            })
            .collect())
    }

    fn record_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
        now_ms: i64,
    ) -> Result<()> {
        self.relationships
            .entry((creator.clone(), fan.clone(), kind))
            .and_modify(|r| r.last_interaction_at_ms = now_ms)
            .or_insert(Relationship {
                kind,
                first_at_ms: now_ms,
                last_interaction_at_ms: now_ms,
            });
        Ok(())
    }

    fn remove_relationship(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        kind: RelationshipKind,
    ) -> Result<bool> {
        Ok(self
            .relationships
            .remove(&(creator.clone(), fan.clone(), kind))
            .is_some())
    }

    fn is_blocked(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        Ok(self.blocks.contains(&(blocker.clone(), blocked.clone())))
    }

    fn put_block(&mut self, blocker: &UserId, blocked: &UserId, _now_ms: i64) -> Result<bool> {
        Ok(self.blocks.insert((blocker.clone(), blocked.clone())))
    }

    fn delete_block(&mut self, blocker: &UserId, blocked: &UserId) -> Result<bool> {
        Ok(self.blocks.remove(&(blocker.clone(), blocked.clone())))
    }

    fn get_share(&mut self, fan: &UserId) -> Result<Option<ShareState>> {
        Ok(self.shares.get(fan).copied())
    }

    fn put_share(&mut self, fan: &UserId, state: &ShareState) -> Result<()> {
        self.shares.insert(fan.clone(), *state);
        Ok(())
    }

    fn get_call(&mut self, id: &CallId) -> Result<Option<Call>> {
        Ok(self.calls.get(id).cloned())
    }

    fn insert_call(&mut self, call: &Call) -> Result<()> {
        if self.calls.contains_key(&call.id) {
            return Err(Error::internal("duplicate call id"));
        }
        self.calls.insert(call.id, call.clone());
        Ok(())
    }

    fn update_call(&mut self, call: &Call, expected: CallState) -> Result<bool> {
        match self.calls.get_mut(&call.id) {
            Some(stored) if stored.state == expected => {
                *stored = call.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn active_call(&mut self, user: &UserId, as_creator: bool) -> Result<Option<Call>> {
        Ok(self
            .calls
            .values()
            .find(|c| {
                c.state.is_active()
                    && if as_creator {
                        &c.creator == user
                    } else {
                        &c.fan == user
                    }
            })
            .cloned())
    }

    fn fan_connected(&mut self, fan: &UserId) -> Result<bool> {
        Ok(self
            .calls
            .values()
            .any(|c| c.state == CallState::Connected && &c.fan == fan))
    }

    fn latest_pair_call(
        &mut self,
        creator: &UserId,
        fan: &UserId,
        after_ms: i64,
    ) -> Result<Option<i64>> {
        Ok(self
            .calls
            .values()
            .filter(|c| &c.creator == creator && &c.fan == fan && c.created_at_ms > after_ms)
            .map(|c| c.created_at_ms)
            .max())
    }

    fn pending_for_fan(&mut self, fan: &UserId, now_ms: i64) -> Result<Vec<Call>> {
        let mut calls: Vec<Call> = self
            .calls
            .values()
            .filter(|c| &c.fan == fan && c.state == CallState::Ringing && c.expires_at_ms > now_ms)
            .cloned()
            .collect();
        calls.sort_by_key(|c| std::cmp::Reverse((c.created_at_ms, c.id)));
        Ok(calls)
    }

    fn history(
        &mut self,
        user: &UserId,
        cursor: Option<&HistoryCursor>,
        limit: usize,
    ) -> Result<Vec<Call>> {
        let mut calls: Vec<Call> = self
            .calls
            .values()
            .filter(|c| c.has_participant(user))
            .filter(|c| cursor.is_none_or(|k| (c.created_at_ms, c.id) < (k.created_at_ms, k.id)))
            .cloned()
            .collect();
        calls.sort_by_key(|c| std::cmp::Reverse((c.created_at_ms, c.id)));
        calls.truncate(limit);
        Ok(calls)
    }

    fn due_invitations(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        let mut calls: Vec<Call> = self
            .calls
            .values()
            .filter(|c| c.state == CallState::Ringing && c.expires_at_ms <= now_ms)
            .cloned()
            .collect();
        calls.sort_by_key(|c| (c.expires_at_ms, c.id));
        calls.truncate(limit);
        Ok(calls)
    }

    fn due_call_limits(&mut self, now_ms: i64, limit: usize) -> Result<Vec<Call>> {
        let mut calls: Vec<Call> = self
            .calls
            .values()
            .filter(|c| {
                c.state == CallState::Connected && c.limit_at_ms.is_some_and(|at| at <= now_ms)
            })
            .cloned()
            .collect();
        calls.sort_by_key(|c| (c.limit_at_ms, c.id));
        calls.truncate(limit);
        Ok(calls)
    }

    fn get_call_price(&mut self, creator: &UserId) -> Result<Option<u64>> {
        Ok(self.prices.get(creator).copied())
    }

    fn put_call_price(&mut self, creator: &UserId, rate: u64, _now_ms: i64) -> Result<()> {
        self.prices.insert(creator.clone(), rate);
        Ok(())
    }

    fn get_settlement(&mut self, call: &CallId) -> Result<Option<Settlement>> {
        Ok(self.settlements.get(call).copied())
    }

    fn insert_settlement(&mut self, settlement: &Settlement) -> Result<bool> {
        if self.settlements.contains_key(&settlement.call_id) {
            return Ok(false);
        }
        self.settlements.insert(settlement.call_id, *settlement);
        Ok(true)
    }

    fn get_limit(&mut self, key: &str) -> Result<Option<i64>> {
        Ok(self.limits.get(key).copied())
    }

    fn put_limit(&mut self, key: &str, value_ms: i64) -> Result<()> {
        self.limits.insert(key.to_string(), value_ms);
        Ok(())
    }

    fn prune_limits(&mut self, now_ms: i64) -> Result<u64> {
        let before = self.limits.len();
        self.limits.retain(|_, v| *v > now_ms);
        Ok((before - self.limits.len()) as u64)
    }

    fn count_refusal(&mut self, code: &str, minute_ms: i64) -> Result<()> {
        *self
            .refusals
            .entry((minute_ms, code.to_string()))
            .or_insert(0) += 1;
        Ok(())
    }

    fn refusal_counts(&mut self, since_ms: i64, until_ms: i64) -> Result<Vec<RefusalCount>> {
        Ok(self
            .refusals
            .iter()
            .filter(|((m, _), _)| (since_ms..until_ms).contains(m))
            .map(|((m, code), n)| RefusalCount {
                minute_ms: *m,
                code: code.clone(),
                count: *n,
            })
            .collect())
    }

    fn balance(&mut self, account: &str) -> Result<i64> {
        Ok(self.balances.get(account).copied().unwrap_or(0))
    }

    fn append_ledger(&mut self, entries: &[LedgerEntry]) -> Result<bool> {
        let Some(first) = entries.first() else {
            return Ok(true);
        };
        if self.references.contains(&first.reference) {
            return Ok(false);
        }
        for e in entries {
            if !self.references.insert(e.reference.clone()) {
                return Err(Error::internal("duplicate ledger reference"));
            }
            let balance = self.balances.entry(e.account.clone()).or_insert(0);
            *balance = balance
                .checked_add(e.amount)
                .ok_or_else(|| Error::invalid("ledger balance overflows"))?;
            self.ledger.push(e.clone());
        }
        Ok(true)
    }

    fn ledger_entry(&mut self, reference: &str) -> Result<Option<LedgerEntry>> {
        Ok(self
            .ledger
            .iter()
            .find(|e| e.reference == reference)
            .cloned())
    }

    fn ledger_sum(&mut self) -> Result<i64> {
        Ok(self.ledger.iter().map(|e| e.amount).sum())
    }

    fn append_audit(&mut self, record: &AuditRecord) -> Result<()> {
        let mut r = record.clone();
        r.seq = self.audit.len() as i64 + 1;
        self.audit.push(r);
        Ok(())
    }

    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        let start = usize::try_from(after.max(0)).unwrap_or(usize::MAX);
        Ok(self.audit.iter().skip(start).take(limit).cloned().collect())
    }
}

/// One step of a rollback.
type Undo = Box<dyn FnOnce(&mut State) + Send>;

/// A write transaction over the state: every change first journals its inverse.
struct Journal<'a> {
    state: &'a mut State,
    undo: Vec<Undo>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::CallType;

    fn call(id: CallId) -> Call {
        Call {
            id,
            creator: UserId::new("c").unwrap(),
            fan: UserId::new("f").unwrap(),
            call_type: CallType::Voice,
            state: CallState::Ringing,
            message: None,
            rate_per_minute: 10,
            creator_uid: 1,
            fan_uid: 2,
            created_at_ms: 0,
            expires_at_ms: 10,
            connected_at_ms: None,
            limit_at_ms: None,
            finished_at_ms: None,
            ended_by: None,
        }
    }

    /// Every kind of change, made through `tx`.
    fn change_everything(tx: &mut dyn Tx, id: CallId, n: i64) -> Result<()> {
        let (c, f) = (UserId::new("c")?, UserId::new("f")?);
        tx.put_settings(&f, &PrivacySettings::default(), n)?;
        tx.put_profile(&f, &Profile::default())?;
        tx.record_relationship(&c, &f, RelationshipKind::Follow, n)?;
        tx.put_block(&f, &c, n)?;
        tx.put_share(
            &f,
            &ShareState {
                generation: n as u32,
                enabled: true,
                expires_at: n,
            },
        )?;
        match tx.get_call(&id)? {
            None => tx.insert_call(&call(id))?,
            Some(mut existing) => {
                existing.state = CallState::Missed;
                tx.update_call(&existing, CallState::Ringing)?;
            }
        }
        tx.put_limit("k", n)?;
        tx.prune_limits(n - 1)?;
        tx.put_call_price(&c, n as u64, n)?;
        tx.count_refusal("RATE_LIMITED", n)?;
        tx.append_ledger(&[LedgerEntry {
            reference: format!("r{n}"),
            account: "f".into(),
            amount: n,
            at_ms: n,
        }])?;
        tx.append_audit(&AuditRecord {
            seq: 0,
            event: "e".into(),
            actor_id: None,
            call_id: None,
            creator_id: None,
            fan_id: None,
            call_type: None,
            detail: None,
            at_ms: n,
        })
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let store = MemoryStore::new();
        let id = CallId::random();
        store.write(&mut |tx| change_everything(tx, id, 5)).unwrap();
        let before = store.dump().unwrap();
        let err = store.write(&mut |tx| {
            change_everything(tx, id, 9)?;
            tx.delete_block(&UserId::new("f")?, &UserId::new("c")?)?;
            tx.remove_relationship(
                &UserId::new("c")?,
                &UserId::new("f")?,
                RelationshipKind::Follow,
            )?;
            Err(Error::Busy)
        });
        assert_eq!(err.unwrap_err(), Error::Busy);
        assert_eq!(store.dump().unwrap(), before);
        store.write(&mut |tx| change_everything(tx, id, 9)).unwrap();
        assert_ne!(store.dump().unwrap(), before);
    }
}
