'use strict'
// Small HTTP helpers: JSON bodies in and out, and fanline errors as the seed's error bodies.
const { errorBody } = require('../../bindings-node')

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 64 * 1024

/** An error answered with its own status and body (for failures outside fanline). */
class HttpError extends Error {
  constructor(status, code, message) {
    super(message)
    this.httpStatus = status
    this.body = { ok: false, code, error: message }
  }
}

/** Sends `body` as JSON with `status` and extra `headers`. */
function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(text)
}

/**
 * Sends any thrown value: a fanline error keeps its status, code and Retry-After; anything
 * else is a 500 INTERNAL whose message stays in the server log, not in the response.
 */
function sendError(res, err, headers = {}) {
  if (err instanceof HttpError) return sendJson(res, err.httpStatus, err.body, headers)
  const body = errorBody(err)
  if (body.code === 'INTERNAL' && !(err && err.name === 'FanlineError')) {
    console.error('unexpected error:', err)
  }
  const status = err && err.name === 'FanlineError' ? err.status : 500
  const extra = body.retryAfter !== undefined ? { 'Retry-After': String(body.retryAfter) } : {}
  sendJson(res, status, body, { ...headers, ...extra })
}

/** Reads a JSON object body (empty means `{}`); bad JSON or a huge body is a 400 / 413. */
async function readJson(req) {
  const chunks = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'INVALID_INPUT', `the body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  if (size === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, 'INVALID_INPUT', 'the body is not valid JSON')
  }
}

module.exports = { HttpError, MAX_BODY_BYTES, readJson, sendError, sendJson }
