//! Reading calls: one call's status, the fan's pending invitations, history pages.

use crate::calls::{Call, CallState};
use crate::engine::views::{decode_cursor, encode_cursor, CallStatus, HistoryPage};
use crate::engine::Fanline;
use crate::error::{Error, Result};
use crate::ids::{Actor, CallId};
use crate::store::HistoryCursor;

/// Largest history page.
const MAX_PAGE: u32 = 100;

impl Fanline {
    /// A call's status (participants and admins), with its settlement once ended.
    pub fn status(&self, actor: &Actor, call_id: &str) -> Result<CallStatus> {
        let id = CallId::parse(call_id)?;
        self.read(|tx| {
            let call = Self::participant_call(tx, actor, &id)?;
            let settlement = if call.state == CallState::Ended {
                tx.get_settlement(&call.id)?
            } else {
                None
            };
            Ok(CallStatus {
                call: call.view(),
                settlement,
            })
        })
    }

    /// The actor's ringing invitations that have not expired, newest first, each with its
    /// rate and how many whole minutes of it the actor's balance affords.
    pub fn pending(&self, actor: &Actor) -> Result<Vec<crate::calls::CallView>> {
        let now = self.now_ms();
        self.read(|tx| {
            let calls = tx.pending_for_fan(&actor.id, now)?;
            if calls.is_empty() {
                return Ok(Vec::new());
            }
            let balance = self.fan_balance(tx, &actor.id)?;
            Ok(calls
                .iter()
                .map(|call| {
                    let mut view = call.view();
                    view.affordable_minutes =
                        balance.map(|b| self.affordable_minutes(b, call.rate_per_minute));
                    view
                })
                .collect())
        })
    }

    /// The actor's calls, newest first, `limit` (1 to 100) at a time; pass the returned
    /// cursor back for the next page.
    pub fn history(&self, actor: &Actor, cursor: Option<&str>, limit: u32) -> Result<HistoryPage> {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid(format!("limit must be 1 to {MAX_PAGE}")));
        }
        let cursor = cursor.map(decode_cursor).transpose()?;
        self.read(|tx| {
            // One extra row tells whether another page exists.
            let mut calls = tx.history(&actor.id, cursor.as_ref(), limit as usize + 1)?;
            let more = calls.len() > limit as usize;
            calls.truncate(limit as usize);
            let next_cursor = match calls.last() {
                Some(last) if more => Some(encode_cursor(&HistoryCursor {
                    created_at_ms: last.created_at_ms,
                    id: last.id,
                })),
                _ => None,
            };
            Ok(HistoryPage {
                items: calls.iter().map(Call::view).collect(),
                next_cursor,
            })
        })
    }
}
