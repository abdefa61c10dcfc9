'use strict'
// Runs the example backend: `node examples/node/main.js [--dev] [--port 3000]`.
// Configuration from the environment: FANLINE_STORE (default sqlite:./fanline-example.db),
// AGORA_APP_ID, AGORA_APP_CERTIFICATE, SHARE_KEY (>= 32 bytes), FEATURE_* flags.
// With --dev: demo credentials when none are set, every flag on, a simulated clock and the
// /dev routes — NOT FOR PRODUCTION.
const { createServer } = require('./server')

const args = process.argv.slice(2)
const dev = args.includes('--dev')
const portAt = args.indexOf('--port')
const port = Number(portAt >= 0 ? args[portAt + 1] : process.env.PORT ?? 3000)

function required(name, devDefault) {
  const value = process.env[name] ?? (dev ? devDefault : undefined)
  if (value === undefined) {
    console.error(`set ${name} (or run with --dev for demo values)`)
    process.exit(1)
  }
  return value
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
}

const { server } = createServer({ config, dev, onEvent: (e) => console.log('event', e.channel, e.name) })
server.listen(port, () => {
  console.log(`fanline example backend on http://localhost:${port}${dev ? ' (DEV MODE: /dev routes on, simulated clock)' : ''}`)
})
