/* Types of the npm package `fanline`, written by `napi build` from src/ and types.d.ts: edit those, not index.d.ts. */
/* eslint-disable */

// ---- shapes of the values that cross the boundary (the core's serde forms, camelCase) ----

/** Every stable error code. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_CONFIG'
  | 'NOT_CREATOR'
  | 'FEATURE_DISABLED'
  | 'BLOCKED'
  | 'PROFILE_PRIVATE'
  | 'DM_NOT_ALLOWED'
  | 'CALL_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'CALL_COOLDOWN'
  | 'RATE_LIMITED'
  | 'INVALID_STATE'
  | 'BUSY'
  | 'INVITATION_EXPIRED'
  | 'PRICE_CHANGED'
  | 'CONFLICT'
  | 'INSUFFICIENT_TOKENS'
  | 'STORE_UNAVAILABLE'
  | 'STORE_INCOMPATIBLE'
  | 'INTERNAL'

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

/** The seed's wire body for an error. */
export interface ErrorBody {
  ok: false
  code: ErrorCode
  error: string
  retryAfter?: number
}

export type Role = 'fan' | 'creator' | 'admin'
/** Who performs an operation. Authentication is the host's job; fanline authorises. */
export interface Actor {
  id: string
  role: Role
}

export type FeatureName = 'calls' | 'fan_share_card' | 'fan_privacy' | 'fan_mini_profile'
export type Visibility = 'private' | 'creators' | 'link'
export type Audience = 'none' | 'following' | 'interacted'
export type RelationshipKind = 'follow' | 'tipped' | 'purchased' | 'messaged' | 'called'
export type Action = 'view_profile' | 'message' | 'call' | 'view_share_card' | 'appear_in_search'
export type Rule =
  | 'feature_flag'
  | 'self_or_admin'
  | 'creator_only'
  | 'block'
  | 'visibility'
  | 'allow_dm'
  | 'allow_calls'
  | 'fan_busy'
  | 'share_link'
  | 'searchable'
export type Deny =
  | 'FEATURE_DISABLED'
  | 'NOT_CREATOR'
  | 'BLOCKED'
  | 'PROFILE_PRIVATE'
  | 'DM_NOT_ALLOWED'
  | 'CALL_NOT_ALLOWED'
  | 'BUSY'
  | 'NOT_FOUND'

export interface PrivacySettings {
  visibility: Visibility
  allowDm: Audience
  allowCalls: Audience
  allowSearch: boolean
}
/** A partial update: only the fields present change; `null` and unknown fields are refused. */
export type SettingsPatch = Partial<PrivacySettings>

/** The input of the pure decision; only `action` and `actorRole` are required. */
export interface DecisionInput {
  action: Action
  actorRole: Role
  /** Default true. */
  featureOn?: boolean
  actorIsFan?: boolean
  settings?: Partial<PrivacySettings>
  relationships?: RelationshipKind[]
  blocks?: { byFan?: boolean; byCreator?: boolean }
  fanInConnectedCall?: boolean
  shareLinkValid?: boolean
}
/** A decision and the rule that decided. */
export interface Decision {
  allowed: boolean
  deny: Deny | null
  rule: Rule
}

export interface Relationship {
  kind: RelationshipKind
  firstAtMs: number
  lastInteractionAtMs: number
}

export interface Profile {
  displayName: string
  avatarUrl?: string | null
}

export interface MiniProfile {
  fanId: string
  displayName: string
  avatarUrl: string | null
  relationships: Relationship[]
  canMessage: boolean
  canCall: boolean
  messageDecision: Decision
  callDecision: Decision
}

export interface ShareLink {
  /** Shown once; the store keeps no copy. */
  token: string
  expiresAt: string
}
export interface ShareCard {
  displayName: string
  avatarUrl: string | null
  expiresAt: string
}
export interface ShareClaims {
  fan: string
  generation: number
  expiresAt: number
  keyId: number
}
export interface ShareKeysConfig {
  /** The key that signs new links. */
  activeKeyId: number
  /** Every key that still verifies (ids 0 to 255, secrets of at least 32 bytes). */
  keys: Array<{ id: number; secret: string | Uint8Array }>
}

export type Rounding = 'per_started_minute' | 'per_second'
export interface BillingPolicy {
  /** Default 10. */
  ratePerMinute?: number
  /** Default 'per_started_minute'. */
  rounding?: Rounding
  /** Default 0. */
  minimumMinutes?: number
  /** Platform fee in basis points, 0 to 10000. Default 0. */
  feeBps?: number
}
export interface Bill {
  billedSeconds: number
  billedMinutes: number
  ratePerMinute: number
  gross: number
}
export interface Charge {
  bill: Bill
  charged: number
  shortfall: number
  fee: number
  creatorNet: number
}

export type CallType = 'voice' | 'video'
export type CallState = 'ringing' | 'connected' | 'ended' | 'declined' | 'cancelled' | 'missed'
export type InvitationState = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired'

export interface InitiateRequest {
  fanId: string
  callType: CallType
  /** At most 500 characters. */
  message?: string | null
  /** The client's IP address, for the per-IP rate limit (required when `limits.ipRate` is set). */
  ip?: string | null
  /**
   * Host-trusted only: a rate the host computed itself, overriding the creator's price
   * (`setCallPrice`). Never copy it from a request body.
   */
  ratePerMinute?: number | null
}
export interface CallView {
  id: string
  creatorId: string
  fanId: string
  callType: CallType
  state: CallState
  invitation: InvitationState
  message: string | null
  ratePerMinute: number
  channel: string
  createdAt: string
  expiresAt: string
  connectedAt: string | null
  /** When a connected call ends on its own (fixed at accept). */
  limitAt: string | null
  finishedAt: string | null
  /** In `pending()` only (what the fan reads): whole minutes the fan's balance pays for. */
  affordableMinutes?: number
}
export interface JoinInfo {
  appId: string
  channel: string
  uid: number
  token: string
  expiresAt: string
}
export interface Settlement extends Charge {
  callId: string
  settledAtMs: number
}
export interface AcceptedCall {
  call: CallView
  fan: JoinInfo
  creator: JoinInfo
}
export interface EndedCall {
  call: CallView
  settlement: Settlement
}
export interface CallStatus {
  call: CallView
  settlement: Settlement | null
}
export interface HistoryQuery {
  /** 1 to 100 (default 20). */
  limit?: number | null
  /** `nextCursor` of the previous page. */
  cursor?: string | null
}
export interface AcceptOptions {
  /** The price the fan was shown: a call that costs more is refused with PRICE_CHANGED. */
  maxRatePerMinute?: number | null
}
export interface RefusalCount {
  minuteMs: number
  code: ErrorCode
  count: number
}
export interface HistoryPage {
  items: CallView[]
  nextCursor: string | null
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

export interface AuditRecord {
  seq: number
  event: string
  actorId: string | null
  callId: string | null
  creatorId: string | null
  fanId: string | null
  callType: string | null
  /** Extra facts as JSON text; never a secret. */
  detail: string | null
  atMs: number
}

/** What `health()` reports: one cheap store read and the schema version it found. */
export interface Health {
  /** The store answered and has the schema this library needs. */
  ok: boolean
  /** `'memory' | 'sqlite' | 'postgres' | 'custom'`; null when the store did not answer. */
  store: string | null
  /** The database's schema version; null without a schema or an answer. */
  schemaVersion: number | null
  /** Wall time of the probe, milliseconds. */
  latencyMs: number
  /** Why `ok` is false (absent when it is true). */
  error?: { code: ErrorCode; message: string }
}

/** The configuration in use, the limits under the names they are configured by. */
export interface EngineConfig {
  billing: Required<BillingPolicy>
  ledger: boolean
  cooldownMs: number
  creatorRate: { max: number; periodMs: number }
  /** null when no per-IP limit is configured. */
  ipRate: { max: number; periodMs: number } | null
  invitationTtlMs: number
  tokenLifetimeSecs: number
  shareLifetimeSecs: number
  maxCallSecs: number
}

/**
 * The engine's configuration: the core's `FanlineConfig`, read by the same parser in Node and
 * Python. Unknown fields, wrong types and bad values are `INVALID_CONFIG`; `null` is the same as
 * leaving an optional field out.
 */
export interface FanlineConfig {
  /**
   * Required: `'memory:'`, `'sqlite::memory:'`, `'sqlite:<path>'`, or `'postgres://...'` (when
   * built with PostgreSQL). There is no default, so balances never live in memory by accident.
   */
  store: string
  agora: { appId: string; appCertificate: string }
  shareKeys: ShareKeysConfig
  /** `'env'` reads FEATURE_*; an object overrides the seed defaults (calls and share card off). */
  flags?: 'env' | Partial<Record<FeatureName, boolean>> | null
  /** `'system'` (default) or a simulated clock moved only by `advanceClock`. */
  clock?: 'system' | { manualStartMs: number } | null
  billing?: BillingPolicy | null
  /** Charge calls through the ledger (default true). */
  ledger?: boolean | null
  limits?: {
    cooldownMs?: number
    creatorRate?: { max: number; periodMs: number }
    /** Per client IP (default none); when set, `initiate` requires `ip`. */
    ipRate?: { max: number; periodMs: number }
    invitationTtlMs?: number
    /** The longest call in seconds (default 7200, at most 86400). */
    maxCallSecs?: number
    tokenLifetimeSecs?: number
    shareLifetimeSecs?: number
  } | null
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
export type ServiceFields =
  | { channel: string; uid: string }
  | { userId: string }
  | { channel: string; account: string }
  | { roomUuid: string; userUuid: string; role: number }
  | {
      userId: string
      permissions: Array<{ resourceType: number; permissionType: number; resources: string[] }>
    }
  | {}
export type TokenService = {
  serviceType: number
  /** [privilege id, expiry in seconds relative to issueTs]. */
  privileges: Array<[number, number]>
} & ServiceFields
export interface ParsedToken {
  appId: string
  issueTs: number
  expire: number
  salt: number
  services: TokenService[]
  unparsedServiceType: number | null
}
export type InspectedService = {
  serviceType: number
  name: string
  privileges: Array<{ id: number; name: string | null; expire: number; expiresAt: string }>
} & ServiceFields
export interface TokenInspection {
  version: '007'
  appId: string
  issueTs: number
  issuedAt: string
  expire: number
  expiresAt: string
  salt: number
  channel: string | null
  uid: string | null
  numericUid: number | null
  rtmUserId: string | null
  services: InspectedService[]
  unparsedServiceType: number | null
  /** `null` when no certificate was given. */
  signatureValid: boolean | null
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
export interface ParsedToken006 {
  appId: string
  crcChannel: number
  crcUid: number
  salt: number
  ts: number
  /** [privilege id, absolute expiry (0 = none)]. */
  privileges: Array<[number, number]>
}

// ---- generated from the Rust sources ----

/** Which part of the audit log `metrics` reads, and the timeline's bucket width. */
export interface MetricsQuery {
  /** Only events at or after this instant (unix ms). */
  sinceMs?: number | null
  /** Only events before this instant (unix ms). */
  untilMs?: number | null
  /** Timeline bucket width in ms, at least 1000 (default one hour). */
  bucketMs?: number
}
/** The funnel in one row: counts, rates (null when there is nothing to divide by), durations. */
export interface MetricsSummary {
  initiated: number
  accepted: number
  declined: number
  cancelled: number
  missed: number
  ended: number
  successRate: number | null
  declineRate: number | null
  missRate: number | null
  cancelRate: number | null
  avgDurationSecs: number | null
  p95DurationSecs: number | null
  charged: number
  fee: number
  refused: number
  cooldownHits: number
  rateLimitHits: number
  permissionDenials: number
  otherRefusals: number
  creatorsSeen: number
  creatorsInitiated: number
  initiatingCreatorShare: number | null
  fansCalled: number
  fansAccepted: number
  acceptingFanShare: number | null
  blocks: number
  pairsSeen: number
  blockRate: number | null
  fansSeen: number
  fansChangedDefault: number
  changedDefaultShare: number | null
}
export interface CreatorRevenue {
  creatorId: string
  calls: number
  billedSeconds: number
  gross: number
  charged: number
  fee: number
  creatorNet: number
  shortfall: number
}
export interface ReasonCount {
  reason: string
  count: number
}
export interface TimelineRow {
  bucketStartMs: number
  bucketStart: string
  initiated: number
  accepted: number
  declined: number
  cancelled: number
  missed: number
  ended: number
  refused: number
}
/** Every metrics table as plain rows, ready for a data frame. */
export interface Metrics {
  summary: MetricsSummary[]
  revenueByCreator: CreatorRevenue[]
  denialsByReason: ReasonCount[]
  refusalsByReason: ReasonCount[]
  timeline: TimelineRow[]
}
