'use strict'
// The realtime transport of the example: Server-Sent Events. Each open stream receives the
// engine events of one channel (`user:<id>`) from the EventHub, as `event: <name>` with the
// payload as JSON. It is an adapter: the hub does not know it exists. The seed used Ably; a host
// on Ably (or Pusher, Socket.IO, ...) drops this file and plugs its provider in instead:
//
//   events.onEvent((e) => ably.channels.get(e.channel).publish(e.name, e.payload))
//
// and the browser subscribes with the provider's client instead of EventSource.

/** Comment lines keep idle streams open through proxies that close quiet connections. */
const HEARTBEAT_MS = 15_000

class SseTransport {
  /**
   * `events`: the EventHub. `clock()`: the engine's time as `{ now, simulated }`, sent when a
   * stream opens and whenever the hub announces that a simulated clock moved, so that pages
   * count down on the engine's clock.
   */
  constructor(events, clock) {
    this.events = events
    this.clock = clock
  }

  /** Turns the response `res` into a stream of `channel`'s events until the client leaves. */
  open(req, res, channel) {
    // The client may have left while it was being authenticated: its 'close' has fired
    // already, so subscribing now would leak the subscription and the heartbeat.
    if (req.destroyed || res.destroyed || res.writableEnded) return
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    })
    const send = (name, payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)
    const stops = [
      this.events.subscribe(channel, (event) => send(event.name, event.payload)),
      this.events.onClockMoved(() => send('clock', this.clock())),
    ]
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS)
    res.once('close', () => {
      clearInterval(heartbeat)
      for (const stop of stops) stop()
    })
    // Sent after subscribing: a client that sees it can load state without missing an event.
    send('clock', this.clock())
  }
}

module.exports = { SseTransport }
