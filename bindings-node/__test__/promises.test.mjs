// How engine Promises settle: each JS environment (the main thread, each worker thread) gets
// its results back through one channel. A pending Promise keeps the process alive and an idle
// engine does not; a worker thread that ends with Promises in flight takes nothing down with
// it; async context (AsyncLocalStorage) survives an await, and the first call's context is
// not retained. The process cases run in a child Node process, so a crash or a hang is seen
// as its exit code or a timeout, not as this runner dying.
import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

import { here, memoryEngine, APP_ID, CERT, SHARE_SECRET } from './helpers.mjs'

/** Source of a function that makes an engine with `pairs` callable pairs. */
const SETUP = `
const fanline = require(${JSON.stringify(`${here}/../load.js`)})
function setup(pairs) {
  const engine = new fanline.Fanline({
    store: 'sqlite::memory:',
    agora: { appId: '${APP_ID}', appCertificate: '${CERT}' },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: '${SHARE_SECRET}' }] },
    flags: { calls: true },
    clock: { manualStartMs: 1_795_608_000_000 },
  })
  const calls = []
  for (let i = 0; i < pairs; i++) {
    engine.recordRelationshipSync({ id: 'fan_' + i, role: 'fan' }, 'creator_' + i, 'follow')
    engine.creditSync({ id: 'ops', role: 'admin' }, 'fan_' + i, 1000, 'seed-' + i)
    calls.push([{ id: 'creator_' + i, role: 'creator' }, { fanId: 'fan_' + i, callType: 'video' }])
  }
  return { engine, calls }
}
`

/** Runs `body` (after SETUP) in a fresh Node process; its exit status, stdout and stderr. */
function node(body, flags = []) {
  const run = spawnSync(process.execPath, [...flags, '-e', SETUP + body], { encoding: 'utf8', timeout: 30_000 })
  assert.equal(run.error, undefined, `the child did not finish: ${run.error}`)
  return run
}

test('a pending engine Promise keeps the process alive until it settles, then lets it exit', () => {
  // Nothing else holds the loop: without the channel's reference the process would exit
  // before printing; with a reference left behind it would never exit (the timeout).
  const run = node(`
    const { engine, calls } = setup(3)
    // The same pair twice: whichever runs second is refused.
    for (let i = 0; i < 2; i++) {
      engine.initiate(...calls[0]).then(
        (r) => console.log('settled', r.value.state),
        (e) => console.log('rejected', e.code),
      )
    }
  `)
  assert.equal(run.status, 0, run.stderr)
  assert.deepEqual(run.stdout.trim().split('\n').sort(), ['rejected BUSY', 'settled ringing'])
})

test('the process exits once every Promise settled, across several rounds', () => {
  const run = node(`
    const { engine, calls } = setup(40)
    ;(async () => {
      for (let round = 0; round < 4; round++) {
        const batch = calls.slice(round * 10, round * 10 + 10).map((c) => engine.initiate(...c))
        const states = (await Promise.all(batch)).map((r) => r.value.state)
        console.log(round, states.filter((s) => s === 'ringing').length)
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
  `)
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim(), '0 10\n1 10\n2 10\n3 10')
})

test('a worker thread ended with engine Promises in flight takes nothing down with it', () => {
  // Each worker starts many Promises and is terminated at once: their results arrive after its
  // env is gone and must be dropped, not settled into freed memory. A worker that awaits its
  // Promises then ends on its own is fine too. The main thread's engine works throughout.
  const worker = (start) => `${SETUP}
    const { parentPort } = require('node:worker_threads')
    const { engine, calls } = setup(200)
    ;(async () => { ${start} })()
  `
  const abandon = worker("for (const c of calls) engine.initiate(...c).catch(() => {}); parentPort.postMessage('started')")
  const finish = worker("for (const c of calls) await engine.initiate(...c); parentPort.postMessage('started')")
  const run = node(`
    const { Worker } = require('node:worker_threads')
    const started = (w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject) })
    const { engine, calls } = setup(50)
    ;(async () => {
      for (let i = 0; i < 10; i++) {
        const w = new Worker(${JSON.stringify(abandon)}, { eval: true })
        await started(w)
        await Promise.all([w.terminate(), engine.initiate(...calls[i])])
      }
      const w = new Worker(${JSON.stringify(finish)}, { eval: true })
      // Listening before its message: a worker that ends at once has its last messages and
      // its 'exit' delivered together.
      const exited = new Promise((resolve) => w.once('exit', resolve))
      await started(w)
      await exited
      const after = await Promise.all(calls.slice(10, 20).map((c) => engine.initiate(...c)))
      console.log('main', after.filter((r) => r.value.state === 'ringing').length)
    })()
  `)
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'main 10')
})

test("the first engine call's async context is not kept alive by the binding", () => {
  // Node keeps the async context a thread-safe function was made in for as long as the
  // function lives; the binding's one function per env must not be made inside a caller's.
  const run = node(`
    const { AsyncLocalStorage } = require('node:async_hooks')
    const { engine } = setup(0)
    const als = new AsyncLocalStorage()
    let collected = false
    const registry = new FinalizationRegistry(() => { collected = true })
    ;(async () => {
      await als.run(null, async () => {
        const request = { id: 'first request', body: new Array(1000).fill('x') }
        registry.register(request, 'request')
        await als.run(request, () => engine.balance({ id: 'ops', role: 'admin' }, 'fan_a'))
      })
      for (let i = 0; i < 10 && !collected; i++) {
        await engine.balance({ id: 'ops', role: 'admin' }, 'fan_b')
        global.gc()
        await new Promise((r) => setTimeout(r, 20))
      }
      console.log('collected', collected)
    })()
  `, ['--expose-gc'])
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'collected true')
})

test('async context survives an await of an engine Promise', async () => {
  const engine = memoryEngine()
  const als = new AsyncLocalStorage()
  const seen = await Promise.all(
    ['a', 'b', 'c'].map((request) =>
      als.run(request, async () => {
        await engine.balance({ id: 'ops', role: 'admin' }, `fan_${request}`)
        await engine.initiate({ id: 'creator', role: 'creator' }, { fanId: `fan_${request}`, callType: 'voice' }).catch(() => {})
        return als.getStore()
      }),
    ),
  )
  assert.deepEqual(seen, ['a', 'b', 'c'])
})
