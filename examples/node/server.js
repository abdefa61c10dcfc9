'use strict'
// An HTTP backend with the seed's /api/fans and /api/calls routes on the fanline binding,
// using only node:http. `createServer(options)` builds it; main.js runs it.
//
// It also serves the web example (web.js: examples/web/'s pages, the share card page, the
// event stream). Extension points: `app.route(method, path, handler)` adds a route and
// `app.use(handler)` adds a fallback tried before the 404; `app.events` is where every engine
// event is published (`subscribe('user:<id>', listener)` for one user's events).
const http = require('node:http')

const { Fanline, ROBOTS_TXT, X_ROBOTS_TAG } = require('../../bindings-node')
const { actorOf } = require('./auth')
const { callRoutes } = require('./calls')
const { devRoutes } = require('./dev')
const { EventHub } = require('./events')
const { fanRoutes } = require('./fans')
const { HttpError, readJson, sendError, sendJson } = require('./http')
const { webRoutes } = require('./web')

/** `'/api/calls/:id/accept'` as a regex with named groups. */
function compile(pattern) {
  const source = pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}

/**
 * Builds the backend.
 *
 * options:
 * - `engine`: a `Fanline` instance, or `config`: the config to build one;
 * - `dev`: registers the /dev routes (simulated clock, credits, flags) — NOT FOR PRODUCTION;
 * - `sweepIntervalMs`: how often invitations are expired (default 30000, 0 = never);
 * - `onEvent(event)`: called for every engine event (a realtime provider's publish).
 *
 * Returns `{ server, app, engine, events }`; `server` is a node:http server not yet listening.
 */
function createServer(options = {}) {
  const engine = options.engine ?? new Fanline(options.config)
  const events = new EventHub()
  if (options.onEvent) events.onEvent(options.onEvent)

  const routes = []
  const fallbacks = []
  const app = {
    engine,
    events,
    dev: Boolean(options.dev),
    /** Adds a route; `handler(ctx)` resolves to `{ status?, body, headers? }`, or to nothing when it answered `ctx.res` itself. */
    route(method, pattern, handler) {
      routes.push({ method, regex: compile(pattern), handler })
    },
    /** Adds a fallback `handler(req, res)` tried before the 404; it returns true when it answered. */
    use(handler) {
      fallbacks.push(handler)
    },
  }

  app.route('GET', '/health', async () => ({ body: { ok: true, flags: engine.flags(), nowMs: engine.nowMs() } }))
  app.route('GET', '/robots.txt', async (ctx) => {
    ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
    ctx.res.end(ROBOTS_TXT)
  })
  fanRoutes(app)
  callRoutes(app)
  if (app.dev) devRoutes(app)
  webRoutes(app)

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost')
    // Fan-facing responses, errors included, are never indexed.
    const headers = url.pathname.startsWith('/api/fans') ? { 'X-Robots-Tag': X_ROBOTS_TAG } : {}
    try {
      let methodMismatch = false
      for (const route of routes) {
        const match = route.regex.exec(url.pathname)
        if (!match) continue
        if (route.method !== req.method) {
          methodMismatch = true
          continue
        }
        const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]))
        const ctx = {
          req,
          res,
          params,
          query: url.searchParams,
          engine,
          events,
          actor: () => actorOf(req),
          body: () => readJson(req),
          /** Publishes an outcome's events and returns its value. */
          publish: (outcome) => {
            events.publish(outcome.events)
            return outcome.value
          },
        }
        const out = await route.handler(ctx)
        if (out) sendJson(res, out.status ?? 200, out.body, { ...headers, ...out.headers })
        return
      }
      for (const fallback of fallbacks) {
        if (await fallback(req, res)) return
      }
      if (methodMismatch) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`)
      throw new HttpError(404, 'NOT_FOUND', 'no such route')
    } catch (err) {
      if (res.headersSent) {
        res.destroy(err)
        return
      }
      sendError(res, err, headers)
    }
  })

  const sweepMs = options.sweepIntervalMs ?? 30_000
  if (sweepMs > 0) {
    const timer = setInterval(() => {
      engine.expireDue().then((outcome) => events.publish(outcome.events), (err) => console.error('expireDue failed:', err.code))
    }, sweepMs)
    timer.unref()
    server.on('close', () => clearInterval(timer))
  }

  return { server, app, engine, events }
}

module.exports = { createServer }
