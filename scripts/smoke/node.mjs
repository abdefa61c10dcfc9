// Smoke test of the installed npm packages, run by scripts/stages/70-packages inside an empty
// project where only the packed tarballs (and npm agora-token, the official parser) are
// installed. ESM on purpose: the named imports go through Node's CommonJS export detection.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { decide, defaultSettings, Fanline, inspectToken, RtcTokenBuilder } from 'fanline'

const require = createRequire(import.meta.url)
const { AccessToken2 } = require('agora-token/src/AccessToken2')

const APP_ID = '970CA35de60c44645bbae8a215061b33'
const CERT = '5CFd2fd1755d40ecb72977518be15d3b'

// The package came from node_modules, its binary from the platform package.
assert.match(require.resolve('fanline'), /node_modules[\\/]fanline[\\/]load\.js$/)
assert.match(require.resolve('fanline-linux-x64-gnu'), /node_modules[\\/]fanline-linux-x64-gnu[\\/]/)

// A privacy decision.
const settings = defaultSettings('fan')
assert.deepEqual(decide({ action: 'call', actorRole: 'creator', settings, relationships: ['follow'] }), {
  allowed: true,
  deny: null,
  rule: 'allow_calls',
})
assert.equal(decide({ action: 'call', actorRole: 'creator', settings, relationships: [] }).deny, 'CALL_NOT_ALLOWED')

// An RTC token, read and verified by the official parser.
const token = new RtcTokenBuilder(APP_ID, CERT).buildTokenWithUid('call_smoke', 42, 'publisher', 600)
const parsed = new AccessToken2()
assert.equal(parsed.from_string(token), true)
assert.equal(parsed.verifySignature(CERT), true)
assert.equal(parsed.verifySignature('00000000000000000000000000000000'), false)
assert.equal(String(parsed.appId), APP_ID)
assert.equal(parsed.expire, 600)
const inspected = inspectToken(token, CERT)
assert.equal(inspected.signatureValid, true)
assert.equal(inspected.services[0].channel, 'call_smoke')

// The engine on a SQLite file, reopened by a second instance.
const dir = mkdtempSync(join(tmpdir(), 'fanline-smoke-'))
try {
  const config = {
    store: `sqlite:${join(dir, 'smoke.db')}`,
    agora: { appId: APP_ID, appCertificate: CERT },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'smoke-test-share-secret-0123456789' }] },
    flags: { calls: true },
  }
  const ada = { id: 'fan_ada', role: 'fan' }
  const saved = await new Fanline(config).setProfile(ada, { displayName: 'Ada' })
  assert.deepEqual(saved.value, { displayName: 'Ada', avatarUrl: null })
  assert.deepEqual(await new Fanline(config).profile('fan_ada'), { displayName: 'Ada', avatarUrl: null })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
console.log('node smoke: decide, token (official parser), SQLite engine: ok')
