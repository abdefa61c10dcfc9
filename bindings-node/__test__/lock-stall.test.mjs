// A store lock held by another process delays engine calls only: while engine calls wait on
// the SQLite write lock, `fs` work (libuv's thread pool) still completes, and the engine calls
// give up with STORE_UNAVAILABLE after about 5 s, changing nothing: eight on the binding's
// eight workers at their deadline (the SQLite busy timeout is 5 s too), four more, queued
// behind them, at their deadline, without running or with what is left of it. The other
// process is python3's sqlite3 holding `BEGIN IMMEDIATE`.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { test } from 'node:test'

import { fanline, APP_ID, CERT, SHARE_SECRET, assertCoded } from './helpers.mjs'

const BLOCKED_CALLS = 12
const HOLDER = `
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
`

/** Starts the lock holder; resolves once it holds the write lock. */
function holdWriteLock(dbPath) {
  const child = spawn('python3', ['-c', HOLDER, dbPath], { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)))
    child.stdout.on('data', (d) => {
      if (String(d).includes('locked')) resolve(child)
    })
  })
}

test('a write lock held by another process stalls engine calls only, and they give up in about 5 s', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fanline-lock-'))
  const dbPath = join(dir, 'fanline.db')
  const other = join(dir, 'other.txt')
  writeFileSync(other, 'not the store')
  let holder
  try {
    const engine = new fanline.Fanline({
      store: `sqlite:${dbPath}`,
      agora: { appId: APP_ID, appCertificate: CERT },
      shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: SHARE_SECRET }] },
    })
    const admin = { id: 'ops', role: 'admin' }
    engine.creditSync(admin, 'fan_ada', 10, 'seed')

    holder = await holdWriteLock(dbPath)
    const started = performance.now()
    let settled = 0
    const calls = Array.from({ length: BLOCKED_CALLS }, (_, i) =>
      engine.credit(admin, 'fan_ada', 1, `blocked-${i}`).then(
        () => { settled++; return null },
        (err) => { settled++; return { err, at: performance.now() - started } },
      ))

    // libuv's pool is free: file reads complete while every engine call is still waiting.
    for (let i = 0; i < 20; i++) assert.equal(await readFile(other, 'utf8'), 'not the store')
    const fsDone = performance.now() - started
    assert.equal(settled, 0, 'the engine calls were still waiting on the lock')

    const outcomes = await Promise.all(calls)
    const line = `fs reads done after ${fsDone.toFixed(1)} ms; engine calls gave up after ` +
      outcomes.map((o) => (o ? (o.at / 1000).toFixed(2) : 'resolved')).join(', ') + ' s'
    t.diagnostic(line)
    console.log(line)
    for (const o of outcomes) {
      assert.ok(o, 'a write went through while another process held the lock')
      assertCoded(o.err, 'STORE_UNAVAILABLE', 503)
      assert.equal(o.err.retryAfter, 1)
      // They waited for the lock (not refused at once) and settled at the 5 s deadline, also
      // those that got a worker late: not after a busy timeout of their own (10 s), nor after
      // retries of it queued by libuv's four threads (the old bound, 30 s and more).
      assert.ok(o.at > 3_000 && o.at < 9_000, line)
    }

    holder.stdin.end()
    await new Promise((resolve) => holder.on('exit', resolve))
    holder = undefined
    assert.equal(await engine.balance(admin, 'fan_ada'), 10, 'the refused writes changed nothing')
    assert.equal((await engine.credit(admin, 'fan_ada', 1, 'after')).value, 11)
  } finally {
    holder?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
})
