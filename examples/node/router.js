'use strict'
// The request pipeline every route runs through, for node:http and Express alike: the
// client's address (read first, before anything is awaited), CORS when configured, JSON-only
// state changes, path parameters, authentication on demand, shaped errors, and one metrics
// observation per response.
const cors = require('cors')

const { actorOf } = require('./auth')
const { HttpError, errorResponse, readJson, requireJson, sendError, sendJson } = require('./http')

/** `'/calls/:id/accept'` as a regex with named groups. */
function compile(pattern) {
  const source = pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}

/** Percent-decodes path parameters; a malformed escape (`%ZZ`) is a 400, not a crash. */
function decodeParams(groups = {}) {
  try {
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]))
  } catch {
    throw new HttpError(400, 'INVALID_INPUT', 'the path has a malformed percent-escape')
  }
}

/**
 * The `cors` option as middleware, or null when CORS is off (the default: same-origin pages
 * need none). `{ origins: ['https://app.example.com'], credentials? }`.
 */
function corsMiddleware(option) {
  if (!option) return null
  if (!Array.isArray(option.origins) || option.origins.some((o) => typeof o !== 'string')) {
    throw new TypeError('cors.origins must be a list of origins such as https://app.example.com')
  }
  return cors({
    origin: option.origins,
    credentials: Boolean(option.credentials),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    maxAge: 600,
  })
}

class Router {
  /**
   * `shared`: `{ engine, events, authenticate, clientAddress(req), metrics, logger, callLog,
   * cors }`; `headers`: added to every JSON answer of this router (X-Robots-Tag).
   */
  constructor(shared, headers = {}) {
    this.shared = shared
    this.headers = headers
    this.routes = []
    this.fallbacks = []
    this.cors = corsMiddleware(shared.cors)
  }

  /** The engine the routes run on. */
  get engine() {
    return this.shared.engine
  }

  /** Where every engine event is published (`subscribe('user:<id>', listener)`). */
  get events() {
    return this.shared.events
  }

  /** Adds a route; `handler(ctx)` resolves to `{ status?, body, headers? }`, or to nothing when it answered `ctx.res` itself. */
  route(method, pattern, handler) {
    this.routes.push({ method, pattern, regex: compile(pattern), handler })
  }

  /** Adds a fallback `handler(req, res)` tried before the 404; it returns true when it answered. */
  use(handler) {
    this.fallbacks.push(handler)
  }

  /**
   * Answers `req`. `next` (Express) is called for a path no route or fallback knows, so the
   * host's own routes after this one still work; without it that is a 404.
   */
  async handle(req, res, next) {
    // Before any await: the socket may be gone once the body has been read.
    const address = this.shared.clientAddress(req)
    const started = process.hrtime.bigint()
    const q = req.url.indexOf('?')
    const pathname = q < 0 ? req.url : req.url.slice(0, q)
    const search = q < 0 ? '' : req.url.slice(q + 1)
    const mount = req.baseUrl ?? ''
    const { headers } = this
    let routeLabel = 'unmatched'
    let code
    try {
      if (this.cors && (await this.runCors(req, res))) return
      if (address === undefined) throw new HttpError(400, 'INVALID_INPUT', 'the client address is unknown')
      let methodMismatch = false
      for (const route of this.routes) {
        const match = route.regex.exec(pathname)
        if (!match) continue
        if (route.method !== req.method) {
          methodMismatch = true
          continue
        }
        routeLabel = mount + route.pattern
        requireJson(req)
        const ctx = this.context(req, res, address, decodeParams(match.groups), new URLSearchParams(search))
        const out = await route.handler(ctx)
        if (out) sendJson(res, out.status ?? 200, out.body, { ...headers, ...out.headers })
        return
      }
      for (const fallback of this.fallbacks) {
        routeLabel = 'static'
        if (await fallback(req, res)) return
      }
      routeLabel = 'unmatched'
      if (next && !methodMismatch) {
        routeLabel = undefined
        next()
        return
      }
      if (methodMismatch) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`)
      throw new HttpError(404, 'NOT_FOUND', 'no such route')
    } catch (err) {
      const answer = errorResponse(err)
      code = answer.body.code
      if (answer.unexpected) this.shared.logger.error({ err, route: routeLabel }, 'unexpected error')
      if (res.headersSent) res.destroy()
      else sendError(res, answer, headers)
    } finally {
      if (routeLabel !== undefined) {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9
        this.shared.metrics.observe({ method: req.method, route: routeLabel, status: res.statusCode, code, seconds })
      }
    }
  }

  /** Runs the cors middleware; true when it answered a preflight itself. */
  runCors(req, res) {
    return new Promise((resolve, reject) => {
      this.cors(req, res, (err) => (err ? reject(err) : resolve(false)))
      if (res.writableEnded) resolve(true)
    })
  }

  context(req, res, address, params, query) {
    const { engine, events, authenticate } = this.shared
    return {
      req,
      res,
      params,
      query,
      engine,
      events,
      log: this.shared.callLog,
      /** The client's address (after trusted proxies), read when the request arrived. */
      address,
      /** The authenticated actor, or a 401. */
      actor: () => actorOf(authenticate, req),
      body: () => readJson(req),
      /**
       * Publishes an outcome's events, logs its call events (`calls`: the CallViews at hand,
       * others are read) and resolves to its value.
       */
      publish: async (outcome, calls) => {
        events.publish(outcome.events)
        await this.shared.callLog.events(outcome.events, calls)
        return outcome.value
      },
    }
  }
}

module.exports = { Router }
