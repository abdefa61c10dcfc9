// Side-by-side in one Node process, ratios from one run:
//   1. AccessToken2 publisher tokens by uid: fanline's binding vs the official npm
//      `agora-token` (2.0.6), single calls, then one batch call (columnar, and request objects)
//      against the official loop;
//   2. engine initiations from Node (Sync on the calling thread, and Promises with 4 in flight
//      on the binding's workers) vs from Rust (the `initiations` bench binary, kept running
//      and fed blocks: `initiations ... serve`) on the same kind of store: ROUNDS rounds
//      (default 30) of one block of INITIATIONS (default 1000) distinct pairs per side, the
//      sides taking turns in a rotating order a few milliseconds apart, comparing the CPU time
//      of each block (user + system; other processes on the machine do not count) and
//      printing the median of the rounds' ratios (and each side's fastest block), for the
//      whole Node process and (on Linux) for its calling thread alone. On a machine whose speed
//      drifts by half over seconds, only blocks this close together compare like with like.
//      A third side is the Rust process with one idle thread (`... threaded serve`): a
//      process with a single thread is a special case for the C library (glibc's malloc takes
//      no locks in it), which Node's process, like any Rust service, never is.
//
// Build the addon in release first:
//   (cd bindings-node && npm ci && npx napi build --platform --release)
//   node benches/node-compare.mjs [TOKENS=100000] [INITIATIONS=1000] [STORE=sqlite::memory:] [ROUNDS=30]
// For the engine part prefer `taskset -c 0 node benches/node-compare.mjs 1000` (TOKENS=1000
// leaves little of the token part): with both processes on one core, the side that waited does
// not wake on a cold core (unpinned, the rounds' ratios spread twice as wide on a 2-core VM; the
// medians agreed). Run the token part unpinned: its batch calls use every core.
// (MemoryStore copies its whole state per write, so it suits tests, not throughput runs.)
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'bindings-node', 'package.json'))
const fanline = require('./load.js')
const official = require('agora-token')

const N = Number(process.argv[2] ?? 100_000)
const INITIATIONS = Number(process.argv[3] ?? 1_000)
const STORE = process.argv[4] ?? 'sqlite::memory:'
const ROUNDS = Number(process.argv[5] ?? 30)
/** Untimed rounds first, while V8 compiles the loop and the wrappers and sizes its heap. */
const WARMUP = 3
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
 * The kernel brings a running thread's count up to date only at a scheduler tick (4 ms here),
 * so one block's figure is off by up to a tick: only the sum over all blocks is reported.
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

/** An `initiations ... serve` process: `block(k)` runs its next k initiations, resolving to their CPU seconds. */
async function rustServer(...extra) {
  const child = spawn(join(targetDir, 'release', 'initiations'), [String((WARMUP + ROUNDS) * INITIATIONS), STORE, 'serve', ...extra], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const line = async () => {
    const { value, done } = await lines.next()
    if (done) throw new Error('the initiations process ended early')
    return value
  }
  if ((await line()) !== 'ready') throw new Error('the initiations process did not start')
  return {
    async block(k) {
      child.stdin.write(`${k}\n`)
      const out = JSON.parse(await line())
      if (out.initiations !== k) throw new Error(`the initiations process ran ${out.initiations} of ${k}`)
      return out.cpuSecs
    },
    end: () => child.stdin.end(),
  }
}

const setup = engineWithPairs((WARMUP + ROUNDS) * INITIATIONS)
const [rustPlain, rustThreaded] = [await rustServer(), await rustServer('threaded')]
// The set-up's garbage is collected before the first block, not billed to it.
collectGarbage()
const sides = {
  async node(k, from) {
    const cpu0 = process.cpuUsage()
    const thread0 = callingThreadCpu()
    for (let i = from; i < from + k; i++) setup.engine.initiateSync(setup.pairs[i][0], setup.pairs[i][1])
    const thread = thread0 === null ? null : callingThreadCpu() - thread0
    const cpu = process.cpuUsage(cpu0)
    return { cpu: (cpu.user + cpu.system) / 1e6, thread }
  },
  plain: (k) => rustPlain.block(k),
  threaded: (k) => rustThreaded.block(k),
}
const ORDER = ['node', 'plain', 'threaded']
const rounds = []
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const got = {}
  for (let j = 0; j < ORDER.length; j++) {
    const side = ORDER[(round + j) % ORDER.length]
    got[side] = await sides[side](INITIATIONS, round * INITIATIONS)
  }
  if (round < WARMUP) continue
  rounds.push({
    node: got.node.cpu,
    nodeThread: got.node.thread,
    rust: got.plain,
    rustThreaded: got.threaded,
    ratio: got.node.cpu / got.plain,
    threadedRatio: got.node.cpu / got.threaded,
  })
}
rustPlain.end()
rustThreaded.end()
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const asyncSetup = engineWithPairs(INITIATIONS)
const t0 = process.hrtime.bigint()
const asyncCpu0 = process.cpuUsage()
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
const asyncCpu = process.cpuUsage(asyncCpu0)
const nodeAsync = { label: 'Node, initiate (Promise, 4 in flight)', count: INITIATIONS, secs: asyncSecs, perSec: INITIATIONS / asyncSecs, cpuSecs: (asyncCpu.user + asyncCpu.system) / 1e6 }


// ---- report -------------------------------------------------------------------------------
console.log(`AccessToken2 publisher tokens by uid (channel call_<32 hex>, 7200 s), ${fmt(N)} per run, ${process.version}`)
for (const r of [official1, official2]) console.log(`  ${r.label.padEnd(40)} ${fmt(r.perSec).padStart(10)} tokens/s`)
console.log(`  ${single.label.padEnd(40)} ${fmt(single.perSec).padStart(10)} tokens/s   ${(single.perSec / officialRate).toFixed(2)}x official (target >= 3.5x)`)
console.log(`  ${batch.label.padEnd(40)} ${fmt(batch.perSec).padStart(10)} tokens/s   ${(batch.perSec / officialRate).toFixed(2)}x official (target >= 6x)`)
console.log(`  ${objects.label.padEnd(40)} ${fmt(objects.perSec).padStart(10)} tokens/s   ${(objects.perSec / officialRate).toFixed(2)}x official`)
console.log(`Engine initiations on ${STORE}: ${ROUNDS} rounds of ${fmt(INITIATIONS)} distinct pairs per side, CPU per initiation`)
const us = (secs) => (secs / INITIATIONS * 1e6).toFixed(1)
const min = (xs) => Math.min(...xs)
const ratios = (key) => rounds.map((r) => r[key])
const spread = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return `quartiles ${sorted[Math.floor(xs.length / 4)].toFixed(2)}-${sorted[Math.floor((3 * xs.length) / 4)].toFixed(2)}`
}
console.log(`  fastest block: Node initiateSync ${us(min(ratios('node')))} us, Rust ${us(min(ratios('rust')))} us, Rust with an idle thread ${us(min(ratios('rustThreaded')))} us`)
console.log(`  median of the rounds' ratios, Node initiateSync / Rust: ${median(ratios('ratio')).toFixed(2)}x (${spread(ratios('ratio'))}), whole process (target <= 1.25x)`)
const sum = (xs) => xs.reduce((a, b) => a + b, 0)
console.log(`  all rounds together: Node ${(sum(ratios('node')) / sum(ratios('rust'))).toFixed(2)}x Rust's CPU`)
if (rounds[0].nodeThread !== null) {
  console.log(`  the calling thread's share of Node's CPU (the rest: V8's collector and compiler threads): ${((100 * sum(ratios('nodeThread'))) / sum(ratios('node'))).toFixed(0)}%`)
}
console.log(`  the same against Rust in a process with a second (idle) thread, as any service has: ${median(ratios('threadedRatio')).toFixed(2)}x (${spread(ratios('threadedRatio'))})`)
console.log(`  ${nodeAsync.label}: ${fmt(nodeAsync.perSec)} /s wall, ${us(nodeAsync.cpuSecs)} us CPU per initiation (one run, after the rounds)`)
console.log(JSON.stringify({ tokens: { official: officialRate, single: single.perSec, batch: batch.perSec, batchObjects: objects.perSec }, initiations: { nodeAsyncPerSec: nodeAsync.perSec, nodeAsyncCpuSecs: nodeAsync.cpuSecs, rounds } }))
