//! Racing operations from several threads on one store (the `fanline::store` contract: every
//! operation is one transaction; conditional writes are atomic). Each engine clone stands for a request
//! handler. The cases assert outcomes only, never timings.

use std::sync::Barrier;
use std::thread;

use fanline::calls::{CallState, CallType};
use fanline::engine::InitiateRequest;
use fanline::{Actor, Error, Fanline, Result};

use super::{admin, creator, fan, Harness};

const THREADS: usize = 8;

/// Runs `op(i)` on `THREADS` threads released together; returns the results in thread order.
fn race<T: Send>(h: &Harness, op: impl Fn(&Fanline, usize) -> Result<T> + Sync) -> Vec<Result<T>> {
    let barrier = Barrier::new(THREADS);
    thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let engine = h.engine.clone();
                let (barrier, op) = (&barrier, &op);
                s.spawn(move || {
                    barrier.wait();
                    op(&engine, i)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|t| t.join().expect("thread panicked"))
            .collect()
    })
}

/// No raw or unavailable-store error escapes a race.
#[track_caller]
fn assert_only_codes<T>(results: &[Result<T>], allowed: &[&str]) {
    for r in results {
        if let Err(e) = r {
            assert!(allowed.contains(&e.code()), "unexpected {e:?} in a race");
        }
    }
}

pub fn racing_initiates_let_exactly_one_through(h: Harness) {
    h.callable("c1", "f1");
    let results = race(&h, |engine, _| {
        engine.initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Voice))
    });
    assert_only_codes(&results, &["BUSY", "CALL_COOLDOWN"]);
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    let history = h.engine.history(&creator("c1"), None, 100).unwrap();
    assert_eq!(history.items.len(), 1);
    assert_eq!(history.items[0].state, CallState::Ringing);
}

pub fn racing_ends_settle_once(h: Harness) {
    let (id, _) = h.connect("c1", "f1");
    h.clock.advance_secs(125);
    let results = race(&h, |engine, i| {
        let who: Actor = if i % 2 == 0 { creator("c1") } else { fan("f1") };
        engine.end(&who, &id)
    });
    assert_only_codes(&results, &[]);
    let outcomes: Vec<_> = results.into_iter().map(|r| r.unwrap()).collect();
    let first = &outcomes[0].value;
    assert!(outcomes.iter().all(|o| &o.value == first), "ends disagree");
    assert_eq!(first.settlement.charge.bill.gross, 30);
    let published: usize = outcomes.iter().map(|o| o.events.len()).sum();
    assert_eq!(published, 1, "the end was published more than once");
    assert_eq!(h.engine.balance(&admin(), "f1").unwrap(), 970);
    assert_eq!(h.engine.balance(&admin(), "c1").unwrap(), 30);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    let ended = h
        .audit_names()
        .iter()
        .filter(|n| *n == "call_ended")
        .count();
    assert_eq!(ended, 1);
}

pub fn racing_accept_and_decline_pick_one(h: Harness) {
    h.callable("c1", "f1");
    let id = h.ring("c1", "f1").id.to_string();
    let results = race(&h, |engine, i| {
        let f = fan("f1");
        let state = if i % 2 == 0 {
            engine.accept(&f, &id, None).map(|o| o.value.call.state)
        } else {
            engine.decline(&f, &id).map(|o| o.value.state)
        };
        state.map(|s| (i % 2, s))
    });
    assert_only_codes(&results, &["INVALID_STATE"]);
    let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    let final_state = h.engine.status(&fan("f1"), &id).unwrap();
    assert_eq!(final_state.call.state, winners[0].1);
    let transitions = h
        .audit_names()
        .into_iter()
        .filter(|n| n == "call_accepted" || n == "call_declined")
        .count();
    assert_eq!(transitions, 1);
}

pub fn racing_credits_with_one_reference_apply_once(h: Harness) {
    let results = race(&h, |engine, _| {
        engine.credit(&admin(), "f1", 70, "order-42")
    });
    assert_only_codes(&results, &[]);
    assert!(results.iter().all(|r| r.as_ref().unwrap().value == 70));
    assert_eq!(h.engine.balance(&admin(), "f1").unwrap(), 70);
    assert_eq!(h.engine.ledger_sum(&admin()).unwrap(), 0);
    let credited = h
        .audit_names()
        .iter()
        .filter(|n| *n == "tokens_credited")
        .count();
    assert_eq!(credited, 1);
}

pub fn racing_calls_to_one_fan_connect_once(h: Harness) {
    // Eight creators ring one fan, who accepts them all at once: one call connects, the
    // others are BUSY, and the fan is never in two calls.
    let ids: Vec<String> = (0..THREADS)
        .map(|i| {
            let c = format!("c{i}");
            h.callable(&c, "f1");
            h.ring(&c, "f1").id.to_string()
        })
        .collect();
    let results = race(&h, |engine, i| engine.accept(&fan("f1"), &ids[i], None));
    assert_only_codes(&results, &["BUSY"]);
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    let connected = h
        .engine
        .history(&fan("f1"), None, 100)
        .unwrap()
        .items
        .iter()
        .filter(|c| c.state == CallState::Connected)
        .count();
    assert_eq!(connected, 1);
    let busy = results
        .iter()
        .filter(|r| matches!(r, Err(Error::Busy)))
        .count();
    assert_eq!(busy, THREADS - 1);
}
