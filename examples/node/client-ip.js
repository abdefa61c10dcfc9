'use strict'
// Who is calling, by network address: the key of the per-IP rate limit.
//
// The address is read from the socket as the request arrives, before anything is awaited: a
// client that resets its connection while the body is read leaves no address behind, and a
// limit keyed on "no address" would be no limit. X-Forwarded-For is believed only when the
// socket belongs to a proxy the host named (`trustProxy`), hop by hop (proxy-addr, the module
// Express uses for the same job).
const ipaddr = require('ipaddr.js')
const proxyaddr = require('proxy-addr')

/**
 * Compiles the `trustProxy` option (addresses or CIDR ranges of the host's reverse proxies,
 * e.g. `['127.0.0.1', '10.0.0.0/8']`) into `(req) => address | undefined`. Without proxies
 * the socket's address is the client's.
 */
function clientAddressOf(trustProxy = []) {
  if (!Array.isArray(trustProxy)) throw new TypeError('trustProxy must be a list of proxy addresses or CIDR ranges')
  const trust = proxyaddr.compile(trustProxy)
  return (req) => {
    const address = trustProxy.length > 0 ? proxyaddr(req, trust) : req.socket.remoteAddress
    return typeof address === 'string' && ipaddr.isValid(address) ? address : undefined
  }
}

/**
 * The rate-limit key of an address: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64,
 * because one subscriber usually holds a whole /64 and could otherwise take a fresh address
 * for every request.
 */
function limitKey(address) {
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address()
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const prefix = parsed.parts.slice(0, 4).map((part) => part.toString(16))
  return `${prefix.join(':')}::/64`
}

module.exports = { clientAddressOf, limitKey }
