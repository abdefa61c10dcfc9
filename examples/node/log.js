'use strict'
// Structured logs (pino): one JSON line per call event in the seed's shape
//
//   {"event":"call_initiated","callId":"…","creatorId":"…","fanId":"…","callType":"video",
//    "timestamp":"2026-11-25T12:00:00.000Z", …}
//
// searchable by callId, creatorId and fanId. Lines carry ids, states, codes and amounts only:
// never a token, a share link, a header or a request body (the redaction below is a second
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

/** The default logger: JSON lines with an ISO 8601 `time`, to `destination` (default stdout). */
function createLogger(destination) {
  return pino({ timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT, censor: '[redacted]' } }, destination)
}

/** A user id from a request body worth logging: a short string, else null (bounded lines). */
function loggableId(value) {
  return typeof value === 'string' && value.length <= 128 ? value : null
}

/**
 * The call event log: `call(event, call, extra)` writes one line for `call` (a CallView) and
 * `refused(actor, body, err)` one for an initiation the engine refused, with its code.
 * `timestamp` is the engine's time of the event (the simulated clock under --dev).
 */
function callLog(logger, engine) {
  const now = () => new Date(engine.nowMs()).toISOString()
  return {
    call(event, call, extra = {}) {
      logger.info(
        { event, callId: call.id, creatorId: call.creatorId, fanId: call.fanId, callType: call.callType, timestamp: now(), ...extra },
        event,
      )
    },
    refused(actor, body, err) {
      logger.info(
        {
          event: 'call_refused',
          callId: null,
          creatorId: actor.id,
          fanId: loggableId(body.fanId),
          callType: body.callType === 'voice' || body.callType === 'video' ? body.callType : null,
          timestamp: now(),
          code: err.code,
        },
        'call_refused',
      )
    },
  }
}

module.exports = { callLog, createLogger }
