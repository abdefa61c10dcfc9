// health() / healthSync(): one store read, { ok, store, schemaVersion, latencyMs }, and
// ok: false (never a rejection) once the database lost its schema.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after } from 'node:test'

import { fanline, APP_ID, CERT, SHARE_SECRET, repoRoot } from './helpers.mjs'

const { Fanline } = fanline
const tmp = mkdtempSync(join(tmpdir(), 'fanline-health-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

const config = (store) => ({
  store,
  agora: { appId: APP_ID, appCertificate: CERT },
  shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] },
})

/** Runs the shipped SQLite down files on `path`, newest first, as an operator would by hand. */
function rollBackByHand(path) {
  const dir = join(repoRoot, 'core/src/store/sqlite/migrations')
  const files = readdirSync(dir).filter((f) => f.endsWith('.down.sql')).sort().reverse()
  const script = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n' +
    'for f in sys.argv[2:]:\n    c.executescript(open(f).read())\nc.commit()\n'
  execFileSync('python3', ['-c', script, path, ...files.map((f) => join(dir, f))])
}

test('a memory store is healthy and has no schema', async () => {
  const engine = new Fanline(config('memory:'))
  const h = await engine.health()
  assert.equal(h.ok, true)
  assert.equal(h.store, 'memory')
  assert.equal(h.schemaVersion, null)
  assert.equal(typeof h.latencyMs, 'number')
  assert.ok(h.latencyMs >= 0)
  assert.equal('error' in h, false)
  assert.equal(engine.healthSync().ok, true)
})

test('a SQLite store reports its schema, and a rolled back one is not healthy', async () => {
  const path = join(tmp, 'health.db')
  const engine = new Fanline(config(`sqlite:${path}`))
  const h = await engine.health()
  assert.equal(h.ok, true)
  assert.equal(h.store, 'sqlite')
  assert.ok(Number.isInteger(h.schemaVersion) && h.schemaVersion >= 1)

  rollBackByHand(path)
  for (const down of [await engine.health(), engine.healthSync()]) {
    assert.equal(down.ok, false)
    assert.equal(down.schemaVersion, 0)
    assert.equal(down.error.code, 'STORE_UNAVAILABLE')
    assert.match(down.error.message, /schema version 0/)
  }
  // Every other operation fails meanwhile; health said why.
  await assert.rejects(engine.balance({ id: 'ops', role: 'admin' }, 'fan'), { code: 'STORE_UNAVAILABLE' })

  // A new engine migrates the file forward again.
  const again = new Fanline(config(`sqlite:${path}`))
  assert.equal((await again.health()).ok, true)
  assert.equal((await engine.health()).ok, true)
})
