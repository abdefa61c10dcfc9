// createServer over real HTTP on localhost in --dev mode (the header stand-in, the /dev
// routes): the full call flow, rate limiting with Retry-After, a flag switched off, the share
// card's noindex header, shaped error bodies; and what production mode refuses.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import { captureLogs, sessions } from './harness.mjs'

const require = createRequire(import.meta.url)
const { createServer } = require('../server.js')
const { verifyToken, X_ROBOTS_TAG } = require('../../../bindings-node')
const MAIN = new URL('../main.js', import.meta.url).pathname

const APP_ID = '970CA35de60c44645bbae8a215061b33'
const CERT = '5CFd2fd1755d40ecb72977518be15d3b'

const fan = { user: 'fan_ada', role: 'fan' }
const creator = { user: 'creator_max', role: 'creator' }

/** A backend on an ephemeral localhost port; `api(method, path, { as, body })` calls it. */
async function start(options = {}) {
  const seen = []
  const logs = captureLogs()
  const { server, app, engine } = createServer({
    logger: logs.logger,
    config: {
      store: 'memory:',
      agora: { appId: APP_ID, appCertificate: CERT },
      shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'example-test-share-key-0123456789' }] },
      flags: { calls: true, fan_share_card: true },
      clock: { manualStartMs: 1_795_608_000_000 },
    },
    dev: true,
    sweepIntervalMs: 0,
    onEvent: (e) => seen.push(e),
    ...options,
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  const api = async (method, path, { as, body, raw } = {}) => {
    const headers = {}
    if (as) Object.assign(headers, { 'x-user-id': as.user, 'x-user-role': as.role })
    if (method !== 'GET' && method !== 'HEAD') headers['content-type'] = 'application/json'
    const res = await fetch(base + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) })
    const text = await res.text()
    let json
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, json, text }
  }
  const stop = () => new Promise((resolve) => server.close(resolve))
  return { api, stop, app, engine, seen, logs, base }
}

/** A fan who follows the creator and holds tokens. */
async function befriend(api, f = fan, c = creator) {
  assert.equal((await api('POST', '/dev/relationships', { as: f, body: { otherId: c.user, kind: 'follow' } })).status, 200)
  assert.equal((await api('POST', '/dev/credit', { body: { userId: f.user, amount: 100 } })).status, 200)
}

test('health (GET and HEAD), robots.txt and unknown routes; the dev warning is logged', async () => {
  const { api, stop, logs } = await start()
  try {
    const health = await api('GET', '/health')
    assert.equal(health.status, 200)
    assert.equal(health.json.ok, true)
    assert.equal(health.json.flags.calls, true)
    const head = await api('HEAD', '/health')
    assert.equal(head.status, 200)
    assert.equal(head.text, '')
    assert.match(head.headers.get('content-type'), /^application\/json/)
    assert.ok(logs.lines.some((l) => l.level === 40 && /DEV MODE, NOT FOR PRODUCTION/.test(l.msg)))
    const robots = await api('GET', '/robots.txt')
    assert.equal(robots.status, 200)
    assert.match(robots.headers.get('content-type'), /text\/plain/)
    assert.match(robots.text, /Disallow: \/fan\//)
    const missing = await api('GET', '/nope')
    assert.equal(missing.status, 404)
    assert.equal(missing.json.ok, false)
    assert.equal((await api('PUT', '/api/calls/initiate', { as: creator })).status, 405)
  } finally {
    await stop()
  }
})

test('the full call flow over HTTP', async () => {
  const { api, stop, seen } = await start()
  try {
    await api('POST', '/dev/profile', { as: fan, body: { displayName: 'Ada' } })
    await api('POST', '/dev/profile', { as: creator, body: { displayName: 'Max' } })
    await befriend(api)

    // Private by default: the creator cannot see the fan; the fan opens up.
    const hidden = await api('GET', '/api/fans/fan_ada', { as: creator })
    assert.equal(hidden.status, 403)
    assert.deepEqual(hidden.json, { ok: false, code: 'PROFILE_PRIVATE', error: 'this profile is private' })
    assert.equal(hidden.headers.get('x-robots-tag'), X_ROBOTS_TAG)
    const me = await api('GET', '/api/fans/me', { as: fan })
    assert.equal(me.json.settings.visibility, 'private')
    assert.equal(me.json.profile.displayName, 'Ada')
    const patched = await api('PATCH', '/api/fans/me', { as: fan, body: { visibility: 'creators' } })
    assert.equal(patched.status, 200)
    assert.equal(patched.json.settings.visibility, 'creators')
    const mini = await api('GET', '/api/fans/fan_ada', { as: creator })
    assert.equal(mini.json.profile.canCall, true)
    const rel = await api('GET', '/api/fans/fan_ada/relationship', { as: creator })
    assert.deepEqual(rel.json.relationships.map((r) => r.kind), ['follow'])

    // Ring, accept, token for the creator, 3 min 10 s, end, status, history.
    const ring = await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'video', message: 'Hi Ada' } })
    assert.equal(ring.status, 201)
    const id = ring.json.call.id
    assert.equal(ring.json.call.state, 'ringing')
    const request = seen.find((e) => e.name === 'call:request')
    assert.equal(request.channel, 'user:fan_ada')
    assert.equal(request.payload.creatorName, 'Max')
    assert.deepEqual((await api('GET', '/api/calls/pending', { as: fan })).json.calls.map((c) => c.id), [id])

    await api('POST', '/dev/clock/advance', { body: { ms: 5_000 } })
    const accepted = await api('POST', `/api/calls/${id}/accept`, { as: fan, body: { maxRatePerMinute: 10 } })
    assert.equal(accepted.status, 200)
    assert.equal(accepted.json.call.state, 'connected')
    assert.equal(verifyToken(accepted.json.join.token, CERT), true)
    assert.ok(seen.some((e) => e.name === 'call:accepted' && e.channel === 'user:creator_max'))
    const token = await api('POST', `/api/calls/${id}/token`, { as: creator })
    assert.equal(verifyToken(token.json.join.token, CERT), true)
    assert.notEqual(token.json.join.uid, accepted.json.join.uid)

    await api('POST', '/dev/clock/advance', { body: { ms: 190_000 } })
    const ended = await api('POST', `/api/calls/${id}/end`, { as: creator })
    assert.equal(ended.status, 200)
    assert.equal(ended.json.settlement.bill.billedMinutes, 4)
    assert.equal(ended.json.settlement.charged, 40)
    assert.ok(seen.some((e) => e.name === 'call:ended' && e.channel === 'user:fan_ada'))
    const status = await api('GET', `/api/calls/${id}/status`, { as: fan })
    assert.equal(status.json.call.state, 'ended')
    assert.deepEqual(status.json.settlement, ended.json.settlement)
    const history = await api('GET', '/api/calls/history?limit=10', { as: fan })
    assert.deepEqual(history.json.items.map((c) => c.id), [id])
    assert.equal(history.json.nextCursor, null)

    // Shaped errors: accepting an ended call, a malformed id, a bad limit.
    const again = await api('POST', `/api/calls/${id}/accept`, { as: fan, body: { maxRatePerMinute: 10 } })
    assert.equal(again.status, 409)
    assert.equal(again.json.code, 'INVALID_STATE')
    assert.equal((await api('POST', '/api/calls/not-a-uuid/accept', { as: fan, body: { maxRatePerMinute: 10 } })).json.code, 'INVALID_INPUT')
    assert.equal((await api('GET', '/api/calls/history?limit=abc', { as: fan })).status, 400)

    // Decline and cancel, with a second creator (cooldown applies to the first pair).
    const kim = { user: 'creator_kim', role: 'creator' }
    await befriend(api, fan, kim)
    const second = await api('POST', '/api/calls/initiate', { as: kim, body: { fanId: 'fan_ada', callType: 'voice' } })
    const declined = await api('POST', `/api/calls/${second.json.call.id}/decline`, { as: fan })
    assert.equal(declined.json.call.state, 'declined')
    await api('POST', '/dev/clock/advance', { body: { ms: 61_000 } })
    const third = await api('POST', '/api/calls/initiate', { as: kim, body: { fanId: 'fan_ada', callType: 'voice' } })
    const cancelled = await api('POST', `/api/calls/${third.json.call.id}/cancel`, { as: kim })
    assert.equal(cancelled.json.call.state, 'cancelled')
    assert.ok(seen.some((e) => e.name === 'call:cancelled' && e.channel === 'user:fan_ada'))

    // Blocks from the fan side stop the creator.
    assert.equal((await api('POST', '/api/fans/blocks/creator_kim', { as: fan })).json.blocked, true)
    await api('POST', '/dev/clock/advance', { body: { ms: 61_000 } })
    const blocked = await api('POST', '/api/calls/initiate', { as: kim, body: { fanId: 'fan_ada', callType: 'voice' } })
    assert.equal(blocked.status, 403)
    assert.equal(blocked.json.code, 'BLOCKED')
    assert.equal((await api('DELETE', '/api/fans/blocks/creator_kim', { as: fan })).json.changed, true)
  } finally {
    await stop()
  }
})

test('20 rapid initiations answer 429 with Retry-After', async () => {
  const { api, stop } = await start()
  try {
    await befriend(api)
    const results = []
    for (let i = 0; i < 20; i++) {
      results.push(await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'video' } }))
    }
    assert.equal(results[0].status, 201)
    const limited = results.filter((r) => r.status === 429)
    assert.ok(limited.length >= 10, `429 answers: ${limited.length}`)
    for (const r of limited) {
      assert.equal(r.json.ok, false)
      assert.ok(['RATE_LIMITED', 'CALL_COOLDOWN'].includes(r.json.code))
      const retryAfter = Number(r.headers.get('retry-after'))
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${retryAfter}`)
      assert.equal(r.json.retryAfter, retryAfter)
    }
    assert.ok(limited.some((r) => r.json.code === 'RATE_LIMITED'))
  } finally {
    await stop()
  }
})

test('a feature flag switched off answers 403 FEATURE_DISABLED', async () => {
  const { api, stop } = await start()
  try {
    await befriend(api)
    const off = await api('POST', '/dev/flags', { body: { name: 'calls', on: false } })
    assert.equal(off.json.flags.calls, false)
    const refused = await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'video' } })
    assert.equal(refused.status, 403)
    assert.equal(refused.json.code, 'FEATURE_DISABLED')
    await api('POST', '/dev/flags', { body: { name: 'calls', on: true } })
    assert.equal((await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'video' } })).status, 201)
  } finally {
    await stop()
  }
})

test('the share card is public and carries the noindex header; a revoked link is 404', async () => {
  const { api, stop } = await start()
  try {
    await api('POST', '/dev/profile', { as: fan, body: { displayName: 'Ada', avatarUrl: 'https://cdn.example.com/ada.png' } })
    const early = await api('POST', '/api/fans/share/enable', { as: fan })
    assert.equal(early.status, 409)
    await api('PATCH', '/api/fans/me', { as: fan, body: { visibility: 'link' } })
    const link = await api('POST', '/api/fans/share/enable', { as: fan })
    assert.equal(link.status, 200)
    assert.equal(link.headers.get('x-robots-tag'), 'noindex, nofollow, noarchive')
    const card = await api('GET', `/api/fans/share/${link.json.token}`)
    assert.equal(card.status, 200)
    assert.equal(card.headers.get('x-robots-tag'), 'noindex, nofollow, noarchive')
    assert.deepEqual(card.json.card, { displayName: 'Ada', avatarUrl: 'https://cdn.example.com/ada.png', expiresAt: link.json.expiresAt })
    assert.equal((await api('POST', '/api/fans/share/disable', { as: fan })).json.disabled, true)
    const dead = await api('GET', `/api/fans/share/${link.json.token}`)
    assert.equal(dead.status, 404)
    assert.equal(dead.json.code, 'NOT_FOUND')
    assert.equal(dead.headers.get('x-robots-tag'), 'noindex, nofollow, noarchive')
  } finally {
    await stop()
  }
})

test('the authentication stand-in and bad bodies answer shaped errors', async () => {
  const { api, stop } = await start()
  try {
    const anonymous = await api('GET', '/api/fans/me')
    assert.equal(anonymous.status, 401)
    assert.equal(anonymous.json.code, 'UNAUTHENTICATED')
    const badRole = await api('GET', '/api/fans/me', { as: { user: 'x', role: 'owner' } })
    assert.equal(badRole.status, 400)
    assert.equal(badRole.json.code, 'INVALID_INPUT')
    const badJson = await api('PATCH', '/api/fans/me', { as: fan, raw: '{nope' })
    assert.equal(badJson.status, 400)
    const huge = await api('PATCH', '/api/fans/me', { as: fan, raw: JSON.stringify({ visibility: 'x'.repeat(100_000) }) })
    assert.equal(huge.status, 413)
    const unknown = await api('PATCH', '/api/fans/me', { as: fan, body: { colour: 'red' } })
    assert.equal(unknown.status, 400)
    assert.equal(unknown.json.code, 'INVALID_INPUT')
    const typed = await api('POST', '/dev/credit', { body: { userId: 'fan_ada', amount: 1.5 } })
    assert.equal(typed.status, 400)
    assert.equal((await api('GET', '/api/fans/me', { as: fan })).json.settings.visibility, 'private')
  } finally {
    await stop()
  }
})

test('without dev the /dev routes do not exist; the extension points work', async () => {
  const { api, stop, app, logs } = await start({ dev: false, authenticate: sessions().authenticate })
  try {
    assert.equal((await api('POST', '/dev/clock/advance', { body: { ms: 1 } })).status, 404)
    const received = []
    app.events.subscribe('user:fan_ada', (e) => received.push(e.name))
    app.route('GET', '/api/hello', async () => ({ body: { ok: true, hello: 'world' } }))
    app.use(async (req, res) => {
      if (req.url !== '/static/app.js') return false
      res.writeHead(200, { 'Content-Type': 'text/javascript' })
      res.end('console.log(1)')
      return true
    })
    assert.equal((await api('GET', '/api/hello')).json.hello, 'world')
    assert.equal((await api('GET', '/static/app.js')).text, 'console.log(1)')
    app.events.publish([{ channel: 'user:fan_ada', name: 'call:missed', payload: { callId: 'x' } }])
    assert.deepEqual(received, ['call:missed'])
    assert.equal(logs.lines.some((l) => /DEV MODE/.test(l.msg)), false)
  } finally {
    await stop()
  }
})

test('production mode refuses to start without authenticate', async () => {
  const config = {
    store: 'memory:',
    agora: { appId: APP_ID, appCertificate: CERT },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'example-test-share-key-0123456789' }] },
  }
  assert.throws(() => createServer({ config }), /refusing to start without authentication/)
  assert.throws(() => createServer({ config, authenticate: 'yes' }), /authenticate must be a function/)
  const { devAuthenticate } = require('../auth.js')
  assert.throws(() => createServer({ config, authenticate: devAuthenticate }), /development only/)

  // main.js without --dev or --auth: a message and exit status 1, before anything else.
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, AGORA_APP_ID: APP_ID } })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const [status] = await once(child, 'exit')
  assert.equal(status, 1)
  assert.match(stderr, /refusing to start without authentication/)
})

/** Runs main.js with `args` until it logs that it listens; resolves to that line and the process. */
async function runMain(args, env = {}) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: new URL('.', import.meta.url).pathname,
    env: { ...process.env, FANLINE_STORE: 'memory:', ...env },
  })
  const lines = []
  let buffered = ''
  child.stdout.on('data', (d) => {
    buffered += d
    const parts = buffered.split('\n')
    buffered = parts.pop()
    lines.push(...parts.map((l) => JSON.parse(l)))
  })
  const until = Date.now() + 15_000
  while (!lines.some((l) => l.port)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`main.js did not start: ${JSON.stringify(lines)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { child, lines, listening: lines.find((l) => l.port) }
}

test('main.js: --dev warns at start and listens on 127.0.0.1; --auth loads the host authentication', async () => {
  const dev = await runMain(['--dev', '--port', '0'])
  try {
    assert.equal(dev.listening.address, '127.0.0.1')
    assert.ok(dev.lines.some((l) => l.level === 40 && /DEV MODE, NOT FOR PRODUCTION/.test(l.msg)))
  } finally {
    dev.child.kill()
  }

  const authModule = new URL('./fixtures/auth.cjs', import.meta.url).pathname
  const env = { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: CERT, SHARE_KEY: 'example-test-share-key-0123456789' }
  const prod = await runMain(['--auth', authModule, '--port', '0'], env)
  try {
    assert.equal(prod.listening.address, '127.0.0.1')
    assert.equal(prod.lines.some((l) => /DEV MODE/.test(l.msg)), false)
    const base = `http://127.0.0.1:${prod.listening.port}`
    const standIn = await fetch(`${base}/api/fans/me`, { headers: { 'x-user-id': 'fan_ada', 'x-user-role': 'fan' } })
    assert.equal(standIn.status, 401)
    const me = await fetch(`${base}/api/fans/me`, { headers: { authorization: 'Bearer fixture-fan-ada' } })
    assert.equal(me.status, 200)
    assert.equal((await me.json()).settings.visibility, 'private')
    assert.equal((await fetch(`${base}/dev/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 404)
    const metrics = await fetch(`${base}/metrics`)
    assert.equal(metrics.status, 200)
    // The process metrics main.js adds for operators.
    assert.match(await metrics.text(), /^process_cpu_seconds_total /m)
  } finally {
    prod.child.kill()
  }
})

test('main.js: --host picks the interface; --dev refuses one that is not loopback', async () => {
  const authModule = new URL('./fixtures/auth.cjs', import.meta.url).pathname
  const env = { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: CERT, SHARE_KEY: 'example-test-share-key-0123456789' }
  // 127.0.0.2 is another loopback address on Linux: reachable there, not on 127.0.0.1.
  const other = await runMain(['--auth', authModule, '--host', '127.0.0.2', '--port', '0'], env)
  try {
    assert.equal(other.listening.address, '127.0.0.2')
    const res = await fetch(`http://127.0.0.2:${other.listening.port}/health`)
    assert.equal(res.status, 200)
    await assert.rejects(fetch(`http://127.0.0.1:${other.listening.port}/health`))
  } finally {
    other.child.kill()
  }

  const child = spawn(process.execPath, [MAIN, '--dev', '--host', '0.0.0.0', '--port', '0'], {
    env: { ...process.env, FANLINE_STORE: 'memory:' },
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const [status] = await once(child, 'exit')
  assert.equal(status, 1)
  assert.match(stderr, /listens on loopback only, not 0\.0\.0\.0/)
})

test('/metrics answers only the addresses allowed to read it', async () => {
  const { api, stop } = await start({ metricsFrom: ['10.0.0.0/8'] })
  try {
    const refused = await api('GET', '/metrics')
    assert.equal(refused.status, 404)
    assert.equal(refused.json.code, 'NOT_FOUND')
  } finally {
    await stop()
  }
})
