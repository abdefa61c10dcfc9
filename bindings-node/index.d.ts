/* Types of the npm package `fanline`, written by `napi build` from src/ and types.d.ts: edit those, not index.d.ts. */
/* eslint-disable */

// ---- hand-written shapes: the binding's own (errors, events, configuration, token requests);
// ---- the core's serde forms are generated at the end of this file ----

/** What every fanline function throws (and every Promise rejects with). */
export interface FanlineError extends Error {
  name: 'FanlineError'
  /** The stable machine code. */
  code: ErrorCode
  /** The suggested HTTP status. */
  status: number
  /** Whole seconds to wait before retrying (limits and STORE_UNAVAILABLE only). */
  retryAfter?: number
}

/** Who performs an operation. Authentication is the host's job; fanline authorises. */
export interface Actor {
  id: string
  role: Role
}

export type FeatureName = 'calls' | 'fan_share_card' | 'fan_privacy' | 'fan_mini_profile'

export interface AcceptOptions {
  /** The price the fan was shown: a call that costs more is refused with PRICE_CHANGED. */
  maxRatePerMinute?: number | null
}

/** A realtime event for the host to publish on `channel` (`user:<id>`). */
export type FanlineEvent =
  | {
      channel: string
      name: 'call:request'
      payload: {
        callId: string
        creatorId: string
        creatorName: string | null
        callType: CallType
        expiresAt: string
        message: string | null
        ratePerMinute: number
        /** Whole minutes the fan's balance pays for (null when the ledger is off). */
        affordableMinutes: number | null
      }
    }
  | { channel: string; name: 'call:accepted'; payload: { callId: string; fanId: string; limitAt: string | null } }
  | {
      channel: string
      name: 'call:rejected' | 'call:cancelled'
      payload: { callId: string; by: string; reason?: 'blocked' }
    }
  | {
      channel: string
      name: 'call:ended'
      payload: { callId: string; by: string | null; reason: 'hangup' | 'limit' | 'blocked'; settlement: Settlement }
    }
  | { channel: string; name: 'call:missed'; payload: { callId: string } }

/** What a mutating engine method resolves to: its value and the events to publish. */
export interface Outcome<T> {
  value: T
  events: FanlineEvent[]
}

/** `'publisher'` (join + publish) or `'subscriber'` (join only); 1 / 2 as in the official `RtcRole`. */
export type RtcRoleName = 'publisher' | 'subscriber' | 1 | 2
/** A token request: exactly one of `uid` (number, 0 = wildcard) and `account` (string). */
export interface RtcTokenRequest {
  channel: string
  uid?: number
  account?: string
  role?: RtcRoleName
  /** Relative seconds, 1 to 86400 (default 7200). */
  tokenExpire?: number
  /** Relative seconds, 0 to 86400 (default: tokenExpire). */
  privilegeExpire?: number | null
  privilegeExpiries?: {
    join?: number | null
    publishAudio?: number | null
    publishVideo?: number | null
    publishData?: number | null
  }
  /** RTM login in the same token. */
  rtm?: { userId: string; expire?: number | null } | null
}
/** A pinned issue time (unix seconds) and salt, for reproducible tokens. */
export interface TokenIssue {
  issueTs: number
  salt: number
}
export type LegacyRoleName = 'attendee' | 'publisher' | 'subscriber' | 'admin' | 0 | 1 | 2 | 101
export interface LegacyTokenRequest {
  channel: string
  uid?: number
  account?: string
  role?: LegacyRoleName
  /** ABSOLUTE unix time, 0 (default) for none. */
  privilegeExpiredTs?: number
}

// ---- begin typegen: written by `cargo run -p fanline-typegen`, do not edit ----
/** The result of accepting: the call and both sides' join information. */
export interface AcceptedCall {
  /** The call, now connected. */
  call: CallView
  /**
   * The creator's join information, for the host to hand to the creator over its own
   * authenticated API (the `call:accepted` event carries no token).
   */
  creator: JoinInfo
  /** The fan's join information. */
  fan: JoinInfo
}
/** What the actor wants to do with the fan. */
export type Action = 'view_profile' | 'message' | 'call' | 'view_share_card' | 'appear_in_search'
/** Agora project credentials. */
export interface AgoraConfig {
  /** The App Certificate, 32 hex characters (a secret: left out of `Debug`). */
  appCertificate: string
  /** The App ID, 32 hex characters. */
  appId: string
}
/** Which creators a permission (`allow_dm`, `allow_calls`) admits. */
export type Audience = 'none' | 'following' | 'interacted'
/**
 * A request for one page of `Fanline::audit_log`: both fields
 * optional, the defaults decided here once.
 */
export interface AuditQuery {
  /** Records after this position (default 0: from the start). */
  after?: number | null
  /** Records per page, 1 to 1000 (default `DEFAULT_AUDIT_LIMIT`). */
  limit?: number | null
}
/** One audit record (docs/rules.md section 12). Never holds a token or secret. */
export interface AuditRecord {
  /** Who did it. */
  actorId: string | null
  /** When (unix ms). */
  atMs: number
  /** The call, for call events. */
  callId: string | null
  /** `voice` or `video`, for call events. */
  callType: string | null
  /** The creator involved. */
  creatorId: string | null
  /** Extra facts as JSON text (amounts, reasons); never a secret. */
  detail: string | null
  /** `call_initiated`, `privacy_updated`, `share_enabled`, ... */
  event: string
  /** The fan involved. */
  fanId: string | null
  /** Position in the log, assigned by the store (0 before it is stored). */
  seq: number
}
/** The amounts of one call, before the balance is taken into account. */
export interface Bill {
  /**
   * Minutes billed (started minutes, or the minimum); 0 under `PerSecond` unless the
   * minimum applied.
   */
  billedMinutes: number
  /** Whole seconds between connect and end. */
  billedSeconds: number
  /** The full price. */
  gross: number
  /** The rate used, tokens per minute. */
  ratePerMinute: number
}
/**
 * The billing rules. Validated on construction; `rate_per_minute` is the default rate, which
 * a call may override. Its serde form is camelCase; absent fields take the defaults.
 */
export interface BillingPolicy {
  /** Platform fee in basis points (0..=10000). */
  feeBps: number
  /** A call longer than 0 s is billed at least this many minutes. */
  minimumMinutes: number
  /** Tokens per minute when a call names no rate. */
  ratePerMinute: number
  /** The rounding policy. */
  rounding: Rounding
}
/**
 * The billing rules. Validated on construction; `rate_per_minute` is the default rate, which
 * a call may override. Its serde form is camelCase; absent fields take the defaults.
 */
export interface BillingPolicyInput {
  /** Platform fee in basis points (0..=10000). */
  feeBps?: number
  /** A call longer than 0 s is billed at least this many minutes. */
  minimumMinutes?: number
  /** Tokens per minute when a call names no rate. */
  ratePerMinute?: number
  /** The rounding policy. */
  rounding?: Rounding
}
/** Blocks between the pair, by direction. Either direction denies. */
export interface BlockState {
  /** The creator blocked the fan. */
  byCreator?: boolean
  /** The fan blocked the creator. */
  byFan?: boolean
}
/** A call id: a hyphenated version 4 (or 7) UUID. */
export type CallId = string
/**
 * Where a call is: `ringing -> connected -> ended`, or `ringing -> declined | cancelled |
 * missed`.
 */
export type CallState = 'ringing' | 'connected' | 'ended' | 'declined' | 'cancelled' | 'missed'
/** A call's status, with its settlement once ended. */
export interface CallStatus {
  /** The call. */
  call: CallView
  /** Its settlement, when ended. */
  settlement: Settlement | null
}
/** Voice or video. */
export type CallType = 'voice' | 'video'
/** What hosts and clients see of a call. */
export interface CallView {
  /**
   * Whole minutes of this call the fan's balance pays for, capped by the longest call.
   * Only in what the fan reads (`pending`); absent for the creator and when the ledger is
   * off.
   */
  affordableMinutes?: number
  /** Voice or video. */
  callType: CallType
  /** The Agora channel. */
  channel: string
  /** RFC 3339. */
  connectedAt: string | null
  /** RFC 3339. */
  createdAt: string
  /** The creator. */
  creatorId: UserId
  /** RFC 3339: when the invitation expires. */
  expiresAt: string
  /** The fan. */
  fanId: UserId
  /** RFC 3339. */
  finishedAt: string | null
  /** The call id. */
  id: CallId
  /** The invitation's state. */
  invitation: InvitationState
  /** RFC 3339: when a connected call ends on its own (set at accept). */
  limitAt: string | null
  /** The invitation note. */
  message: string | null
  /** Tokens per minute. */
  ratePerMinute: number
  /** The call's state. */
  state: CallState
}
/** A settled charge: the bill capped at the fan's balance, and the split of what was charged. */
export interface Charge {
  /** The bill. */
  bill: Bill
  /** What the fan actually pays: `min(gross, balance)`. */
  charged: number
  /** The creator's part of `charged`; `fee + creator_net == charged`. */
  creatorNet: number
  /** The platform's part of `charged`. */
  fee: number
  /** `gross - charged`, recorded so the platform can follow up. */
  shortfall: number
}
/** `'system'` (the real time) or a simulated clock stopped at `manualStartMs` (unix ms). */
export type ClockConfig = 'system' | {
  manualStartMs: number
}
/** Settled revenue of one creator. */
export interface CreatorRevenue {
  /** Billed seconds, summed. */
  billedSeconds: number
  /** Calls ended (settled). */
  calls: number
  /** What fans paid. */
  charged: number
  /** The creator. */
  creatorId: string
  /** The creator's part. */
  creatorNet: number
  /** The platform's part. */
  fee: number
  /** Full prices, summed. */
  gross: number
  /** Billed but not covered by the fans' balances. */
  shortfall: number
}
/** A decision: allowed or the denial, plus the rule that decided. */
export interface Decision {
  /** Whether the action is allowed. */
  allowed: boolean
  /** The denial, when refused. */
  deny: Deny | null
  /** The rule that decided. */
  rule: Rule
}
/**
 * Everything the decision needs, gathered by the caller (the engine reads it in one
 * transaction). Plain data: deciding does no I/O and allocates nothing.
 *
 * Its serde form (for the bindings) is camelCase; only `action` and `actorRole` are required,
 * every other field defaults as in `DecisionInput::creator` (flag on, default settings, no
 * relationship, no block).
 */
export interface DecisionInput {
  /** The action asked for. */
  action: Action
  /** Whether the actor is the fan themself. */
  actorIsFan?: boolean
  /** The actor's role. */
  actorRole: Role
  /** Blocks between them. */
  blocks?: BlockState
  /** Whether the fan is in another connected call (calls only). */
  fanInConnectedCall?: boolean
  /** Whether the action's feature flag is on (`true` for actions without a flag). */
  featureOn?: boolean
  /** Relationship kinds between the creator and the fan. */
  relationships?: RelationshipKind[]
  /** The fan's settings (defaults when nothing is stored). */
  settings?: PrivacySettingsInput
  /** Whether a live, verified, unrevoked share link was presented (share card only). */
  shareLinkValid?: boolean
}
/** Why an action is refused; each maps to one stable error code. */
export type Deny = 'FEATURE_DISABLED' | 'NOT_CREATOR' | 'BLOCKED' | 'PROFILE_PRIVATE' | 'DM_NOT_ALLOWED' | 'CALL_NOT_ALLOWED' | 'BUSY' | 'NOT_FOUND'
/** The result of ending: the call and its one settlement. */
export interface EndedCall {
  /** The call, now ended. */
  call: CallView
  /** The settlement (the same one on every `end`). */
  settlement: Settlement
}
/** The engine's tunables, with the seed's defaults. */
export interface EngineConfig {
  /** Billing rules (default: 10 tokens/min, per started minute, no minimum, no fee). */
  billing: BillingPolicy
  /**
   * Per (creator, fan) cooldown after a successful initiate (default 60 s); serialized as
   * `cooldownMs`, the configuration's name.
   */
  cooldownMs: number
  /** Initiations per creator (default 10 per minute). */
  creatorRate: RateLimit
  /** Invitation lifetime in milliseconds (default 120 s). */
  invitationTtlMs: number
  /**
   * Initiations per client IP (default: none). When set, every initiation must carry the
   * client's IP (`InitiateRequest::ip`); one without is
   * `INVALID_INPUT`, never a skipped limit. The seed used 5 per minute.
   */
  ipRate: RateLimit | null
  /**
   * Whether calls are charged through the ledger (default on): start guard, capped
   * charges, balances.
   */
  ledger: boolean
  /**
   * The longest a call may last, in seconds (default 2 h, at most 24 h). A call's limit,
   * fixed at accept, is the smaller of this and what the fan's balance affords.
   */
  maxCallSecs: number
  /** Share-link lifetime in seconds (default 30 days). */
  shareLifetimeSecs: number
  /** Agora token and privilege lifetime in seconds (default 7200, at most 86400). */
  tokenLifetimeSecs: number
}
/** The JSON error body a host sends to its clients. */
export interface ErrorBody {
  /** The stable code. */
  code: ErrorCode
  /** The human message. */
  error: string
  /** Always `false`. */
  ok: false
  /** Seconds to wait, when the error is a limit. */
  retryAfter?: number
}
/** Every stable error code. */
export type ErrorCode = 'INVALID_INPUT' | 'INVALID_CONFIG' | 'NOT_CREATOR' | 'FEATURE_DISABLED' | 'BLOCKED' | 'PROFILE_PRIVATE' | 'DM_NOT_ALLOWED' | 'CALL_NOT_ALLOWED' | 'NOT_FOUND' | 'CALL_COOLDOWN' | 'RATE_LIMITED' | 'INVALID_STATE' | 'BUSY' | 'INVITATION_EXPIRED' | 'PRICE_CHANGED' | 'CONFLICT' | 'INSUFFICIENT_TOKENS' | 'STORE_UNAVAILABLE' | 'STORE_INCOMPATIBLE' | 'INTERNAL'
/**
 * Everything needed to build a `Fanline`, as plain data (see the module docs for
 * the wire form and the defaults).
 */
export interface FanlineConfig {
  /** Agora credentials (required). */
  agora: AgoraConfig
  /** Billing rules (default: `BillingPolicy::default`). */
  billing?: BillingPolicyInput | null
  /** The clock (default: the system clock). */
  clock?: ClockConfig | null
  /** Feature flags (default: the seed defaults). */
  flags?: FlagsConfig | null
  /** Whether calls are charged through the ledger (default: true). */
  ledger?: boolean | null
  /** Cooldown, rate limits and lifetimes (default: `EngineConfig::default`). */
  limits?: LimitsConfig | null
  /** The share-link key ring (required). */
  shareKeys: ShareKeysConfig
  /**
   * The store spec (required): `memory:`, `sqlite::memory:`, `sqlite:<path>` or
   * `postgres://...` (see `open_store`).
   */
  store: string
}
/** `'env'` reads the FEATURE_* variables; a map sets flags by name over the seed defaults. */
export type FlagsConfig = 'env' | {
  calls?: boolean
  fan_mini_profile?: boolean
  fan_privacy?: boolean
  fan_share_card?: boolean
}
/** The answer of `Fanline::health`; serialises in camelCase. */
export interface Health {
  /** Why `ok` is false; absent when it is true. */
  error?: HealthError
  /** Wall time of the probe in milliseconds (microsecond resolution). */
  latencyMs: number
  /** The store answered and its schema is the one this library needs. */
  ok: boolean
  /** The schema version the database records; `None` without a schema or an answer. */
  schemaVersion: number | null
  /**
   * The store's kind: `"memory"`, `"sqlite"`, `"postgres"` or `"custom"` (see
   * `StoreProbe`); `None` when the store did not answer.
   */
  store: string | null
}
/** Why a store is not healthy: a stable code and a message without internal detail. */
export interface HealthError {
  /**
   * `STORE_UNAVAILABLE` (no answer, or an older schema), `STORE_INCOMPATIBLE` (a newer
   * schema), or the code the store failed with (`STORE_INCOMPATIBLE` for a refused login
   * or a foreign file).
   */
  code: string
  /** A sentence for the operator. */
  message: string
}
/** One page of call history, newest first. */
export interface HistoryPage {
  /** The calls. */
  items: CallView[]
  /** Pass this back to get the next page; `None` on the last page. */
  nextCursor: string | null
}
/**
 * A request for one page of `Fanline::history`, as the bindings
 * take it: both fields optional, the defaults decided here once.
 */
export interface HistoryQuery {
  /** The previous page's `nextCursor` (none: the newest calls). */
  cursor?: string | null
  /** Calls per page, 1 to 100 (default `DEFAULT_HISTORY_LIMIT`). */
  limit?: number | null
}
/** A creator's request to call a fan. */
export interface InitiateRequest {
  /** Voice or video. */
  callType: CallType
  /** The fan to call. */
  fanId: string
  /** The client's IP address, for the per-IP rate limit. */
  ip?: string | null
  /** An optional note shown on the invitation (at most 500 characters). */
  message?: string | null
  /**
   * The creator's rate for this call, at most 10^9 tokens per minute (default: the billing
   * policy's).
   */
  ratePerMinute?: number | null
}
/** One privilege in an inspection. */
export interface InspectedPrivilege {
  /** Expiry in seconds relative to the issue time, as carried. */
  expire: number
  /** `issueTs + expire` as RFC 3339. */
  expiresAt: string
  /** Privilege id. */
  id: number
  /** Its name (`joinChannel`, `publishAudioStream`, `login`, ...), when known. */
  name: string | null
}
/** One service in an inspection. */
export type InspectedService = {
  /** Channel name. */
  channel: string
  /** Service name (`rtc`, `rtm`, ...). */
  name: string
  /** Its privileges. */
  privileges: InspectedPrivilege[]
  /** Service type number. */
  serviceType: number
  /** Uid or account text. */
  uid: string
} | {
  /** Service name (`rtc`, `rtm`, ...). */
  name: string
  /** Its privileges. */
  privileges: InspectedPrivilege[]
  /** Service type number. */
  serviceType: number
  /** User id (`""` when none). */
  userId: string
} | {
  /** Uid or account text. */
  account: string
  /** Channel name. */
  channel: string
  /** Service name (`rtc`, `rtm`, ...). */
  name: string
  /** Its privileges. */
  privileges: InspectedPrivilege[]
  /** Service type number. */
  serviceType: number
} | {
  /** Service name (`rtc`, `rtm`, ...). */
  name: string
  /** Its privileges. */
  privileges: InspectedPrivilege[]
  /** Role number. */
  role: number
  /** Room uuid. */
  roomUuid: string
  /** Service type number. */
  serviceType: number
  /** User uuid. */
  userUuid: string
} | {
  /** Service name (`rtc`, `rtm`, ...). */
  name: string
  /** (resource type, permission type, resources) entries. */
  permissions: Rtm2Permission[]
  /** Its privileges. */
  privileges: InspectedPrivilege[]
  /** Service type number. */
  serviceType: number
  /** User id. */
  userId: string
} | {
  /** Service name (`rtc`, `rtm`, ...). */
  name: string
  /** Its privileges. */
  privileges: InspectedPrivilege[]
  /** Service type number. */
  serviceType: number
}
/** The invitation's state, mirroring the call's. */
export type InvitationState = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired'
/** What one side needs to join the Agora channel. `Debug` hides the token. */
export interface JoinInfo {
  /** The Agora app id. */
  appId: string
  /** The channel. */
  channel: string
  /** When the token expires (RFC 3339). */
  expiresAt: string
  /** The RTC token. */
  token: string
  /** The uid to join with (it is the uid inside the token). */
  uid: number
}
/**
 * Overrides of the engine's cooldown, rate limits and lifetimes; each left out keeps the
 * default of `EngineConfig::default`.
 */
export interface LimitsConfig {
  /** Per (creator, fan) cooldown after an initiation, ms (default 60 s; 0 turns it off). */
  cooldownMs?: number | null
  /** Initiations per creator (default 10 per minute). */
  creatorRate?: RateConfig | null
  /** Invitation lifetime, ms (default 120 s). */
  invitationTtlMs?: number | null
  /** Initiations per client IP (default: none; when set, every initiation needs the IP). */
  ipRate?: RateConfig | null
  /** The longest call, seconds (default 7200, at most 86400). */
  maxCallSecs?: number | null
  /** Share-link lifetime, seconds (default 30 days). */
  shareLifetimeSecs?: number | null
  /** Agora token lifetime, seconds (default 7200, at most 86400). */
  tokenLifetimeSecs?: number | null
}
/** Every table: plain rows, ready for a data frame. */
export interface Metrics {
  /** One row per 403 code that refused a call attempt, most frequent first. */
  denialsByReason: ReasonCount[]
  /** One row per code that refused a call attempt (every code), most frequent first. */
  refusalsByReason: ReasonCount[]
  /** One row per creator with an ended call, most charged first. */
  revenueByCreator: CreatorRevenue[]
  /** One row: the funnel, durations, limits and privacy. */
  summary: MetricsSummary[]
  /** One row per bucket holding a call event, oldest first. */
  timeline: TimelineRow[]
}
/**
 * Which part of the log to read, and the timeline's bucket width. Read from the wire
 * (`{ sinceMs, untilMs, bucketMs }`), a field left out takes its default.
 */
export interface MetricsQuery {
  /** Width of a timeline bucket in milliseconds (at least 1000; default one hour). */
  bucketMs?: number
  /** Only events at or after this instant (unix ms). */
  sinceMs?: number | null
  /** Only events before this instant (unix ms). */
  untilMs?: number | null
}
/** The funnel in one row. */
export interface MetricsSummary {
  /** `call_accepted` events. */
  accepted: number
  /** fans_accepted / fans_called. */
  acceptingFanShare: number | null
  /** Mean billed seconds of ended calls. */
  avgDurationSecs: number | null
  /** blocks / pairs_seen. */
  blockRate: number | null
  /** `user_blocked` events. */
  blocks: number
  /** cancelled / initiated. */
  cancelRate: number | null
  /** `call_cancelled` events. */
  cancelled: number
  /** fans_changed_default / fans_seen. */
  changedDefaultShare: number | null
  /** Tokens charged to fans, all creators. */
  charged: number
  /** Refusals with `CALL_COOLDOWN`. */
  cooldownHits: number
  /** Distinct creators with a `call_initiated`. */
  creatorsInitiated: number
  /** Distinct creators named by call (refusals aside) and relationship events. */
  creatorsSeen: number
  /** declined / initiated. */
  declineRate: number | null
  /** `call_declined` events. */
  declined: number
  /** `call_ended` events. */
  ended: number
  /** Distinct fans with a `call_accepted`. */
  fansAccepted: number
  /** Distinct fans with a `call_initiated` (fans who were called). */
  fansCalled: number
  /** Fans whose latest privacy update left a setting away from its default. */
  fansChangedDefault: number
  /** Distinct fans named by events (see the module's definitions; never a creator or admin). */
  fansSeen: number
  /** Platform fees, all creators. */
  fee: number
  /** `call_initiated` events. */
  initiated: number
  /** creators_initiated / creators_seen. */
  initiatingCreatorShare: number | null
  /** missed / initiated. */
  missRate: number | null
  /** `call_missed` events. */
  missed: number
  /** Refusals with any other code (`BUSY`, `INSUFFICIENT_TOKENS`, ...; see `refusalsByReason`). */
  otherRefusals: number
  /** Nearest-rank 95th percentile of billed seconds of ended calls. */
  p95DurationSecs: number | null
  /** Distinct (creator, fan) pairs named by call (refusals aside) and relationship events. */
  pairsSeen: number
  /** Refusals with a 403 code (see `denialsByReason`). */
  permissionDenials: number
  /** Refusals with `RATE_LIMITED`. */
  rateLimitHits: number
  /** Call attempts refused (every `call_refused`). */
  refused: number
  /** accepted / initiated. */
  successRate: number | null
}
/** A creator's view of a fan. */
export interface MiniProfile {
  /** Avatar URL. */
  avatarUrl: string | null
  /** The full call decision (which rule decided). */
  callDecision: Decision
  /** Whether the viewer may call the fan. */
  canCall: boolean
  /** Whether the viewer may message the fan. */
  canMessage: boolean
  /** Display name (empty when the host set none). */
  displayName: string
  /** The fan. */
  fanId: string
  /** The full message decision (which rule decided). */
  messageDecision: Decision
  /** The relationship rows between the viewer and the fan. */
  relationships: Relationship[]
}
/** A parsed `007` token. `Debug` and the (camelCase) serde form leave out the signature. */
export interface ParsedToken {
  /** The app id text. */
  appId: string
  /** Token lifetime, seconds relative to `issue_ts`. */
  expire: number
  /** Issue time, unix seconds. */
  issueTs: number
  /** Salt. */
  salt: number
  /** The services read, in token order. */
  services: TokenService[]
  /** The first service type this parser does not know; parsing stopped there. */
  unparsedServiceType: number | null
}
/** A parsed `006` token. `Debug` and the (camelCase) serde form leave out the signature. */
export interface ParsedToken006 {
  /** The app id (in clear in the token). */
  appId: string
  /** CRC-32 of the channel name. */
  crcChannel: number
  /** CRC-32 of the uid text. */
  crcUid: number
  /** (privilege id, ABSOLUTE expiry unix time, 0 = none). */
  privileges: Array<[number, number]>
  /** Salt. */
  salt: number
  /** Message timestamp (official builders: issue time + 86400). */
  ts: number
}
/**
 * A fan's privacy settings. A fan with nothing stored has `PrivacySettings::default`:
 * private, DMs and calls from creators they interacted with, not searchable. Read from the
 * wire, a field left out takes its default, in every binding alike.
 */
export interface PrivacySettings {
  /** Which creators may call the fan. */
  allowCalls: Audience
  /** Which creators may message the fan. */
  allowDm: Audience
  /** Whether the fan may appear in creator-side search (`allowSearch` on the wire). */
  allowSearch: boolean
  /** Who may see the mini profile. */
  visibility: Visibility
}
/**
 * A fan's privacy settings. A fan with nothing stored has `PrivacySettings::default`:
 * private, DMs and calls from creators they interacted with, not searchable. Read from the
 * wire, a field left out takes its default, in every binding alike.
 */
export interface PrivacySettingsInput {
  /** Which creators may call the fan. */
  allowCalls?: Audience
  /** Which creators may message the fan. */
  allowDm?: Audience
  /** Whether the fan may appear in creator-side search (`allowSearch` on the wire). */
  allowSearch?: boolean
  /** Who may see the mini profile. */
  visibility?: Visibility
}
/**
 * Display fields of a user, set by the host; the only fields a share card or mini profile
 * shows.
 */
export interface Profile {
  /** An avatar URL. */
  avatarUrl: string | null
  /** The name shown. */
  displayName: string
}
/** A rate limit: `max` requests per `periodMs`. */
export interface RateConfig {
  /** Requests allowed in a burst and per period (at least 1). */
  max: number
  /** The period in milliseconds (at least 1). */
  periodMs: number
}
/**
 * A GCRA rate limit of `max` requests per `period_ms` (serialized as `{ max, periodMs }`, the
 * configuration's form).
 */
export interface RateLimit {
  /** Requests allowed in a burst and per period. */
  max: number
  /** The period in milliseconds. */
  periodMs: number
}
/** How often one reason refused a call attempt. */
export interface ReasonCount {
  /** How many refusals. */
  count: number
  /** The error code. */
  reason: string
}
/**
 * How many refusals with one code happened in one minute (refusals counted instead of
 * audited: those before and at the rate limits).
 */
export interface RefusalCount {
  /** The error code. */
  code: ErrorCode
  /** How many. */
  count: number
  /** The start of the minute (unix ms, a multiple of 60 000). */
  minuteMs: number
}
/** One relationship row. */
export interface Relationship {
  /** First time recorded (unix ms). */
  firstAtMs: number
  /** The kind. */
  kind: RelationshipKind
  /** Last time recorded (unix ms). */
  lastInteractionAtMs: number
}
/** One kind of creator-fan relationship (docs/rules.md section 3). */
export type RelationshipKind = 'follow' | 'tipped' | 'purchased' | 'messaged' | 'called'
/** What an actor is on the platform. */
export type Role = 'fan' | 'creator' | 'admin'
/** How call time turns into billable units. */
export type Rounding = 'per_started_minute' | 'per_second'
/** One RTM2 permission entry. */
export interface Rtm2Permission {
  /** 0 read, 1 write. */
  permissionType: number
  /** 0 message channels, 1 stream channels, 2 group channels, 3 server groups, 4 users. */
  resourceType: number
  /** Resource names. */
  resources: string[]
}
/** The rule that decided. */
export type Rule = 'feature_flag' | 'self_or_admin' | 'creator_only' | 'block' | 'visibility' | 'allow_dm' | 'allow_calls' | 'fan_busy' | 'share_link' | 'searchable'
/** Secret bytes: text (its UTF-8 bytes) or bytes. */
export type Secret = string | Uint8Array
/** A partial update (PATCH semantics): only the fields present change. */
export interface SettingsPatch {
  /** New call permission. */
  allowCalls?: Audience | null
  /** New DM permission. */
  allowDm?: Audience | null
  /** New searchability (`allowSearch` on the wire). */
  allowSearch?: boolean | null
  /** New visibility. */
  visibility?: Visibility | null
}
/** The billing of one ended call, written once in the same transaction as the end. */
export interface Settlement {
  /** The bill. */
  bill: Bill
  /** The call. */
  callId: CallId
  /** What the fan actually pays: `min(gross, balance)`. */
  charged: number
  /** The creator's part of `charged`; `fee + creator_net == charged`. */
  creatorNet: number
  /** The platform's part of `charged`. */
  fee: number
  /** When it was settled (unix ms). */
  settledAtMs: number
  /** `gross - charged`, recorded so the platform can follow up. */
  shortfall: number
}
/** The public share card: display fields only. */
export interface ShareCard {
  /** Avatar URL. */
  avatarUrl: string | null
  /** Display name. */
  displayName: string
  /** When the link expires (RFC 3339). */
  expiresAt: string
}
/** What a verified share token claims (camelCase in its serde form). */
export interface ShareClaims {
  /** Expiry, unix seconds. */
  expiresAt: number
  /** The fan whose card the link opens. */
  fan: UserId
  /** The link number; live only while it equals the stored generation. */
  generation: number
  /** The key that signed it. */
  keyId: number
}
/** One share-link key. */
export interface ShareKeyConfig {
  /** The key id, 0 to 255, written into every token it signs. */
  id: number
  /** The secret, at least 32 bytes. */
  secret: Secret
}
/**
 * A share-link key ring: every key verifies, the active one signs. A key left out is
 * retired, and the links it signed fail closed.
 */
export interface ShareKeysConfig {
  /** The id of the signing key; it must be one of `keys`. */
  activeKeyId: number
  /** The keys (at least one). */
  keys: ShareKeyConfig[]
}
/** A freshly minted share link. The token is shown once; the store keeps no copy. */
export interface ShareLink {
  /** When it stops working (RFC 3339). */
  expiresAt: string
  /** The URL-safe token. */
  token: string
}
/** Call events in one time bucket. */
export interface TimelineRow {
  /** `call_accepted` events. */
  accepted: number
  /** Bucket start, RFC 3339. */
  bucketStart: string
  /** Bucket start, unix ms (a multiple of the bucket width). */
  bucketStartMs: number
  /** `call_cancelled` events. */
  cancelled: number
  /** `call_declined` events. */
  declined: number
  /** `call_ended` events. */
  ended: number
  /** `call_initiated` events. */
  initiated: number
  /** `call_missed` events. */
  missed: number
  /** `call_refused` events. */
  refused: number
}
/** Every field of a `007` token, for support and debugging; serialises in camelCase. */
export interface TokenInspection {
  /** The app id text. */
  appId: string
  /** Channel of the first RTC service. */
  channel: string | null
  /** Token lifetime in seconds relative to the issue time. */
  expire: number
  /** Token expiry as RFC 3339. */
  expiresAt: string
  /** Issue time, unix seconds. */
  issueTs: number
  /** Issue time as RFC 3339. */
  issuedAt: string
  /** The uid as a number when the text is one (`""` gives 0); `None` for a string account. */
  numericUid: number | null
  /** User id of the first RTM service. */
  rtmUserId: string | null
  /** Salt. */
  salt: number
  /** Every service read, in token order. */
  services: InspectedService[]
  /** Whether the signature verifies; `None` when no certificate was given. */
  signatureValid: boolean | null
  /** Uid text of the first RTC service (`""` is uid 0, the wildcard). */
  uid: string | null
  /** The first service type not understood; parsing stopped there. */
  unparsedServiceType: number | null
  /** Always `"007"`. */
  version: '007'
}
/** One service of a parsed token. Serialized camelCase with the fields flattened in. */
export type TokenService = {
  /** Channel name. */
  channel: string
  /** (privilege id, expiry in seconds relative to the issue time), in token order. */
  privileges: Array<[number, number]>
  /** Service type (1 RTC, 2 RTM, ...). */
  serviceType: number
  /** Uid or account text. */
  uid: string
} | {
  /** (privilege id, expiry in seconds relative to the issue time), in token order. */
  privileges: Array<[number, number]>
  /** Service type (1 RTC, 2 RTM, ...). */
  serviceType: number
  /** User id (`""` when none). */
  userId: string
} | {
  /** Uid or account text. */
  account: string
  /** Channel name. */
  channel: string
  /** (privilege id, expiry in seconds relative to the issue time), in token order. */
  privileges: Array<[number, number]>
  /** Service type (1 RTC, 2 RTM, ...). */
  serviceType: number
} | {
  /** (privilege id, expiry in seconds relative to the issue time), in token order. */
  privileges: Array<[number, number]>
  /** Role number. */
  role: number
  /** Room uuid. */
  roomUuid: string
  /** Service type (1 RTC, 2 RTM, ...). */
  serviceType: number
  /** User uuid. */
  userUuid: string
} | {
  /** (resource type, permission type, resources) entries. */
  permissions: Rtm2Permission[]
  /** (privilege id, expiry in seconds relative to the issue time), in token order. */
  privileges: Array<[number, number]>
  /** Service type (1 RTC, 2 RTM, ...). */
  serviceType: number
  /** User id. */
  userId: string
} | {
  /** (privilege id, expiry in seconds relative to the issue time), in token order. */
  privileges: Array<[number, number]>
  /** Service type (1 RTC, 2 RTM, ...). */
  serviceType: number
}
/** A host's user id: 1 to 128 bytes of UTF-8, no control characters, no surrounding whitespace. */
export type UserId = string
/** Who may see the fan's mini profile. */
export type Visibility = 'private' | 'creators' | 'link'
// ---- end typegen ----

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * The fanline engine: privacy, share links, calls, billing and the ledger over one store.
 *
 * ```js
 * const { Fanline } = require('fanline')
 * const engine = new Fanline({
 *   store: 'sqlite:/var/lib/app/fanline.db',            // or 'memory:'
 *   agora: { appId: process.env.AGORA_APP_ID, appCertificate: process.env.AGORA_APP_CERTIFICATE },
 *   shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: process.env.SHARE_KEY }] },
 *   flags: 'env',                                         // FEATURE_CALLS, ... or { calls: true }
 * })
 * const { value: call, events } = await engine.initiate(
 *   { id: 'creator_max', role: 'creator' }, { fanId: 'fan_ada', callType: 'video' })
 * for (const e of events) realtime.publish(e.channel, e.name, e.payload)
 * ```
 */
export declare class Fanline {
  /**
   * A creator calls a fan, in one transaction: rate limits (per creator, per IP), the `calls`
   * flag, blocks, the fan's `allowCalls`, busy checks, the per-pair cooldown and the start guard.
   * Resolves to the ringing call and the `call:request` event for the fan; refusals reject with
   * `CALL_COOLDOWN` / `RATE_LIMITED` (429, with `retryAfter`), `FEATURE_DISABLED`, `BLOCKED`, ...
   *
   * ```js
   * try {
   *   const { value: call, events } = await engine.initiate(
   *     { id: 'creator_max', role: 'creator' },
   *     { fanId: 'fan_ada', callType: 'video', message: 'Hi!', ip: req.socket.remoteAddress })
   *   publish(events)
   * } catch (err) {
   *   res.writeHead(err.status, err.retryAfter ? { 'Retry-After': err.retryAfter } : {})
   *   res.end(JSON.stringify(errorBody(err)))
   * }
   * ```
   */
  initiate(actor: Actor, request: InitiateRequest): Promise<Outcome<CallView>>
  /** The synchronous twin of `initiate`: same result, on the calling thread. */
  initiateSync(actor: Actor, request: InitiateRequest): Outcome<CallView>
  /**
   * The fan accepts a ringing call before its invitation expires: the call connects and both
   * sides get Agora join information (`fan` and `creator`: appId, channel, uid, token, expiresAt).
   * Pass the price the fan was shown as `{ maxRatePerMinute }`: a call that costs more is
   * refused with `PRICE_CHANGED`. The call's time limit (`call.limitAt`) is fixed here from the
   * fan's balance; tokens expire a minute after it. The `call:accepted` event to the creator
   * carries no token: hand the creator its `creator` join info over your own authenticated API,
   * or let it call `refreshToken`.
   */
  accept(actor: Actor, callId: string, options?: AcceptOptions): Promise<Outcome<AcceptedCall>>
  /** The synchronous twin of `accept`: same result, on the calling thread. */
  acceptSync(actor: Actor, callId: string, options?: AcceptOptions): Outcome<AcceptedCall>
  /** The fan declines a ringing call (`call:rejected` to the creator). */
  decline(actor: Actor, callId: string): Promise<Outcome<CallView>>
  /** The synchronous twin of `decline`: same result, on the calling thread. */
  declineSync(actor: Actor, callId: string): Outcome<CallView>
  /** The creator cancels a ringing call (`call:cancelled` to the fan). */
  cancel(actor: Actor, callId: string): Promise<Outcome<CallView>>
  /** The synchronous twin of `cancel`: same result, on the calling thread. */
  cancelSync(actor: Actor, callId: string): Outcome<CallView>
  /**
   * Either side ends a connected call. Billing is computed and settled exactly once, in the
   * same transaction; ending again resolves to the same settlement and no events.
   */
  end(actor: Actor, callId: string): Promise<Outcome<EndedCall>>
  /** The synchronous twin of `end`: same result, on the calling thread. */
  endSync(actor: Actor, callId: string): Outcome<EndedCall>
  /** A fresh Agora token for the actor's side of a connected call. */
  refreshToken(actor: Actor, callId: string): Promise<JoinInfo>
  /** The synchronous twin of `refreshToken`: same result, on the calling thread. */
  refreshTokenSync(actor: Actor, callId: string): JoinInfo
  /** A call's status (participants and admins), with its settlement once ended. */
  status(actor: Actor, callId: string): Promise<CallStatus>
  /** The synchronous twin of `status`: same result, on the calling thread. */
  statusSync(actor: Actor, callId: string): CallStatus
  /** The actor's ringing invitations that have not expired, newest first. */
  pending(actor: Actor): Promise<CallView[]>
  /** The synchronous twin of `pending`: same result, on the calling thread. */
  pendingSync(actor: Actor): CallView[]
  /**
   * The actor's calls, newest first, `limit` (1 to 100) at a time; pass `nextCursor` back as
   * `cursor` for the next page.
   */
  history(actor: Actor, page?: HistoryQuery | null): Promise<HistoryPage>
  /** The synchronous twin of `history`: same result, on the calling thread. */
  historySync(actor: Actor, page?: HistoryQuery | null): HistoryPage
  /**
   * Expires invitations past their time (run it on a timer; the seed used 30 s): their calls
   * become `missed` and both sides get `call:missed`. Resolves to the expired call ids.
   */
  expireDue(): Promise<Outcome<string[]>>
  /** The synchronous twin of `expireDue`: same result, on the calling thread. */
  expireDueSync(): Outcome<string[]>
  /** The actor's own privacy settings (defaults when never changed). Flag `fan_privacy`. */
  settings(actor: Actor): Promise<PrivacySettings>
  /** The synchronous twin of `settings`: same result, on the calling thread. */
  settingsSync(actor: Actor): PrivacySettings
  /**
   * Applies a partial update to the actor's own settings (`PATCH /api/fans/me`). Unknown
   * fields or values are `INVALID_INPUT` and change nothing.
   *
   * ```js
   * const { value: settings } = await engine.updateSettings(fan, { visibility: 'link', allowDm: 'following' })
   * ```
   */
  updateSettings(actor: Actor, patch: SettingsPatch): Promise<Outcome<PrivacySettings>>
  /** The synchronous twin of `updateSettings`: same result, on the calling thread. */
  updateSettingsSync(actor: Actor, patch: SettingsPatch): Outcome<PrivacySettings>
  /** Sets the actor's display fields (shown on mini profiles and share cards). */
  setProfile(actor: Actor, profile: Profile): Promise<Outcome<Profile>>
  /** The synchronous twin of `setProfile`: same result, on the calling thread. */
  setProfileSync(actor: Actor, profile: Profile): Outcome<Profile>
  /** A user's display fields, or `null` when the host set none. */
  profile(userId: string): Promise<Profile | null>
  /** The synchronous twin of `profile`: same result, on the calling thread. */
  profileSync(userId: string): Profile | null
  /**
   * Mints a new share link for the actor (visibility must be `link`), revoking any previous
   * one. The token is shown once; the store keeps no copy. Flag `fan_share_card`.
   */
  enableShare(actor: Actor): Promise<Outcome<ShareLink>>
  /** The synchronous twin of `enableShare`: same result, on the calling thread. */
  enableShareSync(actor: Actor): Outcome<ShareLink>
  /** Revokes the actor's share link at once; `false` when none was live. */
  disableShare(actor: Actor): Promise<Outcome<boolean>>
  /** The synchronous twin of `disableShare`: same result, on the calling thread. */
  disableShareSync(actor: Actor): Outcome<boolean>
  /**
   * Opens a share card from its token (public, no actor). Every dead, revoked, expired,
   * forged or hidden link is `NOT_FOUND`. Serve it with `X-Robots-Tag: X_ROBOTS_TAG`.
   */
  resolveShare(token: string): Promise<ShareCard>
  /** The synchronous twin of `resolveShare`: same result, on the calling thread. */
  resolveShareSync(token: string): ShareCard
  /**
   * A creator's view of a fan, with `canMessage` / `canCall` and the rules that decided.
   *
   * ```js
   * const p = await engine.miniProfile({ id: 'creator_max', role: 'creator' }, 'fan_ada')
   * if (p.canCall) showCallButton()
   * ```
   */
  miniProfile(actor: Actor, fanId: string): Promise<MiniProfile>
  /** The synchronous twin of `miniProfile`: same result, on the calling thread. */
  miniProfileSync(actor: Actor, fanId: string): MiniProfile
  /**
   * Decides `action` for many `[creatorId, fanId]` pairs in one read transaction, each as if
   * that creator asked.
   */
  decidePairs(action: Action, pairs: Array<[string, string]>): Promise<Decision[]>
  /** The synchronous twin of `decidePairs`: same result, on the calling thread. */
  decidePairsSync(action: Action, pairs: Array<[string, string]>): Decision[]
  /** The relationship rows between the actor and `otherId` (creator and fan, either way). */
  relationship(actor: Actor, otherId: string): Promise<Relationship[]>
  /** The synchronous twin of `relationship`: same result, on the calling thread. */
  relationshipSync(actor: Actor, otherId: string): Relationship[]
  /**
   * Records an interaction: fans record `follow`, `tipped`, `purchased` toward a creator;
   * either side records `messaged` (a creator only when the fan's `allowDm` admits them).
   */
  recordRelationship(actor: Actor, otherId: string, kind: RelationshipKind): Promise<Outcome<null>>
  /** The synchronous twin of `recordRelationship`: same result, on the calling thread. */
  recordRelationshipSync(actor: Actor, otherId: string, kind: RelationshipKind): Outcome<null>
  /** The fan stops following `creatorId`; `false` when they did not follow. */
  unfollow(actor: Actor, creatorId: string): Promise<Outcome<boolean>>
  /** The synchronous twin of `unfollow`: same result, on the calling thread. */
  unfollowSync(actor: Actor, creatorId: string): Outcome<boolean>
  /** The actor blocks `otherId` (either direction denies view, DM and call); `false` when already blocked. */
  block(actor: Actor, otherId: string): Promise<Outcome<boolean>>
  /** The synchronous twin of `block`: same result, on the calling thread. */
  blockSync(actor: Actor, otherId: string): Outcome<boolean>
  /** The actor lifts a block on `otherId`; `false` when there was none. */
  unblock(actor: Actor, otherId: string): Promise<Outcome<boolean>>
  /** The synchronous twin of `unblock`: same result, on the calling thread. */
  unblockSync(actor: Actor, otherId: string): Outcome<boolean>
  /** Whether the actor blocked `otherId` (for settings screens). */
  hasBlocked(actor: Actor, otherId: string): Promise<boolean>
  /** The synchronous twin of `hasBlocked`: same result, on the calling thread. */
  hasBlockedSync(actor: Actor, otherId: string): boolean
  /**
   * Runs one cheap store read and reports `{ ok, store, schemaVersion, latencyMs, error? }`.
   * An unavailable store (or a schema this library cannot use) is `ok: false` with
   * `error.code` (`STORE_UNAVAILABLE`), not a rejection. It rejects (`STORE_UNAVAILABLE`)
   * only when every engine worker stayed busy past the call's deadline, itself a sign of
   * a stuck store; `healthSync` runs on the calling thread and never throws for the store.
   *
   * ```js
   * const h = await engine.health()
   * res.writeHead(h.ok ? 200 : 503).end(JSON.stringify(h))
   * ```
   */
  health(): Promise<Health>
  /** The synchronous twin of `health`: same result, on the calling thread. */
  healthSync(): Health
  /**
   * The funnel metrics (admin) as tables of plain rows: `summary` (one row),
   * `revenueByCreator`, `denialsByReason`, `refusalsByReason`, `timeline` (call events per
   * `bucketMs`, default one hour). The log is read a page at a time, so writers are not
   * held up.
   */
  metrics(actor: Actor, query?: MetricsQuery | null): Promise<Metrics>
  /** The synchronous twin of `metrics`: same result, on the calling thread. */
  metricsSync(actor: Actor, query?: MetricsQuery | null): Metrics
  /**
   * The refusal counters (admin): refusals by the `calls` flag, the creator role and the rate
   * limits, counted per code and minute instead of audited one by one.
   */
  refusalCounts(actor: Actor, range?: { sinceMs?: number | null; untilMs?: number | null }): Promise<RefusalCount[]>
  /** The synchronous twin of `refusalCounts`: same result, on the calling thread. */
  refusalCountsSync(actor: Actor, range?: { sinceMs?: number | null; untilMs?: number | null }): RefusalCount[]
  /**
   * Credits purchased tokens to `userId` from the issuance account (admin: the host's payment
   * flow). `reference` makes it idempotent. Resolves to the user's balance.
   *
   * ```js
   * await engine.credit({ id: 'payments', role: 'admin' }, 'fan_ada', 100, `order-${orderId}`)
   * ```
   */
  credit(actor: Actor, userId: string, amount: number, reference: string): Promise<Outcome<number>>
  /** The synchronous twin of `credit`: same result, on the calling thread. */
  creditSync(actor: Actor, userId: string, amount: number, reference: string): Outcome<number>
  /** A user's token balance (the user themself or an admin). */
  balance(actor: Actor, userId: string): Promise<number>
  /** The synchronous twin of `balance`: same result, on the calling thread. */
  balanceSync(actor: Actor, userId: string): number
  /** The sum of every ledger entry: zero when the books balance (admin). */
  ledgerSum(actor: Actor): Promise<number>
  /** The synchronous twin of `ledgerSum`: same result, on the calling thread. */
  ledgerSumSync(actor: Actor): number
  /** Audit records after position `after`, oldest first, at most `limit` (1 to 1000) (admin). */
  auditLog(actor: Actor, after?: number | null, limit?: number | null): Promise<AuditRecord[]>
  /** The synchronous twin of `auditLog`: same result, on the calling thread. */
  auditLogSync(actor: Actor, after?: number | null, limit?: number | null): AuditRecord[]
  /**
   * Sets a creator's price per minute (the creator themself, or an admin); the calls they start
   * from now on take it, so a route never passes a rate from a request body. Resolves to the
   * price.
   *
   * ```js
   * await engine.setCallPrice({ id: 'creator_max', role: 'creator' }, 'creator_max', 30)
   * ```
   */
  setCallPrice(actor: Actor, creatorId: string, ratePerMinute: number): Promise<Outcome<number>>
  /** The synchronous twin of `setCallPrice`: same result, on the calling thread. */
  setCallPriceSync(actor: Actor, creatorId: string, ratePerMinute: number): Outcome<number>
  /** A creator's price per minute: what they set, else the billing policy's default. */
  callPrice(creatorId: string): Promise<number>
  /** The synchronous twin of `callPrice`: same result, on the calling thread. */
  callPriceSync(creatorId: string): number
  /**
   * Opens the store and builds the engine. Any configuration mistake (unknown field, bad
   * app id, short share key, unknown flag, bad store spec) is `INVALID_CONFIG`.
   */
  constructor(config: FanlineConfig)
  /**
   * Switches a feature flag at run time (`'calls'`, `'fan_share_card'`, `'fan_privacy'`,
   * `'fan_mini_profile'`); every clone of the engine sees it at once.
   *
   * ```js
   * engine.setFlag('calls', false)   // initiate now fails with FEATURE_DISABLED (403)
   * ```
   */
  setFlag(name: FeatureName, on: boolean): void
  /** Whether a feature flag is on. */
  flag(name: FeatureName): boolean
  /** Every flag by name. */
  flags(): Record<FeatureName, boolean>
  /** The engine's time, unix milliseconds (simulated or system). */
  nowMs(): number
  /**
   * Moves a simulated clock (`clock: { manualStartMs }`) forward by `ms` (negative moves it
   * back). `INVALID_STATE` on an engine that uses the system clock.
   *
   * ```js
   * engine.advanceClock(190_000)   // the call has now lasted 3 min 10 s
   * ```
   */
  advanceClock(ms: number): number
  /** Whether the engine runs on a simulated clock. */
  get simulatedClock(): boolean
  /** The tunables in use (billing, ledger, lifetimes). */
  config(): EngineConfig
}

/**
 * Builds Agora AccessToken2 (`007`) RTC tokens, byte-compatible with the official builders.
 * Credentials are checked once, here; lifetimes are RELATIVE seconds (1 to 86400), so an
 * absolute unix time is refused with a message saying so.
 *
 * ```js
 * const builder = new RtcTokenBuilder(process.env.AGORA_APP_ID, process.env.AGORA_APP_CERTIFICATE)
 * const token = builder.buildTokenWithUid('call_0123', agoraUid('fan_001'), 'publisher', 3600)
 * ```
 */
export declare class RtcTokenBuilder {
  /** `INVALID_CONFIG` unless both are 32 hex characters. */
  constructor(appId: string, appCertificate: string)
  /** The app id (it travels in clear in every token; the certificate is never exposed). */
  get appId(): string
  /**
   * A token for a numeric uid (0 = any uid may join), issued now with a random salt.
   * `role`: `'publisher'` (join + publish) or `'subscriber'` (join), or 1 / 2 as in the
   * official `RtcRole`. `privilegeExpire` defaults to `tokenExpire`.
   */
  buildTokenWithUid(channel: string, uid: number, role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null): string
  /**
   * A token for a string user account (written as is: account `"123"` equals uid 123, and
   * `"0"` is not the wildcard).
   */
  buildTokenWithUserAccount(channel: string, account: string, role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null): string
  /**
   * One token carrying RTC for `uidOrAccount` and RTM login for `rtmUserId` (default: the
   * account text), as the official `buildTokenWithRtm` does; the RTM login lasts
   * `tokenExpire`.
   */
  buildTokenWithRtm(channel: string, uidOrAccount: number | string, role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null, rtmUserId?: string | null): string
  /**
   * The general form: a request object (per-privilege expiries, RTM, uid or account) and,
   * for reproducible output, a pinned `{ issueTs, salt }`.
   *
   * ```js
   * builder.build({ channel: 'stage', account: 'ada', role: 'subscriber', tokenExpire: 600 })
   * builder.build({ channel: 'c', uid: 42, privilegeExpiries: { publishVideo: 60 } },
   *               { issueTs: 1700000000, salt: 1 })   // deterministic
   * ```
   */
  build(request: RtcTokenRequest, issue?: TokenIssue | null): string
  /**
   * The columnar batch: one token per uid, for one shared channel or a channel per uid, with
   * one role and lifetime. Crossing the boundary costs a few napi calls per token instead of
   * a property walk, so it is the fastest way to issue many tokens.
   *
   * ```js
   * const tokens = builder.buildBatchWithUids('call_0123', fans.map(agoraUid), 'publisher', 3600)
   * ```
   */
  buildBatchWithUids(channels: string | string[], uids: number[], role: RtcRoleName, tokenExpire: number, privilegeExpire?: number | null): Array<string | FanlineError>
  /**
   * Many tokens in one call, built on every core, all issued now with independent salts.
   * The result keeps the order of `requests`; a bad request fails only its own slot, which
   * holds a `FanlineError` instead of a string. A malformed list throws.
   *
   * ```js
   * const out = builder.buildBatch(fans.map((f) => ({ channel, uid: agoraUid(f) })))
   * out.forEach((t, i) => { if (typeof t !== 'string') console.warn(i, t.code) })
   * ```
   */
  buildBatch(requests: RtcTokenRequest[]): Array<string | FanlineError>
}

/**
 * A set of share-link keys: the active key signs, every key in the ring verifies.
 *
 * ```js
 * const ring = new ShareKeyRing({ activeKeyId: 2, keys: [
 *   { id: 1, secret: process.env.SHARE_KEY_1 },   // still verifies links it signed
 *   { id: 2, secret: process.env.SHARE_KEY_2 },   // signs new links
 * ] })
 * const token = ring.mint('fan_ada', 1, Math.floor(Date.now() / 1000) + 3600)
 * ring.verify(token, Math.floor(Date.now() / 1000))   // { fan: 'fan_ada', generation: 1, ... }
 * ```
 */
export declare class ShareKeyRing {
  /** Builds the ring; a short secret or an active id missing from `keys` is `INVALID_CONFIG`. */
  constructor(config: ShareKeysConfig)
  /** The id of the signing key. */
  get activeKeyId(): number
  /**
   * Mints the token of `fanId`'s link number `generation`, valid until `expiresAt` (unix
   * seconds).
   */
  mint(fanId: string, generation: number, expiresAt: number): string
  /**
   * Checks a token's integrity and expiry at `now` (unix seconds). Every failure is
   * `NOT_FOUND`. The caller still compares `generation` with the stored one (revocation);
   * the engine's `resolveShare` does all of it.
   */
  verify(token: string, now: number): ShareClaims
}

/**
 * The stable Agora uid of a user id, in 1..=2^31-1 (identical in Rust, Node and Python).
 *
 * ```js
 * agoraUid('fan_001')   // 45118309
 * ```
 */
export declare function agoraUid(userId: string): number

/** The settings after a partial update (PATCH semantics), without touching any store. */
export declare function applySettingsPatch(settings: PrivacySettingsInput, patch: SettingsPatch): PrivacySettings

/**
 * The bill for `seconds` at `rate` tokens per minute under `policy`.
 *
 * ```js
 * bill({ rounding: 'per_started_minute' }, 190, 10)
 * // { billedSeconds: 190, billedMinutes: 4, ratePerMinute: 10, gross: 40 }
 * ```
 */
export declare function bill(policy: BillingPolicyInput | null | undefined, seconds: number, rate: number): Bill

/** Whole seconds from `connectedMs` to `endedMs` (floor), 0 if the end is not after. */
export declare function billedSeconds(connectedMs: number, endedMs: number): number

/**
 * Builds a legacy `006` token. `privilegeExpiredTs` is an ABSOLUTE unix time (0 = none);
 * relative seconds are refused. `issue` pins the salt and message time for reproducible
 * output.
 */
export declare function buildToken006(appId: string, appCertificate: string, request: LegacyTokenRequest, issue?: { salt: number; ts: number } | null): string

/**
 * The uids of a call's creator and fan; when they collide the fan's moves to the smallest
 * suffix that differs.
 */
export declare function callUids(creatorId: string, fanId: string): { creator: number; fan: number }

/** The Agora channel of a call id: `call_` + 32 lowercase hex digits. */
export declare function channelName(callId: string): string

/**
 * Settles `seconds` at `rate` against a fan holding `balance`: capped at the balance, the
 * shortfall recorded, the charged amount split by the platform fee.
 */
export declare function charge(policy: BillingPolicyInput | null | undefined, seconds: number, rate: number, balance: number): Charge

/** The price of `elapsed` seconds so far (the live cost display). */
export declare function costAt(policy: BillingPolicyInput | null | undefined, elapsed: number, rate: number): number

/**
 * Decides one action and names the rule that decided (flag, self/admin, creator-only,
 * block, then the fan's setting).
 *
 * ```js
 * const d = decide({ action: 'call', actorRole: 'creator', relationships: ['follow'] })
 * // { allowed: true, deny: null, rule: 'allow_calls' }
 * ```
 */
export declare function decide(input: DecisionInput): Decision

/** Decides many inputs at once (one crossing of the boundary for a whole list). */
export declare function decideMany(inputs: DecisionInput[]): Decision[]

/** Default lifetime of a call token and its privileges, in seconds. */
export declare const DEFAULT_EXPIRE_SECS: number

/**
 * The settings of a fan who never changed anything: private, DMs and calls from creators
 * they interacted with, not searchable.
 */
export declare function defaultSettings(): PrivacySettings

/**
 * Turns any thrown value into the seed's error body `{ ok: false, code, error, retryAfter? }`.
 * A fanline error keeps its code, message and `retryAfter`; anything else becomes `INTERNAL`
 * with a generic message, so a foreign error's text (SQL, paths, secrets) never reaches a
 * client.
 *
 * ```js
 * try { await engine.initiate(actor, req) } catch (err) {
 *   const body = errorBody(err)   // { ok: false, code: 'CALL_COOLDOWN', error: '...', retryAfter: 42 }
 *   res.writeHead(err.status ?? 500).end(JSON.stringify(body))
 * }
 * ```
 */
export declare function errorBody(err: unknown): ErrorBody

/** Every stable error code, in the order of the error table (`docs/rules.md` section 10). */
export declare function errorCodes(): ErrorCode[]

/**
 * Every field of a `007` token, with dates, privilege names and, given the certificate,
 * whether the signature verifies: the answer to most "why can't they join" questions.
 *
 * ```js
 * const info = inspectToken(token, process.env.AGORA_APP_CERTIFICATE)
 * console.log(info.channel, info.uid, info.expiresAt, info.signatureValid)
 * ```
 */
export declare function inspectToken(token: string, certificate?: string | null): TokenInspection

/** Longest AccessToken2 lifetime Agora accepts, in relative seconds (24 hours). */
export declare const MAX_EXPIRE_SECS: number

/**
 * The longest call, in whole seconds, whose cost stays within `balance` (drives
 * auto-disconnect). `Infinity` for a free call (`rate` 0).
 */
export declare function maxAffordableSeconds(policy: BillingPolicyInput | null | undefined, balance: number, rate: number): number

/**
 * Parses a `007` token into its fields (the signature is left out). Malformed input is
 * `INVALID_INPUT`, never a crash.
 */
export declare function parseToken(token: string): ParsedToken

/** Parses a `006` token (only CRCs of the channel and uid are inside). */
export declare function parseToken006(token: string): ParsedToken006

/**
 * The `robots.txt` body from the seed: creator pages indexable, fan pages and private areas
 * not.
 */
export declare const ROBOTS_TXT: string

/**
 * The fee split of `amount` at `feeBps` basis points: `fee = floor(amount * bps / 10000)`,
 * `net = amount - fee`.
 */
export declare function split(amount: number, feeBps: number): { fee: number; net: number }

/** The balance a fan needs to start a call at `rate`: 30 seconds' worth, `ceil(rate / 2)`. */
export declare function startGuard(policy: BillingPolicyInput | null | undefined, rate: number): number

/**
 * Throws `INVALID_INPUT` unless `userId` is a valid user id (1 to 128 bytes of UTF-8, no
 * control characters, no surrounding whitespace).
 */
export declare function validateUserId(userId: string): void

/** Whether a `007` token's signature holds for `certificate`. */
export declare function verifyToken(token: string, certificate: string): boolean

/**
 * Whether a `006` token holds for `certificate`, `channel` and `uid` (number) or account
 * (string). Malformed tokens are `INVALID_INPUT`; a mismatch is `false`.
 */
export declare function verifyToken006(token: string, certificate: string, channel: string, uid: number | string): boolean

/** The `X-Robots-Tag` value for share cards and every fan-facing response. */
export declare const X_ROBOTS_TAG: string
