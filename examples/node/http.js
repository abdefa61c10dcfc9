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
 * The status and body of any thrown value: a fanline error keeps its status, code and
 * retryAfter; anything else is a 500 INTERNAL whose message is never shown to the client
 * (`unexpected` is true: the caller logs it).
 */
function errorResponse(err) {
  if (err instanceof HttpError) return { status: err.httpStatus, body: err.body, unexpected: false }
  const fanline = Boolean(err) && err.name === 'FanlineError'
  const body = errorBody(err)
  return { status: fanline ? err.status : 500, body, unexpected: !fanline }
}

/** Sends an `errorResponse` with `headers` (and Retry-After when the body has retryAfter). */
function sendError(res, { status, body }, headers = {}) {
  const extra = body.retryAfter !== undefined ? { 'Retry-After': String(body.retryAfter) } : {}
  sendJson(res, status, body, { ...headers, ...extra })
}

/** Methods that change state: their bodies must be JSON (see `requireJson`). */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Refuses a state-changing request whose Content-Type is not application/json, body or not.
 * A cross-site HTML form can only send form or text types, and a cross-site script sending
 * JSON needs a CORS preflight the server does not grant: together they stop CSRF.
 */
function requireJson(req) {
  if (!STATE_CHANGING.has(req.method)) return
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase()
  if (type !== 'application/json') {
    throw new HttpError(415, 'INVALID_INPUT', 'send Content-Type: application/json')
  }
}

/**
 * Reads a JSON object body (empty means `{}`); bad JSON, anything but an object, or a huge body
 * is a 400 / 413. Under Express with a body parser in front (`express.json()`), the parsed
 * `req.body` is used instead of the spent stream.
 */
async function readJson(req) {
  let value
  if (req.body !== undefined && req.readableEnded) {
    value = req.body
  } else {
    const chunks = []
    let size = 0
    try {
      for await (const chunk of req) {
        size += chunk.length
        if (size > MAX_BODY_BYTES) throw new HttpError(413, 'INVALID_INPUT', `the body is larger than ${MAX_BODY_BYTES} bytes`)
        chunks.push(chunk)
      }
    } catch (err) {
      // A client that went away mid-body is the client's fault, not a server error.
      if (err instanceof HttpError) throw err
      throw new HttpError(400, 'INVALID_INPUT', 'the body did not arrive whole')
    }
    if (size === 0) return {}
    try {
      value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      throw new HttpError(400, 'INVALID_INPUT', 'the body is not valid JSON')
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'INVALID_INPUT', 'the body must be a JSON object')
  }
  return value
}

module.exports = { HttpError, MAX_BODY_BYTES, errorResponse, readJson, requireJson, sendError, sendJson }
