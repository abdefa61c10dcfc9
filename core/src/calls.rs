//! Calls and invitations: the state machine, the call record, settlements and the realtime
//! events each transition produces (docs/rules.md section 6).

use serde::{Deserialize, Serialize};

use crate::billing::Charge;
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::ids::{CallId, UserId};
use crate::wire::wire_enum;

wire_enum! {
    /// Voice or video.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum CallType {
        /// Audio only.
        Voice = "voice",
        /// Audio and video.
        Video = "video",
    }
}

impl CallType {
    /// Parses a wire name.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "voice" => Ok(CallType::Voice),
            "video" => Ok(CallType::Video),
            _ => Err(Error::invalid("call type must be 'voice' or 'video'")),
        }
    }
}

wire_enum! {
    /// Where a call is: `ringing -> connected -> ended`, or `ringing -> declined | cancelled |
    /// missed`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum CallState {
        /// The invitation is out.
        Ringing = "ringing",
        /// The fan accepted; both sides hold tokens.
        Connected = "connected",
        /// Ended and settled.
        Ended = "ended",
        /// The fan declined.
        Declined = "declined",
        /// The creator cancelled while ringing.
        Cancelled = "cancelled",
        /// Nobody answered before the invitation expired.
        Missed = "missed",
    }
}

impl CallState {
    /// All states.
    pub const ALL: [CallState; 6] = [
        CallState::Ringing,
        CallState::Connected,
        CallState::Ended,
        CallState::Declined,
        CallState::Cancelled,
        CallState::Missed,
    ];

    /// Parses a wire name.
    pub fn parse(s: &str) -> Result<Self> {
        CallState::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| Error::invalid(format!("unknown call state '{s}'")))
    }

    /// Whether the call still occupies its participants (ringing or connected).
    pub fn is_active(self) -> bool {
        matches!(self, CallState::Ringing | CallState::Connected)
    }

    /// The invitation state that mirrors this call state.
    pub fn invitation(self) -> InvitationState {
        match self {
            CallState::Ringing => InvitationState::Pending,
            CallState::Connected | CallState::Ended => InvitationState::Accepted,
            CallState::Declined => InvitationState::Declined,
            CallState::Cancelled => InvitationState::Cancelled,
            CallState::Missed => InvitationState::Expired,
        }
    }

    /// Whether `self -> next` is a legal transition.
    pub fn can_become(self, next: CallState) -> bool {
        matches!(
            (self, next),
            (
                CallState::Ringing,
                CallState::Connected
                    | CallState::Declined
                    | CallState::Cancelled
                    | CallState::Missed
            ) | (CallState::Connected, CallState::Ended)
        )
    }
}

wire_enum! {
    /// The invitation's state, mirroring the call's.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum InvitationState {
        /// Waiting for the fan.
        Pending = "pending",
        /// The fan accepted.
        Accepted = "accepted",
        /// The fan declined.
        Declined = "declined",
        /// The creator cancelled.
        Cancelled = "cancelled",
        /// It ran out.
        Expired = "expired",
    }
}

/// A call as stored. Times are unix milliseconds from the engine's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call id.
    pub id: CallId,
    /// The calling creator.
    pub creator: UserId,
    /// The called fan.
    pub fan: UserId,
    /// Voice or video.
    pub call_type: CallType,
    /// Current state.
    pub state: CallState,
    /// The creator's note on the invitation.
    pub message: Option<String>,
    /// Tokens per minute for this call.
    pub rate_per_minute: u64,
    /// The creator's Agora uid.
    pub creator_uid: u32,
    /// The fan's Agora uid (differs from the creator's).
    pub fan_uid: u32,
    /// When the invitation went out.
    pub created_at_ms: i64,
    /// When the invitation expires.
    pub expires_at_ms: i64,
    /// When the fan accepted.
    pub connected_at_ms: Option<i64>,
    /// When a connected call must end: fixed at accept to what the fan's balance afforded then,
    /// capped by the configured longest call. Billing never goes past it.
    pub limit_at_ms: Option<i64>,
    /// When the call left `ringing`/`connected` (ended, declined, cancelled, missed).
    pub finished_at_ms: Option<i64>,
    /// Who ended it, for connected calls.
    pub ended_by: Option<UserId>,
}

impl Call {
    /// `INVALID_STATE` ("the call is ended", ...) unless the state machine allows moving to
    /// `next` from where the call is.
    pub fn check_transition(&self, next: CallState) -> Result<()> {
        if self.state.can_become(next) {
            Ok(())
        } else {
            Err(Error::state(format!("the call is {}", self.state.as_str())))
        }
    }

    /// Moves the call to `next` at `at_ms`, stamping the time the new state carries
    /// (`connected_at_ms` for `connected`, `finished_at_ms` for every end), and returns the
    /// state it left, which the store write is guarded by. An illegal move changes nothing
    /// and is `INVALID_STATE`.
    pub fn transition(&mut self, next: CallState, at_ms: i64) -> Result<CallState> {
        self.check_transition(next)?;
        let previous = self.state;
        self.state = next;
        if next == CallState::Connected {
            self.connected_at_ms = Some(at_ms);
        } else {
            self.finished_at_ms = Some(at_ms);
        }
        Ok(previous)
    }

    /// The Agora channel, derived from the call id.
    pub fn channel(&self) -> String {
        self.id.channel_name()
    }

    /// The invitation state.
    pub fn invitation(&self) -> InvitationState {
        self.state.invitation()
    }

    /// Whether `user` is the creator or the fan of this call.
    pub fn has_participant(&self, user: &UserId) -> bool {
        &self.creator == user || &self.fan == user
    }

    /// The other participant.
    pub fn other(&self, user: &UserId) -> &UserId {
        if &self.creator == user {
            &self.fan
        } else {
            &self.creator
        }
    }

    /// The wire view: camelCase, RFC 3339 times.
    pub fn view(&self) -> CallView {
        CallView {
            id: self.id,
            creator_id: self.creator.clone(),
            fan_id: self.fan.clone(),
            call_type: self.call_type,
            state: self.state,
            invitation: self.invitation(),
            message: self.message.clone(),
            rate_per_minute: self.rate_per_minute,
            channel: self.channel(),
            created_at: rfc3339(self.created_at_ms),
            expires_at: rfc3339(self.expires_at_ms),
            connected_at: self.connected_at_ms.map(rfc3339),
            limit_at: self.limit_at_ms.map(rfc3339),
            finished_at: self.finished_at_ms.map(rfc3339),
            affordable_minutes: None,
        }
    }
}

/// What hosts and clients see of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallView {
    /// The call id.
    pub id: CallId,
    /// The creator.
    pub creator_id: UserId,
    /// The fan.
    pub fan_id: UserId,
    /// Voice or video.
    pub call_type: CallType,
    /// The call's state.
    pub state: CallState,
    /// The invitation's state.
    pub invitation: InvitationState,
    /// The invitation note.
    pub message: Option<String>,
    /// Tokens per minute.
    pub rate_per_minute: u64,
    /// The Agora channel.
    pub channel: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: when the invitation expires.
    pub expires_at: String,
    /// RFC 3339.
    pub connected_at: Option<String>,
    /// RFC 3339: when a connected call ends on its own (set at accept).
    pub limit_at: Option<String>,
    /// RFC 3339.
    pub finished_at: Option<String>,
    /// Whole minutes of this call the fan's balance pays for, capped by the longest call.
    /// Only in what the fan reads (`pending`); absent for the creator and when the ledger is
    /// off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affordable_minutes: Option<u64>,
}

/// The billing of one ended call, written once in the same transaction as the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Settlement {
    /// The call.
    pub call_id: CallId,
    /// The computed charge: bill, charged, shortfall, fee, creator net.
    #[serde(flatten)]
    pub charge: Charge,
    /// When it was settled (unix ms).
    pub settled_at_ms: i64,
}

/// A realtime event for the host to publish (fanline never publishes itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The channel: `user:<id>`.
    pub channel: String,
    /// The event name, e.g. `call:request`.
    pub name: &'static str,
    /// The payload (camelCase JSON). It never holds a token or secret: events travel through
    /// the host's realtime provider.
    pub payload: serde_json::Value,
}

impl Event {
    /// An event to `user`'s channel.
    pub fn to_user(user: &UserId, name: &'static str, payload: serde_json::Value) -> Self {
        Event {
            channel: format!("user:{user}"),
            name,
            payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_stamps_times_and_refuses_illegal_moves() {
        let mut call = Call {
            id: CallId::random(),
            creator: UserId::new("c").unwrap(),
            fan: UserId::new("f").unwrap(),
            call_type: CallType::Voice,
            state: CallState::Ringing,
            message: None,
            rate_per_minute: 10,
            creator_uid: 1,
            fan_uid: 2,
            created_at_ms: 0,
            expires_at_ms: 120_000,
            connected_at_ms: None,
            limit_at_ms: None,
            finished_at_ms: None,
            ended_by: None,
        };
        assert_eq!(
            call.transition(CallState::Connected, 5).unwrap(),
            CallState::Ringing
        );
        assert_eq!(call.connected_at_ms, Some(5));
        let before = call.clone();
        let e = call.transition(CallState::Missed, 9).unwrap_err();
        assert_eq!(e.to_string(), "invalid state: the call is connected");
        assert_eq!(call, before, "a refused move changes nothing");
        assert_eq!(
            call.transition(CallState::Ended, 65).unwrap(),
            CallState::Connected
        );
        assert_eq!(call.finished_at_ms, Some(65));
    }

    #[test]
    fn only_the_spec_transitions_are_legal() {
        use CallState::*;
        let legal = [
            (Ringing, Connected),
            (Ringing, Declined),
            (Ringing, Cancelled),
            (Ringing, Missed),
            (Connected, Ended),
        ];
        for a in CallState::ALL {
            for b in CallState::ALL {
                assert_eq!(a.can_become(b), legal.contains(&(a, b)), "{a:?}->{b:?}");
            }
        }
    }
}
