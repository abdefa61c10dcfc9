// Result values: every result is a fresh plain object (or array) with its keys in sorted order,
// whatever its shape, length or text, the same from a Promise and from its Sync twin.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { memoryEngine } from './helpers.mjs'

const admin = { id: 'ops', role: 'admin' }

function engineWithPairs(n) {
  const engine = memoryEngine()
  for (let i = 0; i < n; i++) {
    engine.recordRelationshipSync({ id: `fan_${i}`, role: 'fan' }, `creator_${i}`, 'follow')
    engine.creditSync(admin, `fan_${i}`, 1000, `seed-${i}`)
  }
  return engine
}

/** Asserts that `v` is a plain object whose own keys are `keys`, in sorted order. */
function assertPlain(v, keys) {
  assert.equal(Object.getPrototypeOf(v), Object.prototype)
  assert.deepEqual(Object.keys(v), [...keys].sort())
  assert.deepEqual(Object.keys(v), Object.keys(JSON.parse(JSON.stringify(v))))
}

const CALL_KEYS = ['id', 'creatorId', 'fanId', 'callType', 'state', 'invitation', 'message', 'ratePerMinute',
  'channel', 'createdAt', 'expiresAt', 'connectedAt', 'limitAt', 'finishedAt']
const REQUEST_KEYS = ['callId', 'creatorId', 'creatorName', 'callType', 'expiresAt', 'message', 'ratePerMinute', 'affordableMinutes']

test('results of one shape are fresh plain objects with sorted keys, sync and async', async () => {
  const engine = engineWithPairs(3)
  const results = [
    engine.initiateSync({ id: 'creator_0', role: 'creator' }, { fanId: 'fan_0', callType: 'video' }),
    engine.initiateSync({ id: 'creator_1', role: 'creator' }, { fanId: 'fan_1', callType: 'voice', message: 'Zoë 👋 ✓' }),
    await engine.initiate({ id: 'creator_2', role: 'creator' }, { fanId: 'fan_2', callType: 'video', message: 'hi' }),
  ]
  for (const [i, r] of results.entries()) {
    assertPlain(r, ['value', 'events'])
    assertPlain(r.value, CALL_KEYS)
    assert.equal(r.value.fanId, `fan_${i}`)
    assert.equal(r.value.ratePerMinute, 10)
    assert.equal(r.value.connectedAt, null)
    assert.ok(Array.isArray(r.events) && r.events.length === 1)
    assertPlain(r.events[0], ['channel', 'name', 'payload'])
    assert.equal(r.events[0].channel, `user:fan_${i}`)
    assertPlain(r.events[0].payload, REQUEST_KEYS)
    assert.equal(r.events[0].payload.callId, r.value.id)
  }
  // Text beyond ASCII arrives unchanged.
  assert.equal(results[1].value.message, 'Zoë 👋 ✓')
  assert.equal(results[1].events[0].payload.message, 'Zoë 👋 ✓')
  // Objects of one shape share nothing.
  results[0].value.state = 'changed'
  results[0].events[0].payload.callType = 'changed'
  assert.equal(results[1].value.state, 'ringing')
  assert.equal(results[1].events[0].payload.callType, 'voice')
  assert.notEqual(results[0].events, results[1].events)
})

test('arrays of every length hold their own items in order', async () => {
  const engine = engineWithPairs(40)
  const all = engine.auditLogSync(admin, null, 100)
  assert.ok(all.length >= 80, `only ${all.length} audit records`)
  for (const r of all) assertPlain(r, Object.keys(all[0]))
  assert.deepEqual(all.map((r) => r.seq), [...all.map((r) => r.seq)].sort((a, b) => a - b))
  assert.equal(new Set(all.map((r) => r.seq)).size, all.length)
  for (let limit = 1; limit <= 40; limit++) {
    const page = engine.auditLogSync(admin, null, limit)
    assert.equal(page.length, limit)
    assert.deepEqual(page, all.slice(0, limit))
    assert.deepEqual(await engine.auditLog(admin, null, limit), page)
  }
  assert.deepEqual(engine.pendingSync({ id: 'fan_0', role: 'fan' }), [])
})

test('enum values arrive as their names, in short results and in long ones built object by object', async () => {
  const engine = memoryEngine({ limits: { cooldownMs: 0, creatorRate: { max: 100, periodMs: 60_000 } } })
  const max = { id: 'creator_max', role: 'creator' }
  const expected = []
  for (let i = 0; i < 12; i++) {
    const fan = { id: `fan_${i}`, role: 'fan' }
    engine.recordRelationshipSync(fan, 'creator_max', 'follow')
    engine.creditSync(admin, fan.id, 1000, `seed-${i}`)
    const callType = i % 3 ? 'video' : 'voice'
    const { value: call } = engine.initiateSync(max, { fanId: fan.id, callType })
    assert.deepEqual([call.callType, call.state, call.invitation], [callType, 'ringing', 'pending'])
    const { value: ended } = i % 2 ? engine.declineSync(fan, call.id) : engine.cancelSync(max, call.id)
    const state = i % 2 ? 'declined' : 'cancelled'
    assert.deepEqual([ended.callType, ended.state, ended.invitation], [callType, state, state])
    expected.unshift([call.id, callType, state, state])
    engine.advanceClock(1000)
  }
  // Twelve calls of 14 fields are too many leaves for one factory of the whole page.
  for (const page of [engine.historySync(max, { limit: 12 }), await engine.history(max, { limit: 12 })]) {
    assert.deepEqual(page.items.map((c) => [c.id, c.callType, c.state, c.invitation]), expected)
    for (const c of page.items) assertPlain(c, CALL_KEYS)
  }
})
