// The engine's clock as the browser sees it, for countdowns. Invitation expiry times come from
// the engine's clock, which in the example's dev mode and in the tests is a simulated one that
// only moves when told to. The event stream announces the engine's time when it opens and
// whenever a simulated clock is moved; a real clock runs on between announcements, a simulated
// one stands still.

import { api } from './api.js';
import { byId, h } from './dom.js';
import { describeError } from './errors.js';

let anchor = { engineMs: Date.now(), localMs: Date.now(), simulated: false };

/** Takes an announcement from the event stream: `{ now: RFC 3339, simulated: bool }`. */
export function syncClock({ now, simulated }) {
  anchor = { engineMs: Date.parse(now), localMs: Date.now(), simulated: Boolean(simulated) };
  if (simulated) showDevClock();
}

/** The engine's current time, in unix milliseconds. */
export function engineNow() {
  return anchor.simulated ? anchor.engineMs : anchor.engineMs + (Date.now() - anchor.localMs);
}

// DEVELOPMENT ONLY: with a simulated clock nothing expires and no call timer moves unless the
// clock is moved, so the bar offers the backend's /dev/clock/advance route.
function showDevClock() {
  if (document.getElementById('dev-clock')) return;
  const error = h('span', { class: 'error', role: 'alert' });
  const advance = (seconds) => async () => {
    error.textContent = '';
    try {
      await api('POST', '/dev/clock/advance', { ms: seconds * 1000 });
    } catch (e) {
      error.textContent = describeError(e);
    }
  };
  byId('identity-bar').append(
    h(
      'div',
      { id: 'dev-clock', class: 'dev-clock' },
      'Simulated clock (dev): ',
      h('button', { type: 'button', onclick: advance(30) }, '+30 s'),
      h('button', { type: 'button', onclick: advance(60) }, '+1 min'),
      error,
    ),
  );
}
