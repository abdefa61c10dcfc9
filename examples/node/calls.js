'use strict'
// The seed's /api/calls routes on the engine, and the live meter of a connected call. Every
// call transition writes one structured log line (log.js).
const { billedSeconds, costAt } = require('../../bindings-node')
const { HttpError } = require('./http')

/**
 * What initiate takes from a request body: the fan, the call type and the message. Nothing
 * that moves money: the rate is the creator's stored price (PUT /api/calls/price), never a
 * number the caller sends. The client address feeds the per-IP limit (the engine keys IPv6
 * addresses by their /64).
 */
function initiateRequest(body, address) {
  const request = { fanId: body.fanId, callType: body.callType, ip: address }
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
    let outcome
    try {
      outcome = await ctx.engine.initiate(actor, initiateRequest(body, ctx.address))
    } catch (err) {
      if (err && err.name === 'FanlineError') ctx.log.refused(actor, body, err)
      throw err
    }
    const call = await ctx.publish(outcome, [outcome.value])
    return { status: 201, body: { ok: true, call } }
  })

  // A creator's own price per minute for the calls they start from now on:
  // { ratePerMinute }. The authenticated creator sets their own price, so the route may take
  // it from the body; nobody can set another creator's price here.
  app.route('PUT', `${prefix}/calls/price`, async (ctx) => {
    const actor = await ctx.actor()
    const { ratePerMinute } = await ctx.body()
    const price = await ctx.publish(await ctx.engine.setCallPrice(actor, actor.id, ratePerMinute))
    return { body: { ok: true, ratePerMinute: price } }
  })

  // A creator's price per minute (theirs, or the default), for any signed-in user.
  app.route('GET', `${prefix}/calls/price/:creatorId`, async (ctx) => {
    await ctx.actor()
    const ratePerMinute = await ctx.engine.callPrice(ctx.params.creatorId)
    return { body: { ok: true, creatorId: ctx.params.creatorId, ratePerMinute } }
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

  // The fan accepts, with the price they were shown: { maxRatePerMinute } (required; a call
  // that costs more is a 409 PRICE_CHANGED). Both sides' join information is made; the fan
  // gets its own here, the creator fetches its own with POST /api/calls/:id/token (events
  // never carry tokens).
  app.route('POST', `${prefix}/calls/:id/accept`, async (ctx) => {
    const actor = await ctx.actor()
    const { maxRatePerMinute } = await ctx.body()
    if (maxRatePerMinute == null) {
      throw new HttpError(400, 'INVALID_INPUT', 'send maxRatePerMinute: the price per minute the fan was shown')
    }
    const outcome = await ctx.engine.accept(actor, ctx.params.id, { maxRatePerMinute })
    const accepted = await ctx.publish(outcome, [outcome.value.call])
    return { body: { ok: true, call: accepted.call, join: accepted.fan } }
  })

  app.route('POST', `${prefix}/calls/:id/decline`, async (ctx) => {
    const outcome = await ctx.engine.decline(await ctx.actor(), ctx.params.id)
    const call = await ctx.publish(outcome, [outcome.value])
    return { body: { ok: true, call } }
  })

  app.route('POST', `${prefix}/calls/:id/cancel`, async (ctx) => {
    const outcome = await ctx.engine.cancel(await ctx.actor(), ctx.params.id)
    const call = await ctx.publish(outcome, [outcome.value])
    return { body: { ok: true, call } }
  })

  // Ending twice answers the same settlement (and no second event).
  app.route('POST', `${prefix}/calls/:id/end`, async (ctx) => {
    const outcome = await ctx.engine.end(await ctx.actor(), ctx.params.id)
    const { call, settlement } = await ctx.publish(outcome, [outcome.value.call])
    return { body: { ok: true, call, settlement } }
  })

  // A fresh Agora token for the caller's side of a connected call.
  app.route('POST', `${prefix}/calls/:id/token`, async (ctx) => {
    const join = await ctx.engine.refreshToken(await ctx.actor(), ctx.params.id)
    return { body: { ok: true, join } }
  })

  // The live meter of a connected call, on the engine's clock and billing rules: whole
  // seconds so far and their price (costAt). The fan also gets how long the call may last
  // (maxAffordableSeconds: the limit fixed at accept from the balance then; tokens bought
  // since do not extend it).
  // connectedAt has whole seconds, so the meter can run up to a second ahead of the bill.
  app.route('GET', `${prefix}/calls/:id/meter`, async (ctx) => {
    const actor = await ctx.actor()
    const { call } = await ctx.engine.status(actor, ctx.params.id)
    if (call.state !== 'connected') throw new HttpError(409, 'INVALID_STATE', `the call is ${call.state}`)
    const { billing } = ctx.engine.config()
    const elapsedSeconds = billedSeconds(Date.parse(call.connectedAt), ctx.engine.nowMs())
    const meter = { ok: true, elapsedSeconds, ratePerMinute: call.ratePerMinute, cost: costAt(billing, elapsedSeconds, call.ratePerMinute) }
    if (actor.id === call.fanId) {
      meter.maxAffordableSeconds = (Date.parse(call.limitAt) - Date.parse(call.connectedAt)) / 1000
    }
    return { body: meter }
  })

  app.route('GET', `${prefix}/calls/:id/status`, async (ctx) => {
    const status = await ctx.engine.status(await ctx.actor(), ctx.params.id)
    return { body: { ok: true, ...status } }
  })
}

module.exports = { callRoutes }
