'use strict'
// The routes as middleware: `fanlineRoutes(engine, { authenticate })` is a `(req, res, next)`
// function for Express (`app.use('/api', fanlineRoutes(engine, { authenticate }))`) or any
// node:http style framework; createServer (server.js) runs the same routes on node:http.
//
// Mount it before any body parser: it reads the client's address as the request arrives (a
// body parser in front awaits the body first, and a client that resets meanwhile leaves no
// address: such requests are refused). It reads JSON bodies itself; an `express.json()` in
// front is also understood.
const { X_ROBOTS_TAG } = require('../../bindings-node')
const { DEV_ROUTES_WARNING, DEV_WARNING, chooseAuthenticate, devAuthenticate } = require('./auth')
const { callRoutes } = require('./calls')
const { clientAddressOf } = require('./client-ip')
const { EventHub } = require('./events')
const { fanRoutes } = require('./fans')
const { callLog, createLogger } = require('./log')
const { createMetrics } = require('./metrics')
const { Router } = require('./router')
const { SseTransport } = require('./sse')

/**
 * What every route shares, from the options of fanlineRoutes / createServer:
 * - `authenticate(req)`: the host's authentication, required unless `dev` (see auth.js);
 * - `dev`: the header stand-in instead (a warning is logged) — NOT FOR PRODUCTION;
 * - `trustProxy`: addresses / CIDR ranges of reverse proxies whose X-Forwarded-For is believed;
 * - `cors`: `{ origins: [...], credentials? }`; off by default;
 * - `logger`: a pino logger (default: JSON lines on stdout);
 * - `registry`: the prom-client Registry to put the request metrics in (default: a new one);
 * - `events`: an EventHub to publish to, and `onEvent(event)`, called for every engine event.
 */
function sharedState(engine, options) {
  const logger = options.logger ?? createLogger()
  const authenticate = chooseAuthenticate(options)
  if (authenticate === devAuthenticate) logger.warn(DEV_WARNING)
  else if (options.dev) logger.warn(DEV_ROUTES_WARNING)
  const events = options.events ?? new EventHub()
  if (options.onEvent) events.onEvent(options.onEvent)
  return {
    engine,
    events,
    authenticate,
    logger,
    callLog: callLog(logger, engine),
    metrics: createMetrics(options.registry),
    clientAddress: clientAddressOf(options.trustProxy),
    cors: options.cors,
  }
}

/** Registers the /api routes on `router` under `prefix`: fans, calls and the event stream. */
function apiRoutes(router, prefix, shared, options) {
  fanRoutes(router, prefix)
  callRoutes(router, prefix)
  if (options.eventStream === false) return
  const { engine, events } = shared
  const transport = new SseTransport(events, () => ({ now: new Date(engine.nowMs()).toISOString(), simulated: engine.simulatedClock }))
  // Each user's engine events as Server-Sent Events, authenticated like every route. A host on
  // Ably, Pusher, ... passes `eventStream: false` and publishes from `onEvent` instead.
  router.route('GET', `${prefix}/events`, async (ctx) => {
    const actor = await ctx.actor()
    transport.open(ctx.req, ctx.res, `user:${actor.id}`)
  })
}

/**
 * Runs the sweeper once: invitations past their time become missed calls, connected calls
 * past their limit end; the events are published and logged. Resolves to those call ids.
 */
async function sweep(shared) {
  const outcome = await shared.engine.expireDue()
  shared.events.publish(outcome.events)
  await shared.callLog.events(outcome.events)
  return outcome.value
}

/**
 * Starts sweeping every `intervalMs` (the seed: 30 s); returns the function that stops it. A
 * failed sweep is logged and retried on the next tick.
 */
function startSweeper(shared, intervalMs = 30_000) {
  const timer = setInterval(() => {
    sweep(shared).catch((err) => shared.logger.error({ code: err.code }, 'expireDue failed'))
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * The seed's /fans and /calls routes (and /events) as `(req, res, next)` middleware. Options:
 * see `sharedState`, plus `eventStream: false` to leave out the SSE endpoint. The function
 * also carries `events` (the EventHub), `registry` (its metrics), `logger`, `sweep()` and
 * `startSweeper(intervalMs)`: the host runs the invitation sweeper.
 */
function fanlineRoutes(engine, options = {}) {
  const shared = sharedState(engine, options)
  const router = new Router(shared, { 'X-Robots-Tag': X_ROBOTS_TAG })
  apiRoutes(router, '', shared, options)
  const middleware = (req, res, next) => {
    router.handle(req, res, next)
  }
  return Object.assign(middleware, {
    events: shared.events,
    registry: shared.metrics.registry,
    logger: shared.logger,
    sweep: () => sweep(shared),
    startSweeper: (intervalMs) => startSweeper(shared, intervalMs),
  })
}

module.exports = { apiRoutes, fanlineRoutes, sharedState, startSweeper, sweep }
