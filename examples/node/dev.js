'use strict'
// DEVELOPMENT ROUTES — NOT FOR PRODUCTION. Registered only with `--dev` / `{ dev: true }`.
// They drive the simulated clock, credit tokens, flip feature flags and record relationships,
// so the web example and the browser tests can play a whole call in seconds.
const { sweep } = require('./routes')

const DEV_ADMIN = { id: 'dev-admin', role: 'admin' }

/** Registers the /dev routes on `app`; `shared`: the routes' shared state (routes.js). */
function devRoutes(app, shared) {
  // { ms }: moves the simulated clock (the engine must run with clock: { manualStartMs }).
  app.route('POST', '/dev/clock/advance', async (ctx) => {
    const { ms } = await ctx.body()
    const nowMs = ctx.engine.advanceClock(ms)
    ctx.events.clockMoved()
    return { body: { ok: true, nowMs } }
  })

  // { userId, amount, reference? }: tokens from the issuance account.
  app.route('POST', '/dev/credit', async (ctx) => {
    const { userId, amount, reference } = await ctx.body()
    const ref = reference ?? `dev-${Date.now()}-${Math.random().toString(36).slice(2)}`
    const balance = await ctx.publish(await ctx.engine.credit(DEV_ADMIN, userId, amount, ref))
    return { body: { ok: true, balance } }
  })

  // { name, on }: a feature flag.
  app.route('POST', '/dev/flags', async (ctx) => {
    const { name, on } = await ctx.body()
    ctx.engine.setFlag(name, on)
    return { body: { ok: true, flags: ctx.engine.flags() } }
  })

  // { otherId, kind }: the caller records a relationship (a fan follows a creator, ...).
  app.route('POST', '/dev/relationships', async (ctx) => {
    const { otherId, kind } = await ctx.body()
    await ctx.publish(await ctx.engine.recordRelationship(await ctx.actor(), otherId, kind))
    return { body: { ok: true } }
  })

  // { displayName, avatarUrl? }: the caller's display profile.
  app.route('POST', '/dev/profile', async (ctx) => {
    const profile = await ctx.publish(await ctx.engine.setProfile(await ctx.actor(), await ctx.body()))
    return { body: { ok: true, profile } }
  })

  // Runs the invitation sweeper now.
  app.route('POST', '/dev/expire', async (ctx) => {
    const expired = await sweep(shared)
    return { body: { ok: true, expired } }
  })
}

module.exports = { devRoutes }
