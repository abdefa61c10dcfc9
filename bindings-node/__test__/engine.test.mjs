// The Fanline class: every store-backed method as a Promise and as its Sync twin, the events
// they return, flags and the simulated clock at run time, configuration errors, and bad input
// that rejects with a code and changes nothing.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after } from 'node:test'

import { fanline, APP_ID, CERT, SHARE_SECRET, assertCoded, rejectsCode, throwsCode, NOT_COUNTS, HUGE } from './helpers.mjs'

const { Fanline, verifyToken, inspectToken } = fanline

const START_MS = 1_795_608_000_000 // 2026-11-25T12:00:00Z
const admin = { id: 'ops', role: 'admin' }
const ada = { id: 'fan_ada', role: 'fan' }
const max = { id: 'creator_max', role: 'creator' }

const tmp = mkdtempSync(join(tmpdir(), 'fanline-node-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

function config(overrides = {}) {
  return {
    store: 'memory:',
    agora: { appId: APP_ID, appCertificate: CERT },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] },
    flags: { calls: true, fan_share_card: true },
    clock: { manualStartMs: START_MS },
    billing: { feeBps: 2000 },
    ...overrides,
  }
}

/** Every store-backed method; each has a `...Sync` twin. */
const STORE_METHODS = [
  'settings', 'updateSettings', 'setProfile', 'profile', 'enableShare', 'disableShare',
  'resolveShare', 'miniProfile', 'decidePairs', 'relationship', 'recordRelationship',
  'unfollow', 'block', 'unblock', 'hasBlocked', 'initiate', 'accept', 'decline', 'cancel',
  'end', 'refreshToken', 'status', 'pending', 'history', 'expireDue', 'credit', 'balance',
  'ledgerSum', 'auditLog', 'setCallPrice', 'callPrice', 'refusalCounts', 'metrics',
]

/** Calls `name` as a Promise (async mode) or through its Sync twin, wrapped in a Promise. */
function caller(engine, mode) {
  return (name, ...args) => {
    if (mode === 'async') {
      const p = engine[name](...args)
      assert.ok(p instanceof Promise, `${name} returns a Promise`)
      return p
    }
    try {
      return Promise.resolve(engine[`${name}Sync`](...args))
    } catch (err) {
      return Promise.reject(err)
    }
  }
}

test('every store-backed method has a Promise form and a Sync twin', () => {
  const engine = new Fanline(config())
  for (const m of STORE_METHODS) {
    assert.equal(typeof engine[m], 'function', m)
    assert.equal(typeof engine[`${m}Sync`], 'function', `${m}Sync`)
  }
})

for (const [mode, store] of [
  ['async', 'memory:'],
  ['sync', 'memory:'],
  ['async', 'sqlite::memory:'],
]) {
  test(`the whole story, ${mode}, on ${store}`, async () => {
    const engine = new Fanline(config({ store }))
    const call = caller(engine, mode)

    // Profiles and settings.
    const profile = await call('setProfile', ada, { displayName: 'Ada', avatarUrl: 'https://cdn.example.com/ada.png' })
    assert.deepEqual(profile, { value: { displayName: 'Ada', avatarUrl: 'https://cdn.example.com/ada.png' }, events: [] })
    await call('setProfile', max, { displayName: 'Max' })
    assert.equal((await call('profile', 'fan_ada')).displayName, 'Ada')
    assert.equal(await call('profile', 'nobody'), null)
    assert.deepEqual(await call('settings', ada), { visibility: 'private', allowDm: 'interacted', allowCalls: 'interacted', allowSearch: false })
    const updated = await call('updateSettings', ada, { visibility: 'link', allowDm: 'following' })
    assert.equal(updated.value.visibility, 'link')
    assert.deepEqual(updated.events, [])

    // Relationships and the mini profile.
    await rejectsCode(call('miniProfile', max, 'fan_ada'), 'PROFILE_PRIVATE', 403)
    assert.deepEqual(await call('recordRelationship', ada, 'creator_max', 'follow'), { value: null, events: [] })
    const mini = await call('miniProfile', max, 'fan_ada')
    assert.equal(mini.displayName, 'Ada')
    assert.equal(mini.canMessage, true)
    assert.equal(mini.canCall, true)
    assert.equal(mini.callDecision.rule, 'allow_calls')
    const rel = await call('relationship', max, 'fan_ada')
    assert.deepEqual(rel.map((r) => r.kind), ['follow'])
    assert.equal(rel[0].firstAtMs, START_MS)
    const pairs = await call('decidePairs', 'call', [['creator_max', 'fan_ada'], ['creator_zoe', 'fan_ada']])
    assert.deepEqual(pairs.map((d) => d.allowed), [true, false])

    // Share links.
    const link = (await call('enableShare', ada)).value
    assert.match(link.token, /^[A-Za-z0-9_-]+$/)
    assert.equal(link.expiresAt, '2026-12-25T12:00:00Z')
    assert.deepEqual(await call('resolveShare', link.token), { displayName: 'Ada', avatarUrl: 'https://cdn.example.com/ada.png', expiresAt: link.expiresAt })
    assert.deepEqual(await call('disableShare', ada), { value: true, events: [] })
    await rejectsCode(call('resolveShare', link.token), 'NOT_FOUND', 404)

    // The ledger.
    assert.equal((await call('credit', admin, 'fan_ada', 100, 'order-1')).value, 100)
    assert.equal((await call('credit', admin, 'fan_ada', 100, 'order-1')).value, 100)
    assert.equal(await call('balance', ada, 'fan_ada'), 100)
    await rejectsCode(call('balance', max, 'fan_ada'), 'NOT_FOUND')

    // A call: ring, accept, refresh, end (3 min 10 s bills 4 minutes), end again.
    const ringing = await call('initiate', max, { fanId: 'fan_ada', callType: 'video', message: 'Thanks for the follow!', ip: '203.0.113.7' })
    const id = ringing.value.id
    assert.equal(ringing.value.state, 'ringing')
    assert.equal(ringing.value.channel, `call_${id.replaceAll('-', '')}`)
    assert.deepEqual(ringing.events.map((e) => [e.channel, e.name]), [['user:fan_ada', 'call:request']])
    assert.equal(ringing.events[0].payload.creatorName, 'Max')
    assert.equal(ringing.events[0].payload.message, 'Thanks for the follow!')
    assert.deepEqual((await call('pending', ada)).map((c) => c.id), [id])
    const again = await rejectsCode(call('initiate', max, { fanId: 'fan_ada', callType: 'voice' }), 'BUSY', 409)
    assert.equal(again.retryAfter, undefined)

    engine.advanceClock(5_000)
    const accepted = await call('accept', ada, id)
    assert.equal(accepted.value.call.state, 'connected')
    for (const side of [accepted.value.fan, accepted.value.creator]) {
      assert.equal(side.appId, APP_ID)
      assert.equal(verifyToken(side.token, CERT), true)
      assert.equal(inspectToken(side.token).numericUid, side.uid)
    }
    assert.deepEqual(accepted.events.map((e) => [e.channel, e.name]), [['user:creator_max', 'call:accepted']])
    // Events travel through the realtime provider: they never carry a token.
    assert.ok(!JSON.stringify(accepted.events).includes(accepted.value.creator.token))
    const fresh = await call('refreshToken', max, id)
    assert.equal(fresh.uid, accepted.value.creator.uid)
    assert.equal((await call('status', ada, id)).settlement, null)

    engine.advanceClock(190_000)
    const ended = await call('end', max, id)
    const s = ended.value.settlement
    assert.deepEqual([s.bill.billedSeconds, s.bill.billedMinutes, s.charged, s.fee, s.creatorNet, s.shortfall], [190, 4, 40, 8, 32, 0])
    assert.deepEqual(ended.events.map((e) => [e.channel, e.name]), [['user:fan_ada', 'call:ended']])
    const endedAgain = await call('end', ada, id)
    assert.deepEqual(endedAgain.value.settlement, s)
    assert.deepEqual(endedAgain.events, [])
    assert.deepEqual((await call('status', ada, id)).settlement, s)
    assert.equal(await call('balance', admin, 'fan_ada'), 60)
    assert.equal(await call('balance', admin, 'creator_max'), 32)
    assert.equal(await call('ledgerSum', admin), 0)
    await rejectsCode(call('refreshToken', max, id), 'INVALID_STATE', 409)

    // History pages, newest first.
    const page = await call('history', max, { limit: 1 })
    assert.deepEqual(page.items.map((c) => c.id), [id])
    assert.equal(page.nextCursor, null)

    // Decline, cancel and the sweeper, with other creators.
    for (const c of ['creator_kim', 'creator_lee', 'creator_zed']) await call('recordRelationship', ada, c, 'tipped')
    const kim = { id: 'creator_kim', role: 'creator' }
    const lee = { id: 'creator_lee', role: 'creator' }
    const zed = { id: 'creator_zed', role: 'creator' }
    const k = (await call('initiate', kim, { fanId: 'fan_ada', callType: 'voice' })).value.id
    const declined = await call('decline', ada, k)
    assert.equal(declined.value.state, 'declined')
    assert.deepEqual(declined.events.map((e) => [e.channel, e.name]), [['user:creator_kim', 'call:rejected']])
    const l = (await call('initiate', lee, { fanId: 'fan_ada', callType: 'voice' })).value.id
    const cancelled = await call('cancel', lee, l)
    assert.equal(cancelled.value.state, 'cancelled')
    assert.deepEqual(cancelled.events.map((e) => e.name), ['call:cancelled'])
    const z = (await call('initiate', zed, { fanId: 'fan_ada', callType: 'video' })).value.id
    engine.advanceClock(121_000)
    await rejectsCode(call('accept', ada, z), 'INVITATION_EXPIRED', 410)
    const swept = await call('expireDue')
    assert.deepEqual(swept.value, [z])
    assert.deepEqual(swept.events.map((e) => [e.channel, e.name]).sort(), [['user:creator_zed', 'call:missed'], ['user:fan_ada', 'call:missed']])
    const two = await call('history', ada, { limit: 2 })
    assert.equal(two.items.length, 2)
    const rest = await call('history', ada, { limit: 100, cursor: two.nextCursor })
    assert.equal(two.items.length + rest.items.length, 4)

    // Blocks and unfollow.
    assert.deepEqual(await call('block', ada, 'creator_max'), { value: true, events: [] })
    assert.equal(await call('hasBlocked', ada, 'creator_max'), true)
    engine.advanceClock(120_000)
    await rejectsCode(call('initiate', max, { fanId: 'fan_ada', callType: 'video' }), 'BLOCKED', 403)
    assert.equal((await call('unblock', ada, 'creator_max')).value, true)
    assert.equal((await call('unfollow', ada, 'creator_max')).value, true)
    assert.equal((await call('unfollow', ada, 'creator_max')).value, false)

    // The audit log has every change, with no token in it.
    const audit = await call('auditLog', admin, 0, 1000)
    const events = audit.map((r) => r.event)
    for (const e of ['privacy_updated', 'share_enabled', 'call_initiated', 'call_accepted', 'call_ended', 'call_missed']) {
      assert.ok(events.includes(e), e)
    }
    assert.ok(!JSON.stringify(audit).includes(accepted.value.fan.token))
    assert.ok(!JSON.stringify(audit).includes(link.token))
  })
}

test('a simulated clock moves only when told; the system clock cannot be moved', () => {
  const engine = new Fanline(config())
  assert.equal(engine.simulatedClock, true)
  assert.equal(engine.nowMs(), START_MS)
  assert.equal(engine.advanceClock(1500), START_MS + 1500)
  assert.equal(engine.advanceClock(-500), START_MS + 1000)
  throwsCode(() => engine.advanceClock(0.5), 'INVALID_INPUT')
  throwsCode(() => engine.advanceClock('1'), 'INVALID_INPUT')
  const real = new Fanline(config({ clock: 'system' }))
  assert.equal(real.simulatedClock, false)
  assert.ok(Math.abs(real.nowMs() - Date.now()) < 60_000)
  throwsCode(() => real.advanceClock(1), 'INVALID_STATE', 409)
  assert.equal(new Fanline(config({ clock: undefined })).simulatedClock, false)
})

test('flags switch at run time', async () => {
  const engine = new Fanline(config({ flags: undefined }))
  assert.deepEqual(engine.flags(), { calls: false, fan_share_card: false, fan_privacy: true, fan_mini_profile: true })
  await rejectsCode(engine.initiate(max, { fanId: 'fan_ada', callType: 'video' }), 'FEATURE_DISABLED', 403)
  await rejectsCode(engine.enableShare(ada), 'FEATURE_DISABLED')
  engine.setFlag('calls', true)
  assert.equal(engine.flag('calls'), true)
  await engine.recordRelationship(ada, 'creator_max', 'follow')
  await engine.credit(admin, 'fan_ada', 50, 'r1')
  assert.equal((await engine.initiate(max, { fanId: 'fan_ada', callType: 'video' })).value.state, 'ringing')
  engine.setFlag('fan_privacy', false)
  throwsCode(() => engine.settingsSync(ada), 'FEATURE_DISABLED')
  throwsCode(() => engine.setFlag('teleport', true), 'INVALID_INPUT')
  throwsCode(() => engine.setFlag('calls', 'yes'), 'INVALID_INPUT')
  throwsCode(() => engine.flag(1), 'INVALID_INPUT')
})

test("flags: 'env' reads FEATURE_* from the environment", () => {
  process.env.FEATURE_CALLS = 'TRUE'
  process.env.FEATURE_FAN_PRIVACY = '0'
  try {
    const engine = new Fanline(config({ flags: 'env' }))
    assert.equal(engine.flag('calls'), true)
    assert.equal(engine.flag('fan_privacy'), false)
    process.env.FEATURE_CALLS = 'yes'
    throwsCode(() => new Fanline(config({ flags: 'env' })), 'INVALID_CONFIG')
  } finally {
    delete process.env.FEATURE_CALLS
    delete process.env.FEATURE_FAN_PRIVACY
  }
})

test('limits from the config: the creator rate limit answers 429 with retryAfter', async () => {
  const engine = new Fanline(config({ limits: { creatorRate: { max: 2, periodMs: 60_000 }, cooldownMs: 0 } }))
  for (const f of ['fan_a', 'fan_b', 'fan_c']) {
    await engine.recordRelationship({ id: f, role: 'fan' }, 'creator_max', 'follow')
    await engine.credit(admin, f, 100, `r-${f}`)
  }
  const first = (await engine.initiate(max, { fanId: 'fan_a', callType: 'voice' })).value.id
  await engine.cancel(max, first)
  const second = (await engine.initiate(max, { fanId: 'fan_b', callType: 'voice' })).value.id
  await engine.cancel(max, second)
  const err = await rejectsCode(engine.initiate(max, { fanId: 'fan_c', callType: 'voice' }), 'RATE_LIMITED', 429)
  assert.equal(err.retryAfter, 30)
  const cfg = engine.config()
  assert.equal(cfg.billing.feeBps, 2000)
  assert.equal(cfg.ledger, true)
  assert.equal(cfg.invitationTtlMs, 120_000)
})

test('a SQLite file keeps its data across engines', async () => {
  const store = `sqlite:${join(tmp, 'engine.db')}`
  const one = new Fanline(config({ store }))
  await one.credit(admin, 'fan_ada', 70, 'order-9')
  const two = new Fanline(config({ store }))
  assert.equal(await two.balance(admin, 'fan_ada'), 70)
})

test('a file that is not a fanline database is STORE_INCOMPATIBLE and left as it was', () => {
  const path = join(tmp, 'noise.db')
  const noise = Buffer.alloc(8192)
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 251
  writeFileSync(path, noise)
  const err = throwsCode(() => new Fanline(config({ store: `sqlite:${path}` })), 'STORE_INCOMPATIBLE', 500)
  assert.equal(err.retryAfter, undefined, 'a permanent fault is not retryable')
  assert.match(err.message, /not an SQLite database/)
  assert.ok(!err.message.includes(path), err.message)
  assert.deepEqual(readFileSync(path), noise)
})

test('configuration mistakes are INVALID_CONFIG at construction', () => {
  const bad = [
    {},
    config({ store: undefined }),
    config({ store: 'redis://localhost' }),
    config({ store: 'sqlite:' }),
    config({ agora: { appId: 'short', appCertificate: CERT } }),
    config({ agora: { appId: APP_ID } }),
    config({ shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'short' }] } }),
    config({ flags: { calls: 'yes' } }),
    config({ flags: { teleport: true } }),
    config({ flags: 'all' }),
    config({ clock: 'manual' }),
    config({ clock: { manualStartMs: 1.5 } }),
    config({ clock: { start: 1 } }),
    config({ billing: { feeBps: 20_000 } }),
    config({ limits: { cooldownMs: -1 } }),
    config({ limits: { tokenLifetimeSecs: 1_700_000_000 } }),
    config({ limits: { creatorRate: { max: 0, periodMs: 1 } } }),
    config({ limits: { burst: 1 } }),
    config({ ledger: 'yes' }),
    config({ ledger: CERT }),
    config({ colour: 'red' }),
    config({ shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: Buffer.alloc(8, 1) }] } }),
    config({ shareKeys: { activeKeyId: 1, keys: [{ id: 1.5, secret: SHARE_SECRET }] } }),
    config({ agora: { appId: APP_ID, appCertificate: 10n } }),
    config({ clock: { manualStartMs: 2 ** 53 } }),
    config({ limits: { maxCallSecs: 1.5 } }),
    config({ limits: { creatorRate: { max: -1, periodMs: 1 } } }),
    config({ limits: { ipRate: { max: 1, periodMs: '60000' } } }),
    config({ billing: 'cheap' }),
    null,
  ]
  for (const c of bad) {
    const err = throwsCode(() => new Fanline(c), 'INVALID_CONFIG', 500)
    assert.ok(!err.message.includes(CERT) && !err.message.includes(SHARE_SECRET), err.message)
  }
  throwsCode(() => new Fanline(), 'INVALID_CONFIG')
  throwsCode(() => new Fanline('memory:'), 'INVALID_CONFIG')
})

test('a config mistake names its field', () => {
  const err = throwsCode(() => new Fanline(config({ limits: { cooldownMs: '5' } })), 'INVALID_CONFIG')
  assert.match(err.message, /config\.limits\.cooldownMs/)
  const flag = throwsCode(() => new Fanline(config({ flags: { calls: 1 } })), 'INVALID_CONFIG')
  assert.match(flag.message, /config\.flags/)
})

test('share-key secrets may be Buffers or Uint8Arrays, and sign the same links as text', async () => {
  const store = `sqlite:${join(tmp, 'secrets.db')}`
  const ring = (secret) => ({ activeKeyId: 1, keys: [{ id: 1, secret }] })
  const text = new Fanline(config({ store }))
  await text.setProfile(ada, { displayName: 'Ada' })
  await text.updateSettings(ada, { visibility: 'link' })
  const token = (await text.enableShare(ada)).value.token
  const card = await text.resolveShare(token)
  assert.equal(card.displayName, 'Ada')
  for (const secret of [Buffer.from(SHARE_SECRET), new TextEncoder().encode(SHARE_SECRET)]) {
    assert.deepEqual(await new Fanline(config({ store, shareKeys: ring(secret) })).resolveShare(token), card)
  }
  const other = new Fanline(config({ store, shareKeys: ring(Buffer.alloc(32, 7)) }))
  await rejectsCode(other.resolveShare(token), 'NOT_FOUND')
})

test('metrics, history and auditLog take the core defaults for what is left out', async () => {
  const engine = new Fanline(config())
  await engine.recordRelationship(ada, 'creator_max', 'follow')
  await engine.credit(admin, 'fan_ada', 100, 'r')
  const call = (await engine.initiate(max, { fanId: 'fan_ada', callType: 'voice' })).value
  await engine.accept(ada, call.id)
  engine.advanceClock(61_000)
  await engine.end(max, call.id)
  for (const m of [await engine.metrics(admin), engine.metricsSync(admin, { bucketMs: 60_000 })]) {
    assert.deepEqual(Object.keys(m).sort(), ['denialsByReason', 'refusalsByReason', 'revenueByCreator', 'summary', 'timeline'])
    assert.equal(m.summary[0].initiated, 1)
    assert.equal(m.summary[0].ended, 1)
    assert.equal(m.revenueByCreator[0].creatorId, 'creator_max')
    assert.equal(m.revenueByCreator[0].charged, 20)
  }
  await rejectsCode(engine.metrics(ada), 'NOT_FOUND', 404)
  const since = await engine.metrics(admin, { sinceMs: START_MS + 3_600_000 })
  assert.equal(since.summary[0].initiated, 0)
  assert.equal((await engine.history(max)).items.length, 1)
  assert.equal((await engine.history(max, null)).items.length, 1)
  const audit = await engine.auditLog(admin)
  assert.ok(audit.length > 3 && audit.length <= 100)
  assert.deepEqual(await engine.auditLog(admin, null, null), audit)
})

test('bad arguments reject with INVALID_INPUT (never a synchronous throw) and change nothing', async () => {
  const engine = new Fanline(config())
  await engine.recordRelationship(ada, 'creator_max', 'follow')
  await engine.credit(admin, 'fan_ada', 100, 'r')
  const auditBefore = (await engine.auditLog(admin, 0, 1000)).length
  const bad = [
    () => engine.initiate(null, { fanId: 'fan_ada', callType: 'video' }),
    () => engine.initiate({ id: 'creator_max', role: 'owner' }, { fanId: 'fan_ada', callType: 'video' }),
    () => engine.initiate({ id: ' max', role: 'creator' }, { fanId: 'fan_ada', callType: 'video' }),
    () => engine.initiate(max, { fanId: 'fan_ada', callType: 'hologram' }),
    () => engine.initiate(max, { fanId: 'fan_ada', callType: 'video', colour: 'red' }),
    () => engine.initiate(max, { fanId: 'fan_ada', callType: 'video', ratePerMinute: -1 }),
    () => engine.initiate(max, { fanId: 'fan_ada', callType: 'video', ratePerMinute: 2 ** 53 }),
    () => engine.initiate(max, { fanId: 'fan_ada', callType: 'video', message: HUGE }),
    () => engine.initiate(max, { fanId: HUGE, callType: 'video' }),
    () => engine.initiate(max, 'fan_ada'),
    () => engine.accept(ada, 'not-a-uuid'),
    () => engine.accept(ada, 42),
    () => engine.updateSettings(ada, { visibility: 'public' }),
    () => engine.updateSettings(ada, { allowDm: null }),
    () => engine.updateSettings(ada, []),
    () => engine.setProfile(ada, { displayName: 'x'.repeat(101) }),
    () => engine.setProfile(ada, { avatarUrl: 'javascript:alert(1)', displayName: 'A' }),
    () => engine.recordRelationship(ada, 'creator_max', 'friend'),
    () => engine.decidePairs('hug', []),
    () => engine.decidePairs('call', [['creator_max']]),
    () => engine.history(ada, { limit: 0 }),
    () => engine.history(ada, { limit: 1.5 }),
    () => engine.history(ada, { limit: 10, cursor: 'garbage' }),
    () => engine.history(ada, { limit: 10, colour: 'red' }),
    () => engine.history(ada, 'all'),
    () => engine.metrics(admin, { bucketMs: 10 }),
    () => engine.metrics(admin, { sinceMs: 1.5 }),
    () => engine.metrics(admin, { window: 1 }),
    () => engine.auditLog(admin, -1, 10),
    () => engine.auditLog(admin, 0, 0.5),
    () => engine.resolveShare(undefined),
  ]
  for (const amount of NOT_COUNTS) bad.push(() => engine.credit(admin, 'fan_ada', amount, 'r2'))
  for (const make of bad) {
    let p
    assert.doesNotThrow(() => {
      p = make()
    })
    await rejectsCode(p, 'INVALID_INPUT', 400)
  }
  // The Sync twins throw the same coded errors.
  throwsCode(() => engine.initiateSync(null, {}), 'INVALID_INPUT', 400)
  throwsCode(() => engine.creditSync(admin, 'fan_ada', -1, 'r2'), 'INVALID_INPUT', 400)
  throwsCode(() => engine.historySync(ada, { limit: 101 }), 'INVALID_INPUT', 400)
  assert.equal((await engine.auditLog(admin, 0, 1000)).length, auditBefore)
  assert.equal(await engine.balance(admin, 'fan_ada'), 100)
  assert.deepEqual(await engine.pending(ada), [])
  assert.equal((await engine.settings(ada)).visibility, 'private')
})

test('results never lose precision: a balance beyond 2^53 - 1 is an error, not a rounded number', async () => {
  const engine = new Fanline(config())
  const big = Number.MAX_SAFE_INTEGER
  await engine.credit(admin, 'fan_ada', big, 'r1')
  assert.equal(await engine.balance(admin, 'fan_ada'), big)
  await engine.credit(admin, 'fan_ada', big, 'r2').catch((err) => assertCoded(err, 'INVALID_INPUT'))
  const err = await rejectsCode(engine.balance(admin, 'fan_ada'), 'INVALID_INPUT')
  assert.match(err.message, /2\^53/)
})

for (const mode of ['async', 'sync']) {
  test(`prices come from the store, and accept holds the fan to the price they saw (${mode})`, async () => {
    const engine = new Fanline(config())
    const call = caller(engine, mode)
    assert.equal(await call('callPrice', 'creator_max'), 10) // the billing default
    await rejectsCode(call('setCallPrice', ada, 'creator_max', 50), 'NOT_FOUND', 404)
    for (const bad of [-1, 1.5, '30', 2 ** 60, null]) {
      await rejectsCode(call('setCallPrice', max, 'creator_max', bad), 'INVALID_INPUT', 400)
    }
    assert.equal((await call('setCallPrice', max, 'creator_max', 30)).value, 30)
    assert.equal(await call('callPrice', 'creator_max'), 30)
    await call('recordRelationship', ada, 'creator_max', 'follow')
    await call('credit', admin, 'fan_ada', 100, 'order-1')
    // A rate in the request body of an HTTP route must not reach `initiate`; the store's price
    // is what the call carries.
    const { value: ringing, events } = await call('initiate', max, { fanId: 'fan_ada', callType: 'voice' })
    assert.equal(ringing.ratePerMinute, 30)
    assert.equal(ringing.affordableMinutes, undefined, 'the creator never learns the balance')
    assert.equal(events[0].payload.ratePerMinute, 30)
    assert.equal(events[0].payload.affordableMinutes, 3)
    const [pending] = await call('pending', ada)
    assert.equal(pending.affordableMinutes, 3)
    await rejectsCode(call('accept', ada, ringing.id, { maxRatePerMinute: 29 }), 'PRICE_CHANGED', 409)
    await rejectsCode(call('accept', ada, ringing.id, { maxRate: 30 }), 'INVALID_INPUT', 400)
    await rejectsCode(call('accept', ada, ringing.id, { maxRatePerMinute: -1 }), 'INVALID_INPUT', 400)
    const { value: accepted } = await call('accept', ada, ringing.id, { maxRatePerMinute: 30 })
    assert.equal(accepted.call.limitAt, new Date(START_MS + 180_000).toISOString().replace('.000Z', 'Z'))
    // Credits reuse: same reference, other amount, is a conflict.
    await rejectsCode(call('credit', admin, 'fan_ada', 101, 'order-1'), 'CONFLICT', 409)
  })
}
