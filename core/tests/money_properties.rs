//! A property over whole engine runs: whatever sequence of credits, price changes,
//! initiations, accepts, ends, sweeps, blocks and clock moves happens, no call takes more from
//! a fan than its rate times the limit agreed at accept (nor more than the fan held then), no
//! balance goes negative, and the ledger sums to zero.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::collections::BTreeMap;
use std::sync::Arc;

use fanline::billing::BillingPolicy;
use fanline::calls::{CallState, CallType};
use fanline::engine::{EngineConfig, InitiateRequest};
use fanline::privacy::RelationshipKind;
use fanline::share::ShareKeyRing;
use fanline::store::MemoryStore;
use fanline::{Actor, Fanline, Flags, ManualClock};
use proptest::prelude::*;

const FANS: usize = 3;
const CREATORS: usize = 2;

#[derive(Debug, Clone)]
enum Op {
    Credit(usize, u64),
    SetPrice(usize, u64),
    Initiate(usize, usize),
    Accept(usize),
    End(usize, bool),
    Advance(i64),
    Sweep,
    Block(usize, usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..FANS, 0u64..400).prop_map(|(f, a)| Op::Credit(f, a)),
        (0..CREATORS, 0u64..120).prop_map(|(c, r)| Op::SetPrice(c, r)),
        (0..CREATORS, 0..FANS).prop_map(|(c, f)| Op::Initiate(c, f)),
        (0..8usize).prop_map(Op::Accept),
        (0..8usize, any::<bool>()).prop_map(|(i, by_fan)| Op::End(i, by_fan)),
        (0i64..4_000).prop_map(Op::Advance),
        Just(Op::Sweep),
        (0..CREATORS, 0..FANS, any::<bool>()).prop_map(|(c, f, by_fan)| Op::Block(c, f, by_fan)),
    ]
}

fn engine(clock: &ManualClock) -> Fanline {
    Fanline::builder()
        .store(Arc::new(MemoryStore::new()))
        .agora(
            "970ca35de60c44645bbae8a215061b33",
            "5cfd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).unwrap())
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .config(EngineConfig {
            max_call_secs: 3_600,
            cooldown: fanline::limits::Cooldown { duration_ms: 0 },
            ..EngineConfig::default()
        })
        .build()
        .unwrap()
}

/// What was agreed when a call connected: its rate, and the fan's balance then.
struct Agreed {
    rate: u64,
    balance: u64,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn no_call_takes_more_than_agreed(ops in prop::collection::vec(op(), 1..60)) {
        let clock = ManualClock::at_ms(1_800_000_000_000);
        let e = engine(&clock);
        let admin = Actor::admin("ops").unwrap();
        let fans: Vec<Actor> = (0..FANS).map(|i| Actor::fan(format!("f{i}")).unwrap()).collect();
        let creators: Vec<Actor> =
            (0..CREATORS).map(|i| Actor::creator(format!("c{i}")).unwrap()).collect();
        for f in &fans {
            for c in &creators {
                e.record_relationship(f, c.id.as_str(), RelationshipKind::Follow).unwrap();
            }
        }
        let mut calls: Vec<(String, usize, usize)> = Vec::new();
        let mut agreed: BTreeMap<String, Agreed> = BTreeMap::new();
        for (n, op) in ops.into_iter().enumerate() {
            match op {
                Op::Credit(f, amount) if amount > 0 => {
                    e.credit(&admin, fans[f].id.as_str(), amount, &format!("r{n}")).unwrap();
                }
                Op::Credit(..) => {}
                Op::SetPrice(c, rate) => {
                    e.set_call_price(&creators[c], creators[c].id.as_str(), rate).unwrap();
                }
                Op::Initiate(c, f) => {
                    let req = InitiateRequest::new(fans[f].id.as_str(), CallType::Voice);
                    if let Ok(out) = e.initiate(&creators[c], &req) {
                        calls.push((out.value.id.to_string(), c, f));
                    }
                }
                Op::Accept(i) => {
                    if let Some((id, _, f)) = calls.get(i % calls.len().max(1)) {
                        let before = e.balance(&admin, fans[*f].id.as_str()).unwrap();
                        if let Ok(out) = e.accept(&fans[*f], id, None) {
                            agreed.insert(id.clone(), Agreed {
                                rate: out.value.call.rate_per_minute,
                                balance: before as u64,
                            });
                        }
                    }
                }
                Op::End(i, by_fan) => {
                    if let Some((id, c, f)) = calls.get(i % calls.len().max(1)) {
                        let who = if by_fan { &fans[*f] } else { &creators[*c] };
                        let _ = e.end(who, id);
                    }
                }
                Op::Advance(secs) => clock.advance_secs(secs),
                Op::Sweep => {
                    e.expire_due().unwrap();
                }
                Op::Block(c, f, by_fan) => {
                    if by_fan {
                        e.block(&fans[f], creators[c].id.as_str()).unwrap();
                    } else {
                        e.block(&creators[c], fans[f].id.as_str()).unwrap();
                    }
                }
            }
            for f in &fans {
                prop_assert!(e.balance(&admin, f.id.as_str()).unwrap() >= 0);
            }
        }
        let policy = BillingPolicy::default();
        for (id, _, _) in &calls {
            let status = e.status(&admin, id).unwrap();
            let Some(settlement) = status.settlement else { continue };
            prop_assert_eq!(status.call.state, CallState::Ended);
            let deal = &agreed[id];
            let limit = policy
                .max_affordable_seconds(deal.balance, deal.rate)
                .min(3_600);
            let most = policy.bill(limit, deal.rate).unwrap().gross;
            prop_assert!(settlement.charge.bill.billed_seconds <= limit);
            prop_assert!(settlement.charge.charged <= most);
            prop_assert!(settlement.charge.charged <= deal.balance);
        }
        prop_assert_eq!(e.ledger_sum(&admin).unwrap(), 0);
    }
}
