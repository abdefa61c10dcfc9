// Error mapping: codes, statuses, retryAfter, errorBody, and bad JS arguments.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { fanline, throwsCode, NOT_STRINGS, HUGE } from './helpers.mjs'

const { errorBody, errorCodes, agoraUid } = fanline

test('errorCodes lists the twenty stable codes', () => {
  const codes = errorCodes()
  assert.equal(codes.length, 20)
  for (const c of ['INVALID_INPUT', 'CALL_COOLDOWN', 'RATE_LIMITED', 'FEATURE_DISABLED', 'PRICE_CHANGED', 'CONFLICT', 'STORE_INCOMPATIBLE', 'INTERNAL']) {
    assert.ok(codes.includes(c), c)
  }
})

test('a fanline error is an Error with name, code, status and a human message', () => {
  const err = throwsCode(() => agoraUid(' padded'), 'INVALID_INPUT', 400)
  assert.match(err.message, /whitespace/)
  assert.equal(err.retryAfter, undefined)
  assert.ok(err.stack.length > 0)
})

test('errorBody keeps a fanline error and hides every other one', () => {
  const err = throwsCode(() => agoraUid(''), 'INVALID_INPUT')
  assert.deepEqual(errorBody(err), { ok: false, code: 'INVALID_INPUT', error: err.message })

  const foreign = new Error('SELECT secret FROM keys at /var/db/app.sqlite')
  const body = errorBody(foreign)
  assert.equal(body.code, 'INTERNAL')
  assert.equal(body.ok, false)
  assert.ok(!JSON.stringify(body).includes('secret'))

  // Looking like a fanline error is not enough without the name and a known code.
  const lookalike = Object.assign(new Error('leak'), { code: 'NOT_FOUND', status: 404 })
  assert.equal(errorBody(lookalike).code, 'INTERNAL')
  const unknownCode = Object.assign(new Error('leak'), { name: 'FanlineError', code: 'NOPE' })
  assert.equal(errorBody(unknownCode).code, 'INTERNAL')
  for (const v of [undefined, null, 'text', 42, {}, [], Symbol('x')]) {
    assert.equal(errorBody(v).code, 'INTERNAL')
  }
})

test('errorBody carries retryAfter for limits', () => {
  const err = Object.assign(new Error('too many requests, retry in 7 s'), {
    name: 'FanlineError',
    code: 'RATE_LIMITED',
    status: 429,
    retryAfter: 7,
  })
  assert.deepEqual(errorBody(err), {
    ok: false,
    code: 'RATE_LIMITED',
    error: 'too many requests, retry in 7 s',
    retryAfter: 7,
  })
})

test('wrong JS types are INVALID_INPUT and name the argument', () => {
  for (const v of NOT_STRINGS) {
    const err = throwsCode(() => agoraUid(v), 'INVALID_INPUT', 400)
    assert.match(err.message, /userId/)
  }
  throwsCode(() => agoraUid(), 'INVALID_INPUT')
})

test('huge strings are refused before they are copied', () => {
  const err = throwsCode(() => agoraUid(HUGE), 'INVALID_INPUT')
  assert.match(err.message, /longer than/)
})

test('objects that are not plain data are refused', () => {
  const cyclic = { action: 'call', actorRole: 'creator' }
  let deep = cyclic
  for (let i = 0; i < 40; i++) deep = deep.next = {}
  throwsCode(() => fanline.decide(cyclic), 'INVALID_INPUT')
  throwsCode(() => fanline.decide({ action: 'call', actorRole: 'creator', extra: () => 1 }), 'INVALID_INPUT')
  throwsCode(() => fanline.decide({ action: 'call', actorRole: 'creator', featureOn: 10n }), 'INVALID_INPUT')
})
