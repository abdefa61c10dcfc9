'use strict'
// What the web example (examples/web/) needs from the backend: its pages as static files and
// the public share card page at /u/:token (the event stream it listens to is one of the API
// routes, routes.js). createServer() installs it. Every page is a fan page, so every page is
// sent with X-Robots-Tag (and carries the robots meta tag itself).
const fs = require('node:fs/promises')
const path = require('node:path')

const { X_ROBOTS_TAG } = require('../../bindings-node')

const WEB_ROOT = path.join(__dirname, '..', 'web')
// Only what the pages load is served: not the templates, the tests or node_modules.
const STATIC_DIRS = new Set(['.', 'css', 'js', 'img'])
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

function escapeHtml(text) {
  const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
  return String(text).replace(/[&<>"']/g, (c) => entities[c])
}

/** Fills `{{name}}` in an HTML template with escaped values. */
async function render(template, values) {
  const text = await fs.readFile(path.join(WEB_ROOT, 'templates', template), 'utf8')
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => escapeHtml(values[name]))
}

/** The static fallback: a file of examples/web/ for GET and HEAD, or false to pass. */
async function serveStatic(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  let pathname
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname)
  } catch {
    return false
  }
  const relative = path.posix.normalize(pathname === '/' ? '/index.html' : pathname).slice(1)
  const type = TYPES[path.posix.extname(relative)]
  if (!type || relative.startsWith('..') || !STATIC_DIRS.has(path.posix.dirname(relative))) return false
  let body
  try {
    body = await fs.readFile(path.join(WEB_ROOT, relative))
  } catch {
    return false
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache', 'X-Robots-Tag': X_ROBOTS_TAG })
  res.end(req.method === 'HEAD' ? undefined : body)
  return true
}

/** Registers the web example's routes and static files on `app`. */
function webRoutes(app) {
  const { engine } = app

  // The public share card: display fields only, never indexed (meta tag and header), and a
  // friendly page with a 404 for a link that is revoked, expired, forged or switched off.
  app.route('GET', '/u/:token', async (ctx) => {
    let status = 200
    let html
    try {
      const card = await engine.resolveShare(ctx.params.token)
      html = await render('share-card.html', {
        displayName: card.displayName,
        avatarUrl: card.avatarUrl ?? '/img/avatar.svg',
        expiresOn: new Date(card.expiresAt).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' }),
      })
    } catch (err) {
      if (err.code !== 'NOT_FOUND' && err.code !== 'FEATURE_DISABLED') throw err
      status = 404
      html = await render('share-not-found.html', {})
    }
    ctx.res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Robots-Tag': X_ROBOTS_TAG,
    })
    ctx.res.end(html)
  })

  app.use(serveStatic)
}

module.exports = { webRoutes }
