'use strict'
// An HTTP backend with the seed's /api/fans and /api/calls routes on the fanline binding, on
// node:http. `createServer(options)` builds it; main.js runs it. The same routes are available
// as Express middleware (routes.js: `fanlineRoutes`).
//
// Besides the API it serves /health, robots.txt, /metrics (Prometheus, to loopback by
// default), the web example (web.js: examples/web/'s pages and the share card page) and, under
// --dev only, the /dev routes. Extension points: `app.route(method, path, handler)` adds a
// route and `app.use(handler)` a fallback tried before the 404; `app.events` is where every
// engine event is published (`subscribe('user:<id>', listener)` for one user's events).
const http = require('node:http')
const proxyaddr = require('proxy-addr')

const { Fanline, ROBOTS_TXT, X_ROBOTS_TAG } = require('../../bindings-node')
const { devRoutes } = require('./dev')
const { HttpError } = require('./http')
const { Router } = require('./router')
const { apiRoutes, sharedState, startSweeper, sweep } = require('./routes')
const { webRoutes } = require('./web')

/**
 * Builds the backend.
 *
 * options:
 * - `engine`: a `Fanline` instance, or `config`: the config to build one;
 * - `authenticate(req)`: the host's authentication, `{ id, role }` or null (auth.js). Required:
 *   without it createServer throws, unless `dev`;
 * - `dev`: the header stand-in for authentication and the /dev routes (simulated clock,
 *   credits, flags) — NOT FOR PRODUCTION (a warning is logged);
 * - `trustProxy`: addresses / CIDR ranges of reverse proxies whose X-Forwarded-For is believed;
 * - `cors`: `{ origins: ['https://app.example.com'], credentials? }`; off by default;
 * - `metricsFrom`: who may read /metrics, as addresses / CIDR ranges (default `['loopback']`);
 * - `logger` (pino), `registry` (prom-client), `onEvent(event)`, `eventStream: false`: as
 *   for fanlineRoutes (routes.js);
 * - `sweepIntervalMs`: how often invitations are expired (default 30000, 0 = never).
 *
 * Returns `{ server, app, engine, events, registry, logger, sweep }`; `server` is a node:http
 * server not yet listening.
 */
function createServer(options = {}) {
  const engine = options.engine ?? new Fanline(options.config)
  const shared = sharedState(engine, options)
  const app = new Router(shared, { 'X-Robots-Tag': X_ROBOTS_TAG })
  const metricsFrom = proxyaddr.compile(options.metricsFrom ?? ['loopback'])

  // The store's health (one cheap read); a load balancer gets 503 and the error shape when it is down.
  const health = async () => {
    const { error, ...h } = await engine.health().catch((err) => ({ ok: false, store: null, error: err }))
    const body = { ...h, flags: engine.flags(), nowMs: engine.nowMs() }
    return error ? { status: 503, body: { ...body, code: error.code, error: error.message } } : { body }
  }
  app.route('GET', '/health', health)
  app.route('HEAD', '/health', health)
  app.route('GET', '/robots.txt', async (ctx) => {
    ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
    ctx.res.end(ROBOTS_TXT)
  })
  // Operators' numbers: not for the public (answered as if it did not exist).
  app.route('GET', '/metrics', async (ctx) => {
    if (!metricsFrom(ctx.address)) throw new HttpError(404, 'NOT_FOUND', 'no such route')
    const { registry } = shared.metrics
    const text = await registry.metrics()
    ctx.res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' })
    ctx.res.end(text)
  })
  apiRoutes(app, '/api', shared, options)
  if (options.dev) devRoutes(app, shared)
  webRoutes(app)

  const server = http.createServer((req, res) => {
    app.handle(req, res)
  })

  const sweepMs = options.sweepIntervalMs ?? 30_000
  if (sweepMs > 0) server.on('close', startSweeper(shared, sweepMs))

  return {
    server,
    app,
    engine,
    events: shared.events,
    registry: shared.metrics.registry,
    logger: shared.logger,
    /** Runs the sweeper once now (the timer runs it every `sweepIntervalMs`). */
    sweep: () => sweep(shared),
  }
}

module.exports = { createServer }
