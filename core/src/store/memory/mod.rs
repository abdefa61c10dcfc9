//! An in-memory [`Store`] for tests, examples and short-lived tools.
//!
//! A write transaction changes the state in place and journals how to undo each change; a
//! failed closure is rolled back from the journal, so it leaves nothing behind and a write
//! costs what it touches, not the size of the store. Queries that the SQL stores serve from
//! indexes scan the calls here: use the SQLite store for anything long-lived.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::records::{AuditRecord, LedgerEntry, Profile, Relationship, ShareState};
use super::{Store, Tx};
use journal::Journal;

mod journal;
mod state;
use crate::calls::{Call, Settlement};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{CallState, CallType};

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
