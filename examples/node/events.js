'use strict'
// Where the engine's realtime events go. fanline returns the events of every operation and
// never publishes them itself: the routes hand them to this hub, which fans them out to
// whatever is plugged in — a realtime provider (Ably, Pusher, ...) through `onEvent`, or an
// SSE endpoint through `subscribe(channel, listener)` (the web example's `/api/events`).
const { EventEmitter } = require('node:events')

class EventHub {
  constructor() {
    this.emitter = new EventEmitter()
    this.emitter.setMaxListeners(0)
  }

  /** Publishes the `events` of one outcome, in order. */
  publish(events) {
    for (const event of events) {
      this.emitter.emit('event', event)
      this.emitter.emit(event.channel, event)
    }
  }

  /** Calls `listener(event)` for every event; returns the unsubscribe function. */
  onEvent(listener) {
    this.emitter.on('event', listener)
    return () => this.emitter.off('event', listener)
  }

  /** Says that a simulated clock moved (the dev routes do), for pages that count down. */
  clockMoved() {
    this.emitter.emit('clock-moved')
  }

  /** Calls `listener()` whenever a simulated clock moved; returns the unsubscribe function. */
  onClockMoved(listener) {
    this.emitter.on('clock-moved', listener)
    return () => this.emitter.off('clock-moved', listener)
  }

  /** Calls `listener(event)` for the events of one channel (`user:<id>`); returns the unsubscribe function. */
  subscribe(channel, listener) {
    this.emitter.on(channel, listener)
    return () => this.emitter.off(channel, listener)
  }
}

module.exports = { EventHub }
