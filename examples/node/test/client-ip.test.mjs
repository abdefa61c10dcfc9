// The client address without a network: what the HTTP tests cannot produce on demand (a
// socket that already lost its address, forged hops).
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const { clientAddressOf } = require('../client-ip.js')

const req = (remoteAddress, forwardedFor) => ({
  socket: { remoteAddress },
  connection: { remoteAddress },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
})

test('no socket address means no client address, proxies or not', () => {
  assert.equal(clientAddressOf()(req(undefined)), undefined)
  assert.equal(clientAddressOf(['127.0.0.1'])(req(undefined, '203.0.113.9')), undefined)
})

test('X-Forwarded-For counts from trusted proxies only, hop by hop', () => {
  const direct = clientAddressOf()
  assert.equal(direct(req('198.51.100.7', '203.0.113.9')), '198.51.100.7')
  const proxied = clientAddressOf(['10.0.0.0/8'])
  assert.equal(proxied(req('10.1.2.3', '203.0.113.9')), '203.0.113.9')
  // A client that forges a hop before the proxy's: the first untrusted hop from the proxy wins.
  assert.equal(proxied(req('10.1.2.3', '1.1.1.1, 203.0.113.9')), '203.0.113.9')
  assert.equal(proxied(req('10.1.2.3', '203.0.113.9, 10.9.9.9')), '203.0.113.9')
  assert.equal(proxied(req('192.0.2.1', '203.0.113.9')), '192.0.2.1')
  assert.equal(proxied(req('10.1.2.3', 'garbage')), undefined)
  assert.equal(proxied(req('10.1.2.3', 'fe80::1%eth0')), 'fe80::1%eth0')
  assert.throws(() => clientAddressOf('10.0.0.1'), /list of proxy addresses/)
  assert.throws(() => clientAddressOf(['not-an-address']))
})
