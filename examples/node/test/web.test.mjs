// What web.js and the meter add to the backend, over HTTP without a browser (the browser tests
// are in examples/web/test/): which files are served, the event stream, the share card page
// and the live meter.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import { captureLogs } from './harness.mjs'

const require = createRequire(import.meta.url)
const { createServer } = require('../server.js')
const { X_ROBOTS_TAG } = require('../../../bindings-node')

const fan = { 'x-user-id': 'fan_ada', 'x-user-role': 'fan' }
const creator = { 'x-user-id': 'creator_max', 'x-user-role': 'creator' }

async function start() {
  const { server } = createServer({
    logger: captureLogs().logger,
    config: {
      store: 'memory:',
      agora: { appId: '970CA35de60c44645bbae8a215061b33', appCertificate: '5CFd2fd1755d40ecb72977518be15d3b' },
      shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'example-test-share-key-0123456789' }] },
      flags: { calls: true, fan_share_card: true },
      clock: { manualStartMs: 1_795_608_000_000 },
    },
    dev: true,
    sweepIntervalMs: 0,
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  const call = async (method, path, { headers = {}, body } = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const stop = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  }
  return { base, call, stop }
}

test('the pages are served, and nothing else of examples/web', async () => {
  const { call, stop } = await start()
  try {
    const home = await call('GET', '/')
    assert.equal(home.status, 200)
    assert.match(home.headers.get('content-type'), /^text\/html/)
    assert.match(home.text, /<script type="module" src="\/js\/home.js">/)
    assert.equal(home.headers.get('x-robots-tag'), X_ROBOTS_TAG)
    const script = await call('GET', '/js/active-call.js')
    assert.match(script.headers.get('content-type'), /^text\/javascript/)
    assert.equal((await call('GET', '/css/app.css')).status, 200)
    for (const path of [
      '/templates/share-card.html',
      '/test/harness.mjs',
      '/package.json',
      '/node_modules/playwright-core/package.json',
      '/../node/server.js',
      '/%2e%2e/node/server.js',
      '/js/..%2f..%2fnode%2fserver.js',
      '/%E0',
    ]) {
      const res = await call('GET', path)
      assert.equal(res.status, 404, path)
      assert.equal(JSON.parse(res.text).code, 'NOT_FOUND', path)
    }
    assert.equal((await call('POST', '/index.html')).status, 404)
  } finally {
    await stop()
  }
})

test('every page of the web example is noindex: robots meta tag and X-Robots-Tag', async () => {
  const { call, stop } = await start()
  try {
    for (const page of ['/', '/index.html', '/settings.html', '/fan.html', '/call.html']) {
      const res = await call('GET', page)
      assert.equal(res.status, 200, page)
      assert.equal(res.headers.get('x-robots-tag'), X_ROBOTS_TAG, page)
      assert.match(res.text, /<meta name="robots" content="noindex, nofollow">/, page)
    }
  } finally {
    await stop()
  }
})

test('the event stream opens with the engine clock and carries the user’s events', async () => {
  const { base, call, stop } = await start()
  const controller = new AbortController()
  try {
    assert.equal((await call('GET', '/api/events')).status, 401)
    // The dev stand-in names the stream's user in the query (EventSource cannot send headers).
    const res = await fetch(`${base}/api/events?as=fan_ada&role=fan`, { headers: { accept: 'text/event-stream' }, signal: controller.signal })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type'), /^text\/event-stream/)
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffered = ''
    /** The next `event:` block of the stream, as `{ name, data }`. */
    const next = async () => {
      while (!buffered.includes('\n\n')) {
        const { value, done } = await reader.read()
        if (done) throw new Error('the event stream ended')
        buffered += value
      }
      const [block] = buffered.split('\n\n', 1)
      buffered = buffered.slice(block.length + 2)
      const name = /^event: (.*)$/m.exec(block)[1]
      return { name, data: JSON.parse(/^data: (.*)$/m.exec(block)[1]) }
    }
    assert.deepEqual(await next(), { name: 'clock', data: { now: '2026-11-25T12:00:00.000Z', simulated: true } })

    await call('POST', '/dev/clock/advance', { body: { ms: 1_500 } })
    assert.deepEqual(await next(), { name: 'clock', data: { now: '2026-11-25T12:00:01.500Z', simulated: true } })

    await call('POST', '/dev/relationships', { headers: fan, body: { otherId: 'creator_max', kind: 'follow' } })
    await call('POST', '/dev/credit', { body: { userId: 'fan_ada', amount: 100 } })
    await call('POST', '/api/calls/initiate', { headers: creator, body: { fanId: 'fan_ada', callType: 'voice' } })
    const request = await next()
    assert.equal(request.name, 'call:request')
    assert.equal(request.data.creatorId, 'creator_max')
  } finally {
    controller.abort()
    await stop()
  }
})

test('the share card page is noindex, and a dead link is a friendly 404', async () => {
  const { call, stop } = await start()
  try {
    await call('POST', '/dev/profile', { headers: fan, body: { displayName: '<b>Ada</b>' } })
    await call('PATCH', '/api/fans/me', { headers: fan, body: { visibility: 'link' } })
    const link = JSON.parse((await call('POST', '/api/fans/share/enable', { headers: fan })).text)
    assert.match(link.url, /^\/u\/[A-Za-z0-9_-]+$/)
    const card = await call('GET', link.url)
    assert.equal(card.status, 200)
    assert.equal(card.headers.get('x-robots-tag'), X_ROBOTS_TAG)
    assert.match(card.text, /<meta name="robots" content="noindex, nofollow">/)
    assert.match(card.text, /<h1 id="display-name">&lt;b&gt;Ada&lt;\/b&gt;<\/h1>/)
    assert.match(card.text, /expires on 25 December 2026/)

    await call('POST', '/api/fans/share/disable', { headers: fan })
    for (const path of [link.url, '/u/not-a-token']) {
      const dead = await call('GET', path)
      assert.equal(dead.status, 404)
      assert.equal(dead.headers.get('x-robots-tag'), X_ROBOTS_TAG)
      assert.match(dead.text, /<meta name="robots" content="noindex, nofollow">/)
      assert.match(dead.text, /This link isn’t available/)
    }
  } finally {
    await stop()
  }
})

test('the meter prices a connected call on the engine clock; only the fan sees their balance run out', async () => {
  const { call, stop } = await start()
  try {
    await call('POST', '/dev/relationships', { headers: fan, body: { otherId: 'creator_max', kind: 'follow' } })
    await call('POST', '/dev/credit', { body: { userId: 'fan_ada', amount: 100 } })
    const ring = await call('POST', '/api/calls/initiate', { headers: creator, body: { fanId: 'fan_ada', callType: 'voice' } })
    const id = JSON.parse(ring.text).call.id
    const early = await call('GET', `/api/calls/${id}/meter`, { headers: creator })
    assert.equal(early.status, 409)
    assert.equal(JSON.parse(early.text).code, 'INVALID_STATE')

    await call('POST', `/api/calls/${id}/accept`, { headers: fan, body: { maxRatePerMinute: 10 } })
    await call('POST', '/dev/clock/advance', { body: { ms: 61_000 } })
    const forCreator = JSON.parse((await call('GET', `/api/calls/${id}/meter`, { headers: creator })).text)
    assert.deepEqual(forCreator, { ok: true, elapsedSeconds: 61, ratePerMinute: 10, cost: 20 })
    const forFan = JSON.parse((await call('GET', `/api/calls/${id}/meter`, { headers: fan })).text)
    assert.deepEqual(forFan, { ok: true, elapsedSeconds: 61, ratePerMinute: 10, cost: 20, maxAffordableSeconds: 600 })
    const stranger = await call('GET', `/api/calls/${id}/meter`, { headers: { 'x-user-id': 'creator_zoe', 'x-user-role': 'creator' } })
    assert.equal(stranger.status, 404)
  } finally {
    await stop()
  }
})
