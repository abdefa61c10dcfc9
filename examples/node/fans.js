'use strict'
// The seed's /api/fans routes on the engine. Every response of this group carries
// X-Robots-Tag (server.js adds it): fan pages are never indexed.

/** Registers the fan routes on `app`. */
function fanRoutes(app) {
  // The caller's own privacy settings and display profile.
  app.route('GET', '/api/fans/me', async (ctx) => {
    const actor = ctx.actor()
    const [settings, profile] = await Promise.all([ctx.engine.settings(actor), ctx.engine.profile(actor.id)])
    return { body: { ok: true, settings, profile } }
  })

  // Partial update of the caller's settings: { visibility?, allowDm?, allowCalls?, allowSearch? }.
  app.route('PATCH', '/api/fans/me', async (ctx) => {
    const settings = ctx.publish(await ctx.engine.updateSettings(ctx.actor(), await ctx.body()))
    return { body: { ok: true, settings } }
  })

  // Mint a new share link (visibility must be 'link'); the token is shown once. `url` is the
  // public card page (web.js).
  app.route('POST', '/api/fans/share/enable', async (ctx) => {
    const link = ctx.publish(await ctx.engine.enableShare(ctx.actor()))
    return { body: { ok: true, token: link.token, url: `/u/${link.token}`, expiresAt: link.expiresAt } }
  })

  app.route('POST', '/api/fans/share/disable', async (ctx) => {
    const disabled = ctx.publish(await ctx.engine.disableShare(ctx.actor()))
    return { body: { ok: true, disabled } }
  })

  // Public: the share card behind a link. No authentication.
  app.route('GET', '/api/fans/share/:token', async (ctx) => {
    const card = await ctx.engine.resolveShare(ctx.params.token)
    return { body: { ok: true, card } }
  })

  // Blocks, either direction.
  app.route('POST', '/api/fans/blocks/:userId', async (ctx) => {
    const changed = ctx.publish(await ctx.engine.block(ctx.actor(), ctx.params.userId))
    return { body: { ok: true, blocked: true, changed } }
  })
  app.route('DELETE', '/api/fans/blocks/:userId', async (ctx) => {
    const changed = ctx.publish(await ctx.engine.unblock(ctx.actor(), ctx.params.userId))
    return { body: { ok: true, blocked: false, changed } }
  })

  // A creator's view of a fan, with canMessage / canCall.
  app.route('GET', '/api/fans/:fanId', async (ctx) => {
    const profile = await ctx.engine.miniProfile(ctx.actor(), ctx.params.fanId)
    return { body: { ok: true, profile } }
  })

  app.route('GET', '/api/fans/:fanId/relationship', async (ctx) => {
    const relationships = await ctx.engine.relationship(ctx.actor(), ctx.params.fanId)
    return { body: { ok: true, relationships } }
  })
}

module.exports = { fanRoutes }
