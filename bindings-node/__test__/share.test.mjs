// fanline.share through the binding: the key ring and the robots constants.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { fanline, throwsCode, SHARE_SECRET } from './helpers.mjs'

const { ShareKeyRing, ROBOTS_TXT, X_ROBOTS_TAG } = fanline
const secret2 = Buffer.alloc(32, 9)

test('mint and verify round trip, URL-safe', () => {
  const ring = new ShareKeyRing({ activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] })
  assert.equal(ring.activeKeyId, 1)
  const token = ring.mint('fan_ada', 3, 2_000)
  assert.match(token, /^[A-Za-z0-9_-]+$/)
  assert.deepEqual(ring.verify(token, 1_999), { fan: 'fan_ada', generation: 3, expiresAt: 2_000, keyId: 1 })
  throwsCode(() => ring.verify(token, 2_000), 'NOT_FOUND', 404)
  throwsCode(() => ring.verify(token.slice(0, -2) + 'AA', 0), 'NOT_FOUND')
  throwsCode(() => ring.verify('x'.repeat(5000), 0), 'NOT_FOUND')
})

test('rotation: the old key verifies until it is retired', () => {
  const old = new ShareKeyRing({ activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] })
  const token = old.mint('fan_ada', 1, 10_000)
  const rotated = new ShareKeyRing({
    activeKeyId: 2,
    keys: [
      { id: 1, secret: SHARE_SECRET },
      { id: 2, secret: secret2 },
    ],
  })
  assert.equal(rotated.verify(token, 0).keyId, 1)
  assert.equal(rotated.verify(rotated.mint('fan_b', 1, 10_000), 0).keyId, 2)
  const retired = new ShareKeyRing({ activeKeyId: 2, keys: [{ id: 2, secret: secret2 }] })
  throwsCode(() => retired.verify(token, 0), 'NOT_FOUND')
})

test('bad key rings are INVALID_CONFIG and never echo the secret', () => {
  const err = throwsCode(() => new ShareKeyRing({ activeKeyId: 1, keys: [{ id: 1, secret: 'short-secret' }] }), 'INVALID_CONFIG', 500)
  assert.ok(!err.message.includes('short-secret'))
  throwsCode(() => new ShareKeyRing({ activeKeyId: 2, keys: [{ id: 1, secret: SHARE_SECRET }] }), 'INVALID_CONFIG')
  throwsCode(() => new ShareKeyRing({ activeKeyId: 1, keys: [] }), 'INVALID_CONFIG')
  throwsCode(() => new ShareKeyRing({ activeKeyId: 256, keys: [{ id: 256, secret: SHARE_SECRET }] }), 'INVALID_CONFIG')
  throwsCode(() => new ShareKeyRing({ activeKeyId: 1, keys: [{ id: 1, secret: 42 }] }), 'INVALID_CONFIG')
  throwsCode(() => new ShareKeyRing(null), 'INVALID_CONFIG')
})

test('mint checks its arguments', () => {
  const ring = new ShareKeyRing({ activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] })
  throwsCode(() => ring.mint('', 1, 1), 'INVALID_INPUT')
  throwsCode(() => ring.mint('fan', -1, 1), 'INVALID_INPUT')
  throwsCode(() => ring.mint('fan', 2 ** 32, 1), 'INVALID_INPUT')
  throwsCode(() => ring.mint('fan', 1, 1.5), 'INVALID_INPUT')
  throwsCode(() => ring.verify(5, 0), 'INVALID_INPUT')
})

test('robots constants are the seed values', () => {
  assert.equal(X_ROBOTS_TAG, 'noindex, nofollow, noarchive')
  assert.match(ROBOTS_TXT, /^User-agent: \*\n/)
  assert.match(ROBOTS_TXT, /Disallow: \/fan\//)
  assert.match(ROBOTS_TXT, /Allow: \/creator\//)
})
