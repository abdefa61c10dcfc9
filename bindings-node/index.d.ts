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
export declare function applySettingsPatch(settings: Partial<PrivacySettings>, patch: SettingsPatch): PrivacySettings

/**
 * The bill for `seconds` at `rate` tokens per minute under `policy`.
 *
 * ```js
 * bill({ rounding: 'per_started_minute' }, 190, 10)
 * // { billedSeconds: 190, billedMinutes: 4, ratePerMinute: 10, gross: 40 }
 * ```
 */
export declare function bill(policy: BillingPolicy | null | undefined, seconds: number, rate: number): Bill

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
export declare function charge(policy: BillingPolicy | null | undefined, seconds: number, rate: number, balance: number): Charge

/** The price of `elapsed` seconds so far (the live cost display). */
export declare function costAt(policy: BillingPolicy | null | undefined, elapsed: number, rate: number): number

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
export declare function maxAffordableSeconds(policy: BillingPolicy | null | undefined, balance: number, rate: number): number

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
export declare function startGuard(policy: BillingPolicy | null | undefined, rate: number): number

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
