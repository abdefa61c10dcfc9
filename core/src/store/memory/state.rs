//! Reads and writes on the state itself: what a read transaction runs, and what a write
//! transaction runs after journaling how to undo each change.

use super::State;
use crate::calls::{Call, CallState, Settlement};
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::privacy::{PrivacySettings, RelationshipKind};
use crate::store::records::{
    AuditRecord, HistoryCursor, LedgerEntry, Profile, RefusalCount, Relationship, ShareState,
};
use crate::store::Tx;

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
