//! The store's own reads and writes, below the engine: what a store answers in one go (or
//! holds back and sends together) must be exactly what the single reads and writes give.

use fanline::calls::{Call, CallState, CallType};
use fanline::privacy::{Audience, PrivacySettings, RelationshipKind, Visibility};
use fanline::store::{AuditRecord, CallReads, InitiateReads, LedgerEntry, Profile, Tx};
use fanline::{CallId, Error, UserId};

use super::{Harness, T0_MS};

fn call(creator: &str, fan: &UserId, state: CallState, at: i64) -> Call {
    Call {
        id: CallId::random(),
        creator: UserId::new(creator).unwrap(),
        fan: fan.clone(),
        call_type: CallType::Voice,
        state,
        message: None,
        rate_per_minute: 10,
        creator_uid: 1,
        fan_uid: 2,
        created_at_ms: at,
        expires_at_ms: at + 120_000,
        limit_at_ms: None,
        finished_at_ms: (state == CallState::Ended).then_some(at + 2_000),
        connected_at_ms: (state != CallState::Ringing).then_some(at + 1_000),
        ended_by: None,
    }
}

/// `initiate_reads` (one statement on SQLite and PostgreSQL) says exactly what the single
/// reads say, for a pair with nothing stored and a pair with everything stored.
pub fn initiate_reads_match_the_single_reads(h: Harness) {
    let (bare_c, bare_f) = (
        UserId::new("bare-c").unwrap(),
        UserId::new("bare-f").unwrap(),
    );
    let (full_c, full_f) = (
        UserId::new("full-c").unwrap(),
        UserId::new("full-f").unwrap(),
    );
    h.store
        .write(&mut |tx| {
            let settings = PrivacySettings {
                visibility: Visibility::Creators,
                allow_dm: Audience::None,
                allow_calls: Audience::Following,
                searchable: true,
            };
            tx.put_settings(&full_f, &settings, T0_MS)?;
            tx.record_relationship(&full_c, &full_f, RelationshipKind::Tipped, T0_MS)?;
            tx.record_relationship(&full_c, &full_f, RelationshipKind::Follow, T0_MS + 5)?;
            tx.put_block(&full_f, &full_c, T0_MS)?;
            tx.put_block(&full_c, &full_f, T0_MS)?;
            tx.put_call_price(&full_c, 42, T0_MS)?;
            let profile = Profile {
                display_name: "Full".into(),
                avatar_url: Some("https://example.com/a.png".into()),
            };
            tx.put_profile(&full_c, &profile)?;
            tx.append_ledger(&[
                entry("t:fan", full_f.as_str(), 700),
                entry("t:issuance", fanline::store::ISSUANCE_ACCOUNT, -700),
            ])?;
            tx.put_limit("rate\ncreator\nfull-c", T0_MS + 6_000)?;
            // A connected call of the fan's (with another creator) and a recent pair call.
            for (creator, state, at) in [
                ("other-c", CallState::Connected, T0_MS - 5_000),
                ("full-c", CallState::Ended, T0_MS - 30_000),
                // The creator's live call (an older one, so the cooldown still reads -30 s).
                ("full-c", CallState::Ringing, T0_MS - 40_000),
            ] {
                tx.insert_call(&call(creator, &full_f, state, at))?;
            }
            Ok(())
        })
        .unwrap();
    let keys = ["rate\ncreator\nfull-c", "rate\nip\n192.0.2.1"];
    for (creator, fan, after) in [
        (&bare_c, &bare_f, T0_MS - 60_000),
        (&full_c, &full_f, T0_MS - 60_000),
        // The pair's call is before the window: no cooldown.
        (&full_c, &full_f, T0_MS - 20_000),
    ] {
        h.store
            .read(&mut |tx: &mut dyn Tx| {
                let single = InitiateReads {
                    limits: vec![tx.get_limit(keys[0])?, tx.get_limit(keys[1])?],
                    settings: tx.get_settings(fan)?,
                    relationships: tx.relationships(creator, fan)?,
                    blocked_by_fan: tx.is_blocked(fan, creator)?,
                    blocked_by_creator: tx.is_blocked(creator, fan)?,
                    fan_connected: tx.fan_connected(fan)?,
                    latest_pair_call: tx.latest_pair_call(creator, fan, after)?,
                    price: tx.get_call_price(creator)?,
                    fan_balance: tx.balance(fan.as_str())?,
                    creator_profile: tx.get_profile(creator)?,
                    creator_active_call: tx.active_call(creator, true)?.map(|c| c.id),
                };
                assert_eq!(
                    tx.initiate_reads(creator, fan, after, &keys)?,
                    single,
                    "{creator}/{fan}"
                );
                Ok(())
            })
            .unwrap();
    }
    // The stored state was really there (the comparison above is not between two blanks).
    h.store
        .read(&mut |tx: &mut dyn Tx| {
            let full = tx.initiate_reads(&full_c, &full_f, T0_MS - 60_000, &keys)?;
            assert!(full.blocked_by_fan && full.blocked_by_creator && full.fan_connected);
            assert_eq!(full.latest_pair_call, Some(T0_MS - 30_000));
            assert_eq!((full.price, full.fan_balance), (Some(42), 700));
            let kinds: Vec<_> = full.relationships.iter().map(|r| r.kind).collect();
            assert_eq!(kinds, [RelationshipKind::Follow, RelationshipKind::Tipped]);
            assert_eq!(full.relationships[0].first_at_ms, T0_MS + 5);
            assert!(full.settings.is_some() && full.creator_profile.is_some());
            assert!(full.creator_active_call.is_some());
            assert_eq!(full.limits, [Some(T0_MS + 6_000), None]);
            let none = tx.initiate_reads(&full_c, &full_f, T0_MS, &[])?;
            assert!(none.limits.is_empty());
            Ok(())
        })
        .unwrap();
}

/// `call_reads` (one statement on SQLite and PostgreSQL) says exactly what the single reads
/// say, for a call whose two sides have nothing stored and one with blocks both ways, a
/// connected call of the fan's and a balance; no call, `None`.
pub fn call_reads_match_the_single_reads(h: Harness) {
    let (bare_f, full_f) = (
        UserId::new("bare-f").unwrap(),
        UserId::new("full-f").unwrap(),
    );
    let full_c = UserId::new("full-c").unwrap();
    let bare = call("bare-c", &bare_f, CallState::Ringing, T0_MS);
    let full = call("full-c", &full_f, CallState::Ringing, T0_MS);
    h.store
        .write(&mut |tx| {
            tx.insert_call(&bare)?;
            tx.insert_call(&full)?;
            tx.insert_call(&call(
                "other-c",
                &full_f,
                CallState::Connected,
                T0_MS - 5_000,
            ))?;
            tx.put_block(&full_f, &full_c, T0_MS)?;
            tx.put_block(&full_c, &full_f, T0_MS)?;
            tx.append_ledger(&[
                entry("t:fan", full_f.as_str(), 700),
                entry("t:issuance", fanline::store::ISSUANCE_ACCOUNT, -700),
            ])
            .map(drop)
        })
        .unwrap();
    h.store
        .read(&mut |tx: &mut dyn Tx| {
            for c in [&bare, &full] {
                let single = CallReads {
                    call: tx.get_call(&c.id)?.expect("stored"),
                    blocked_by_fan: tx.is_blocked(&c.fan, &c.creator)?,
                    blocked_by_creator: tx.is_blocked(&c.creator, &c.fan)?,
                    fan_connected: tx.fan_connected(&c.fan)?,
                    fan_balance: tx.balance(c.fan.as_str())?,
                };
                assert_eq!(tx.call_reads(&c.id)?, Some(single), "{}", c.creator);
            }
            // The stored state was really there (not a comparison of two blanks).
            let reads = tx.call_reads(&full.id)?.expect("stored");
            assert_eq!(reads.call, full);
            assert!(reads.blocked_by_fan && reads.blocked_by_creator && reads.fan_connected);
            assert_eq!(reads.fan_balance, 700);
            let reads = tx.call_reads(&bare.id)?.expect("stored");
            assert!(!reads.blocked_by_fan && !reads.blocked_by_creator && !reads.fan_connected);
            assert_eq!(tx.call_reads(&CallId::random())?, None);
            Ok(())
        })
        .unwrap();
}

fn entry(reference: &str, account: &str, amount: i64) -> LedgerEntry {
    LedgerEntry {
        reference: reference.into(),
        account: account.into(),
        amount,
        at_ms: T0_MS,
    }
}

/// A ledger batch (one statement on PostgreSQL) applies once: again, it answers `false` and
/// writes nothing; with a later entry's reference taken, it fails and writes nothing. Each
/// account's balance moves by its entries' total.
pub fn ledger_batches_apply_once_whole_or_not_at_all(h: Harness) {
    let balances = |h: &Harness| {
        let mut out = (0, 0);
        h.store
            .read(&mut |tx| {
                out = (tx.balance("a")?, tx.balance("b")?);
                Ok(())
            })
            .unwrap();
        out
    };
    let append = |batch: &[LedgerEntry]| {
        let mut applied = false;
        h.store
            .write(&mut |tx| {
                applied = tx.append_ledger(batch)?;
                Ok(())
            })
            .map(|()| applied)
    };
    let first = [
        entry("r1", "a", 5),
        entry("r2", "a", 2),
        entry("r3", "b", -7),
    ];
    assert!(append(&first).unwrap());
    assert_eq!(balances(&h), (7, -7));
    let before = h.dump();
    assert!(!append(&first).unwrap(), "a batch applied twice");
    assert_eq!(h.dump(), before);
    let taken_later = [entry("r4", "a", 1), entry("r2", "b", -1)];
    assert_eq!(append(&taken_later).unwrap_err().code(), "INTERNAL");
    assert_eq!(h.dump(), before, "a refused batch left writes behind");
    assert!(append(&[entry("r5", "b", 3), entry("r6", "a", -3)]).unwrap());
    assert_eq!(balances(&h), (4, -4));
}

fn record(event: &str, at_ms: i64) -> AuditRecord {
    AuditRecord {
        seq: 0,
        event: event.into(),
        actor_id: Some("c1".into()),
        call_id: None,
        creator_id: Some("c1".into()),
        fan_id: None,
        call_type: Some("voice".into()),
        detail: Some(r#"{"n":1}"#.into()),
        at_ms,
    }
}

/// Writes that answer nothing (limit rows, a call, audit records, relationship rows;
/// PostgreSQL holds them back and sends them together) are read back inside their
/// transaction, in order, the latest value of a key (or relationship row) winning; they
/// vanish with a rollback, and a call id that is taken fails the transaction.
pub fn writes_are_read_back_rolled_back_and_checked(h: Harness) {
    let fan = UserId::new("f1").unwrap();
    let c1 = UserId::new("c1").unwrap();
    let kinds = |tx: &mut dyn Tx| -> fanline::Result<Vec<(RelationshipKind, i64, i64)>> {
        Ok(tx
            .relationships(&c1, &fan)?
            .iter()
            .map(|r| (r.kind, r.first_at_ms, r.last_interaction_at_ms))
            .collect())
    };
    let first = call("c1", &fan, CallState::Ringing, T0_MS);
    let second = call("c2", &fan, CallState::Ringing, T0_MS);
    let before = h.dump();
    let write = |keep: bool| {
        h.store.write(&mut |tx| {
            tx.put_limit("k1", 1)?;
            tx.append_audit(&record("first", T0_MS))?;
            tx.put_limit("k1", 2)?;
            tx.put_limit("k2", 3)?;
            tx.insert_call(&first)?;
            tx.insert_call(&second)?;
            tx.append_audit(&record("second", T0_MS + 1))?;
            tx.record_relationship(&c1, &fan, RelationshipKind::Called, T0_MS)?;
            tx.record_relationship(&c1, &fan, RelationshipKind::Follow, T0_MS + 1)?;
            tx.record_relationship(&c1, &fan, RelationshipKind::Called, T0_MS + 2)?;
            assert_eq!(
                kinds(tx)?,
                [
                    (RelationshipKind::Follow, T0_MS + 1, T0_MS + 1),
                    (RelationshipKind::Called, T0_MS, T0_MS + 2)
                ]
            );
            assert_eq!(
                (tx.get_limit("k1")?, tx.get_limit("k2")?),
                (Some(2), Some(3))
            );
            assert_eq!(tx.get_call(&first.id)?.as_ref(), Some(&first));
            assert_eq!(tx.get_call(&second.id)?.as_ref(), Some(&second));
            let events: Vec<_> = tx.audit(0, 10)?.into_iter().map(|r| r.event).collect();
            assert_eq!(events, ["first", "second"]);
            // Held again after the reads, then committed (or not) with the rest.
            tx.append_audit(&record("third", T0_MS + 2))?;
            tx.put_limit("k2", 4)?;
            tx.record_relationship(&c1, &fan, RelationshipKind::Follow, T0_MS + 3)?;
            tx.record_relationship(&c1, &fan, RelationshipKind::Follow, T0_MS + 4)?;
            if keep {
                Ok(())
            } else {
                Err(Error::invalid("roll back"))
            }
        })
    };
    assert_eq!(write(false).unwrap_err().code(), "INVALID_INPUT");
    assert_eq!(
        h.dump(),
        before,
        "a rolled back transaction left writes behind"
    );
    write(true).unwrap();
    h.store
        .read(&mut |tx| {
            assert_eq!(
                (tx.get_limit("k1")?, tx.get_limit("k2")?),
                (Some(2), Some(4))
            );
            let audit = tx.audit(0, 10)?;
            let events: Vec<_> = audit.iter().map(|r| r.event.as_str()).collect();
            assert_eq!(events, ["first", "second", "third"]);
            assert_eq!(audit[0].detail.as_deref(), Some(r#"{"n":1}"#));
            assert!(audit.windows(2).all(|w| w[0].seq < w[1].seq));
            assert_eq!(tx.get_call(&first.id)?.as_ref(), Some(&first));
            assert_eq!(
                kinds(tx)?,
                [
                    (RelationshipKind::Follow, T0_MS + 1, T0_MS + 4),
                    (RelationshipKind::Called, T0_MS, T0_MS + 2)
                ]
            );
            Ok(())
        })
        .unwrap();
    // The same call id again fails the transaction (on a store that holds the insert back,
    // at the next statement or the commit), and its other writes are gone.
    let after = h.dump();
    for read_after in [false, true] {
        let again = h.store.write(&mut |tx| {
            tx.put_limit("k3", 5)?;
            tx.append_audit(&record("dup", T0_MS + 3))?;
            tx.insert_call(&first)?;
            if read_after {
                tx.get_limit("k3")?;
            }
            Ok(())
        });
        assert_eq!(again.unwrap_err().code(), "INTERNAL");
        assert_eq!(h.dump(), after, "a failed insert left writes behind");
    }
}

pub fn pruning_removes_only_limits_that_no_longer_bite(h: Harness) {
    h.store
        .write(&mut |tx| {
            tx.put_limit("spent", T0_MS - 1)?;
            tx.put_limit("due", T0_MS)?;
            tx.put_limit("live", T0_MS + 1)
        })
        .unwrap();
    assert_eq!(h.store.prune_limits(T0_MS).unwrap(), 2);
    assert_eq!(h.store.prune_limits(T0_MS).unwrap(), 0, "pruned twice");
    h.store
        .read(&mut |tx| {
            assert_eq!(
                (
                    tx.get_limit("spent")?,
                    tx.get_limit("due")?,
                    tx.get_limit("live")?
                ),
                (None, None, Some(T0_MS + 1))
            );
            Ok(())
        })
        .unwrap();
}
