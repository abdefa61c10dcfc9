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
