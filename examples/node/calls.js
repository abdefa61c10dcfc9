'use strict'
// The seed's /api/calls routes on the engine, and the live meter of a connected call. Every
// call transition writes one structured log line (log.js).
const { billedSeconds, costAt, maxAffordableSeconds } = require('../../bindings-node')
const { limitKey } = require('./client-ip')
const { HttpError } = require('./http')

/**
 * What initiate takes from a request body: the fan, the call type and the message. Nothing
 * that moves money: the rate is the creator's price as the engine knows it, never a number
 * the caller sends.
 */
function initiateRequest(body, address) {
  const request = { fanId: body.fanId, callType: body.callType, ip: limitKey(address) }
  if (body.message !== undefined) request.message = body.message
  return request
}

/** Registers the call routes on `app` under `prefix` (`/api`, or `''` when mounted by Express). */
function callRoutes(app, prefix) {
  // A creator calls a fan: { fanId, callType: 'voice' | 'video', message? }. The body is read
  // first: once it is in, the call counts against the client's address even if the client
  // is gone by the time authentication has answered.
  app.route('POST', `${prefix}/calls/initiate`, async (ctx) => {
    const body = await ctx.body()
    const actor = await ctx.actor()
    let call
    try {
      call = ctx.publish(await ctx.engine.initiate(actor, initiateRequest(body, ctx.address)))
    } catch (err) {
      if (err && err.name === 'FanlineError') ctx.log.refused(actor, body, err)
      throw err
    }
    ctx.log.call('call_initiated', call, { ratePerMinute: call.ratePerMinute })
    return { status: 201, body: { ok: true, call } }
  })

  app.route('GET', `${prefix}/calls/pending`, async (ctx) => {
    const calls = await ctx.engine.pending(await ctx.actor())
    return { body: { ok: true, calls } }
  })

  // ?limit=1..100&cursor=<nextCursor of the previous page>
  app.route('GET', `${prefix}/calls/history`, async (ctx) => {
    const limit = ctx.query.has('limit') ? Number(ctx.query.get('limit')) : 20
    const page = await ctx.engine.history(await ctx.actor(), { limit, cursor: ctx.query.get('cursor') })
    return { body: { ok: true, ...page } }
  })

  // The fan accepts: both sides' join information is made; the fan gets its own here, the
  // creator fetches its own with POST /api/calls/:id/token (events never carry tokens).
  app.route('POST', `${prefix}/calls/:id/accept`, async (ctx) => {
    const outcome = await ctx.engine.accept(await ctx.actor(), ctx.params.id)
    const accepted = ctx.publish(outcome)
    if (outcome.events.length > 0) ctx.log.call('call_accepted', accepted.call)
    return { body: { ok: true, call: accepted.call, join: accepted.fan } }
  })

  app.route('POST', `${prefix}/calls/:id/decline`, async (ctx) => {
    const outcome = await ctx.engine.decline(await ctx.actor(), ctx.params.id)
    const call = ctx.publish(outcome)
    if (outcome.events.length > 0) ctx.log.call('call_declined', call)
    return { body: { ok: true, call } }
  })

  app.route('POST', `${prefix}/calls/:id/cancel`, async (ctx) => {
    const outcome = await ctx.engine.cancel(await ctx.actor(), ctx.params.id)
    const call = ctx.publish(outcome)
    if (outcome.events.length > 0) ctx.log.call('call_cancelled', call)
    return { body: { ok: true, call } }
  })

  // Ending twice answers the same settlement; only the first end is a call event.
  app.route('POST', `${prefix}/calls/:id/end`, async (ctx) => {
    const actor = await ctx.actor()
    const outcome = await ctx.engine.end(actor, ctx.params.id)
    const { call, settlement } = ctx.publish(outcome)
    if (outcome.events.length > 0) {
      ctx.log.call('call_ended', call, {
        by: actor.id,
        billedSeconds: settlement.bill.billedSeconds,
        ratePerMinute: call.ratePerMinute,
        charged: settlement.charged,
      })
    }
    return { body: { ok: true, call, settlement } }
  })

  // A fresh Agora token for the caller's side of a connected call.
  app.route('POST', `${prefix}/calls/:id/token`, async (ctx) => {
    const join = await ctx.engine.refreshToken(await ctx.actor(), ctx.params.id)
    return { body: { ok: true, join } }
  })

  // The live meter of a connected call, on the engine's clock and billing rules: whole
  // seconds so far and their price (costAt). The fan also gets how long their balance lasts
  // (maxAffordableSeconds, null for a free call); the creator does not see the fan's balance.
  // connectedAt has whole seconds, so the meter can run up to a second ahead of the bill.
  app.route('GET', `${prefix}/calls/:id/meter`, async (ctx) => {
    const actor = await ctx.actor()
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

  app.route('GET', `${prefix}/calls/:id/status`, async (ctx) => {
    const status = await ctx.engine.status(await ctx.actor(), ctx.params.id)
    return { body: { ok: true, ...status } }
  })
}

module.exports = { callRoutes }
