"""Shapes of the dicts the fanline binding returns and accepts.

Written by ``cargo run -p fanline-typegen`` from the Rust core's types: do not edit.
"""

from typing import Dict, List, Literal, Optional, Tuple, TypedDict, Union


#: Voice or video.
CallType = Literal['voice', 'video']

#: A host's user id: 1 to 128 bytes of UTF-8, no control characters, no surrounding whitespace.
UserId = str

#: A call id: a hyphenated version 4 (or 7) UUID.
CallId = str

#: The invitation's state, mirroring the call's.
InvitationState = Literal['pending', 'accepted', 'declined', 'cancelled', 'expired']

#: Where a call is: `ringing -> connected -> ended`, or `ringing -> declined | cancelled |
#: missed`.
CallState = Literal['ringing', 'connected', 'ended', 'declined', 'cancelled', 'missed']

class _CallViewRequired(TypedDict):
    #: Voice or video.
    callType: CallType
    #: The Agora channel.
    channel: str
    #: RFC 3339.
    connectedAt: Optional[str]
    #: RFC 3339.
    createdAt: str
    #: The creator.
    creatorId: UserId
    #: RFC 3339: when the invitation expires.
    expiresAt: str
    #: The fan.
    fanId: UserId
    #: RFC 3339.
    finishedAt: Optional[str]
    #: The call id.
    id: CallId
    #: The invitation's state.
    invitation: InvitationState
    #: RFC 3339: when a connected call ends on its own (set at accept).
    limitAt: Optional[str]
    #: The invitation note.
    message: Optional[str]
    #: Tokens per minute.
    ratePerMinute: int
    #: The call's state.
    state: CallState

class CallView(_CallViewRequired, total=False):
    """What hosts and clients see of a call."""
    #: Whole minutes of this call the fan's balance pays for, capped by the longest call.
    #: Only in what the fan reads (`pending`); absent for the creator and when the ledger is
    #: off.
    affordableMinutes: int

class JoinInfo(TypedDict):
    """What one side needs to join the Agora channel. `Debug` hides the token."""
    #: The Agora app id.
    appId: str
    #: The channel.
    channel: str
    #: When the token expires (RFC 3339).
    expiresAt: str
    #: The RTC token.
    token: str
    #: The uid to join with (it is the uid inside the token).
    uid: int

class AcceptedCall(TypedDict):
    """The result of accepting: the call and both sides' join information."""
    #: The call, now connected.
    call: CallView
    #: The creator's join information, for the host to hand to the creator over its own
    #: authenticated API (the `call:accepted` event carries no token).
    creator: JoinInfo
    #: The fan's join information.
    fan: JoinInfo

#: What the actor wants to do with the fan.
Action = Literal['view_profile', 'message', 'call', 'view_share_card', 'appear_in_search']

class AgoraConfig(TypedDict):
    """Agora project credentials."""
    #: The App Certificate, 32 hex characters (a secret: left out of `Debug`).
    appCertificate: str
    #: The App ID, 32 hex characters.
    appId: str

#: Which creators a permission (`allow_dm`, `allow_calls`) admits.
Audience = Literal['none', 'following', 'interacted']

class AuditQuery(TypedDict, total=False):
    """A request for one page of `Fanline::audit_log`: both fields
    optional, the defaults decided here once.
    """
    #: Records after this position (default 0: from the start).
    after: Optional[int]
    #: Records per page, 1 to 1000 (default `DEFAULT_AUDIT_LIMIT`).
    limit: Optional[int]

class AuditRecord(TypedDict):
    """One audit record (docs/rules.md section 12). Never holds a token or secret."""
    #: Who did it.
    actorId: Optional[str]
    #: When (unix ms).
    atMs: int
    #: The call, for call events.
    callId: Optional[str]
    #: `voice` or `video`, for call events.
    callType: Optional[str]
    #: The creator involved.
    creatorId: Optional[str]
    #: Extra facts as JSON text (amounts, reasons); never a secret.
    detail: Optional[str]
    #: `call_initiated`, `privacy_updated`, `share_enabled`, ...
    event: str
    #: The fan involved.
    fanId: Optional[str]
    #: Position in the log, assigned by the store (0 before it is stored).
    seq: int

class Bill(TypedDict):
    """The amounts of one call, before the balance is taken into account."""
    #: Minutes billed (started minutes, or the minimum); 0 under `PerSecond` unless the
    #: minimum applied.
    billedMinutes: int
    #: Whole seconds between connect and end.
    billedSeconds: int
    #: The full price.
    gross: int
    #: The rate used, tokens per minute.
    ratePerMinute: int

#: How call time turns into billable units.
Rounding = Literal['per_started_minute', 'per_second']

class BillingPolicy(TypedDict):
    """The billing rules. Validated on construction; `rate_per_minute` is the default rate, which
    a call may override. Its serde form is camelCase; absent fields take the defaults.
    """
    #: Platform fee in basis points (0..=10000).
    feeBps: int
    #: A call longer than 0 s is billed at least this many minutes.
    minimumMinutes: int
    #: Tokens per minute when a call names no rate.
    ratePerMinute: int
    #: The rounding policy.
    rounding: Rounding

class BillingPolicyInput(TypedDict, total=False):
    """The billing rules. Validated on construction; `rate_per_minute` is the default rate, which
    a call may override. Its serde form is camelCase; absent fields take the defaults.
    """
    #: Platform fee in basis points (0..=10000).
    feeBps: int
    #: A call longer than 0 s is billed at least this many minutes.
    minimumMinutes: int
    #: Tokens per minute when a call names no rate.
    ratePerMinute: int
    #: The rounding policy.
    rounding: Rounding

class BlockState(TypedDict, total=False):
    """Blocks between the pair, by direction. Either direction denies."""
    #: The creator blocked the fan.
    byCreator: bool
    #: The fan blocked the creator.
    byFan: bool

class Settlement(TypedDict):
    """The billing of one ended call, written once in the same transaction as the end."""
    #: The bill.
    bill: Bill
    #: The call.
    callId: CallId
    #: What the fan actually pays: `min(gross, balance)`.
    charged: int
    #: The creator's part of `charged`; `fee + creator_net == charged`.
    creatorNet: int
    #: The platform's part of `charged`.
    fee: int
    #: When it was settled (unix ms).
    settledAtMs: int
    #: `gross - charged`, recorded so the platform can follow up.
    shortfall: int

class CallStatus(TypedDict):
    """A call's status, with its settlement once ended."""
    #: The call.
    call: CallView
    #: Its settlement, when ended.
    settlement: Optional[Settlement]

class Charge(TypedDict):
    """A settled charge: the bill capped at the fan's balance, and the split of what was charged."""
    #: The bill.
    bill: Bill
    #: What the fan actually pays: `min(gross, balance)`.
    charged: int
    #: The creator's part of `charged`; `fee + creator_net == charged`.
    creatorNet: int
    #: The platform's part of `charged`.
    fee: int
    #: `gross - charged`, recorded so the platform can follow up.
    shortfall: int

class ClockConfig1(TypedDict):
    manualStartMs: int

#: `'system'` (the real time) or a simulated clock stopped at `manualStartMs` (unix ms).
ClockConfig = Union[Literal['system'], ClockConfig1]

class CreatorRevenue(TypedDict):
    """Settled revenue of one creator."""
    #: Billed seconds, summed.
    billedSeconds: int
    #: Calls ended (settled).
    calls: int
    #: What fans paid.
    charged: int
    #: The creator.
    creatorId: str
    #: The creator's part.
    creatorNet: int
    #: The platform's part.
    fee: int
    #: Full prices, summed.
    gross: int
    #: Billed but not covered by the fans' balances.
    shortfall: int

#: Why an action is refused; each maps to one stable error code.
Deny = Literal['FEATURE_DISABLED', 'NOT_CREATOR', 'BLOCKED', 'PROFILE_PRIVATE', 'DM_NOT_ALLOWED', 'CALL_NOT_ALLOWED', 'BUSY', 'NOT_FOUND']

#: The rule that decided.
Rule = Literal['feature_flag', 'self_or_admin', 'creator_only', 'block', 'visibility', 'allow_dm', 'allow_calls', 'fan_busy', 'share_link', 'searchable']

class Decision(TypedDict):
    """A decision: allowed or the denial, plus the rule that decided."""
    #: Whether the action is allowed.
    allowed: bool
    #: The denial, when refused.
    deny: Optional[Deny]
    #: The rule that decided.
    rule: Rule

#: What an actor is on the platform.
Role = Literal['fan', 'creator', 'admin']

#: One kind of creator-fan relationship (docs/rules.md section 3).
RelationshipKind = Literal['follow', 'tipped', 'purchased', 'messaged', 'called']

#: Who may see the fan's mini profile.
Visibility = Literal['private', 'creators', 'link']

class PrivacySettingsInput(TypedDict, total=False):
    """A fan's privacy settings. A fan with nothing stored has `PrivacySettings::default`:
    private, DMs and calls from creators they interacted with, not searchable. Read from the
    wire, a field left out takes its default, in every binding alike.
    """
    #: Which creators may call the fan.
    allowCalls: Audience
    #: Which creators may message the fan.
    allowDm: Audience
    #: Whether the fan may appear in creator-side search (`allowSearch` on the wire).
    allowSearch: bool
    #: Who may see the mini profile.
    visibility: Visibility

class _DecisionInputRequired(TypedDict):
    #: The action asked for.
    action: Action
    #: The actor's role.
    actorRole: Role

class DecisionInput(_DecisionInputRequired, total=False):
    """Everything the decision needs, gathered by the caller (the engine reads it in one
    transaction). Plain data: deciding does no I/O and allocates nothing.
    Its serde form (for the bindings) is camelCase; only `action` and `actorRole` are required,
    every other field defaults as in `DecisionInput::creator` (flag on, default settings, no
    relationship, no block).
    """
    #: Whether the actor is the fan themself.
    actorIsFan: bool
    #: Blocks between them.
    blocks: BlockState
    #: Whether the fan is in another connected call (calls only).
    fanInConnectedCall: bool
    #: Whether the action's feature flag is on (`true` for actions without a flag).
    featureOn: bool
    #: Relationship kinds between the creator and the fan.
    relationships: List[RelationshipKind]
    #: The fan's settings (defaults when nothing is stored).
    settings: PrivacySettingsInput
    #: Whether a live, verified, unrevoked share link was presented (share card only).
    shareLinkValid: bool

class EndedCall(TypedDict):
    """The result of ending: the call and its one settlement."""
    #: The call, now ended.
    call: CallView
    #: The settlement (the same one on every `end`).
    settlement: Settlement

class RateLimit(TypedDict):
    """A GCRA rate limit of `max` requests per `period_ms` (serialized as `{ max, periodMs }`, the
    configuration's form).
    """
    #: Requests allowed in a burst and per period.
    max: int
    #: The period in milliseconds.
    periodMs: int

class EngineConfig(TypedDict):
    """The engine's tunables, with the seed's defaults."""
    #: Billing rules (default: 10 tokens/min, per started minute, no minimum, no fee).
    billing: BillingPolicy
    #: Per (creator, fan) cooldown after a successful initiate (default 60 s); serialized as
    #: `cooldownMs`, the configuration's name.
    cooldownMs: int
    #: Initiations per creator (default 10 per minute).
    creatorRate: RateLimit
    #: Invitation lifetime in milliseconds (default 120 s).
    invitationTtlMs: int
    #: Initiations per client IP (default: none). When set, every initiation must carry the
    #: client's IP (`InitiateRequest::ip`); one without is
    #: `INVALID_INPUT`, never a skipped limit. The seed used 5 per minute.
    ipRate: Optional[RateLimit]
    #: Whether calls are charged through the ledger (default on): start guard, capped
    #: charges, balances.
    ledger: bool
    #: The longest a call may last, in seconds (default 2 h, at most 24 h). A call's limit,
    #: fixed at accept, is the smaller of this and what the fan's balance affords.
    maxCallSecs: int
    #: Share-link lifetime in seconds (default 30 days).
    shareLifetimeSecs: int
    #: Agora token and privilege lifetime in seconds (default 7200, at most 86400).
    tokenLifetimeSecs: int

#: Every stable error code.
ErrorCode = Literal['INVALID_INPUT', 'INVALID_CONFIG', 'NOT_CREATOR', 'FEATURE_DISABLED', 'BLOCKED', 'PROFILE_PRIVATE', 'DM_NOT_ALLOWED', 'CALL_NOT_ALLOWED', 'NOT_FOUND', 'CALL_COOLDOWN', 'RATE_LIMITED', 'INVALID_STATE', 'BUSY', 'INVITATION_EXPIRED', 'PRICE_CHANGED', 'CONFLICT', 'INSUFFICIENT_TOKENS', 'STORE_UNAVAILABLE', 'STORE_INCOMPATIBLE', 'INTERNAL']

class _ErrorBodyRequired(TypedDict):
    #: The stable code.
    code: ErrorCode
    #: The human message.
    error: str
    #: Always `false`.
    ok: Literal[False]

class ErrorBody(_ErrorBodyRequired, total=False):
    """The JSON error body a host sends to its clients."""
    #: Seconds to wait, when the error is a limit.
    retryAfter: int

class FlagsConfig1(TypedDict, total=False):
    calls: bool
    fan_mini_profile: bool
    fan_privacy: bool
    fan_share_card: bool

#: `'env'` reads the FEATURE_* variables; a map sets flags by name over the seed defaults.
FlagsConfig = Union[Literal['env'], FlagsConfig1]

class RateConfig(TypedDict):
    """A rate limit: `max` requests per `periodMs`."""
    #: Requests allowed in a burst and per period (at least 1).
    max: int
    #: The period in milliseconds (at least 1).
    periodMs: int

class LimitsConfig(TypedDict, total=False):
    """Overrides of the engine's cooldown, rate limits and lifetimes; each left out keeps the
    default of `EngineConfig::default`.
    """
    #: Per (creator, fan) cooldown after an initiation, ms (default 60 s; 0 turns it off).
    cooldownMs: Optional[int]
    #: Initiations per creator (default 10 per minute).
    creatorRate: Optional[RateConfig]
    #: Invitation lifetime, ms (default 120 s).
    invitationTtlMs: Optional[int]
    #: Initiations per client IP (default: none; when set, every initiation needs the IP).
    ipRate: Optional[RateConfig]
    #: The longest call, seconds (default 7200, at most 86400).
    maxCallSecs: Optional[int]
    #: Share-link lifetime, seconds (default 30 days).
    shareLifetimeSecs: Optional[int]
    #: Agora token lifetime, seconds (default 7200, at most 86400).
    tokenLifetimeSecs: Optional[int]

#: Secret bytes: text (its UTF-8 bytes) or bytes.
Secret = Union[str, bytes, bytearray]

class ShareKeyConfig(TypedDict):
    """One share-link key."""
    #: The key id, 0 to 255, written into every token it signs.
    id: int
    #: The secret, at least 32 bytes.
    secret: Secret

class ShareKeysConfig(TypedDict):
    """A share-link key ring: every key verifies, the active one signs. A key left out is
    retired, and the links it signed fail closed.
    """
    #: The id of the signing key; it must be one of `keys`.
    activeKeyId: int
    #: The keys (at least one).
    keys: List[ShareKeyConfig]

class _FanlineConfigRequired(TypedDict):
    #: Agora credentials (required).
    agora: AgoraConfig
    #: The share-link key ring (required).
    shareKeys: ShareKeysConfig
    #: The store spec (required): `memory:`, `sqlite::memory:`, `sqlite:<path>` or
    #: `postgres://...` (see `open_store`).
    store: str

class FanlineConfig(_FanlineConfigRequired, total=False):
    """Everything needed to build a `Fanline`, as plain data (see the module docs for
    the wire form and the defaults).
    """
    #: Billing rules (default: `BillingPolicy::default`).
    billing: Optional[BillingPolicyInput]
    #: The clock (default: the system clock).
    clock: Optional[ClockConfig]
    #: Feature flags (default: the seed defaults).
    flags: Optional[FlagsConfig]
    #: Whether calls are charged through the ledger (default: true).
    ledger: Optional[bool]
    #: Cooldown, rate limits and lifetimes (default: `EngineConfig::default`).
    limits: Optional[LimitsConfig]

class HealthError(TypedDict):
    """Why a store is not healthy: a stable code and a message without internal detail."""
    #: `STORE_UNAVAILABLE` (no answer, or an older schema), `STORE_INCOMPATIBLE` (a newer
    #: schema), or the code the store failed with (`STORE_INCOMPATIBLE` for a refused login
    #: or a foreign file).
    code: str
    #: A sentence for the operator.
    message: str

class _HealthRequired(TypedDict):
    #: Wall time of the probe in milliseconds (microsecond resolution).
    latencyMs: float
    #: The store answered and its schema is the one this library needs.
    ok: bool
    #: The schema version the database records; `None` without a schema or an answer.
    schemaVersion: Optional[int]
    #: The store's kind: `"memory"`, `"sqlite"`, `"postgres"` or `"custom"` (see
    #: `StoreProbe`); `None` when the store did not answer.
    store: Optional[str]

class Health(_HealthRequired, total=False):
    """The answer of `Fanline::health`; serialises in camelCase."""
    #: Why `ok` is false; absent when it is true.
    error: HealthError

class HistoryPage(TypedDict):
    """One page of call history, newest first."""
    #: The calls.
    items: List[CallView]
    #: Pass this back to get the next page; `None` on the last page.
    nextCursor: Optional[str]

class HistoryQuery(TypedDict, total=False):
    """A request for one page of `Fanline::history`, as the bindings
    take it: both fields optional, the defaults decided here once.
    """
    #: The previous page's `nextCursor` (none: the newest calls).
    cursor: Optional[str]
    #: Calls per page, 1 to 100 (default `DEFAULT_HISTORY_LIMIT`).
    limit: Optional[int]

class _InitiateRequestRequired(TypedDict):
    #: Voice or video.
    callType: CallType
    #: The fan to call.
    fanId: str

class InitiateRequest(_InitiateRequestRequired, total=False):
    """A creator's request to call a fan."""
    #: The client's IP address, for the per-IP rate limit.
    ip: Optional[str]
    #: An optional note shown on the invitation (at most 500 characters).
    message: Optional[str]
    #: The creator's rate for this call, at most 10^9 tokens per minute (default: the billing
    #: policy's).
    ratePerMinute: Optional[int]

class InspectedPrivilege(TypedDict):
    """One privilege in an inspection."""
    #: Expiry in seconds relative to the issue time, as carried.
    expire: int
    #: `issueTs + expire` as RFC 3339.
    expiresAt: str
    #: Privilege id.
    id: int
    #: Its name (`joinChannel`, `publishAudioStream`, `login`, ...), when known.
    name: Optional[str]

class InspectedService0(TypedDict):
    #: Channel name.
    channel: str
    #: Service name (`rtc`, `rtm`, ...).
    name: str
    #: Its privileges.
    privileges: List[InspectedPrivilege]
    #: Service type number.
    serviceType: int
    #: Uid or account text.
    uid: str

class InspectedService1(TypedDict):
    #: Service name (`rtc`, `rtm`, ...).
    name: str
    #: Its privileges.
    privileges: List[InspectedPrivilege]
    #: Service type number.
    serviceType: int
    #: User id (`""` when none).
    userId: str

class InspectedService2(TypedDict):
    #: Uid or account text.
    account: str
    #: Channel name.
    channel: str
    #: Service name (`rtc`, `rtm`, ...).
    name: str
    #: Its privileges.
    privileges: List[InspectedPrivilege]
    #: Service type number.
    serviceType: int

class InspectedService3(TypedDict):
    #: Service name (`rtc`, `rtm`, ...).
    name: str
    #: Its privileges.
    privileges: List[InspectedPrivilege]
    #: Role number.
    role: int
    #: Room uuid.
    roomUuid: str
    #: Service type number.
    serviceType: int
    #: User uuid.
    userUuid: str

class Rtm2Permission(TypedDict):
    """One RTM2 permission entry."""
    #: 0 read, 1 write.
    permissionType: int
    #: 0 message channels, 1 stream channels, 2 group channels, 3 server groups, 4 users.
    resourceType: int
    #: Resource names.
    resources: List[str]

class InspectedService4(TypedDict):
    #: Service name (`rtc`, `rtm`, ...).
    name: str
    #: (resource type, permission type, resources) entries.
    permissions: List[Rtm2Permission]
    #: Its privileges.
    privileges: List[InspectedPrivilege]
    #: Service type number.
    serviceType: int
    #: User id.
    userId: str

class InspectedService5(TypedDict):
    #: Service name (`rtc`, `rtm`, ...).
    name: str
    #: Its privileges.
    privileges: List[InspectedPrivilege]
    #: Service type number.
    serviceType: int

#: One service in an inspection.
InspectedService = Union[InspectedService0, InspectedService1, InspectedService2, InspectedService3, InspectedService4, InspectedService5]

class ReasonCount(TypedDict):
    """How often one reason refused a call attempt."""
    #: How many refusals.
    count: int
    #: The error code.
    reason: str

class MetricsSummary(TypedDict):
    """The funnel in one row."""
    #: `call_accepted` events.
    accepted: int
    #: fans_accepted / fans_called.
    acceptingFanShare: Optional[float]
    #: Mean billed seconds of ended calls.
    avgDurationSecs: Optional[float]
    #: blocks / pairs_seen.
    blockRate: Optional[float]
    #: `user_blocked` events.
    blocks: int
    #: cancelled / initiated.
    cancelRate: Optional[float]
    #: `call_cancelled` events.
    cancelled: int
    #: fans_changed_default / fans_seen.
    changedDefaultShare: Optional[float]
    #: Tokens charged to fans, all creators.
    charged: int
    #: Refusals with `CALL_COOLDOWN`.
    cooldownHits: int
    #: Distinct creators with a `call_initiated`.
    creatorsInitiated: int
    #: Distinct creators named by call (refusals aside) and relationship events.
    creatorsSeen: int
    #: declined / initiated.
    declineRate: Optional[float]
    #: `call_declined` events.
    declined: int
    #: `call_ended` events.
    ended: int
    #: Distinct fans with a `call_accepted`.
    fansAccepted: int
    #: Distinct fans with a `call_initiated` (fans who were called).
    fansCalled: int
    #: Fans whose latest privacy update left a setting away from its default.
    fansChangedDefault: int
    #: Distinct fans named by events (see the module's definitions; never a creator or admin).
    fansSeen: int
    #: Platform fees, all creators.
    fee: int
    #: `call_initiated` events.
    initiated: int
    #: creators_initiated / creators_seen.
    initiatingCreatorShare: Optional[float]
    #: missed / initiated.
    missRate: Optional[float]
    #: `call_missed` events.
    missed: int
    #: Refusals with any other code (`BUSY`, `INSUFFICIENT_TOKENS`, ...; see `refusalsByReason`).
    otherRefusals: int
    #: Nearest-rank 95th percentile of billed seconds of ended calls.
    p95DurationSecs: Optional[int]
    #: Distinct (creator, fan) pairs named by call (refusals aside) and relationship events.
    pairsSeen: int
    #: Refusals with a 403 code (see `denialsByReason`).
    permissionDenials: int
    #: Refusals with `RATE_LIMITED`.
    rateLimitHits: int
    #: Call attempts refused (every `call_refused`).
    refused: int
    #: accepted / initiated.
    successRate: Optional[float]

class TimelineRow(TypedDict):
    """Call events in one time bucket."""
    #: `call_accepted` events.
    accepted: int
    #: Bucket start, RFC 3339.
    bucketStart: str
    #: Bucket start, unix ms (a multiple of the bucket width).
    bucketStartMs: int
    #: `call_cancelled` events.
    cancelled: int
    #: `call_declined` events.
    declined: int
    #: `call_ended` events.
    ended: int
    #: `call_initiated` events.
    initiated: int
    #: `call_missed` events.
    missed: int
    #: `call_refused` events.
    refused: int

class Metrics(TypedDict):
    """Every table: plain rows, ready for a data frame."""
    #: One row per 403 code that refused a call attempt, most frequent first.
    denialsByReason: List[ReasonCount]
    #: One row per code that refused a call attempt (every code), most frequent first.
    refusalsByReason: List[ReasonCount]
    #: One row per creator with an ended call, most charged first.
    revenueByCreator: List[CreatorRevenue]
    #: One row: the funnel, durations, limits and privacy.
    summary: List[MetricsSummary]
    #: One row per bucket holding a call event, oldest first.
    timeline: List[TimelineRow]

class MetricsQuery(TypedDict, total=False):
    """Which part of the log to read, and the timeline's bucket width. Read from the wire
    (`{ sinceMs, untilMs, bucketMs }`), a field left out takes its default.
    """
    #: Width of a timeline bucket in milliseconds (at least 1000; default one hour).
    bucketMs: int
    #: Only events at or after this instant (unix ms).
    sinceMs: Optional[int]
    #: Only events before this instant (unix ms).
    untilMs: Optional[int]

class Relationship(TypedDict):
    """One relationship row."""
    #: First time recorded (unix ms).
    firstAtMs: int
    #: The kind.
    kind: RelationshipKind
    #: Last time recorded (unix ms).
    lastInteractionAtMs: int

class MiniProfile(TypedDict):
    """A creator's view of a fan."""
    #: Avatar URL.
    avatarUrl: Optional[str]
    #: The full call decision (which rule decided).
    callDecision: Decision
    #: Whether the viewer may call the fan.
    canCall: bool
    #: Whether the viewer may message the fan.
    canMessage: bool
    #: Display name (empty when the host set none).
    displayName: str
    #: The fan.
    fanId: str
    #: The full message decision (which rule decided).
    messageDecision: Decision
    #: The relationship rows between the viewer and the fan.
    relationships: List[Relationship]

class TokenService0(TypedDict):
    #: Channel name.
    channel: str
    #: (privilege id, expiry in seconds relative to the issue time), in token order.
    privileges: List[Tuple[int, int]]
    #: Service type (1 RTC, 2 RTM, ...).
    serviceType: int
    #: Uid or account text.
    uid: str

class TokenService1(TypedDict):
    #: (privilege id, expiry in seconds relative to the issue time), in token order.
    privileges: List[Tuple[int, int]]
    #: Service type (1 RTC, 2 RTM, ...).
    serviceType: int
    #: User id (`""` when none).
    userId: str

class TokenService2(TypedDict):
    #: Uid or account text.
    account: str
    #: Channel name.
    channel: str
    #: (privilege id, expiry in seconds relative to the issue time), in token order.
    privileges: List[Tuple[int, int]]
    #: Service type (1 RTC, 2 RTM, ...).
    serviceType: int

class TokenService3(TypedDict):
    #: (privilege id, expiry in seconds relative to the issue time), in token order.
    privileges: List[Tuple[int, int]]
    #: Role number.
    role: int
    #: Room uuid.
    roomUuid: str
    #: Service type (1 RTC, 2 RTM, ...).
    serviceType: int
    #: User uuid.
    userUuid: str

class TokenService4(TypedDict):
    #: (resource type, permission type, resources) entries.
    permissions: List[Rtm2Permission]
    #: (privilege id, expiry in seconds relative to the issue time), in token order.
    privileges: List[Tuple[int, int]]
    #: Service type (1 RTC, 2 RTM, ...).
    serviceType: int
    #: User id.
    userId: str

class TokenService5(TypedDict):
    #: (privilege id, expiry in seconds relative to the issue time), in token order.
    privileges: List[Tuple[int, int]]
    #: Service type (1 RTC, 2 RTM, ...).
    serviceType: int

#: One service of a parsed token. Serialized camelCase with the fields flattened in.
TokenService = Union[TokenService0, TokenService1, TokenService2, TokenService3, TokenService4, TokenService5]

class ParsedToken(TypedDict):
    """A parsed `007` token. `Debug` and the (camelCase) serde form leave out the signature."""
    #: The app id text.
    appId: str
    #: Token lifetime, seconds relative to `issue_ts`.
    expire: int
    #: Issue time, unix seconds.
    issueTs: int
    #: Salt.
    salt: int
    #: The services read, in token order.
    services: List[TokenService]
    #: The first service type this parser does not know; parsing stopped there.
    unparsedServiceType: Optional[int]

class ParsedToken006(TypedDict):
    """A parsed `006` token. `Debug` and the (camelCase) serde form leave out the signature."""
    #: The app id (in clear in the token).
    appId: str
    #: CRC-32 of the channel name.
    crcChannel: int
    #: CRC-32 of the uid text.
    crcUid: int
    #: (privilege id, ABSOLUTE expiry unix time, 0 = none).
    privileges: List[Tuple[int, int]]
    #: Salt.
    salt: int
    #: Message timestamp (official builders: issue time + 86400).
    ts: int

class PrivacySettings(TypedDict):
    """A fan's privacy settings. A fan with nothing stored has `PrivacySettings::default`:
    private, DMs and calls from creators they interacted with, not searchable. Read from the
    wire, a field left out takes its default, in every binding alike.
    """
    #: Which creators may call the fan.
    allowCalls: Audience
    #: Which creators may message the fan.
    allowDm: Audience
    #: Whether the fan may appear in creator-side search (`allowSearch` on the wire).
    allowSearch: bool
    #: Who may see the mini profile.
    visibility: Visibility

class Profile(TypedDict):
    """Display fields of a user, set by the host; the only fields a share card or mini profile
    shows.
    """
    #: An avatar URL.
    avatarUrl: Optional[str]
    #: The name shown.
    displayName: str

class RefusalCount(TypedDict):
    """How many refusals with one code happened in one minute (refusals counted instead of
    audited: those before and at the rate limits).
    """
    #: The error code.
    code: ErrorCode
    #: How many.
    count: int
    #: The start of the minute (unix ms, a multiple of 60 000).
    minuteMs: int

class SettingsPatch(TypedDict, total=False):
    """A partial update (PATCH semantics): only the fields present change."""
    #: New call permission.
    allowCalls: Optional[Audience]
    #: New DM permission.
    allowDm: Optional[Audience]
    #: New searchability (`allowSearch` on the wire).
    allowSearch: Optional[bool]
    #: New visibility.
    visibility: Optional[Visibility]

class ShareCard(TypedDict):
    """The public share card: display fields only."""
    #: Avatar URL.
    avatarUrl: Optional[str]
    #: Display name.
    displayName: str
    #: When the link expires (RFC 3339).
    expiresAt: str

class ShareClaims(TypedDict):
    """What a verified share token claims (camelCase in its serde form)."""
    #: Expiry, unix seconds.
    expiresAt: int
    #: The fan whose card the link opens.
    fan: UserId
    #: The link number; live only while it equals the stored generation.
    generation: int
    #: The key that signed it.
    keyId: int

class ShareLink(TypedDict):
    """A freshly minted share link. The token is shown once; the store keeps no copy."""
    #: When it stops working (RFC 3339).
    expiresAt: str
    #: The URL-safe token.
    token: str

class TokenInspection(TypedDict):
    """Every field of a `007` token, for support and debugging; serialises in camelCase."""
    #: The app id text.
    appId: str
    #: Channel of the first RTC service.
    channel: Optional[str]
    #: Token lifetime in seconds relative to the issue time.
    expire: int
    #: Token expiry as RFC 3339.
    expiresAt: str
    #: Issue time, unix seconds.
    issueTs: int
    #: Issue time as RFC 3339.
    issuedAt: str
    #: The uid as a number when the text is one (`""` gives 0); `None` for a string account.
    numericUid: Optional[int]
    #: User id of the first RTM service.
    rtmUserId: Optional[str]
    #: Salt.
    salt: int
    #: Every service read, in token order.
    services: List[InspectedService]
    #: Whether the signature verifies; `None` when no certificate was given.
    signatureValid: Optional[bool]
    #: Uid text of the first RTC service (`""` is uid 0, the wildcard).
    uid: Optional[str]
    #: The first service type not understood; parsing stopped there.
    unparsedServiceType: Optional[int]
    #: Always `"007"`.
    version: Literal['007']
