// Side-by-side in one Node process, ratios from one run:
//   1. AccessToken2 publisher tokens by uid: fanline's binding vs the official npm
//      `agora-token` (2.0.6), single calls, then one batch call (columnar, and request objects)
//      against the official loop;
//   2. engine initiations from Node (Sync on the calling thread, and Promises with 4 in flight
//      on the binding's workers) vs from Rust (the `initiations` bench binary) on the same kind
//      of store: ROUNDS rounds (default 5) alternating a Node sync batch and a Rust process,
//      each on fresh pairs, comparing the CPU time of the timed loops (user + system; other
//      processes on the machine do not count) and printing each round's ratio and the median,
//      for the whole Node process and (on Linux) for its calling thread alone. Each round also
//      runs the Rust process with one idle thread (`initiations ... threaded`): a process with
//      a single thread is a special case for the C library (glibc's malloc takes no locks in
//      it), which Node's process, like any Rust service, never is.
//
// Build the addon in release first:
//   (cd bindings-node && npm ci && npx napi build --platform --release)
//   node benches/node-compare.mjs [TOKENS=100000] [INITIATIONS=5000] [STORE=sqlite::memory:] [ROUNDS=5]
// (MemoryStore copies its whole state per write, so it suits tests, not throughput runs.)
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'bindings-node', 'package.json'))
const fanline = require('./load.js')
const official = require('agora-token')

const N = Number(process.argv[2] ?? 100_000)
const INITIATIONS = Number(process.argv[3] ?? 5_000)
const STORE = process.argv[4] ?? 'sqlite::memory:'
const ROUNDS = Number(process.argv[5] ?? 5)
const APP_ID = '970CA35de60c44645bbae8a215061b33'
const CERT = '5CFd2fd1755d40ecb72977518be15d3b'

const fmt = (x) => Math.round(x).toLocaleString('en-US')
const hex = (i) => ((BigInt(i) * 0x9e3779b97f4a7c15n) % (1n << 128n)).toString(16).padStart(32, '0')
const reqs = Array.from({ length: N }, (_, i) => ['call_' + hex(i), 1 + ((Math.imul(i, 2654435761) >>> 0) % 2147483647)])

function rate(label, count, fn) {
  const t0 = process.hrtime.bigint()
  fn()
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  return { label, count, secs, perSec: count / secs }
}

// ---- 1. tokens --------------------------------------------------------------------------
const builder = new fanline.RtcTokenBuilder(APP_ID, CERT)
const theirs = ([ch, uid]) => official.RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, ch, uid, official.RtcRole.PUBLISHER, 7200, 7200)
const ours = ([ch, uid]) => builder.buildTokenWithUid(ch, uid, 'publisher', 7200, 7200)
for (let i = 0; i < 10_000; i++) {
  theirs(reqs[i % N])
  ours(reqs[i % N])
}
const batchRequests = reqs.map(([channel, uid]) => ({ channel, uid, role: 'publisher', tokenExpire: 7200, privilegeExpire: 7200 }))
builder.buildBatch(batchRequests.slice(0, 10_000))

const official1 = rate('npm agora-token, one call per token', N, () => { for (const r of reqs) theirs(r) })
const single = rate('fanline, one call per token', N, () => { for (const r of reqs) ours(r) })
const channels = reqs.map(([ch]) => ch)
const uids = reqs.map(([, uid]) => uid)
builder.buildBatchWithUids(channels.slice(0, 10_000), uids.slice(0, 10_000), 'publisher', 7200, 7200)
let batchOut
const batch = rate('fanline, one buildBatchWithUids call', N, () => { batchOut = builder.buildBatchWithUids(channels, uids, 'publisher', 7200, 7200) })
if (batchOut.some((t) => typeof t !== 'string')) throw new Error('a batch slot failed')
const objects = rate('fanline, one buildBatch call (objects)', N, () => { batchOut = builder.buildBatch(batchRequests) })
if (batchOut.some((t) => typeof t !== 'string')) throw new Error('a batch slot failed')
const official2 = rate('npm agora-token, again (after ours)', N, () => { for (const r of reqs) theirs(r) })
const officialRate = (official1.perSec + official2.perSec) / 2

// ---- 2. engine initiations ----------------------------------------------------------------
function engineWithPairs(n) {
  const engine = new fanline.Fanline({
    store: STORE,
    agora: { appId: APP_ID, appCertificate: CERT },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'bench-share-key-0123456789abcdef!' }] },
    flags: { calls: true, fan_share_card: true },
    clock: { manualStartMs: 1_795_608_000_000 },
  })
  const admin = { id: 'ops', role: 'admin' }
  const pairs = []
  for (let i = 0; i < n; i++) {
    engine.recordRelationshipSync({ id: `fan_${i}`, role: 'fan' }, `creator_${i}`, 'follow')
    engine.creditSync(admin, `fan_${i}`, 1000, `seed-${i}`)
    pairs.push([{ id: `creator_${i}`, role: 'creator' }, { fanId: `fan_${i}`, callType: 'video' }])
  }
  return { engine, pairs }
}

/**
 * CPU seconds of this (the calling) thread alone, from Linux's schedstat; null elsewhere.
 * `process.cpuUsage()` also counts V8's garbage-collector and compiler threads.
 */
function callingThreadCpu() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9
  } catch {
    return null
  }
}

/** A full garbage collection (V8's `gc`, exposed for this call only). */
function collectGarbage() {
  setFlagsFromString('--expose-gc')
  runInNewContext('gc')()
}

execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'fanline-benches', '--bin', 'initiations'], { cwd: root, stdio: 'inherit' })
const targetDir = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root })).target_directory
const runRust = (...extra) => JSON.parse(execFileSync(join(targetDir, 'release', 'initiations'), [String(INITIATIONS), STORE, ...extra]).toString())

// Alternating rounds: a Node sync batch, then the Rust processes, each on fresh pairs.
const rounds = []
let nodeSync, rust
for (let round = 0; round < ROUNDS; round++) {
  const setup = engineWithPairs(INITIATIONS)
  // The set-up's garbage is collected before the clock starts, not billed to the timed loop.
  collectGarbage()
  const cpu0 = process.cpuUsage()
  const thread0 = callingThreadCpu()
  nodeSync = rate('Node, initiateSync', INITIATIONS, () => {
    for (const [creator, req] of setup.pairs) setup.engine.initiateSync(creator, req)
  })
  const thread = thread0 === null ? null : callingThreadCpu() - thread0
  const cpu = process.cpuUsage(cpu0)
  nodeSync.cpuSecs = (cpu.user + cpu.system) / 1e6
  // The Rust process alone, and with one idle thread (as Node's process always has one), in
  // alternating order.
  const order = round % 2 === 0 ? ['plain', 'threaded'] : ['threaded', 'plain']
  const runs = {}
  for (const kind of order) runs[kind] = kind === 'plain' ? runRust() : runRust('threaded')
  const [rustPlain, rustThreaded] = [runs.plain, runs.threaded]
  rust = rustPlain
  rounds.push({
    node: nodeSync.cpuSecs,
    nodeThread: thread,
    rust: rustPlain.cpuSecs,
    rustThreaded: rustThreaded.cpuSecs,
    ratio: nodeSync.cpuSecs / rustPlain.cpuSecs,
    threadRatio: thread === null ? null : thread / rustPlain.cpuSecs,
    threadedRatio: nodeSync.cpuSecs / rustThreaded.cpuSecs,
  })
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const asyncSetup = engineWithPairs(INITIATIONS)
const t0 = process.hrtime.bigint()
let next = 0
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < asyncSetup.pairs.length) {
      const [creator, req] = asyncSetup.pairs[next++]
      await asyncSetup.engine.initiate(creator, req)
    }
  }),
)
const asyncSecs = Number(process.hrtime.bigint() - t0) / 1e9
const nodeAsync = { label: 'Node, initiate (Promise, 4 in flight)', count: INITIATIONS, secs: asyncSecs, perSec: INITIATIONS / asyncSecs }


// ---- report -------------------------------------------------------------------------------
console.log(`AccessToken2 publisher tokens by uid (channel call_<32 hex>, 7200 s), ${fmt(N)} per run, ${process.version}`)
for (const r of [official1, official2]) console.log(`  ${r.label.padEnd(40)} ${fmt(r.perSec).padStart(10)} tokens/s`)
console.log(`  ${single.label.padEnd(40)} ${fmt(single.perSec).padStart(10)} tokens/s   ${(single.perSec / officialRate).toFixed(2)}x official (target >= 3.5x)`)
console.log(`  ${batch.label.padEnd(40)} ${fmt(batch.perSec).padStart(10)} tokens/s   ${(batch.perSec / officialRate).toFixed(2)}x official (target >= 6x)`)
console.log(`  ${objects.label.padEnd(40)} ${fmt(objects.perSec).padStart(10)} tokens/s   ${(objects.perSec / officialRate).toFixed(2)}x official`)
console.log(`Engine initiations on ${STORE}, ${fmt(INITIATIONS)} distinct pairs per round, CPU of the timed loop`)
const us = (secs) => (secs / INITIATIONS * 1e6).toFixed(1)
for (const [i, r] of rounds.entries()) {
  const thread = r.nodeThread === null ? '' : ` (calling thread ${us(r.nodeThread)} us: ${r.threadRatio.toFixed(2)}x)`
  console.log(`  round ${i + 1}: Node initiateSync ${us(r.node)} us, Rust ${us(r.rust)} us per initiation: ${r.ratio.toFixed(2)}x${thread}; Rust with an idle thread ${us(r.rustThreaded)} us: ${r.threadedRatio.toFixed(2)}x`)
}
console.log(`  median CPU ratio Node initiateSync / Rust: ${median(rounds.map((r) => r.ratio)).toFixed(2)}x, whole process (target <= 1.25x)`)
if (rounds[0].nodeThread !== null) {
  console.log(`  median CPU ratio, Node's calling thread only (no V8 collector or compiler threads): ${median(rounds.map((r) => r.threadRatio)).toFixed(2)}x`)
}
console.log(`  median CPU ratio Node initiateSync / Rust in a process with a second (idle) thread, as any service has: ${median(rounds.map((r) => r.threadedRatio)).toFixed(2)}x`)
console.log('Wall rates of the last round (and the Promise run):')
console.log(`  ${'Rust, Fanline::initiate'.padEnd(40)} ${fmt(rust.perSec).padStart(10)} /s`)
for (const r of [nodeSync, nodeAsync]) {
  console.log(`  ${r.label.padEnd(40)} ${fmt(r.perSec).padStart(10)} /s   ${(r.perSec / rust.perSec).toFixed(2)}x Rust (${((1 / r.perSec - 1 / rust.perSec) * 1e6).toFixed(1)} us overhead per call)`)
}
console.log(JSON.stringify({ tokens: { official: officialRate, single: single.perSec, batch: batch.perSec, batchObjects: objects.perSec }, initiations: { rust: rust.perSec, nodeSync: nodeSync.perSec, nodeAsync: nodeAsync.perSec, cpuRatios: rounds.map((r) => r.ratio), threadCpuRatios: rounds.map((r) => r.threadRatio), threadedRustCpuRatios: rounds.map((r) => r.threadedRatio) } }))
