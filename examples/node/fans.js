'use strict'
// The seed's /api/fans routes on the engine. Every response carries X-Robots-Tag (the router
// adds it): fan data is never indexed.

/** Registers the fan routes on `app` under `prefix` (`/api`, or `''` when mounted by Express). */
function fanRoutes(app, prefix) {
  // The caller's own privacy settings and display profile.
  app.route('GET', `${prefix}/fans/me`, async (ctx) => {
    const actor = await ctx.actor()
    const [settings, profile] = await Promise.all([ctx.engine.settings(actor), ctx.engine.profile(actor.id)])
    return { body: { ok: true, settings, profile } }
  })

  // Partial update of the caller's settings: { visibility?, allowDm?, allowCalls?, allowSearch? }.
  app.route('PATCH', `${prefix}/fans/me`, async (ctx) => {
    const settings = await ctx.publish(await ctx.engine.updateSettings(await ctx.actor(), await ctx.body()))
    return { body: { ok: true, settings } }
  })

  // Mint a new share link (visibility must be 'link'); the token is shown once. `url` is the
  // public card page (web.js).
  app.route('POST', `${prefix}/fans/share/enable`, async (ctx) => {
    const link = await ctx.publish(await ctx.engine.enableShare(await ctx.actor()))
    return { body: { ok: true, token: link.token, url: `/u/${link.token}`, expiresAt: link.expiresAt } }
  })

  app.route('POST', `${prefix}/fans/share/disable`, async (ctx) => {
    const disabled = await ctx.publish(await ctx.engine.disableShare(await ctx.actor()))
    return { body: { ok: true, disabled } }
  })

  // Public: the share card behind a link. No authentication.
  app.route('GET', `${prefix}/fans/share/:token`, async (ctx) => {
    const card = await ctx.engine.resolveShare(ctx.params.token)
    return { body: { ok: true, card } }
  })

  // Blocks, either direction.
  app.route('POST', `${prefix}/fans/blocks/:userId`, async (ctx) => {
    const changed = await ctx.publish(await ctx.engine.block(await ctx.actor(), ctx.params.userId))
    return { body: { ok: true, blocked: true, changed } }
  })
  app.route('DELETE', `${prefix}/fans/blocks/:userId`, async (ctx) => {
    const changed = await ctx.publish(await ctx.engine.unblock(await ctx.actor(), ctx.params.userId))
    return { body: { ok: true, blocked: false, changed } }
  })

  // A creator's view of a fan, with canMessage / canCall.
  app.route('GET', `${prefix}/fans/:fanId`, async (ctx) => {
    const profile = await ctx.engine.miniProfile(await ctx.actor(), ctx.params.fanId)
    return { body: { ok: true, profile } }
  })

  app.route('GET', `${prefix}/fans/:fanId/relationship`, async (ctx) => {
    const relationships = await ctx.engine.relationship(await ctx.actor(), ctx.params.fanId)
    return { body: { ok: true, relationships } }
  })
}

module.exports = { fanRoutes }
