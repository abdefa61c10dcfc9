// The routes over real HTTP, once on node:http (createServer) and once as Express middleware
// (fanlineRoutes in Express 5): the same tests must pass on both. Authentication is a bearer
// session store, as a host's would be; the dev stand-in is off.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import net from 'node:net'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import { CERT, TRANSPORTS, befriend, creator, eventually, fan } from './harness.mjs'

const require = createRequire(import.meta.url)
const { verifyToken, X_ROBOTS_TAG } = require('../../../bindings-node')

/** `n` creators named creator_<tag>_<i>, each followed by `f`, who holds tokens. */
function creators(engine, tag, n, f = fan) {
  return Array.from({ length: n }, (_, i) => {
    const c = { id: `creator_${tag}_${i}`, role: 'creator' }
    befriend(engine, f, c)
    return c
  })
}

/** Reads Server-Sent Events from a fetch response: `next()` resolves to `{ name, data }`. */
function sseReader(res) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffered = ''
  return async function next() {
    while (!buffered.includes('\n\n')) {
      const { value, done } = await reader.read()
      if (done) throw new Error('the event stream ended')
      buffered += value
    }
    const [block] = buffered.split('\n\n', 1)
    buffered = buffered.slice(block.length + 2)
    if (block.startsWith(':')) return next()
    return { name: /^event: (.*)$/m.exec(block)[1], data: JSON.parse(/^data: (.*)$/m.exec(block)[1]) }
  }
}

for (const [kind, start] of TRANSPORTS) {
  test(`${kind}: a whole call at the creator's stored price; a rate in the body is ignored; one log line per call event`, async () => {
    const { api, engine, logs, stop } = await start()
    try {
      engine.setProfileSync(creator, { displayName: 'Max' })
      befriend(engine, fan, creator)
      const price = await api('PUT', '/api/calls/price', { as: creator, body: { ratePerMinute: 12 } })
      assert.equal(price.status, 200, price.text)
      assert.equal(price.json.ratePerMinute, 12)
      assert.equal((await api('GET', '/api/calls/price/creator_max', { as: fan })).json.ratePerMinute, 12)

      const hidden = await api('GET', '/api/fans/fan_ada', { as: creator })
      assert.equal(hidden.status, 403)
      assert.deepEqual(hidden.json, { ok: false, code: 'PROFILE_PRIVATE', error: 'this profile is private' })
      assert.equal(hidden.headers.get('x-robots-tag'), X_ROBOTS_TAG)
      const patched = await api('PATCH', '/api/fans/me', { as: fan, body: { visibility: 'creators' } })
      assert.equal(patched.json.settings.visibility, 'creators')
      assert.equal((await api('GET', '/api/fans/fan_ada', { as: creator })).json.profile.canCall, true)

      // The creator names a price of its own: it is not the price.
      const ring = await api('POST', '/api/calls/initiate', {
        as: creator,
        body: { fanId: 'fan_ada', callType: 'video', message: 'Hi Ada', ratePerMinute: 1_000_000 },
      })
      assert.equal(ring.status, 201, ring.text)
      assert.equal(ring.json.call.ratePerMinute, 12)
      const id = ring.json.call.id
      // What the fan sees before answering: the price and the minutes their 100 tokens buy.
      const [pending] = (await api('GET', '/api/calls/pending', { as: fan })).json.calls
      assert.deepEqual({ id: pending.id, ratePerMinute: pending.ratePerMinute, affordableMinutes: pending.affordableMinutes }, { id, ratePerMinute: 12, affordableMinutes: 8 })

      // Accepting takes the price the fan was shown; a lower one than the call's is refused.
      const noPrice = await api('POST', `/api/calls/${id}/accept`, { as: fan })
      assert.equal(noPrice.status, 400)
      assert.equal(noPrice.json.code, 'INVALID_INPUT')
      const stale = await api('POST', `/api/calls/${id}/accept`, { as: fan, body: { maxRatePerMinute: 10 } })
      assert.equal(stale.status, 409)
      assert.equal(stale.json.code, 'PRICE_CHANGED')
      const accepted = await api('POST', `/api/calls/${id}/accept`, { as: fan, body: { maxRatePerMinute: 12 } })
      assert.equal(accepted.status, 200)
      assert.equal(verifyToken(accepted.json.join.token, CERT), true)
      const creatorJoin = await api('POST', `/api/calls/${id}/token`, { as: creator })
      assert.equal(verifyToken(creatorJoin.json.join.token, CERT), true)

      engine.advanceClock(190_000)
      const ended = await api('POST', `/api/calls/${id}/end`, { as: creator })
      assert.equal(ended.json.settlement.bill.billedMinutes, 4)
      assert.equal(ended.json.settlement.charged, 48)
      assert.equal(engine.balanceSync(fan, fan.id), 52)
      // Ending again answers the same settlement and is not a second event.
      assert.deepEqual((await api('POST', `/api/calls/${id}/end`, { as: fan })).json.settlement, ended.json.settlement)

      const callLines = logs.lines.filter((l) => typeof l.event === 'string')
      assert.deepEqual(callLines.map((l) => l.event), ['call_initiated', 'call_accepted', 'call_ended'])
      for (const line of callLines) {
        assert.equal(line.callId, id)
        assert.equal(line.creatorId, 'creator_max')
        assert.equal(line.fanId, 'fan_ada')
        assert.equal(line.callType, 'video')
        assert.match(line.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      }
      assert.equal(callLines[0].timestamp, '2026-11-25T12:00:00.000Z')
      assert.equal(callLines[0].ratePerMinute, 12)
      assert.deepEqual(
        { billedSeconds: callLines[2].billedSeconds, charged: callLines[2].charged, by: callLines[2].by, reason: callLines[2].reason },
        { billedSeconds: 190, charged: 48, by: 'creator_max', reason: 'hangup' },
      )
      // Never a token, a session credential, the certificate or the message text.
      const all = logs.raw.join('\n')
      for (const secret of [accepted.json.join.token, creatorJoin.json.join.token, CERT, 'session-', 'Hi Ada']) {
        assert.equal(all.includes(secret), false, `the log holds ${secret.slice(0, 12)}…`)
      }
    } finally {
      await stop()
    }
  })

  test(`${kind}: a refused initiation is logged with its code`, async () => {
    const { api, engine, logs, stop } = await start()
    try {
      befriend(engine, fan, creator)
      engine.blockSync(fan, creator.id)
      const refused = await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'voice' } })
      assert.equal(refused.status, 403)
      const line = logs.lines.find((l) => l.event === 'call_refused')
      assert.deepEqual(
        { callId: line.callId, creatorId: line.creatorId, fanId: line.fanId, callType: line.callType, code: line.code },
        { callId: null, creatorId: 'creator_max', fanId: 'fan_ada', callType: 'voice', code: 'BLOCKED' },
      )
      // Refusals the engine only counts (bad input, the rate limits, the role) write no line:
      // an attempt loop must not grow the log.
      await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'x'.repeat(10_000), callType: 'fax' } })
      await api('POST', '/api/calls/initiate', { as: fan, body: { fanId: 'fan_bo', callType: 'voice' } })
      assert.equal(logs.lines.filter((l) => l.event === 'call_refused').length, 1)
    } finally {
      await stop()
    }
  })

  test(`${kind}: without credentials nothing answers; the dev stand-in is off`, async () => {
    const { api, base, auth, engine, stop } = await start()
    try {
      const anonymous = await api('GET', '/api/fans/me')
      assert.equal(anonymous.status, 401)
      assert.equal(anonymous.json.code, 'UNAUTHENTICATED')
      const standIn = await api('GET', '/api/fans/me', { headers: { 'x-user-id': 'ops', 'x-user-role': 'admin' } })
      assert.equal(standIn.status, 401)
      const forged = await api('POST', '/api/calls/initiate', {
        headers: { 'x-user-id': 'creator_max', 'x-user-role': 'creator' },
        body: { fanId: 'fan_ada', callType: 'voice' },
      })
      assert.equal(forged.status, 401)
      const asQuery = await fetch(`${base}/api/events?as=fan_ada&role=fan`, { headers: { accept: 'text/event-stream' } })
      assert.equal(asQuery.status, 401)
      assert.equal((await asQuery.json()).code, 'UNAUTHENTICATED')

      // The event stream takes the same credentials as every route.
      befriend(engine, fan, creator)
      const controller = new AbortController()
      try {
        const stream = await fetch(`${base}/api/events`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${auth.tokenFor(fan)}` },
          signal: controller.signal,
        })
        assert.equal(stream.status, 200)
        const next = sseReader(stream)
        assert.equal((await next()).name, 'clock')
        await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'voice' } })
        const request = await next()
        assert.equal(request.name, 'call:request')
        assert.equal(request.data.creatorId, 'creator_max')
        // The invitation carries the price and what the fan's balance covers.
        assert.equal(request.data.ratePerMinute, 10)
        assert.equal(request.data.affordableMinutes, 10)
      } finally {
        controller.abort()
      }
    } finally {
      await stop()
    }
  })

  test(`${kind}: state-changing routes take only JSON`, async () => {
    const { api, engine, stop } = await start()
    try {
      befriend(engine, fan, creator)
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const patch = await api('PATCH', '/api/fans/me', { as: fan, headers: { 'content-type': type }, raw: '{"visibility":"creators"}' })
        assert.equal(patch.status, 415, type)
        assert.equal(patch.json.code, 'INVALID_INPUT')
        const ring = await api('POST', '/api/calls/initiate', { as: creator, headers: { 'content-type': type }, raw: '{"fanId":"fan_ada","callType":"voice"}' })
        assert.equal(ring.status, 415, type)
      }
      const bodiless = await api('POST', '/api/fans/share/disable', { as: fan, headers: { 'content-type': 'text/plain' } })
      assert.equal(bodiless.status, 415)
      assert.equal(engine.settingsSync(fan).visibility, 'private')
      assert.deepEqual(engine.pendingSync(fan), [])
      const json = await api('PATCH', '/api/fans/me', { as: fan, headers: { 'content-type': 'application/json; charset=utf-8' }, raw: '{"visibility":"creators"}' })
      assert.equal(json.status, 200)
      assert.equal((await api('PATCH', '/api/fans/me', { as: fan, raw: '[1]' })).status, 400)
    } finally {
      await stop()
    }
  })

  test(`${kind}: a malformed percent-escape is a shaped 400`, async () => {
    const { api, stop } = await start()
    try {
      for (const path of ['/api/fans/%ZZ', '/api/fans/%E0%A4/relationship', '/api/calls/%/accept']) {
        const res = await api(path.endsWith('accept') ? 'POST' : 'GET', path, { as: creator })
        assert.equal(res.status, 400, path)
        assert.deepEqual(Object.keys(res.json), ['ok', 'code', 'error'])
        assert.equal(res.json.ok, false)
        assert.equal(res.json.code, 'INVALID_INPUT')
        assert.equal(res.headers.get('x-robots-tag'), X_ROBOTS_TAG)
      }
    } finally {
      await stop()
    }
  })

  test(`${kind}: /metrics shows latency per route and errors per code after traffic`, async () => {
    const { api, base, engine, stop } = await start()
    try {
      befriend(engine, fan, creator)
      assert.equal((await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'voice' } })).status, 201)
      assert.equal((await api('GET', '/api/fans/%ZZ', { as: creator })).status, 400)
      assert.equal((await api('GET', '/api/calls/pending')).status, 401)
      assert.equal((await api('GET', '/api/calls/pending')).status, 401)
      const res = await fetch(`${base}/metrics`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
      const text = await res.text()
      const sample = (name, labels) => {
        const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)))
        return line === undefined ? undefined : Number(line.split(' ').pop())
      }
      const route = 'route="/api/calls/initiate"'
      assert.equal(sample('fanline_http_request_duration_seconds_count', [route, 'method="POST"', 'status="201"']), 1)
      assert.equal(sample('fanline_http_request_duration_seconds_bucket', [route, 'le="0.5"']), 1)
      assert.ok(sample('fanline_http_request_duration_seconds_sum', [route]) > 0)
      assert.equal(sample('fanline_http_errors_total', ['route="/api/fans/:fanId"', 'status="400"', 'code="INVALID_INPUT"']), 1)
      assert.equal(sample('fanline_http_errors_total', ['route="/api/calls/pending"', 'status="401"', 'code="UNAUTHENTICATED"']), 2)
      // Labels are patterns, never ids.
      assert.doesNotMatch(text, /%ZZ|fan_ada/)
    } finally {
      await stop()
    }
  })

  test(`${kind}: X-Forwarded-For is believed only from a trusted proxy`, async () => {
    // Untrusted: the socket (127.0.0.1) is the client, whatever the header says; 5 a minute.
    const untrusted = await start({ trustProxy: ['10.0.0.1'] })
    try {
      const many = creators(untrusted.engine, 'u', 6)
      const codes = []
      for (const [i, c] of many.entries()) {
        const res = await untrusted.api('POST', '/api/calls/initiate', {
          as: c,
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
          body: { fanId: 'fan_ada', callType: 'voice' },
        })
        codes.push(res.status === 201 ? 201 : res.json.code)
        // A fan rings one call at a time: end this one so the next can ring.
        if (res.status === 201) await untrusted.api('POST', `/api/calls/${res.json.call.id}/decline`, { as: fan })
      }
      assert.deepEqual(codes, [201, 201, 201, 201, 201, 'RATE_LIMITED'])
    } finally {
      await untrusted.stop()
    }

    // Trusted: each forwarded client has a limit of its own; IPv6 clients share one per /64.
    const trusted = await start({ trustProxy: ['127.0.0.1'] })
    try {
      const ring = async (c, forwardedFor) => {
        const res = await trusted.api('POST', '/api/calls/initiate', {
          as: c,
          headers: { 'x-forwarded-for': forwardedFor },
          body: { fanId: 'fan_ada', callType: 'voice' },
        })
        if (res.status === 201) await trusted.api('POST', `/api/calls/${res.json.call.id}/decline`, { as: fan })
        return res.status === 201 ? 201 : res.json.code
      }
      const many = creators(trusted.engine, 't', 14)
      const v4 = []
      for (let i = 0; i < 6; i++) v4.push(await ring(many[i], `198.51.100.${i + 1}`))
      assert.deepEqual(v4, [201, 201, 201, 201, 201, 201])
      const v6 = []
      for (let i = 0; i < 6; i++) v6.push(await ring(many[6 + i], `2001:db8:1:2::${(i + 1).toString(16)}, 127.0.0.1`))
      assert.deepEqual(v6, [201, 201, 201, 201, 201, 'RATE_LIMITED'])
      assert.equal(await ring(many[12], '2001:db8:1:3::1'), 201)
      // A forwarded value that is not an address is refused, not keyed on.
      const garbage = await trusted.api('POST', '/api/calls/initiate', {
        as: many[13],
        headers: { 'x-forwarded-for': 'not-an-address' },
        body: { fanId: 'fan_ada', callType: 'voice' },
      })
      assert.equal(garbage.status, 400)
      assert.equal(garbage.json.code, 'INVALID_INPUT')
    } finally {
      await trusted.stop()
    }
  })

  test(`${kind}: a client that resets after sending still counts against its address`, async () => {
    // The authentication answers only after the client's connection is gone, as a slow session
    // lookup would while the client resets.
    const entered = []
    const { api, engine, logs, base, auth, stop } = await start({
      beforeAuthenticate: async (req) => {
        if (!req.headers['x-test-reset']) return
        const closed = new Promise((resolve) => req.socket.once('close', resolve))
        entered.push(req.headers['x-test-reset'])
        await closed
      },
    })
    try {
      const many = creators(engine, 'r', 6)
      const port = new URL(base).port
      for (const [i, c] of many.slice(0, 5).entries()) {
        const body = JSON.stringify({ fanId: 'fan_ada', callType: 'voice' })
        const socket = net.connect(Number(port), '127.0.0.1')
        await once(socket, 'connect')
        socket.write(
          'POST /api/calls/initiate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
            `Authorization: Bearer ${auth.tokenFor(c)}\r\nX-Test-Reset: ${i}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        )
        await eventually(() => entered.includes(String(i)))
        socket.resetAndDestroy()
        await eventually(() => logs.lines.filter((l) => l.event === 'call_initiated').length === i + 1)
        const [pending] = engine.pendingSync(fan)
        engine.declineSync(fan, pending.id)
      }
      const sixth = await api('POST', '/api/calls/initiate', { as: many[5], body: { fanId: 'fan_ada', callType: 'voice' } })
      assert.equal(sixth.status, 429)
      assert.equal(sixth.json.code, 'RATE_LIMITED')
    } finally {
      await stop()
    }
  })

  test(`${kind}: a creator sets only their own price; the invitation shows it`, async () => {
    const { api, engine, stop } = await start()
    try {
      befriend(engine, fan, creator)
      assert.equal((await api('PUT', '/api/calls/price', { body: { ratePerMinute: 5 } })).status, 401)
      const byFan = await api('PUT', '/api/calls/price', { as: fan, body: { ratePerMinute: 5 } })
      assert.equal(byFan.status, 403)
      assert.equal(byFan.json.code, 'NOT_CREATOR')
      for (const bad of [-1, 2.5, '30', null, 1e12]) {
        const res = await api('PUT', '/api/calls/price', { as: creator, body: { ratePerMinute: bad } })
        assert.equal(res.status, 400, String(bad))
        assert.equal(res.json.code, 'INVALID_INPUT')
      }
      assert.equal(engine.callPriceSync(creator.id), 10)
      // A body naming another creator changes nothing but the caller's own price.
      const other = { id: 'creator_kim', role: 'creator' }
      await api('PUT', '/api/calls/price', { as: creator, body: { ratePerMinute: 25, creatorId: other.id } })
      assert.equal(engine.callPriceSync(creator.id), 25)
      assert.equal(engine.callPriceSync(other.id), 10)
      const ring = await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'video', ratePerMinute: 1 } })
      assert.equal(ring.json.call.ratePerMinute, 25)
      const [pending] = (await api('GET', '/api/calls/pending', { as: fan })).json.calls
      assert.deepEqual([pending.ratePerMinute, pending.affordableMinutes], [25, 4])
      // The creator does not see the fan's balance in any form.
      const [ringing] = (await api('GET', '/api/calls/pending', { as: creator })).json.calls ?? []
      assert.equal(ringing?.affordableMinutes, undefined)
    } finally {
      await stop()
    }
  })

  test(`${kind}: calls stopped by a block or by the sweeper are logged too, once each`, async () => {
    const { api, engine, logs, sweep, stop } = await start()
    try {
      const [c1, c2, c3] = creators(engine, 'b', 3)
      const line = (event) => {
        const l = logs.lines.find((x) => x.event === event)
        return l && { callId: l.callId, creatorId: l.creatorId, fanId: l.fanId, callType: l.callType, reason: l.reason }
      }
      // The fan blocks a creator whose call is ringing: the call is cancelled.
      const first = await api('POST', '/api/calls/initiate', { as: c1, body: { fanId: 'fan_ada', callType: 'voice' } })
      assert.equal((await api('POST', `/api/fans/blocks/${c1.id}`, { as: fan })).json.changed, true)
      assert.deepEqual(line('call_cancelled'), { callId: first.json.call.id, creatorId: c1.id, fanId: 'fan_ada', callType: 'voice', reason: 'blocked' })

      // Nobody answers: the sweeper misses the call (an event to each side, one line).
      const second = await api('POST', '/api/calls/initiate', { as: c2, body: { fanId: 'fan_ada', callType: 'video' } })
      engine.advanceClock(121_000)
      assert.deepEqual(await sweep(), [second.json.call.id])
      assert.deepEqual(line('call_missed'), { callId: second.json.call.id, creatorId: c2.id, fanId: 'fan_ada', callType: 'video', reason: undefined })
      assert.equal(logs.lines.filter((l) => l.event === 'call_missed').length, 1)

      // A call past what the fan can pay: the sweeper ends it at its limit.
      const third = await api('POST', '/api/calls/initiate', { as: c3, body: { fanId: 'fan_ada', callType: 'voice' } })
      const accepted = await api('POST', `/api/calls/${third.json.call.id}/accept`, { as: fan, body: { maxRatePerMinute: 10 } })
      // The fan holds 300 tokens (100 from each creator's setup): 30 minutes at 10 a minute.
      const limitMs = Date.parse(accepted.json.call.limitAt) - engine.nowMs()
      assert.equal(limitMs, 30 * 60_000)
      engine.advanceClock(limitMs + 1_000)
      assert.deepEqual(await sweep(), [third.json.call.id])
      assert.deepEqual(line('call_ended'), { callId: third.json.call.id, creatorId: c3.id, fanId: 'fan_ada', callType: 'voice', reason: 'limit' })
      assert.equal(logs.lines.filter((l) => l.event === 'call_ended').length, 1)
    } finally {
      await stop()
    }
  })

  test(`${kind}: CORS is off unless configured, then only for the named origins`, async () => {
    const preflight = (base, origin) =>
      fetch(`${base}/api/calls/initiate`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
    const closed = await start()
    try {
      const res = await preflight(closed.base, 'https://app.example.com')
      assert.equal(res.headers.get('access-control-allow-origin'), null)
      const simple = await closed.api('GET', '/api/calls/pending', { headers: { origin: 'https://app.example.com' } })
      assert.equal(simple.headers.get('access-control-allow-origin'), null)
    } finally {
      await closed.stop()
    }
    const open = await start({ cors: { origins: ['https://app.example.com'], credentials: true } })
    try {
      const allowed = await preflight(open.base, 'https://app.example.com')
      assert.equal(allowed.status, 204)
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com')
      assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true')
      assert.match(allowed.headers.get('access-control-allow-methods'), /POST/)
      const other = await preflight(open.base, 'https://evil.example.net')
      assert.equal(other.headers.get('access-control-allow-origin'), null)
      const simple = await open.api('GET', '/api/calls/pending', { headers: { origin: 'https://app.example.com' } })
      assert.equal(simple.status, 401)
      assert.equal(simple.headers.get('access-control-allow-origin'), 'https://app.example.com')
    } finally {
      await open.stop()
    }
  })
}

test('express: with express.json() in front, bodies are the parsed ones and still JSON only', async () => {
  const { api, engine, stop } = await TRANSPORTS[1][1]({ jsonParser: true })
  try {
    befriend(engine, fan, creator)
    const patched = await api('PATCH', '/api/fans/me', { as: fan, body: { visibility: 'creators' } })
    assert.equal(patched.status, 200)
    assert.equal(patched.json.settings.visibility, 'creators')
    const ring = await api('POST', '/api/calls/initiate', { as: creator, body: { fanId: 'fan_ada', callType: 'voice', ratePerMinute: 500 } })
    assert.equal(ring.status, 201)
    assert.equal(ring.json.call.ratePerMinute, 10)
    const accepted = await api('POST', `/api/calls/${ring.json.call.id}/accept`, { as: fan, body: { maxRatePerMinute: 10 } })
    assert.equal(accepted.status, 200)
    const text = await api('PATCH', '/api/fans/me', { as: fan, headers: { 'content-type': 'text/plain' }, raw: '{"visibility":"private"}' })
    assert.equal(text.status, 415)
    assert.equal(engine.settingsSync(fan).visibility, 'creators')
  } finally {
    await stop()
  }
})

test('express: paths the routes do not know fall through to the host', async () => {
  const { api, stop } = await TRANSPORTS[1][1]()
  try {
    assert.deepEqual((await api('GET', '/api/host-route')).json, { ok: true, host: true })
  } finally {
    await stop()
  }
})
