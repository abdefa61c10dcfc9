// A type test: `tsc --noEmit -p __test__/types` must accept every use below and reject every
// line marked @ts-expect-error, so index.d.ts stays true to what the binding takes and gives.
import {
  Fanline,
  RtcTokenBuilder,
  errorBody,
  errorCodes,
  type AcceptedCall,
  type CallView,
  type ErrorCode,
  type FanlineEvent,
  type Metrics,
  type Outcome,
} from '../../index.js'

const engine = new Fanline({
  store: 'memory:',
  agora: { appId: 'a'.repeat(32), appCertificate: 'b'.repeat(32) },
  shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 's'.repeat(32) }] },
  flags: { calls: true },
  limits: { ipRate: { max: 5, periodMs: 60_000 }, maxCallSecs: 3_600 },
})
// @ts-expect-error an unknown feature flag
new Fanline({ store: 'memory:', agora: { appId: '', appCertificate: '' }, shareKeys: { activeKeyId: 1, keys: [] }, flags: { teleport: true } })

// @ts-expect-error the store is required: no default store
new Fanline({ agora: { appId: '', appCertificate: '' }, shareKeys: { activeKeyId: 1, keys: [] } })
// Bytes (a Buffer is a Uint8Array) as secrets, null for options left out, a simulated clock.
new Fanline({
  store: 'memory:',
  agora: { appId: '', appCertificate: '' },
  shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: new Uint8Array(32) }] },
  flags: null,
  clock: { manualStartMs: 0 },
  limits: null,
})

const creator = { id: 'creator_max', role: 'creator' } as const
const fan = { id: 'fan_ada', role: 'fan' } as const

async function story(): Promise<void> {
  const price: Outcome<number> = await engine.setCallPrice(creator, 'creator_max', 30)
  const rate: number = await engine.callPrice('creator_max')
  const ringing: Outcome<CallView> = await engine.initiate(creator, {
    fanId: 'fan_ada',
    callType: 'video',
    ip: '203.0.113.7',
  })
  // @ts-expect-error a call type that does not exist
  await engine.initiate(creator, { fanId: 'fan_ada', callType: 'hologram' })
  for (const e of ringing.events as FanlineEvent[]) {
    if (e.name === 'call:request') {
      const shown: number = e.payload.ratePerMinute
      const minutes: number | null = e.payload.affordableMinutes
      void [shown, minutes]
    }
    if (e.name === 'call:ended') {
      const reason: 'hangup' | 'limit' | 'blocked' = e.payload.reason
      void reason
    }
  }
  const accepted: Outcome<AcceptedCall> = await engine.accept(fan, ringing.value.id, {
    maxRatePerMinute: ringing.value.ratePerMinute,
  })
  const limitAt: string | null = accepted.value.call.limitAt
  // @ts-expect-error the option is maxRatePerMinute
  await engine.accept(fan, ringing.value.id, { maxRate: 30 })
  const pending: CallView[] = engine.pendingSync(fan)
  const affordable: number | undefined = pending[0]?.affordableMinutes
  const admin = { id: 'ops', role: 'admin' } as const
  const metrics: Metrics = await engine.metrics(admin, { bucketMs: 60_000 })
  const initiated: number = metrics.summary[0].initiated
  const everything: Metrics = engine.metricsSync(admin)
  // @ts-expect-error the bucket is bucketMs
  await engine.metrics(admin, { bucket: 60_000 })
  const firstPage = await engine.history(creator)
  const audit = await engine.auditLog(admin)
  void [price, rate, limitAt, affordable, initiated, everything, firstPage, audit]
}

const codes: ErrorCode[] = errorCodes()
const code: ErrorCode = 'PRICE_CHANGED'
// @ts-expect-error not an error code
const wrong: ErrorCode = 'TEAPOT'
const body = errorBody(new Error('x'))
const token: string = new RtcTokenBuilder('a'.repeat(32), 'b'.repeat(32)).buildTokenWithUid('ch', 1, 'publisher', 600, 600)
void [story, codes, code, wrong, body, token]
