// load.js, the package entry: a missing native binary is an error that says what to install.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { here } from './helpers.mjs'

const pkgDir = join(here, '..')

/** Requires a copy of the package (without any binary) in a fresh directory; the error. */
function loadWithoutBinary(optionalDependencies) {
  const dir = mkdtempSync(join(tmpdir(), 'fanline-loader-'))
  try {
    for (const f of ['load.js', 'index.js']) copyFileSync(join(pkgDir, f), join(dir, f))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fanline', version: '0.1.0', optionalDependencies }))
    const script = `try { require(${JSON.stringify(join(dir, 'load.js'))}); console.log('{}') }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: String(e.cause) })) }`
    const env = { ...process.env }
    delete env.NAPI_RS_NATIVE_LIBRARY_PATH
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: dir, env, encoding: 'utf8' }))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const target = `${process.platform}-${process.arch}`

test('a published platform package is named, with the version to install', () => {
  const name = process.platform === 'linux' ? `fanline-linux-${process.arch}-gnu` : `fanline-${target}`
  const err = loadWithoutBinary({ [name]: '0.1.0' })
  assert.equal(err.code, 'ERR_FANLINE_NATIVE_MISSING')
  assert.match(err.message, new RegExp(`npm install ${name}@0\\.1\\.0`))
  assert.match(err.cause, /Cannot find native binding/)
})

test('a platform without a package gets the build-from-source steps', () => {
  const err = loadWithoutBinary({ 'fanline-nowhere-x64': '0.1.0' })
  assert.equal(err.code, 'ERR_FANLINE_NATIVE_MISSING')
  assert.match(err.message, /none is published for it \(published: fanline-nowhere-x64\)/)
  assert.match(err.message, /npx napi build --platform --release/)
})

test('the entry re-exports the generated loader, CommonJS and ESM alike', async () => {
  const viaEntry = (await import('../load.js')).default
  assert.equal(viaEntry, (await import('../index.js')).default)
  const { decide } = await import('../load.js')
  assert.equal(typeof decide, 'function')
})

test('the entry loaded again over the same addon (a fresh module registry) keeps initiate working', () => {
  const require = createRequire(import.meta.url)
  const entry = require.resolve('../load.js')
  require(entry)
  // What a test runner's fresh registry does: every module again, the native addon kept.
  for (const key of Object.keys(require.cache)) if (!key.endsWith('.node')) delete require.cache[key]
  const { Fanline } = require(entry)
  assert.equal(Fanline.prototype.initiateFields, undefined)
  const engine = new Fanline({
    store: 'memory:',
    agora: { appId: '970CA35de60c44645bbae8a215061b33', appCertificate: '5CFd2fd1755d40ecb72977518be15d3b' },
    shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'test-share-secret-0123456789abcdef' }] },
    flags: { calls: true },
    clock: { manualStartMs: 1_700_000_000_000 },
  })
  engine.recordRelationshipSync({ id: 'fan_1', role: 'fan' }, 'creator_1', 'follow')
  engine.creditSync({ id: 'ops', role: 'admin' }, 'fan_1', 1000, 'seed')
  const { value: call } = engine.initiateSync({ id: 'creator_1', role: 'creator' }, { fanId: 'fan_1', callType: 'video' })
  assert.deepEqual([call.creatorId, call.fanId, call.state], ['creator_1', 'fan_1', 'ringing'])
})
