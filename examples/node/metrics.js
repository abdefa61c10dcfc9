'use strict'
// Operator metrics in Prometheus' format (prom-client): how long each route takes and which
// errors it answers, so that the seed's targets can be watched:
//
//   p95 latency (< 500 ms):
//     histogram_quantile(0.95, sum by (le) (rate(fanline_http_request_duration_seconds_bucket[5m])))
//   error rate (< 0.1%), server faults only:
//     sum(rate(fanline_http_errors_total{status=~"5.."}[5m]))
//       / sum(rate(fanline_http_request_duration_seconds_count[5m]))
//
// Labels stay few: `route` is the route's pattern (`/api/calls/:id/accept`, never the id),
// `method` one of the methods below, `code` one of the error codes.
const client = require('prom-client')

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The request metrics, registered on `registry` (a prom-client Registry; default a new one, so
 * two servers in one process do not share series). `observe()` records one response;
 * `registry.metrics()` renders them all.
 */
function createMetrics(registry = new client.Registry()) {
  const duration = new client.Histogram({
    name: 'fanline_http_request_duration_seconds',
    help: 'Time from the request to its response (headers, for an event stream), by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const errors = new client.Counter({
    name: 'fanline_http_errors_total',
    help: 'Error responses by route, status and error code',
    labelNames: ['route', 'status', 'code'],
    registers: [registry],
  })
  return {
    registry,
    /** Records one response: `{ method, route, status, code?, seconds }`. */
    observe({ method, route, status, code, seconds }) {
      duration.observe({ method: METHODS.has(method) ? method : 'OTHER', route, status }, seconds)
      if (status >= 400) errors.inc({ route, status, code: code ?? 'NONE' })
    },
  }
}

module.exports = { createMetrics }
