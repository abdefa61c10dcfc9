// Shared by the binding tests: the addon, the repo root, and an assertion for coded errors.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
export const fanline = require('../load.js')
export const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(here, '..', '..')

export const APP_ID = '970CA35de60c44645bbae8a215061b33'
export const CERT = '5CFd2fd1755d40ecb72977518be15d3b'
export const SHARE_SECRET = 'test-share-secret-0123456789abcdef'

/** An engine on a memory store with a pinned clock; `overrides` replace whole config keys. */
export function memoryEngine(overrides = {}) {
  return new fanline.Fanline({
    store: 'memory:',
    agora: { appId: APP_ID, appCertificate: CERT },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] },
    flags: { calls: true },
    clock: { manualStartMs: 1_795_608_000_000 },
    ...overrides,
  })
}

/** Asserts that `err` is a FanlineError with `code` (and, when given, `status`). */
export function assertCoded(err, code, status) {
  assert.ok(err instanceof Error, `expected an Error, got ${err}`)
  assert.equal(err.name, 'FanlineError')
  assert.equal(err.code, code, `${err.code}: ${err.message}`)
  assert.equal(typeof err.status, 'number')
  if (status !== undefined) assert.equal(err.status, status)
}

/** Asserts that `fn()` throws a FanlineError with `code`. */
export function throwsCode(fn, code, status) {
  let thrown
  try {
    fn()
  } catch (err) {
    thrown = err
  }
  assert.ok(thrown, `expected ${code}, nothing was thrown`)
  assertCoded(thrown, code, status)
  return thrown
}

/** Asserts that the promise rejects with a FanlineError with `code`. */
export async function rejectsCode(promise, code, status) {
  assert.ok(promise instanceof Promise, 'expected a Promise')
  let thrown
  try {
    await promise
  } catch (err) {
    thrown = err
  }
  assert.ok(thrown, `expected ${code}, the promise resolved`)
  assertCoded(thrown, code, status)
  return thrown
}

/** Values of the wrong type, and numbers that are not counts. */
export const NOT_STRINGS = [undefined, null, 42, true, {}, [], Symbol('s'), 10n, () => 'x']
export const NOT_COUNTS = [-1, 1.5, 2 ** 53, Number.NaN, Infinity, '5', null, {}, 10n]
export const HUGE = 'x'.repeat(1 << 20)
