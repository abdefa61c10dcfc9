#!/usr/bin/env bash
# Official npm `agora-token` (2.0.6) vs fanline, building N (default 100,000) AccessToken2
# publisher tokens by uid (channel `call_<32 hex>`, 7200 s), in the same run:
#   node: one process, warm (after a 10,000-token warm-up)
#   ours: the release `agora_crosscheck bench` example, one thread, then every core
# Prints both rates and the ratios (wall clock, and per CPU-second for a busy host).   Usage: benches/compare-agora-node.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
dir="$PWD/core/tests/node-crosscheck"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
cargo build --quiet --release -p fanline --example agora_crosscheck
target="$(cargo metadata --format-version 1 --no-deps | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"

node_json="$(cd "$dir" && N="$n" node -e '
const { RtcTokenBuilder, RtcRole } = require("agora-token")
const n = Number(process.env.N)
const appId = "970CA35de60c44645bbae8a215061b33", cert = "5CFd2fd1755d40ecb72977518be15d3b"
const hex = (i) => (BigInt(i) * 0x9e3779b97f4a7c15n % (1n << 128n)).toString(16).padStart(32, "0")
const reqs = Array.from({ length: n }, (_, i) => ["call_" + hex(i), 1 + (Math.imul(i, 2654435761) >>> 0) % 2147483647])
const build = ([ch, uid]) => RtcTokenBuilder.buildTokenWithUid(appId, cert, ch, uid, RtcRole.PUBLISHER, 7200, 7200)
for (let i = 0; i < 10000; i++) build(reqs[i % n])
const c0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
let chars = 0
for (const r of reqs) chars += build(r).length
const secs = Number(process.hrtime.bigint() - t0) / 1e9
const c = process.cpuUsage(c0)
const cpuSecs = (c.user + c.system) / 1e6
console.log(JSON.stringify({ tokens: n, secs, perSec: Math.round(n / secs), cpuSecs, onCpuPerSec: Math.round(n / cpuSecs), meanTokenChars: Math.round(chars / n) }))
')"
rust_json="$("$target/release/examples/agora_crosscheck" bench "$n")"

NODE_JSON="$node_json" RUST_JSON="$rust_json" node -e '
const a = JSON.parse(process.env.NODE_JSON), b = JSON.parse(process.env.RUST_JSON)
const f = (x) => Math.round(x).toLocaleString("en-US")
console.log(`tokens per run:                 ${f(a.tokens)}`)
console.log(`npm agora-token 2.0.6 (warm):   ${f(a.perSec)} tokens/s`)
console.log(`fanline, one thread:            ${f(b.singleThreadPerSec)} tokens/s  (${(b.singleThreadPerSec / a.perSec).toFixed(2)}x node)`)
console.log(`fanline, batch on ${b.cores} cores:      ${f(b.batchPerSec)} tokens/s  (${(b.batchPerSec / a.perSec).toFixed(2)}x node)`)
if (b.singleThreadOnCpuPerSec) {
  console.log(`per CPU-second (busy host):     node ${f(a.onCpuPerSec)}, fanline one thread ${f(b.singleThreadOnCpuPerSec)}  (${(b.singleThreadOnCpuPerSec / a.onCpuPerSec).toFixed(2)}x)`)
}
console.log(`load average: ${require("os").loadavg().map((x) => x.toFixed(2)).join(" ")}`)
console.log(JSON.stringify({ node: a, fanline: b }))
'
