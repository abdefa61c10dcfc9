// fanline.agora through the binding: uid vectors, token vectors, the official parser as an
// oracle, the builder's every form, parse / verify / inspect, and legacy 006.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import { inflateSync } from 'node:zlib'

import { fanline, throwsCode, repoRoot, APP_ID, CERT, NOT_COUNTS, HUGE } from './helpers.mjs'

const require = createRequire(import.meta.url)
const { AccessToken2 } = require('agora-token/src/AccessToken2')
const official = require('agora-token')

const { agoraUid, callUids, RtcTokenBuilder, parseToken, verifyToken, inspectToken } = fanline
const { buildToken006, parseToken006, verifyToken006 } = fanline

/** The uid vectors, parsed from the table the core documents. */
function uidVectors() {
  const md = readFileSync(join(repoRoot, 'core/src/agora/uid_vectors.md'), 'utf8')
  return md
    .split('\n')
    .map((line) => line.match(/^\|\s*`(.*)`\s*\|\s*(\d+)\s*\|$/))
    .filter(Boolean)
    .map((m) => [m[1], Number(m[2])])
}

const vectors = readFileSync(join(repoRoot, 'core/tests/data/agora-vectors.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
const pythonTokens = Object.fromEntries(
  readFileSync(join(repoRoot, 'core/tests/data/agora-vectors-python.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .map((v) => [v.name, v.token]),
)

const content = (token) => inflateSync(Buffer.from(token.slice(3), 'base64'))

/** The official parser's verdict on a token. */
function officialVerify(token, cert = CERT) {
  const t = new AccessToken2()
  assert.equal(t.from_string(token), true, 'the official parser reads the token')
  return { verified: t.verifySignature(cert), parsed: t }
}

/** A vector's input as a binding request. */
function request(input) {
  const req = { channel: input.channelName, tokenExpire: input.tokenExpire }
  if ('account' in input) req.account = input.account
  else req.uid = input.uid
  if ('role' in input) req.role = input.role
  if ('privilegeExpire' in input) req.privilegeExpire = input.privilegeExpire
  if ('joinChannelPrivilegeExpire' in input) {
    req.privilegeExpiries = {
      join: input.joinChannelPrivilegeExpire,
      publishAudio: input.pubAudioPrivilegeExpire,
      publishVideo: input.pubVideoPrivilegeExpire,
      publishData: input.pubDataStreamPrivilegeExpire,
    }
  }
  return req
}

test('the documented uid vectors hold', () => {
  const v = uidVectors()
  assert.equal(v.length, 10)
  for (const [id, uid] of v) assert.equal(agoraUid(id), uid, id)
})

test('callUids separates a collision and checks ids', () => {
  const { creator, fan } = callUids('same', 'same')
  assert.notEqual(creator, fan)
  assert.deepEqual(callUids('fan_001', 'creator_001'), { creator: 45118309, fan: 1639386255 })
  throwsCode(() => callUids('a', ''), 'INVALID_INPUT')
  throwsCode(() => agoraUid('x'.repeat(129)), 'INVALID_INPUT')
})

// Correctness is the inflated content (docs/agora-tokens.md): the official builders do not agree
// byte for byte on the zlib stream (npm agora-token deflates with Node's Chromium zlib). The
// addon carries its own vanilla zlib, so its strings are the Python builder's, in Node too.
test('the 007 token vectors: same content as the official builders, the Python builder\'s string', () => {
  const b = new RtcTokenBuilder(APP_ID, CERT)
  const v007 = vectors.filter((v) => !v.input.version)
  assert.equal(v007.length, 4)
  for (const { input, token } of v007) {
    const ours = b.build(request(input), { issueTs: input.issueTs, salt: input.salt })
    assert.deepEqual(content(ours), content(token), input.name)
    assert.deepEqual(content(ours), content(pythonTokens[input.name]), input.name)
    assert.equal(ours, pythonTokens[input.name], input.name)
    assert.equal(officialVerify(ours).verified, true, input.name)
    assert.equal(verifyToken(token, CERT), true, input.name)
  }
})

test('the 006 vector is reproduced byte for byte', () => {
  const [{ input, token }] = vectors.filter((v) => v.input.version === '006')
  const ours = buildToken006(
    input.appId,
    input.appCertificate,
    { channel: input.channelName, uid: input.uid, role: input.role, privilegeExpiredTs: input.privilegeExpiredTs },
    { salt: input.salt, ts: input.ts },
  )
  assert.equal(ours, token)
  const parsed = parseToken006(ours)
  assert.equal(parsed.appId, APP_ID)
  assert.equal(parsed.ts, input.ts)
  assert.deepEqual(parsed.privileges, [1, 2, 3, 4].map((id) => [id, input.privilegeExpiredTs]))
  assert.equal(verifyToken006(ours, CERT, input.channelName, input.uid), true)
  assert.equal(verifyToken006(ours, CERT, input.channelName, input.uid + 1), false)
  assert.equal(verifyToken006(ours, CERT, input.channelName, String(input.uid)), true)
})

test('every builder form gives a token the official parser verifies', () => {
  const b = new RtcTokenBuilder(APP_ID, CERT)
  assert.equal(b.appId, APP_ID)
  const forms = [
    b.buildTokenWithUid('call_0123', 42, 'publisher', 3600),
    b.buildTokenWithUid('call_0123', 0, 2, 3600, 60),
    b.buildTokenWithUserAccount('room_#1 (test)', 'user-42@example.com', 'subscriber', 600),
    b.buildTokenWithRtm('chat', 'ada', 1, 600),
    b.buildTokenWithRtm('chat', 7, 'publisher', 600, 300, 'ada-rtm'),
    b.build({ channel: 'c', uid: 1, rtm: { userId: 'u', expire: 60 } }),
  ]
  for (const t of forms) {
    assert.match(t, /^007eJ/)
    assert.equal(officialVerify(t).verified, true)
    assert.equal(officialVerify(t, '00000000000000000000000000000000').verified, false)
    assert.equal(verifyToken(t, CERT), true)
  }
  const sub = inspectToken(forms[2], CERT)
  assert.equal(sub.uid, 'user-42@example.com')
  assert.deepEqual(sub.services[0].privileges.map((p) => p.name), ['joinChannel'])
  const rtm = inspectToken(forms[4])
  assert.equal(rtm.rtmUserId, 'ada-rtm')
  assert.equal(rtm.numericUid, 7)
  assert.equal(rtm.signatureValid, null)
})

test('uid and the same account give the same token; the official builder agrees on the content', () => {
  const b = new RtcTokenBuilder(APP_ID, CERT)
  const issue = { issueTs: 1_700_000_000, salt: 5 }
  assert.equal(b.build({ channel: 'c', uid: 123 }, issue), b.build({ channel: 'c', account: '123' }, issue))
  assert.notEqual(b.build({ channel: 'c', uid: 0 }, issue), b.build({ channel: 'c', account: '0' }, issue))
  // A fresh official token and ours, parsed by the official parser, carry the same fields.
  const theirs = official.RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, 'c', 99, official.RtcRole.PUBLISHER, 600, 600)
  const ours = b.buildTokenWithUid('c', 99, 'publisher', 600, 600)
  const a = officialVerify(theirs).parsed
  const o = officialVerify(ours).parsed
  assert.equal(o.expire, a.expire)
  assert.deepEqual(o.services[0].__privileges, a.services[0].__privileges)
  assert.deepEqual(o.services[0].__channel_name, a.services[0].__channel_name)
  assert.deepEqual(o.services[0].__uid, a.services[0].__uid)
})

test('parseToken reads every field and refuses garbage without crashing', () => {
  const b = new RtcTokenBuilder(APP_ID, CERT)
  const t = b.build({ channel: 'stage', uid: 42, tokenExpire: 600 }, { issueTs: 1_700_000_000, salt: 9 })
  const p = parseToken(t)
  assert.equal(p.appId, APP_ID)
  assert.equal(p.issueTs, 1_700_000_000)
  assert.equal(p.expire, 600)
  assert.equal(p.salt, 9)
  assert.deepEqual(p.services, [{ serviceType: 1, privileges: [[1, 600], [2, 600], [3, 600], [4, 600]], channel: 'stage', uid: '42' }])
  assert.equal(p.unparsedServiceType, null)
  const i = inspectToken(t, CERT)
  assert.equal(i.signatureValid, true)
  assert.equal(i.issuedAt, '2023-11-14T22:13:20Z')
  assert.equal(i.expiresAt, '2023-11-14T22:23:20Z')
  for (const bad of ['', '007', '007!!!', '008eJxTYA==', HUGE.slice(0, 9000), '006' + APP_ID + 'IABF']) {
    throwsCode(() => parseToken(bad), 'INVALID_INPUT')
    throwsCode(() => inspectToken(bad), 'INVALID_INPUT')
  }
  throwsCode(() => verifyToken(t, 'not-a-certificate'), 'INVALID_CONFIG')
  throwsCode(() => parseToken006('006abc'), 'INVALID_INPUT')
})

test('credentials and requests are checked, never echoing the certificate', () => {
  for (const [app, cert] of [
    ['short', CERT],
    [APP_ID, 'short'],
    [APP_ID, CERT + '0'],
    [42, CERT],
    [APP_ID, undefined],
  ]) {
    const err = throwsCode(() => new RtcTokenBuilder(app, cert), 'INVALID_CONFIG', 500)
    assert.ok(!err.message.includes(CERT))
  }
  const b = new RtcTokenBuilder(APP_ID, CERT)
  const abs = throwsCode(() => b.buildTokenWithUid('c', 1, 'publisher', 1_700_003_600), 'INVALID_INPUT')
  assert.match(abs.message, /relative seconds/)
  throwsCode(() => b.buildTokenWithUid('c', 1, 'publisher', 0), 'INVALID_INPUT')
  throwsCode(() => b.buildTokenWithUid('c', 1, 'owner', 60), 'INVALID_INPUT')
  throwsCode(() => b.buildTokenWithUid('c', 1, 3, 60), 'INVALID_INPUT')
  throwsCode(() => b.buildTokenWithUid('', 1, 1, 60), 'INVALID_INPUT')
  throwsCode(() => b.buildTokenWithUid('a/b', 1, 1, 60), 'INVALID_INPUT')
  throwsCode(() => b.buildTokenWithUid('c', 2 ** 32, 1, 60), 'INVALID_INPUT')
  for (const bad of NOT_COUNTS) throwsCode(() => b.buildTokenWithUid('c', bad, 1, 60), 'INVALID_INPUT')
  throwsCode(() => b.buildTokenWithUserAccount('c', '', 1, 60), 'INVALID_INPUT')
  throwsCode(() => b.build({ channel: 'c' }), 'INVALID_INPUT')
  throwsCode(() => b.build({ channel: 'c', uid: 1, account: 'a' }), 'INVALID_INPUT')
  const typo = throwsCode(() => b.build({ channel: 'c', uid: 1, tokenExpiry: 60 }), 'INVALID_INPUT')
  assert.match(typo.message, /tokenExpiry/)
  throwsCode(() => b.build({ channel: 'c', uid: 1, privilegeExpiries: { publishVideo: 86_401 } }), 'INVALID_INPUT')
  throwsCode(() => b.build({ channel: 'c', uid: 1 }, { issueTs: -1, salt: 1 }), 'INVALID_INPUT')
  throwsCode(() => buildToken006(APP_ID, CERT, { channel: 'c', uid: 1, privilegeExpiredTs: 3600 }), 'INVALID_INPUT')
  throwsCode(() => buildToken006(APP_ID, CERT, { channel: 'c', uid: 1, role: 'boss' }), 'INVALID_INPUT')
})

test('buildBatch keeps the order and isolates bad requests', () => {
  const b = new RtcTokenBuilder(APP_ID, CERT)
  const reqs = Array.from({ length: 200 }, (_, i) => ({ channel: `c${i}`, uid: i + 1 }))
  reqs[7] = { channel: '', uid: 1 }
  reqs[9] = { channel: 'c9', uid: -1 }
  const out = b.buildBatch(reqs)
  assert.equal(out.length, 200)
  assert.equal(out[7].code, 'INVALID_INPUT')
  assert.equal(out[9].code, 'INVALID_INPUT')
  assert.ok(out[9] instanceof Error)
  for (const [i, t] of out.entries()) {
    if (i === 7 || i === 9) continue
    assert.equal(typeof t, 'string')
    const p = parseToken(t)
    assert.equal(p.services[0].channel, `c${i}`)
    assert.equal(p.services[0].uid, String(i + 1))
  }
  assert.deepEqual(b.buildBatch([]), [])
  throwsCode(() => b.buildBatch('nope'), 'INVALID_INPUT')
  throwsCode(() => b.buildBatch({ length: 3 }), 'INVALID_INPUT')
})

test('buildBatchWithUids: one shared channel or one per uid, errors in their slots', () => {
  const b = new RtcTokenBuilder(APP_ID, CERT)
  const shared = b.buildBatchWithUids('stage', [1, 2, 0], 'subscriber', 600)
  assert.deepEqual(shared.map((t) => parseToken(t).services[0].uid), ['1', '2', ''])
  assert.deepEqual(parseToken(shared[0]).services[0].privileges, [[1, 600]])
  assert.equal(officialVerify(shared[1]).verified, true)
  const uids = Array.from({ length: 100 }, (_, i) => i + 1)
  const channels = uids.map((u) => `c${u}`)
  channels[5] = 'bad/channel'
  uids[7] = 1.5
  const out = b.buildBatchWithUids(channels, uids, 'publisher', 3600, 60)
  assert.equal(out.length, 100)
  assert.equal(out[5].code, 'INVALID_INPUT')
  assert.match(out[7].message, /item 7:/)
  const p = parseToken(out[9])
  assert.equal(p.services[0].channel, 'c10')
  assert.deepEqual(p.services[0].privileges, [[1, 60], [2, 60], [3, 60], [4, 60]])
  throwsCode(() => b.buildBatchWithUids(['a'], [1, 2], 1, 60), 'INVALID_INPUT')
  throwsCode(() => b.buildBatchWithUids('a', 'nope', 1, 60), 'INVALID_INPUT')
  // A lifetime the core refuses fails every slot (each request is validated on its own).
  assert.match(b.buildBatchWithUids('a', [1], 1, 90_000)[0].message, /relative seconds/)
  throwsCode(() => b.buildBatchWithUids('a', [1], 'owner', 60), 'INVALID_INPUT')
  assert.deepEqual(b.buildBatchWithUids([], [], 1, 60), [])
})

test('token constants', () => {
  assert.equal(fanline.DEFAULT_EXPIRE_SECS, 7200)
  assert.equal(fanline.MAX_EXPIRE_SECS, 86400)
})
