"""Types of the native module ``fanline._native`` (re-exported by ``fanline``).

Dict results use the wire's camelCase keys. Mutating engine methods return an ``Outcome``:
``{"value": ..., "events": [{"channel": ..., "name": ..., "payload": {...}}, ...]}``.
Bad input of any kind raises ``fanline.InvalidInputError`` (code ``INVALID_INPUT``).
"""

import array
from typing import Any, final, Dict, Generic, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, TypeVar, Union

from fanline import types as _t

__version__: str
ERROR_CODES: List[str]
FEATURES: List[str]
ROBOTS_TXT: str
X_ROBOTS_TAG: str

Role = _t.Role
ActionName = _t.Action
RelationshipKindName = _t.RelationshipKind
Rounding = _t.Rounding
#: A list of ints, or a 1-D int64 buffer (numpy ``int64``, ``array.array('q')``), or an object
#: whose ``__array__`` gives one (pandas, polars).
IntColumn = Any
#: Results: a list for a list, a numpy int64 array for numpy (pandas, polars), else
#: ``array.array("q")``.
IntColumnOut = Union[List[int], "array.array[int]", Any]

class Event(TypedDict):
    channel: str
    name: str
    payload: Dict[str, Any]

_T = TypeVar("_T")

class Outcome(TypedDict, Generic[_T]):
    """A mutating method's result: its value and the events to publish."""

    value: _T
    events: List[Event]

Decision = _t.Decision

Bill = _t.Bill

Charge = _t.Charge

class ChargeColumns(TypedDict):
    billedMinutes: IntColumnOut
    gross: IntColumnOut
    charged: IntColumnOut
    shortfall: IntColumnOut
    fee: IntColumnOut
    creatorNet: IntColumnOut

class ShareKey(TypedDict):
    id: int
    secret: Union[bytes, bytearray, str]

class ShareKeys(TypedDict):
    """A share-link key ring: every key verifies, ``activeKeyId`` signs."""
    activeKeyId: int
    keys: List[ShareKey]

RateLimit = _t.RateLimit

Metrics = _t.Metrics

Health = _t.Health

@final
class Actor:
    """Who performs an operation: a validated user id and a role."""

    def __new__(cls, id: str, role: Role) -> "Actor": ...
    @staticmethod
    def fan(id: str) -> Actor: ...
    @staticmethod
    def creator(id: str) -> Actor: ...
    @staticmethod
    def admin(id: str) -> Actor: ...
    @property
    def id(self) -> str: ...
    @property
    def role(self) -> Role: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BillingPolicy:
    """Integer billing rules (defaults: 10 tokens/min, per started minute, no minimum, no fee)."""

    def __new__(
        cls,
        rate_per_minute: Optional[int] = None,
        rounding: Optional[Rounding] = None,
        minimum_minutes: Optional[int] = None,
        fee_bps: Optional[int] = None,
    ) -> "BillingPolicy": ...
    @property
    def rate_per_minute(self) -> int: ...
    @property
    def rounding(self) -> Rounding: ...
    @property
    def minimum_minutes(self) -> int: ...
    @property
    def fee_bps(self) -> int: ...
    def to_dict(self) -> _t.BillingPolicy: ...
    def bill(self, seconds: int, rate: Optional[int] = None) -> Bill: ...
    def charge(
        self, seconds: int, balance: Optional[int] = None, rate: Optional[int] = None
    ) -> Charge: ...
    def cost_at(self, elapsed: int, rate: Optional[int] = None) -> int: ...
    def start_guard(self, rate: Optional[int] = None) -> int: ...
    def max_affordable_seconds(self, balance: int, rate: Optional[int] = None) -> int: ...
    def charge_many(
        self,
        seconds: IntColumn,
        rates: Union[int, IntColumn, None] = None,
        balances: Union[int, IntColumn, None] = None,
    ) -> ChargeColumns:
        """Charges many calls in one call without the GIL; one column out per amount."""

@final
class TokenBuilder:
    """AccessToken2 (007) RTC tokens for one Agora project; the certificate never shows."""

    def __new__(cls, app_id: str, app_certificate: str) -> "TokenBuilder": ...
    @property
    def app_id(self) -> str: ...
    def build(
        self,
        channel: str,
        uid: Union[int, str],
        *,
        role: Union[Literal["publisher", "subscriber", 1, 2], None] = None,
        token_expire: Optional[int] = None,
        privilege_expire: Optional[int] = None,
        join_expire: Optional[int] = None,
        publish_audio_expire: Optional[int] = None,
        publish_video_expire: Optional[int] = None,
        publish_data_expire: Optional[int] = None,
        rtm_user_id: Optional[str] = None,
        rtm_expire: Optional[int] = None,
        issue_ts: Optional[int] = None,
        salt: Optional[int] = None,
    ) -> str: ...
    def build_many(
        self,
        channels: Sequence[str],
        uids: Optional[IntColumn] = None,
        *,
        accounts: Optional[Sequence[str]] = None,
        role: Union[Literal["publisher", "subscriber", 1, 2], None] = None,
        token_expire: Optional[int] = None,
        privilege_expire: Optional[int] = None,
        issue_ts: Optional[int] = None,
        salts: Optional[IntColumn] = None,
        strict: bool = True,
    ) -> List[Optional[str]]: ...

@final
class Fanline:
    """The engine over one store (``"memory:"``, ``"sqlite::memory:"``, ``"sqlite:<path>"``)."""

    def __new__(
        cls,
        store: str,
        *,
        app_id: str,
        app_certificate: str,
        share_key: Union[bytes, bytearray, str, None] = None,
        share_key_id: Optional[int] = None,
        share_keys: Optional[ShareKeys] = None,
        flags: Union[Mapping[str, bool], Literal["env"], None] = None,
        clock_ms: Optional[int] = None,
        billing: Union[BillingPolicy, _t.BillingPolicyInput, None] = None,
        ledger: Optional[bool] = None,
        invitation_ttl_ms: Optional[int] = None,
        token_lifetime_secs: Optional[int] = None,
        share_lifetime_secs: Optional[int] = None,
        cooldown_ms: Optional[int] = None,
        creator_rate: Union[Tuple[int, int], RateLimit, None] = None,
        ip_rate: Union[Tuple[int, int], RateLimit, None] = None,
        max_call_secs: Optional[int] = None,
    ) -> "Fanline":
        """Builds the engine from the core's ``FanlineConfig`` (the same parser and defaults
        as Node's config object). Give ``share_key`` (with ``share_key_id``) or a whole
        ``share_keys`` ring, not both. Any mistake is a ``ConfigError``."""
    @property
    def now_ms(self) -> int: ...
    def advance_clock(self, ms: int) -> int: ...
    @property
    def flags(self) -> Dict[str, bool]: ...
    def flag(self, name: str) -> bool: ...
    @property
    def simulated_clock(self) -> bool: ...
    def set_flag(self, name: str, on: bool) -> None: ...
    @property
    def config(self) -> _t.EngineConfig: ...
    # fans
    def settings(self, actor: Actor) -> _t.PrivacySettings: ...
    def update_settings(self, actor: Actor, patch: _t.SettingsPatch) -> Outcome[_t.PrivacySettings]: ...
    def set_profile(
        self, actor: Actor, display_name: str, avatar_url: Optional[str] = None
    ) -> Outcome[_t.Profile]: ...
    def profile(self, user_id: str) -> Optional[_t.Profile]: ...
    def enable_share(self, actor: Actor) -> Outcome[_t.ShareLink]: ...
    def disable_share(self, actor: Actor) -> Outcome[bool]: ...
    def resolve_share(self, token: str) -> _t.ShareCard: ...
    def mini_profile(self, actor: Actor, fan_id: str) -> _t.MiniProfile: ...
    def decide_pairs(
        self, action: ActionName, creator_ids: Sequence[str], fan_ids: Sequence[str]
    ) -> List[Decision]: ...
    def relationship(self, actor: Actor, other_id: str) -> List[_t.Relationship]: ...
    def record_relationship(
        self, actor: Actor, other_id: str, kind: RelationshipKindName
    ) -> Outcome[None]: ...
    def unfollow(self, actor: Actor, creator_id: str) -> Outcome[bool]: ...
    def block(self, actor: Actor, other_id: str) -> Outcome[bool]: ...
    def unblock(self, actor: Actor, other_id: str) -> Outcome[bool]: ...
    def has_blocked(self, actor: Actor, other_id: str) -> bool: ...
    # calls
    def initiate(
        self,
        actor: Actor,
        fan_id: str,
        call_type: Literal["voice", "video"],
        *,
        message: Optional[str] = None,
        ip: Optional[str] = None,
        rate_per_minute: Optional[int] = None,
    ) -> Outcome[_t.CallView]: ...
    def accept(
        self, actor: Actor, call_id: str, *, max_rate_per_minute: Optional[int] = None
    ) -> Outcome[_t.AcceptedCall]: ...
    def set_call_price(self, actor: Actor, creator_id: str, rate_per_minute: int) -> Outcome[int]: ...
    def call_price(self, creator_id: str) -> int: ...
    def refusal_counts(
        self, actor: Actor, *, since_ms: Optional[int] = None, until_ms: Optional[int] = None
    ) -> List[_t.RefusalCount]: ...
    def decline(self, actor: Actor, call_id: str) -> Outcome[_t.CallView]: ...
    def cancel(self, actor: Actor, call_id: str) -> Outcome[_t.CallView]: ...
    def end(self, actor: Actor, call_id: str) -> Outcome[_t.EndedCall]: ...
    def refresh_token(self, actor: Actor, call_id: str) -> _t.JoinInfo: ...
    def status(self, actor: Actor, call_id: str) -> _t.CallStatus: ...
    def pending(self, actor: Actor) -> List[_t.CallView]: ...
    def history(
        self, actor: Actor, cursor: Optional[str] = None, limit: Optional[int] = None
    ) -> _t.HistoryPage: ...
    def expire_due(self) -> Outcome[List[str]]: ...
    # ledger, audit, metrics
    def credit(self, actor: Actor, user_id: str, amount: int, reference: str) -> Outcome[int]: ...
    def balance(self, actor: Actor, user_id: str) -> int: ...
    def ledger_sum(self, actor: Actor) -> int: ...
    def audit_log(
        self, actor: Actor, after: Optional[int] = None, limit: Optional[int] = None
    ) -> List[_t.AuditRecord]: ...
    def metrics(
        self,
        actor: Actor,
        *,
        since_ms: Optional[int] = None,
        until_ms: Optional[int] = None,
        bucket_ms: Optional[int] = None,
    ) -> Metrics: ...
    def health(self) -> Health: ...

@final
class ShareKeyRing:
    """Share-link keys: the active key signs, every key in the ring verifies."""

    def __new__(cls, config: ShareKeys) -> "ShareKeyRing": ...
    @property
    def active_key_id(self) -> int: ...
    def mint(self, fan_id: str, generation: int, expires_at: int) -> str: ...
    def verify(self, token: str, now: int) -> _t.ShareClaims: ...

def default_settings() -> _t.PrivacySettings: ...
def apply_settings_patch(
    settings: _t.PrivacySettingsInput, patch: _t.SettingsPatch
) -> _t.PrivacySettings: ...
def validate_user_id(user_id: str) -> None: ...
def channel_name(call_id: str) -> str: ...
def split(amount: int, fee_bps: int) -> Tuple[int, int]: ...
def billed_seconds(connected_ms: int, ended_ms: int) -> int: ...
def decide(
    action: ActionName,
    *,
    actor_role: Optional[Role] = None,
    actor_is_fan: Optional[bool] = None,
    feature_on: Optional[bool] = None,
    settings: Optional[_t.PrivacySettingsInput] = None,
    relationships: Optional[Sequence[RelationshipKindName]] = None,
    blocked_by_fan: Optional[bool] = None,
    blocked_by_creator: Optional[bool] = None,
    fan_in_connected_call: Optional[bool] = None,
    share_link_valid: Optional[bool] = None,
) -> Decision: ...
def agora_uid(user_id: str) -> int: ...
def call_uids(creator_id: str, fan_id: str) -> Tuple[int, int]: ...
def agora_uids(user_ids: Sequence[str]) -> List[int]: ...
def build_rtc_token(
    app_id: str,
    app_certificate: str,
    channel: str,
    uid: Union[int, str],
    *,
    role: Union[Literal["publisher", "subscriber", 1, 2], None] = None,
    token_expire: Optional[int] = None,
    privilege_expire: Optional[int] = None,
    issue_ts: Optional[int] = None,
    salt: Optional[int] = None,
) -> str: ...
def inspect_token(token: str, certificate: Optional[str] = None) -> _t.TokenInspection: ...
def inspect_tokens(
    tokens: Sequence[str], certificate: Optional[str] = None, *, strict: bool = True
) -> List[Optional[_t.TokenInspection]]: ...
def verify_token(token: str, certificate: str) -> bool: ...
def build_token_006(
    app_id: str,
    app_certificate: str,
    channel: str,
    uid: Union[int, str],
    *,
    role: Union[Literal["publisher", "subscriber", "attendee", "admin", 0, 1, 2, 101], None] = None,
    privilege_expired_ts: Optional[int] = None,
    salt: Optional[int] = None,
    ts: Optional[int] = None,
) -> str: ...
def parse_token_006(token: str) -> _t.ParsedToken006: ...
def verify_token_006(token: str, certificate: str, channel: str, uid: Union[int, str]) -> bool: ...
