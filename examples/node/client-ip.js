'use strict'
// Who is calling, by network address: the key of the per-IP rate limit (the engine keys IPv6
// addresses by their /64).
//
// The address is read from the socket as the request arrives, before anything is awaited: a
// client that resets its connection while the body is read leaves no address behind, and a
// limit keyed on "no address" would be no limit. X-Forwarded-For is believed only when the
// socket belongs to a proxy the host named (`trustProxy`), hop by hop (proxy-addr, the module
// Express uses for the same job).
const net = require('node:net')

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
    return typeof address === 'string' && net.isIP(address) !== 0 ? address : undefined
  }
}

module.exports = { clientAddressOf }
