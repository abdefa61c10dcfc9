'use strict'
// Runs the example backend:
//
//   node examples/node/main.js --dev [--port 3000]              # demo: stand-in sign-in, /dev routes
//   node examples/node/main.js --auth ./my-auth.js [--host 0.0.0.0] [--port 3000]
//
// `--auth` names a module exporting `authenticate(req)` (see auth.js); without it (or --dev)
// the server refuses to start. It listens on 127.0.0.1 unless `--host` says otherwise.
// Configuration from the environment: FANLINE_STORE (default sqlite:./fanline-example.db),
// AGORA_APP_ID, AGORA_APP_CERTIFICATE, SHARE_KEY (>= 32 bytes), FEATURE_* flags,
// TRUST_PROXY (comma-separated proxy addresses / CIDR ranges whose X-Forwarded-For is believed),
// CORS_ORIGINS (comma-separated origins allowed to call the API from a browser; default none),
// METRICS_FROM (who may read /metrics; default loopback).
// With --dev: demo credentials when none are set, every flag on, a simulated clock and the
// /dev routes — NOT FOR PRODUCTION.
const path = require('node:path')
const { parseArgs } = require('node:util')

const { collectDefaultMetrics } = require('prom-client')
const { chooseAuthenticate } = require('./auth')
const { createServer } = require('./server')

const { values: args } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    auth: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
  },
})
const dev = args.dev

function fail(message) {
  console.error(message)
  process.exit(1)
}

// The /dev routes credit tokens to anyone: never on an address other machines can reach.
if (dev && !['127.0.0.1', '::1', 'localhost'].includes(args.host)) {
  fail(`--dev serves /dev routes that credit tokens to anyone: it listens on loopback only, not ${args.host}`)
}

function required(name, devDefault) {
  const value = process.env[name] ?? (dev ? devDefault : undefined)
  if (value === undefined) fail(`set ${name} (or run with --dev for demo values)`)
  return value
}

/** A comma-separated list from the environment, or `fallback` when unset. */
function list(name, fallback) {
  const value = process.env[name]
  return value === undefined ? fallback : value.split(',').map((s) => s.trim()).filter(Boolean)
}

// First of all: no real authentication, no server.
let authenticate
try {
  authenticate = chooseAuthenticate({ authenticate: args.auth ? require(path.resolve(args.auth)).authenticate : undefined, dev })
} catch (err) {
  fail(`fanline example backend: ${err.message} (node main.js --auth ./your-auth.js)`)
}

const config = {
  store: process.env.FANLINE_STORE ?? 'sqlite:./fanline-example.db',
  agora: {
    appId: required('AGORA_APP_ID', '970CA35de60c44645bbae8a215061b33'),
    appCertificate: required('AGORA_APP_CERTIFICATE', '5CFd2fd1755d40ecb72977518be15d3b'),
  },
  shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: required('SHARE_KEY', 'dev-share-key-not-for-production-0123') }] },
  flags: dev ? { calls: true, fan_share_card: true, fan_privacy: true, fan_mini_profile: true } : 'env',
  clock: dev ? { manualStartMs: Date.now() } : 'system',
  // The seed's per-IP limit: 5 initiations a minute (the engine has none unless configured).
  limits: { ipRate: { max: 5, periodMs: 60_000 } },
}

const origins = list('CORS_ORIGINS', [])
let built
try {
  built = createServer({
    config,
    dev,
    authenticate,
    trustProxy: list('TRUST_PROXY', []),
    cors: origins.length > 0 ? { origins, credentials: true } : undefined,
    metricsFrom: list('METRICS_FROM', ['loopback']),
  })
} catch (err) {
  fail(`fanline example backend: ${err.message}`)
}
const { server, registry, logger } = built
collectDefaultMetrics({ register: registry })
server.listen(Number(args.port), args.host, () => {
  const { address, port } = server.address()
  const host = address.includes(':') ? `[${address}]` : address
  logger.info({ address, port, dev }, `fanline example backend on http://${host}:${port}${dev ? ' (DEV MODE)' : ''}`)
})
