'use strict'
// Structured logs (pino): one JSON line per call event in the seed's shape
//
//   {"event":"call_initiated","callId":"…","creatorId":"…","fanId":"…","callType":"video",
//    "timestamp":"2026-11-25T12:00:00.000Z", …}
//
// searchable by callId, creatorId and fanId. The lines are made from the engine's own events
// (whoever caused them: a route, a block, the sweeper), one per call and event even when the
// event goes to both sides. They carry ids, states, codes and amounts only: never a token, a
// share link, a header, a message text or a request body (the redaction below is a second
// fence for whatever a host adds).
const pino = require('pino')

/** Anything a host might log by mistake that must not reach the log. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'token',
  '*.token',
  'join',
  '*.join',
  'appCertificate',
  '*.appCertificate',
]

/** The engine's event names, and the seed's log names for them. */
const LOG_NAMES = {
  'call:request': 'call_initiated',
  'call:accepted': 'call_accepted',
  'call:rejected': 'call_declined',
  'call:cancelled': 'call_cancelled',
  'call:ended': 'call_ended',
  'call:missed': 'call_missed',
}

/**
 * Refusals the engine only counts (the flag, the role, the rate limits) are not logged one by
 * one either: a creator hammering the route would write a line per attempt. They show in the
 * metrics' error counts. Bad input is the caller's bug, also in the metrics.
 */
const COUNTED_ONLY = new Set(['FEATURE_DISABLED', 'NOT_CREATOR', 'RATE_LIMITED', 'INVALID_INPUT'])

/** The actor the logger reads calls it was not handed as (for their ids). */
const LOG_READER = { id: 'fanline-log', role: 'admin' }

/** The default logger: JSON lines with an ISO 8601 `time`, to `destination` (default stdout). */
function createLogger(destination) {
  return pino({ timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT, censor: '[redacted]' } }, destination)
}

/** A user id from a request body worth logging: a short string, else null (bounded lines). */
function loggableId(value) {
  return typeof value === 'string' && value.length <= 128 ? value : null
}

/** What a line adds to the seed's fields, from the event's payload. */
function factsOf(name, payload) {
  switch (name) {
    case 'call:request':
      return { ratePerMinute: payload.ratePerMinute }
    case 'call:accepted':
      return { limitAt: payload.limitAt }
    case 'call:rejected':
    case 'call:cancelled':
      return payload.reason ? { by: payload.by, reason: payload.reason } : { by: payload.by }
    case 'call:ended':
      return {
        by: payload.by,
        reason: payload.reason,
        billedSeconds: payload.settlement.bill.billedSeconds,
        ratePerMinute: payload.settlement.bill.ratePerMinute,
        charged: payload.settlement.charged,
      }
    default:
      return {}
  }
}

/**
 * The call event log for `engine`:
 * - `events(events, calls)` writes one line per call and event of an outcome; `calls` are the
 *   CallViews the caller already holds, others are read from the engine. Resolves when written.
 * - `refused(actor, body, err)` writes one for an initiation the engine refused and audited.
 * `timestamp` is the engine's time of writing (the simulated clock under --dev).
 */
function callLog(logger, engine) {
  const now = () => new Date(engine.nowMs()).toISOString()
  const write = (event, call, facts) => {
    logger.info(
      { event, callId: call.id, creatorId: call.creatorId, fanId: call.fanId, callType: call.callType, timestamp: now(), ...facts },
      event,
    )
  }
  return {
    async events(events, calls = []) {
      const seen = new Set()
      for (const { name, payload } of events) {
        const event = LOG_NAMES[name]
        const key = `${payload.callId} ${name}`
        if (!event || seen.has(key)) continue
        seen.add(key)
        let call = calls.find((c) => c.id === payload.callId)
        if (!call) {
          try {
            call = (await engine.status(LOG_READER, payload.callId)).call
          } catch (err) {
            logger.error({ code: err.code, callId: payload.callId, event }, 'call event not logged: the call could not be read')
            continue
          }
        }
        write(event, call, factsOf(name, payload))
      }
    },
    refused(actor, body, err) {
      if (COUNTED_ONLY.has(err.code)) return
      const callType = body.callType === 'voice' || body.callType === 'video' ? body.callType : null
      write('call_refused', { id: null, creatorId: actor.id, fanId: loggableId(body.fanId), callType }, { code: err.code })
    },
  }
}

module.exports = { callLog, createLogger }
