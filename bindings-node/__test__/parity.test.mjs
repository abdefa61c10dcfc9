// The parity table (docs/parity.json) against the Node binding: every name the table gives
// Node exists, every export and Fanline method is in the table, and every configuration
// option builds an engine with its example value.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

import { fanline, repoRoot } from './helpers.mjs'

const table = JSON.parse(readFileSync(join(repoRoot, 'docs', 'parity.json'), 'utf8'))
const names = (rows) => rows.map((r) => r.node).filter((n) => n !== null)

/** Resolves `Class.member` (a prototype member or a static) or a plain export. */
function resolve(name) {
  const [head, member] = name.split('.')
  const top = fanline[head]
  if (member === undefined) return top
  return top?.prototype?.[member] ?? top?.[member]
}

function methods(cls) {
  return Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor')
}

test('every engine method in the table exists, and every Fanline method is in the table', () => {
  const listed = new Set(names(table.engine))
  const actual = methods(fanline.Fanline)
  for (const name of listed) assert.ok(actual.includes(name), `Fanline.${name} is in docs/parity.json but not in Node`)
  for (const name of actual) {
    // A Sync twin goes with its Promise form.
    const base = name.endsWith('Sync') ? name.slice(0, -4) : name
    assert.ok(listed.has(base), `Fanline.${name} is missing from docs/parity.json`)
  }
})

test('every module name in the table exists, and every export is in the table', () => {
  const listed = names(table.module)
  for (const name of listed) assert.notEqual(resolve(name), undefined, `${name} is in docs/parity.json but not in Node`)
  const heads = new Set(listed.map((n) => n.split('.')[0]))
  for (const name of Object.keys(fanline)) {
    if (name === '__napiBindingTarget') continue
    assert.ok(heads.has(name), `export ${name} is missing from docs/parity.json`)
  }
})

test('every configuration option in the table is accepted with its example', () => {
  const config = {}
  for (const row of table.config) {
    if (row.node === null) continue
    const parts = row.node.split('.')
    const last = parts.pop()
    let slot = config
    for (const p of parts) slot = slot[p] ??= {}
    slot[last] = row.example
  }
  const engine = new fanline.Fanline(config)
  assert.equal(engine.simulatedClock, true)
  assert.equal(engine.flag('calls'), true)
  const c = engine.config()
  assert.equal(c.ledger, false)
  assert.equal(c.maxCallSecs, 1800)
  assert.equal(c.billing.feeBps, 500)
  assert.equal(c.cooldownMs, 0)
  assert.deepEqual(c.creatorRate, { max: 3, periodMs: 60000 })
  assert.deepEqual(c.ipRate, { max: 5, periodMs: 60000 })
})

test('validateUserId and channelName, as in Python', () => {
  fanline.validateUserId('fan_ada')
  for (const bad of [' fan', '', 'x'.repeat(129), 42, null]) {
    assert.throws(() => fanline.validateUserId(bad), (e) => e.code === 'INVALID_INPUT')
  }
  assert.equal(fanline.channelName('3f2b8c1e-9d4a-4b6e-8f00-123456789abc'), 'call_3f2b8c1e9d4a4b6e8f00123456789abc')
  for (const bad of ['call_xyz', '3f2b8c1e-9d4a-1b6e-8f00-123456789abc', 7]) {
    assert.throws(() => fanline.channelName(bad), (e) => e.code === 'INVALID_INPUT')
  }
})
