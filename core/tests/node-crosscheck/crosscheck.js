// Cross-check of fanline's Agora tokens against the official npm `agora-token` (2.0.6).
//
//   node crosscheck.js <path to the agora_crosscheck example binary> [count] [seed]
//
// For `count` random inputs (default 1500; uids incl. 0 and 2^32-1, accounts with non-ASCII
// text, channels at the 64-byte limit, both roles, odd expiries, per-privilege expiries,
// RTC+RTM, legacy 006):
//  1. builds the official token through the official public builders, with the issue time and
//     salt pinned (the builders read `new Date()` and `Math.random()`; both are pinned here);
//  2. builds ours with the Rust tool;
//  3. checks the inflated payloads are identical (006: the strings), that the official
//     `AccessToken2.from_string` + `verifySignature` accept ours, and that our parser reads the
//     official token to the same fields with a valid signature (and an invalid one for another
//     certificate).
// Exits 1 on any mismatch.
'use strict'

const { execFileSync } = require('child_process')
const zlib = require('zlib')
const { AccessToken2 } = require('agora-token/src/AccessToken2')
const { RtcTokenBuilder, RtcRole } = require('agora-token')
const Legacy = require('agora-token/src/AccessToken')

const [tool, countArg, seedArg] = process.argv.slice(2)
if (!tool) {
  console.error('usage: node crosscheck.js <agora_crosscheck binary> [count] [seed]')
  process.exit(2)
}
const COUNT = Number(countArg || 1500)
const SEED = Number(seedArg || Date.now() % 1e9)

// xorshift32: reproducible with the printed seed.
let state = (SEED >>> 0) || 1
const rand = () => {
  state ^= state << 13; state >>>= 0
  state ^= state >>> 17
  state ^= state << 5; state >>>= 0
  return state / 4294967296
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1))
const pick = (xs) => xs[int(0, xs.length - 1)]
const HEX = '0123456789abcdefABCDEF'
const CHANNEL_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{|}~,'
const ACCOUNT_CHARS = ['a', 'Z', '7', '-', '_', '@', '.', ' ', 'é', 'ü', 'ß', 'ж', '中', '文', '😀', '🎉', 'ع', 'न']

const hex32 = () => Array.from({ length: 32 }, () => pick(HEX)).join('')
const channel = () => {
  const r = rand()
  if (r < 0.15) return Array.from({ length: 64 }, () => pick(CHANNEL_CHARS)).join('')
  if (r < 0.4) return 'call_' + hex32().toLowerCase()
  return Array.from({ length: int(1, 64) }, () => pick(CHANNEL_CHARS)).join('')
}
const account = () => {
  let s = ''
  const target = rand() < 0.1 ? 255 : int(1, 40)
  for (;;) {
    const c = pick(ACCOUNT_CHARS)
    if (Buffer.byteLength(s + c) > target) break
    s += c
  }
  return s || 'a'
}
const uid = () => pick([0, 4294967295, 1, int(1, 9), int(1, 2147483647), int(0, 4294967295)])
const odd = () => pick([1, 59, 61, 86399, 86400, int(1, 86400), 7200, 3600])
const oddOrZero = () => (rand() < 0.1 ? 0 : odd())

function randomInput (i) {
  const base = {
    name: `random-${i}`,
    appId: hex32(),
    appCertificate: hex32(),
    channelName: channel(),
    issueTs: int(1500000000, 2000000000),
    salt: int(1, 99999999)
  }
  if (rand() < 0.4) base.uid = uid(); else base.account = account()
  const kind = rand()
  if (kind < 0.08) {
    // Legacy 006: absolute expiry (0 = none), random u32 salt.
    return {
      ...base,
      version: '006',
      role: pick(['publisher', 'subscriber']),
      privilegeExpiredTs: rand() < 0.2 ? 0 : int(1000000000, 4294967295),
      salt: int(0, 4294967295),
      ts: int(1500000000, 2000000000)
    }
  }
  const input = { ...base, role: pick(['publisher', 'subscriber']), tokenExpire: odd() }
  if (kind < 0.55) {
    input.privilegeExpire = oddOrZero()
  } else if (kind < 0.75) {
    input.role = 'publisher'
    input.joinChannelPrivilegeExpire = oddOrZero()
    input.pubAudioPrivilegeExpire = oddOrZero()
    input.pubVideoPrivilegeExpire = oddOrZero()
    input.pubDataStreamPrivilegeExpire = oddOrZero()
  } else {
    input.joinChannelPrivilegeExpire = oddOrZero()
    input.pubAudioPrivilegeExpire = oddOrZero()
    input.pubVideoPrivilegeExpire = oddOrZero()
    input.pubDataStreamPrivilegeExpire = oddOrZero()
    input.rtmUserId = rand() < 0.5 ? account() : 'rtm_' + int(1, 1e6)
    input.rtmExpire = oddOrZero()
  }
  return input
}

// Runs `fn` with `new Date()` at `issueTs` and `Math.random()` giving `salt` in the official
// constructor's `Math.floor(Math.random() * 99999999) + 1`.
function pinned (issueTs, salt, fn) {
  const RealDate = global.Date
  const realRandom = Math.random
  global.Date = class extends RealDate {
    constructor (...args) { if (args.length) super(...args); else super(issueTs * 1000) }
  }
  Math.random = () => (salt - 1 + 0.5) / 99999999
  try { return fn() } finally { global.Date = RealDate; Math.random = realRandom }
}

function official (input) {
  const who = input.account !== undefined ? input.account : input.uid
  if (input.version === '006') {
    const t = new Legacy.AccessToken(input.appId, input.appCertificate, input.channelName, who)
    t.salt = input.salt
    t.ts = input.ts
    t.addPriviledge(Legacy.priviledges.kJoinChannel, input.privilegeExpiredTs)
    if (input.role === 'publisher') {
      t.addPriviledge(Legacy.priviledges.kPublishAudioStream, input.privilegeExpiredTs)
      t.addPriviledge(Legacy.priviledges.kPublishVideoStream, input.privilegeExpiredTs)
      t.addPriviledge(Legacy.priviledges.kPublishDataStream, input.privilegeExpiredTs)
    }
    return t.build()
  }
  const role = input.role === 'publisher' ? RtcRole.PUBLISHER : RtcRole.SUBSCRIBER
  const a = [input.appId, input.appCertificate, input.channelName, who]
  return pinned(input.issueTs, input.salt, () => {
    if (input.rtmUserId !== undefined) {
      return RtcTokenBuilder.buildTokenWithRtm2(...a, role, input.tokenExpire,
        input.joinChannelPrivilegeExpire, input.pubAudioPrivilegeExpire,
        input.pubVideoPrivilegeExpire, input.pubDataStreamPrivilegeExpire,
        input.rtmUserId, input.rtmExpire)
    }
    if (input.joinChannelPrivilegeExpire !== undefined) {
      return RtcTokenBuilder.buildTokenWithUidAndPrivilege(...a, input.tokenExpire,
        input.joinChannelPrivilegeExpire, input.pubAudioPrivilegeExpire,
        input.pubVideoPrivilegeExpire, input.pubDataStreamPrivilegeExpire)
    }
    return RtcTokenBuilder.buildTokenWithUserAccount(...a, role, input.tokenExpire,
      input.privilegeExpire)
  })
}

function runTool (mode, lines) {
  const out = execFileSync(tool, [mode], {
    input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    maxBuffer: 1 << 30
  })
  return out.toString().trim().split('\n').map((l) => JSON.parse(l))
}

const inflate = (token) => {
  try { return zlib.inflateSync(Buffer.from(token.slice(3), 'base64')) } catch (e) { return Buffer.from(`not zlib: ${e.message}`) }
}
const failures = []
const fail = (input, what) => {
  if (failures.length < 20) console.error(`MISMATCH ${input.name}: ${what}\n  input: ${JSON.stringify(input)}`)
  failures.push(input.name)
}

const inputs = Array.from({ length: COUNT }, (_, i) => randomInput(i))
const officialTokens = inputs.map(official)
const ours = runTool('build', inputs)

let identicalStrings = 0
let checked007 = 0
let checked006 = 0
inputs.forEach((input, i) => {
  const theirs = officialTokens[i]
  const mine = ours[i].token
  if (!theirs) return fail(input, 'the official builder returned an empty token')
  if (!mine) return fail(input, `our builder refused: ${ours[i].error}`)
  if (input.version === '006') {
    checked006++
    if (mine !== theirs) fail(input, `006 strings differ\n  ours:     ${mine}\n  official: ${theirs}`)
    return
  }
  checked007++
  if (mine === theirs) identicalStrings++
  if (!inflate(mine).equals(inflate(theirs))) {
    return fail(input, `inflated payloads differ\n  ours:     ${inflate(mine).toString('hex')}\n  official: ${inflate(theirs).toString('hex')}`)
  }
  const parsed = new AccessToken2()
  if (!parsed.from_string(mine)) return fail(input, 'official from_string rejects our token')
  if (!parsed.verifySignature(input.appCertificate)) return fail(input, 'official verifySignature rejects our token')
  if (parsed.issueTs !== input.issueTs || parsed.salt !== input.salt || parsed.expire !== input.tokenExpire) {
    fail(input, 'official parser reads other issueTs/salt/expire from our token')
  }
})

// Our parser on the official tokens: right fields, valid signature; invalid for another cert.
const inspectLines = []
inputs.forEach((input, i) => {
  const who = input.account !== undefined ? { account: input.account } : { uid: input.uid }
  inspectLines.push({ token: officialTokens[i], certificate: input.appCertificate, channelName: input.channelName, ...who })
  const other = input.appCertificate.slice(0, 31) + (input.appCertificate[31] === '0' ? '1' : '0')
  inspectLines.push({ token: officialTokens[i], certificate: other, channelName: input.channelName, ...who })
})
const inspections = runTool('inspect', inspectLines)
inputs.forEach((input, i) => {
  const good = inspections[2 * i]
  const bad = inspections[2 * i + 1]
  if (good.error) return fail(input, `our parser rejects the official token: ${good.error}`)
  if (input.version === '006') {
    if (good.valid !== true) fail(input, 'our 006 verifier rejects the official token')
    if (bad.valid !== false) fail(input, 'our 006 verifier accepts another certificate')
    return
  }
  const uidText = input.account !== undefined ? input.account : (input.uid === 0 ? '' : String(input.uid))
  if (good.signatureValid !== true) fail(input, 'our verifier rejects the official token')
  if (bad.signatureValid !== false) fail(input, 'our verifier accepts another certificate')
  if (good.appId !== input.appId || good.issueTs !== input.issueTs || good.salt !== input.salt ||
      good.expire !== input.tokenExpire || good.channel !== input.channelName || good.uid !== uidText) {
    fail(input, `our parser reads other fields: ${JSON.stringify(good)}`)
  }
  const rtc = good.services[0]
  const want = input.role === 'publisher' ? 4 : 1
  if (rtc.serviceType !== 1 || rtc.privileges.length !== want) fail(input, 'our parser reads other RTC privileges')
  if (input.rtmUserId !== undefined && good.rtmUserId !== input.rtmUserId) fail(input, 'our parser reads another RTM user id')
})

console.log(JSON.stringify({
  seed: SEED,
  inputs: COUNT,
  accessToken2Checked: checked007,
  legacy006Checked: checked006,
  stringIdenticalToNode: identicalStrings,
  mismatches: failures.length
}))
if (failures.length) {
  console.error(`${failures.length} mismatches (seed ${SEED})`)
  process.exit(1)
}
console.log(`${COUNT} passed, 0 failed`)
