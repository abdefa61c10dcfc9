// The example backend on an ephemeral localhost port, two ways: createServer (node:http) and
// fanlineRoutes mounted in a real Express app. Both get the same engine configuration, a
// test `authenticate` (bearer sessions, as a real host's would be), and a logger whose JSON
// lines the tests read. `api(method, path, { as, body, raw, headers })` calls it over HTTP.
import { createRequire } from 'node:module'
import { Writable } from 'node:stream'

const require = createRequire(import.meta.url)
const express = require('express')
const { Fanline } = require('../../../bindings-node')
const { createLogger } = require('../log.js')
const { fanlineRoutes } = require('../routes.js')
const { createServer } = require('../server.js')

export const APP_ID = '970CA35de60c44645bbae8a215061b33'
export const CERT = '5CFd2fd1755d40ecb72977518be15d3b'
export const SHARE_SECRET = 'example-test-share-key-0123456789'
export const START_MS = 1_795_608_000_000

export const fan = { id: 'fan_ada', role: 'fan' }
export const creator = { id: 'creator_max', role: 'creator' }
export const admin = { id: 'ops', role: 'admin' }

export function engineConfig() {
  return {
    store: 'memory:',
    agora: { appId: APP_ID, appCertificate: CERT },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] },
    flags: { calls: true, fan_share_card: true },
    clock: { manualStartMs: START_MS },
    // The seed's per-IP limit (the engine has none unless configured).
    limits: { ipRate: { max: 5, periodMs: 60_000 } },
  }
}

/** A pino logger writing into `lines` (each line parsed), with the backend's own settings. */
export function captureLogs() {
  const lines = []
  const raw = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line)
        lines.push(JSON.parse(line))
      }
      done()
    },
  })
  return { logger: createLogger(stream), lines, raw }
}

/**
 * Bearer sessions: `tokenFor(actor)` makes one, `authenticate(req)` looks it up (null when
 * absent or unknown), as a host's session store would.
 */
export function sessions() {
  const byToken = new Map()
  let n = 0
  return {
    tokenFor(actor) {
      const token = `session-${++n}-${actor.id}`
      byToken.set(token, actor)
      return token
    },
    authenticate(req) {
      const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
      return (m && byToken.get(m[1])) ?? null
    },
  }
}

async function listen(server, host = '127.0.0.1') {
  await new Promise((resolve) => server.listen(0, host, resolve))
  return `http://${host}:${server.address().port}`
}

function client(base, auth) {
  return async (method, path, { as, body, raw, headers = {} } = {}) => {
    const h = { ...headers }
    if (as) h.authorization = `Bearer ${auth.tokenFor(as)}`
    if (method !== 'GET' && method !== 'HEAD' && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
      h['content-type'] = 'application/json'
    }
    const res = await fetch(base + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) })
    const text = await res.text()
    let json
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, json, text }
  }
}

function stopper(server) {
  return () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  }
}

/**
 * The sessions' authenticate, after `beforeAuthenticate(req)` when given: a test's stand-in for
 * an authentication that takes time (a session store lookup).
 */
function authenticateWith(auth, { beforeAuthenticate, ...options }) {
  if (!beforeAuthenticate) return [auth.authenticate, options]
  const authenticate = async (req) => {
    await beforeAuthenticate(req)
    return auth.authenticate(req)
  }
  return [authenticate, options]
}

/** createServer on node:http; `options` go to createServer (dev off, unless given). */
export async function startNodeHttp(opts = {}) {
  const auth = sessions()
  const logs = captureLogs()
  const engine = new Fanline(engineConfig())
  const [authenticate, options] = authenticateWith(auth, opts)
  const { server, registry, sweep } = createServer({ engine, authenticate, logger: logs.logger, sweepIntervalMs: 0, ...options })
  const base = await listen(server)
  return { kind: 'node:http', server, base, api: client(base, auth), auth, engine, logs, registry, sweep, stop: stopper(server) }
}

/**
 * fanlineRoutes in Express 5, mounted at /api as a host would, with the registry on /metrics
 * and a route of the host's own after it (a path the routes do not know falls through).
 */
export async function startExpress(opts = {}) {
  const auth = sessions()
  const logs = captureLogs()
  const engine = new Fanline(engineConfig())
  const [authenticate, { jsonParser, ...options }] = authenticateWith(auth, opts)
  const routes = fanlineRoutes(engine, { authenticate, logger: logs.logger, ...options })
  const app = express()
  // `jsonParser: true`: a host that parses JSON bodies before the routes.
  if (jsonParser) app.use(express.json())
  app.use('/api', routes)
  app.get('/api/host-route', (req, res) => res.json({ ok: true, host: true }))
  app.get('/metrics', async (req, res) => {
    res.set('Content-Type', routes.registry.contentType)
    res.end(await routes.registry.metrics())
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  return { kind: 'express', server, base, api: client(base, auth), auth, engine, logs, registry: routes.registry, sweep: routes.sweep, stop: stopper(server) }
}

/** Both ways of running the routes, for tests that must hold for each. */
export const TRANSPORTS = [
  ['node:http', startNodeHttp],
  ['express', startExpress],
]

/** A fan who follows `c` and holds tokens, set up through the engine (not over HTTP). */
export function befriend(engine, f, c, amount = 100) {
  engine.recordRelationshipSync(f, c.id, 'follow')
  engine.creditSync(admin, f.id, amount, `test-credit-${f.id}-${c.id}`)
}

/** Resolves once `predicate()` holds (polled), or fails after `ms`. */
export async function eventually(predicate, ms = 5_000) {
  const until = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
