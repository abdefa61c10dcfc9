// fanline.billing through the binding: integer amounts, strict counts.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { fanline, throwsCode, NOT_COUNTS } from './helpers.mjs'

const { bill, charge, split, maxAffordableSeconds, costAt, startGuard, billedSeconds } = fanline

test('three minutes ten seconds bill four started minutes', () => {
  assert.deepEqual(bill(null, 190, 10), { billedSeconds: 190, billedMinutes: 4, ratePerMinute: 10, gross: 40 })
  const c = charge({ feeBps: 2000 }, 190, 10, 1000)
  assert.deepEqual(c, { bill: c.bill, charged: 40, shortfall: 0, fee: 8, creatorNet: 32 })
})

test('per-second rounding, minimum minutes and a capped charge', () => {
  assert.equal(bill({ rounding: 'per_second', ratePerMinute: 60 }, 30, 60).gross, 30)
  assert.equal(bill({ rounding: 'per_second', minimumMinutes: 2 }, 30, 60).gross, 120)
  assert.equal(bill({ minimumMinutes: 3 }, 0, 10).gross, 0)
  const c = charge(undefined, 600, 10, 35)
  assert.equal(c.charged, 35)
  assert.equal(c.shortfall, 65)
  assert.equal(c.fee + c.creatorNet, c.charged)
})

test('split, affordability, cost and start guard', () => {
  assert.deepEqual(split(101, 2500), { fee: 25, net: 76 })
  assert.equal(maxAffordableSeconds(null, 25, 10), 120)
  assert.ok(costAt(null, 120, 10) <= 25)
  assert.equal(maxAffordableSeconds(null, 25, 0), Infinity)
  const secs = maxAffordableSeconds({ rounding: 'per_second' }, 25, 7)
  assert.ok(costAt({ rounding: 'per_second' }, secs, 7) <= 25)
  assert.ok(costAt({ rounding: 'per_second' }, secs + 1, 7) > 25)
  assert.equal(startGuard(null, 7), 4)
  assert.equal(billedSeconds(1_000, 191_999), 190)
  assert.equal(billedSeconds(5_000, 1_000), 0)
})

test('counts must be integers from 0 to 2^53 - 1', () => {
  for (const bad of NOT_COUNTS) {
    throwsCode(() => bill(null, bad, 10), 'INVALID_INPUT')
    throwsCode(() => charge(null, 10, 10, bad), 'INVALID_INPUT')
    throwsCode(() => split(bad, 0), 'INVALID_INPUT')
    throwsCode(() => startGuard(null, bad), 'INVALID_INPUT')
  }
  throwsCode(() => billedSeconds(0.5, 1), 'INVALID_INPUT')
  throwsCode(() => split(10, 10_001), 'INVALID_INPUT')
  throwsCode(() => split(10, 70_000), 'INVALID_INPUT')
})

test('a result beyond 2^53 - 1 is an error, never a rounded number', () => {
  const max = Number.MAX_SAFE_INTEGER
  const err = throwsCode(() => bill(null, 120, max), 'INVALID_INPUT')
  assert.match(err.message, /2\^53/)
  throwsCode(() => costAt(null, max, max), 'INVALID_INPUT')
})

test('bad policies are refused', () => {
  throwsCode(() => bill({ feeBps: 10_001 }, 1, 1), 'INVALID_INPUT')
  throwsCode(() => bill({ rounding: 'per_hour' }, 1, 1), 'INVALID_INPUT')
  throwsCode(() => bill({ ratePerMinute: -1 }, 1, 1), 'INVALID_INPUT')
  throwsCode(() => bill({ rateperminute: 1 }, 1, 1), 'INVALID_INPUT')
  throwsCode(() => bill('default', 1, 1), 'INVALID_INPUT')
})
