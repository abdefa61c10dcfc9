'use strict'
// Authentication is the host's job; authorisation is fanline's. The routes ask the host's
// `authenticate(req)` who is calling: it verifies a session cookie, a JWT (Supabase,
// Firebase, ...) or whatever the platform uses, and returns the actor `{ id, role }` (role:
// fan, creator or admin), or null when the request carries no valid credentials (a 401).
// It may be async. The event stream is authenticated by the same function, so a cookie
// session covers it (EventSource sends cookies, not custom headers).
//
// `devAuthenticate` is the STAND-IN the example runs with under --dev only: the caller names
// itself with `x-user-id` and `x-user-role` (or `?as=<id>&role=<role>` on the event stream),
// so anyone can claim to be anyone, an admin included. createServer refuses to use it
// outside --dev.
const { HttpError } = require('./http')

/** The stand-in: whoever the request claims to be. NOT FOR PRODUCTION. */
function devAuthenticate(req) {
  const id = req.headers['x-user-id']
  const role = req.headers['x-user-role']
  if (typeof id === 'string' && typeof role === 'string' && id !== '' && role !== '') return { id, role }
  // EventSource cannot send headers: the stream names its user in the query string.
  if (req.method === 'GET' && /^text\/event-stream/.test(req.headers.accept ?? '')) {
    const query = new URLSearchParams(req.url.split('?')[1] ?? '')
    const as = query.get('as')
    if (as) return { id: as, role: query.get('role') || 'fan' }
  }
  return null
}

/** What a development server prints when it starts. */
const DEV_WARNING =
  'DEV MODE, NOT FOR PRODUCTION: anyone can act as any user (x-user-id / x-user-role headers, ?as= on the event stream), the /dev routes mint tokens and move the clock'

/** What a server with real authentication but the /dev routes prints when it starts. */
const DEV_ROUTES_WARNING =
  'DEV MODE, NOT FOR PRODUCTION: the /dev routes credit tokens to anyone, switch flags and move the clock, without authentication'

/**
 * The `authenticate` a server runs with: the host's, or under `dev` the stand-in. Without
 * either it throws, so that a server without real authentication never starts by accident.
 */
function chooseAuthenticate({ authenticate, dev }) {
  if (authenticate !== undefined && typeof authenticate !== 'function') {
    throw new TypeError('authenticate must be a function (req) => { id, role } | null')
  }
  if (authenticate === devAuthenticate && !dev) throw new Error('the header stand-in (devAuthenticate) is for development only (dev: true)')
  if (authenticate) return authenticate
  if (dev) return devAuthenticate
  throw new Error(
    'refusing to start without authentication: pass createServer({ authenticate }) (or fanlineRoutes(engine, { authenticate })), ' +
      'a function from the request to the actor { id, role } or null; the header stand-in is only for development (--dev / { dev: true })',
  )
}

/** Runs `authenticate` for a request: the actor, or a 401 when there is none. */
async function actorOf(authenticate, req) {
  const actor = await authenticate(req)
  if (actor === null || actor === undefined) {
    throw new HttpError(401, 'UNAUTHENTICATED', 'sign in first')
  }
  return actor
}

module.exports = { DEV_ROUTES_WARNING, DEV_WARNING, actorOf, chooseAuthenticate, devAuthenticate }
