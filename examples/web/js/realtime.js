// The browser end of the realtime channel. The example backend forwards the engine's events for
// `user:<id>` as Server-Sent Events on /api/events (the seed used Ably; on the server the
// transport is an adapter a host can swap). EventSource cannot send headers, so under --dev the
// stand-in identity rides in the query string; the backend accepts that only in dev mode. A
// real host authenticates the stream like every route, with its session cookie.

import { ApiError } from './api.js';
import { syncClock } from './clock.js';
import { currentIdentity } from './identity.js';

/**
 * Opens the stream for the current user. `handlers` maps event names (`call:request`,
 * `call:accepted`, ...) to functions of the event's payload. Resolves once the server has
 * registered the subscription (its first `clock` event), so state loaded afterwards cannot
 * miss an event.
 */
export function subscribe(handlers) {
  const who = currentIdentity();
  const source = new EventSource(`/api/events?${new URLSearchParams({ as: who.id, role: who.role })}`);
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  }
  return new Promise((resolve, reject) => {
    source.addEventListener('clock', (event) => {
      syncClock(JSON.parse(event.data));
      resolve(source);
    });
    // A dropped stream reconnects by itself; one the server refused stays closed.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        reject(new ApiError({ code: 'NETWORK', message: 'event stream refused', status: 0 }));
      }
    });
  });
}
