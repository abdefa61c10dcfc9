// Strict text and reproducible tokens: a lone UTF-16 surrogate is INVALID_INPUT everywhere
// (never silently turned into U+FFFD), and a pinned issue time and salt give the same token
// string however many tokens the process built before.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { fanline, memoryEngine as sharedMemoryEngine, rejectsCode, throwsCode, APP_ID, CERT, SHARE_SECRET } from './helpers.mjs'

const { agoraUid, decide, Fanline, RtcTokenBuilder, ShareKeyRing } = fanline

const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF']

/** The shared memory engine with the share card on and this file's pinned clock. */
function memoryEngine(overrides = {}) {
  return sharedMemoryEngine({
    flags: { calls: true, fan_share_card: true },
    clock: { manualStartMs: 1_700_000_000_000 },
    ...overrides,
  })
}

test('a lone surrogate is INVALID_INPUT in pure functions, naming the argument', () => {
  for (const s of LONE) {
    for (const text of [`fan${s}`, `${s}fan`, `a${s}b`, `x${'y'.repeat(300)}${s}`]) {
      const err = throwsCode(() => agoraUid(text), 'INVALID_INPUT', 400)
      assert.match(err.message, /userId/)
    }
    throwsCode(() => decide({ action: 'call', actorRole: `creator${s}` }), 'INVALID_INPUT')
    // An object key is text too.
    throwsCode(() => fanline.applySettingsPatch(fanline.defaultSettings('fan'), { [`x${s}`]: 1 }), 'INVALID_INPUT')
  }
  // The surrogate pair of one astral character and U+FFFD itself are ordinary text.
  assert.equal(typeof agoraUid('fan_\u{1F600}'), 'number')
  assert.equal(typeof agoraUid('fan_\uFFFD'), 'number')
  assert.notEqual(agoraUid('fan_\uFFFD'), agoraUid('fan_\u{1F600}'))
})

test('a lone surrogate is INVALID_INPUT in token and share-link builders', () => {
  const builder = new RtcTokenBuilder(APP_ID, CERT)
  const ring = new ShareKeyRing({ activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] })
  for (const s of LONE) {
    // Any text is a valid account, so before the check these built tokens for 'ada\uFFFD'.
    const err = throwsCode(() => builder.buildTokenWithUserAccount('c', `ada${s}`, 'publisher', 60), 'INVALID_INPUT')
    assert.match(err.message, /account/)
    throwsCode(() => builder.build({ channel: 'c', account: `${s}ada` }), 'INVALID_INPUT')
    throwsCode(() => builder.buildTokenWithRtm('c', 7, 'publisher', 60, null, `rtm${s}`), 'INVALID_INPUT')
    const out = builder.buildBatch([{ channel: 'c', uid: 1 }, { channel: 'c', account: `b${s}` }])
    assert.equal(typeof out[0], 'string')
    assert.equal(out[1].code, 'INVALID_INPUT')
    throwsCode(() => ring.mint(`fan${s}`, 1, 100), 'INVALID_INPUT')
    throwsCode(() => ring.verify(`tok${s}`, 0), 'INVALID_INPUT')
  }
  assert.equal(typeof builder.buildTokenWithUserAccount('c', 'ada\uFFFD', 'publisher', 60), 'string')
})

test('a lone surrogate is INVALID_INPUT in engine calls, sync and async, and changes nothing', async () => {
  const engine = memoryEngine()
  const ada = { id: 'fan_ada', role: 'fan' }
  engine.setProfileSync(ada, { displayName: 'Ada' })
  for (const s of LONE) {
    throwsCode(() => engine.setProfileSync(ada, { displayName: `Ada ${s}` }), 'INVALID_INPUT')
    await assert.rejects(engine.setProfile(ada, { displayName: `${s}` }), { code: 'INVALID_INPUT' })
    throwsCode(() => engine.profileSync(`fan_ada${s}`), 'INVALID_INPUT')
    throwsCode(() => engine.settingsSync({ id: `fan${s}`, role: 'fan' }), 'INVALID_INPUT')
    await assert.rejects(engine.resolveShare(`token${s}`), { code: 'INVALID_INPUT' })
  }
  assert.deepEqual(engine.profileSync('fan_ada'), { displayName: 'Ada', avatarUrl: null })
})

test('object arguments are read as their JSON data, whichever way the binding reads them', () => {
  const engine = memoryEngine()
  const max = { id: 'creator_max', role: 'creator' }
  engine.recordRelationshipSync({ id: 'fan_ada', role: 'fan' }, 'creator_max', 'follow')
  engine.creditSync({ id: 'ops', role: 'admin' }, 'fan_ada', 1000, 'seed')
  const settings = (actor) => engine.settingsSync(actor)
  const plain = settings({ id: 'fan_ada', role: 'fan' })
  // Only own enumerable properties count: inherited or hidden fields are missing fields.
  const hidden = Object.defineProperty({ role: 'fan' }, 'id', { value: 'fan_ada', enumerable: false })
  for (const actor of [
    Object.create({ id: 'fan_ada', role: 'fan' }),
    Object.assign(Object.create({ role: 'fan' }), { id: 'fan_ada', note: undefined }),
    hidden,
  ]) {
    assert.match(throwsCode(() => settings(actor), 'INVALID_INPUT').message, /missing field/)
  }
  // A field set to undefined is left out (as JSON.stringify does); null is null.
  assert.deepEqual(settings({ id: 'fan_ada', role: 'fan', note: undefined }), plain)
  // An unknown field is ignored where the type ignores it, but must still be plain data.
  assert.deepEqual(settings({ id: 'fan_ada', role: 'fan', note: 'x' }), plain)
  throwsCode(() => settings({ id: 'fan_ada', role: 'fan', note: () => 1 }), 'INVALID_INPUT')
  throwsCode(() => settings({ id: 'fan_ada', role: 'fan', note: [undefined] }), 'INVALID_INPUT')
  // The sequence form of a struct, as serde reads JSON.
  assert.deepEqual(settings(['fan_ada', 'fan']), plain)
  // Wrong types, fractional and unsafe numbers, inside a request.
  for (const bad of [
    { fanId: 'fan_ada', callType: 'video', ratePerMinute: 1.5 },
    { fanId: 'fan_ada', callType: 'video', ratePerMinute: -1 },
    { fanId: 'fan_ada', callType: 'video', ratePerMinute: 2 ** 53 },
    { fanId: 'fan_ada', callType: 'video', ratePerMinute: '5' },
    { fanId: 'fan_ada', callType: 'teleport' },
    { fanId: 'fan_ada', callType: 'video', ip: 7 },
    { fanId: 'fan_ada', callType: 'video', extra: 1 },
    { fanId: 'fan_ada' },
  ]) {
    throwsCode(() => engine.initiateSync(max, bad), 'INVALID_INPUT')
  }
  // A getter runs once, and the call goes through with its value.
  let reads = 0
  const request = {
    callType: 'video',
    get fanId() {
      reads += 1
      return 'fan_ada'
    },
    message: null,
    ip: undefined,
  }
  const { value: call } = engine.initiateSync(max, request)
  assert.equal(reads, 1)
  assert.equal(call.fanId, 'fan_ada')
  assert.equal(call.message, null)
})

test('initiate reads plain arguments in JS, with the results and errors of the native reading', async () => {
  const engine = memoryEngine({ limits: { cooldownMs: 0 } })
  const max = { id: 'creator_max', role: 'creator' }
  for (const fan of ['fan_ada', 'fan_bo']) {
    engine.recordRelationshipSync({ id: fan, role: 'fan' }, 'creator_max', 'follow')
    engine.creditSync({ id: 'ops', role: 'admin' }, fan, 1000, `seed-${fan}`)
  }
  const video = { fanId: 'fan_ada', callType: 'video' }
  // Each is passed on by load.js as fields and refused by the native side, which then reads
  // the objects themselves: the message is the one an actor with one more key (which load.js
  // leaves to the native reading whole) gets.
  for (const [actor, request] of [
    [{ id: 'creator_max', role: 'bogus' }, video],
    [{ id: '', role: 'creator' }, video],
    [{ id: 7, role: 'creator' }, video],
    [max, { fanId: 'fan_ada', callType: 'teleport' }],
    [max, { fanId: 7, callType: 'video' }],
    [max, { ...video, message: 5 }],
    [max, { ...video, ip: ['203.0.113.7'] }],
    [max, { ...video, ratePerMinute: 1.5 }],
    [max, { ...video, ratePerMinute: -0.5 }],
    [max, { ...video, ratePerMinute: 2 ** 53 }],
    [max, { ...video, ratePerMinute: 10n }],
  ]) {
    const read = throwsCode(() => engine.initiateSync(actor, request), 'INVALID_INPUT')
    const whole = throwsCode(() => engine.initiateSync({ ...actor, note: 'x' }, request), 'INVALID_INPUT')
    assert.equal(read.message, whole.message)
    assert.equal((await rejectsCode(engine.initiate(actor, request), 'INVALID_INPUT')).message, read.message)
  }
  assert.deepEqual(engine.pendingSync({ id: 'fan_ada', role: 'fan' }), [])
  // Every field arrives as given, sync and async.
  const request = { fanId: 'fan_ada', callType: 'voice', message: 'hi', ip: '203.0.113.7', ratePerMinute: 25 }
  const { value: call, events } = engine.initiateSync(max, request)
  assert.deepEqual(
    [call.fanId, call.callType, call.message, call.ratePerMinute, events[0].payload.ratePerMinute],
    ['fan_ada', 'voice', 'hi', 25, 25],
  )
  engine.cancelSync(max, call.id)
  const { value: second } = await engine.initiate(max, { fanId: 'fan_bo', callType: 'video', message: null })
  assert.deepEqual([second.creatorId, second.fanId, second.callType, second.message], ['creator_max', 'fan_bo', 'video', null])
  // A getter that initiates another call while the arguments are read: each call keeps its own.
  engine.recordRelationshipSync({ id: 'fan_cy', role: 'fan' }, 'creator_bo', 'follow')
  engine.creditSync({ id: 'ops', role: 'admin' }, 'fan_cy', 1000, 'seed-fan_cy')
  engine.cancelSync(max, second.id)
  let inner
  const nested = {
    callType: 'video',
    get fanId() {
      inner = engine.initiateSync({ id: 'creator_bo', role: 'creator' }, { fanId: 'fan_cy', callType: 'voice' }).value
      return 'fan_ada'
    },
  }
  const { value: outer } = engine.initiateSync(max, nested)
  assert.deepEqual([outer.creatorId, outer.fanId, outer.callType], ['creator_max', 'fan_ada', 'video'])
  assert.deepEqual([inner.creatorId, inner.fanId, inner.callType], ['creator_bo', 'fan_cy', 'voice'])
  // The native helpers load.js calls are not part of the API.
  assert.equal(Fanline.prototype.initiateFields, undefined)
  assert.equal(Fanline.prototype.initiateFieldsSync, undefined)
})

test('an exception thrown by a getter of an argument is thrown by a Sync method and rejects a Promise', async () => {
  const engine = memoryEngine()
  const boom = new Error('boom')
  const request = { fanId: 'fan_ada', get callType() { throw boom } }
  const max = { id: 'creator_max', role: 'creator' }
  // A plain actor (read in JS), one with another key (read natively), and a call id method.
  for (const actor of [max, { ...max, note: 'x' }]) {
    assert.throws(() => engine.initiateSync(actor, request), (err) => err === boom)
    const promise = engine.initiate(actor, request)
    assert.ok(promise instanceof Promise)
    await assert.rejects(promise, (err) => err === boom)
  }
  const actor = { id: 'creator_max', get role() { throw boom } }
  assert.throws(() => engine.cancelSync(actor, 'call'), (err) => err === boom)
  await assert.rejects(engine.cancel(actor, 'call'), (err) => err === boom)
})

/** 20,000 requests of every shape: uid or account, both roles, RTM or not, lengths 1..64. */
function variedRequests(n) {
  const alphabet = 'abc0_-xyz ABC123'
  // mulberry32: a seeded generator, so a failure reproduces.
  let seed = 20_260_000
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
  const text = (len) => Array.from({ length: len }, () => alphabet[next() % alphabet.length]).join('')
  const out = []
  for (let i = 0; i < n; i++) {
    const req = {
      channel: text(1 + (next() % 64)),
      role: next() % 2 ? 'publisher' : 'subscriber',
      tokenExpire: 1 + (next() % 86_400),
    }
    if (next() % 2) req.uid = next() % 100_000
    else req.account = text(1 + (next() % 200))
    if (next() % 3 === 0) req.rtm = { userId: text(1 + (next() % 64)) }
    if (next() % 4 === 0) req.privilegeExpiries = { publishVideo: next() % 600 }
    out.push([req, { issueTs: 1_700_000_000 + (i % 3), salt: next() % 5 }])
  }
  return out
}

test('20,000 varied tokens built twice in one process are the same strings', () => {
  const builder = new RtcTokenBuilder(APP_ID, CERT)
  const requests = variedRequests(20_000)
  const first = requests.map(([req, issue]) => builder.build(req, issue))
  // The second pass runs in reverse, so each token follows a different one than before.
  const second = requests
    .slice()
    .reverse()
    .map(([req, issue]) => builder.build(req, issue))
    .reverse()
  const differing = first.filter((t, i) => t !== second[i]).length
  assert.equal(differing, 0, `${differing} of 20000 tokens changed between passes`)
  assert.ok(new Set(first).size > 19_000, 'the requests are varied')
})

test('text whose multi-byte characters straddle the first read buffer arrives whole', () => {
  const engine = memoryEngine({ flags: { calls: true }, limits: { cooldownMs: 0 } })
  const max = { id: 'creator_max', role: 'creator' }
  for (let n = 248; n <= 256; n++) {
    const fan = { id: `fan_${n}`, role: 'fan' }
    engine.recordRelationshipSync(fan, 'creator_max', 'follow')
    engine.creditSync({ id: 'ops', role: 'admin' }, fan.id, 100, `order-${n}`)
    // 3-byte characters land on every offset around the 256-byte boundary.
    const message = 'a'.repeat(n) + '€€€'
    const { value: call } = engine.initiateSync(max, { fanId: fan.id, callType: 'voice', message })
    assert.equal(call.message, message, `${n} ASCII characters, then three euro signs`)
    engine.cancelSync(max, call.id)
  }
})

test('the shared input bounds (fanline::bounds, as in Python): 64 KiB strings, nesting 16, a million items', () => {
  // At the bound the binding passes the text on (the core's own user-id rule then speaks).
  assert.match(throwsCode(() => fanline.validateUserId('a'.repeat(64 * 1024)), 'INVALID_INPUT').message, /user id/)
  for (const past of ['a'.repeat(64 * 1024 + 1), 'é'.repeat(32 * 1024 + 1)]) {
    assert.match(throwsCode(() => fanline.validateUserId(past), 'INVALID_INPUT').message, /longer than 65536 bytes/)
  }
  let nested = { visibility: 'link' }
  for (let i = 0; i < 16; i++) nested = { x: nested }
  assert.match(
    throwsCode(() => fanline.applySettingsPatch(fanline.defaultSettings(), nested), 'INVALID_INPUT').message,
    /nested more than 16 levels/,
  )
  const builder = new RtcTokenBuilder(APP_ID, CERT)
  const many = new Array(1_000_001).fill('c')
  assert.match(
    throwsCode(() => builder.buildBatchWithUids(many, many.map(() => 1), 'publisher', 60, 60), 'INVALID_INPUT').message,
    /more than 1000000 elements/,
  )
})
