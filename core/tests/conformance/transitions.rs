//! Every call operation from every call state: the legal transitions succeed, every other
//! one is `INVALID_STATE` and changes nothing (docs/rules.md section 6).

use fanline::calls::CallState;
use fanline::{Actor, Result};

use super::{creator, fan, Harness};

/// The call operations, each by the side allowed to perform it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Accept,
    Decline,
    Cancel,
    End,
    Refresh,
}

const OPS: [Op; 5] = [Op::Accept, Op::Decline, Op::Cancel, Op::End, Op::Refresh];

/// A fresh pair for every call, so no cooldown, busy rule or rate limit interferes.
fn call_in_state(h: &Harness, n: usize, state: CallState) -> (String, Actor, Actor) {
    let (c, f) = (format!("tc{n}"), format!("tf{n}"));
    h.callable(&c, &f);
    let id = h.ring(&c, &f).id.to_string();
    let (ca, fa) = (creator(&c), fan(&f));
    match state {
        CallState::Ringing => {}
        CallState::Connected => {
            h.engine.accept(&fa, &id, None).unwrap();
        }
        CallState::Ended => {
            h.engine.accept(&fa, &id, None).unwrap();
            h.engine.end(&ca, &id).unwrap();
        }
        CallState::Declined => {
            h.engine.decline(&fa, &id).unwrap();
        }
        CallState::Cancelled => {
            h.engine.cancel(&ca, &id).unwrap();
        }
        CallState::Missed => {
            // Let it expire and sweep it (earlier calls left ringing may go with it).
            h.clock.advance_secs(120);
            assert!(h.engine.expire_due().unwrap().value.contains(&id));
        }
    }
    (id, ca, fa)
}

fn run(h: &Harness, op: Op, id: &str, c: &Actor, f: &Actor) -> Result<CallState> {
    match op {
        Op::Accept => h.engine.accept(f, id, None).map(|o| o.value.call.state),
        Op::Decline => h.engine.decline(f, id).map(|o| o.value.state),
        Op::Cancel => h.engine.cancel(c, id).map(|o| o.value.state),
        Op::End => h.engine.end(c, id).map(|o| o.value.call.state),
        Op::Refresh => h.engine.refresh_token(f, id).map(|_| CallState::Connected),
    }
}

/// The state after `op` from `state`, or `None` when it is invalid.
fn expected(state: CallState, op: Op) -> Option<CallState> {
    use CallState::*;
    match (state, op) {
        (Ringing, Op::Accept) | (Connected, Op::Refresh) => Some(Connected),
        (Ringing, Op::Decline) => Some(Declined),
        (Ringing, Op::Cancel) => Some(Cancelled),
        (Connected | Ended, Op::End) => Some(Ended),
        _ => None,
    }
}

pub fn every_operation_from_every_state(h: Harness) {
    let mut n = 0;
    for state in CallState::ALL {
        for op in OPS {
            n += 1;
            let (id, c, f) = call_in_state(&h, n, state);
            assert_eq!(h.state_of(c.id.as_str(), &id), state.as_str());
            match expected(state, op) {
                Some(next) => {
                    let got = run(&h, op, &id, &c, &f);
                    assert_eq!(got.ok(), Some(next), "{op:?} from {state:?}");
                    assert_eq!(h.state_of(c.id.as_str(), &id), next.as_str());
                    assert!(
                        state.can_become(next) || state == next,
                        "{state:?}->{next:?}"
                    );
                }
                None => {
                    h.refused_unchanged("INVALID_STATE", || run(&h, op, &id, &c, &f));
                }
            }
        }
    }
    assert_eq!(n, 30);
}
