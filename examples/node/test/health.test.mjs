// GET /health over real HTTP: 200 with the store's health, 503 with the error shape once the
// SQLite database lost its schema (the shipped down files run by hand).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test, after } from 'node:test'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { createServer } = require('../server.js')
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const tmp = mkdtempSync(join(tmpdir(), 'fanline-example-health-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

test('/health is 200 while the store answers and 503 with the error shape when it cannot serve', async () => {
  const path = join(tmp, 'app.db')
  const { server } = createServer({
    config: {
      store: `sqlite:${path}`,
      agora: { appId: '970CA35de60c44645bbae8a215061b33', appCertificate: '5CFd2fd1755d40ecb72977518be15d3b' },
      shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'example-test-share-key-0123456789' }] },
    },
    authenticate: () => null, // /health needs no actor
    sweepIntervalMs: 0,
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}/health`
  try {
    let res = await fetch(url)
    let body = await res.json()
    assert.equal(res.status, 200)
    assert.equal(body.ok, true)
    assert.equal(body.store, 'sqlite')
    assert.ok(body.schemaVersion >= 1)
    assert.equal(typeof body.latencyMs, 'number')

    const dir = join(repoRoot, 'core/src/store/sqlite/migrations')
    const downs = readdirSync(dir).filter((f) => f.endsWith('.down.sql')).sort().reverse()
    const script = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n' +
      'for f in sys.argv[2:]:\n    c.executescript(open(f).read())\nc.commit()\n'
    execFileSync('python3', ['-c', script, path, ...downs.map((f) => join(dir, f))])

    res = await fetch(url)
    body = await res.json()
    assert.equal(res.status, 503)
    assert.equal(body.ok, false)
    assert.equal(body.code, 'STORE_UNAVAILABLE')
    assert.match(body.error, /schema version 0/)
    assert.equal(body.schemaVersion, 0)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})
