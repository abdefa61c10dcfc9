'use strict'
// The seed's /api/calls routes on the engine, and the live meter of a connected call.
const { billedSeconds, costAt, maxAffordableSeconds } = require('../../bindings-node')
const { HttpError } = require('./http')

/** Registers the call routes on `app`. */
function callRoutes(app) {
  // A creator calls a fan: { fanId, callType: 'voice' | 'video', message? }.
  app.route('POST', '/api/calls/initiate', async (ctx) => {
    const body = await ctx.body()
    const request = { ...body, ip: ctx.req.socket.remoteAddress }
    const call = ctx.publish(await ctx.engine.initiate(ctx.actor(), request))
    return { status: 201, body: { ok: true, call } }
  })

  app.route('GET', '/api/calls/pending', async (ctx) => {
    const calls = await ctx.engine.pending(ctx.actor())
    return { body: { ok: true, calls } }
  })

  // ?limit=1..100&cursor=<nextCursor of the previous page>
  app.route('GET', '/api/calls/history', async (ctx) => {
    const limit = ctx.query.has('limit') ? Number(ctx.query.get('limit')) : 20
    const page = await ctx.engine.history(ctx.actor(), { limit, cursor: ctx.query.get('cursor') })
    return { body: { ok: true, ...page } }
  })

  // The fan accepts: both sides' join information is made; the fan gets its own here, the
  // creator fetches its own with POST /api/calls/:id/token (events never carry tokens).
  app.route('POST', '/api/calls/:id/accept', async (ctx) => {
    const accepted = ctx.publish(await ctx.engine.accept(ctx.actor(), ctx.params.id))
    return { body: { ok: true, call: accepted.call, join: accepted.fan } }
  })

  app.route('POST', '/api/calls/:id/decline', async (ctx) => {
    const call = ctx.publish(await ctx.engine.decline(ctx.actor(), ctx.params.id))
    return { body: { ok: true, call } }
  })

  app.route('POST', '/api/calls/:id/cancel', async (ctx) => {
    const call = ctx.publish(await ctx.engine.cancel(ctx.actor(), ctx.params.id))
    return { body: { ok: true, call } }
  })

  app.route('POST', '/api/calls/:id/end', async (ctx) => {
    const ended = ctx.publish(await ctx.engine.end(ctx.actor(), ctx.params.id))
    return { body: { ok: true, call: ended.call, settlement: ended.settlement } }
  })

  // A fresh Agora token for the caller's side of a connected call.
  app.route('POST', '/api/calls/:id/token', async (ctx) => {
    const join = await ctx.engine.refreshToken(ctx.actor(), ctx.params.id)
    return { body: { ok: true, join } }
  })

  // The live meter of a connected call, on the engine's clock and billing rules: whole
  // seconds so far and their price (costAt). The fan also gets how long their balance lasts
  // (maxAffordableSeconds, null for a free call); the creator does not see the fan's balance.
  // connectedAt has whole seconds, so the meter can run up to a second ahead of the bill.
  app.route('GET', '/api/calls/:id/meter', async (ctx) => {
    const actor = ctx.actor()
    const { call } = await ctx.engine.status(actor, ctx.params.id)
    if (call.state !== 'connected') throw new HttpError(409, 'INVALID_STATE', `the call is ${call.state}`)
    const { billing, ledger } = ctx.engine.config()
    const elapsedSeconds = billedSeconds(Date.parse(call.connectedAt), ctx.engine.nowMs())
    const meter = { ok: true, elapsedSeconds, ratePerMinute: call.ratePerMinute, cost: costAt(billing, elapsedSeconds, call.ratePerMinute) }
    if (actor.id === call.fanId) {
      // Without the ledger nobody holds a balance, so nothing runs out.
      const seconds = ledger ? maxAffordableSeconds(billing, await ctx.engine.balance(actor, actor.id), call.ratePerMinute) : Infinity
      meter.maxAffordableSeconds = Number.isFinite(seconds) ? seconds : null
    }
    return { body: meter }
  })

  app.route('GET', '/api/calls/:id/status', async (ctx) => {
    const status = await ctx.engine.status(ctx.actor(), ctx.params.id)
    return { body: { ok: true, ...status } }
  })
}

module.exports = { callRoutes }
