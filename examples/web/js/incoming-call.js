// CallInvitationModal: a fan's incoming calls, live. An invitation appears the moment its
// `call:request` event arrives (after a reload, from GET /api/calls/pending), shows the
// creator's price and how many minutes the fan's balance pays for, rings until the fan
// answers, and goes away by itself when it expires: the countdown runs on the engine's clock,
// and the server's sweeper also sends `call:missed`. Accepting sends the price the fan saw (a
// call that costs more is refused) and opens the call screen.

import { api } from './api.js';
import { engineNow } from './clock.js';
import { byId, clockText, h } from './dom.js';
import { describeError } from './errors.js';
import { subscribe } from './realtime.js';
import { rememberJoin } from './call-join.js';

// Errors after which the invitation cannot be answered any more.
const GONE = new Set(['INVITATION_EXPIRED', 'INVALID_STATE', 'NOT_FOUND', 'PRICE_CHANGED']);
const open = new Map(); // callId -> { card, ticker, caller }
// Calls already over: the pending list may arrive after the event that ended one.
const over = new Set();
let layer;
let notices;

/** Starts listening for the current fan's invitations. */
export async function watchIncomingCalls() {
  layer = h('div', { class: 'invitation-layer', hidden: true });
  notices = h('div', { class: 'notices', role: 'status' });
  document.body.append(layer, notices);
  try {
    await subscribe({
      'call:request': (p) =>
        ring({
          callId: p.callId,
          caller: p.creatorName || p.creatorId,
          callType: p.callType,
          expiresAt: p.expiresAt,
          message: p.message,
          ratePerMinute: p.ratePerMinute,
          affordableMinutes: p.affordableMinutes,
        }),
      'call:cancelled': (p) => hangUp(p.callId, 'hung up'),
      'call:missed': (p) => hangUp(p.callId, 'missed'),
    });
    const { calls } = await api('GET', '/api/calls/pending');
    for (const call of calls) {
      ring({
        callId: call.id,
        caller: call.creatorName || call.creatorId,
        callType: call.callType,
        expiresAt: call.expiresAt,
        message: call.message,
        ratePerMinute: call.ratePerMinute,
        affordableMinutes: call.affordableMinutes,
      });
    }
  } catch (error) {
    byId('identity-bar').append(h('span', { class: 'error', role: 'alert' }, `Incoming calls unavailable: ${describeError(error)}`));
    return;
  }
  // From here on every new invitation arrives live.
  byId('identity-bar').append(h('span', { class: 'live', role: 'status' }, '● Ready for calls'));
}

/** "10 tokens a minute · your balance covers 12 minutes" (no balance part without a ledger). */
function priceText({ ratePerMinute, affordableMinutes }) {
  const price = ratePerMinute === 0 ? 'Free call' : `${ratePerMinute} ${ratePerMinute === 1 ? 'token' : 'tokens'} a minute`;
  if (ratePerMinute === 0 || affordableMinutes === null || affordableMinutes === undefined) return price;
  const minutes = affordableMinutes === 1 ? '1 minute' : `${affordableMinutes} minutes`;
  return `${price} · your balance covers ${minutes}`;
}

function ring(invitation) {
  if (open.has(invitation.callId) || over.has(invitation.callId)) return;
  const countdown = h('p', { class: 'countdown' });
  const error = h('p', { class: 'error', role: 'alert' });
  const actions = h(
    'div',
    { class: 'actions' },
    h('button', { class: 'accept', onclick: () => answer('accept') }, 'Accept'),
    h('button', { class: 'decline', onclick: () => answer('decline') }, 'Decline'),
  );
  const card = h(
    'section',
    {
      class: 'invitation',
      role: 'alertdialog',
      'aria-label': `Incoming call from ${invitation.caller}`,
      'data-call-id': invitation.callId,
    },
    h('div', { class: 'ring' }, h('img', { src: `/img/${invitation.callType === 'video' ? 'video' : 'phone'}.svg`, alt: '' })),
    h('h2', {}, `${invitation.caller} is calling`),
    h('p', { class: 'call-type' }, invitation.callType === 'video' ? 'Video call' : 'Voice call'),
    h('p', { class: 'price' }, priceText(invitation)),
    invitation.message ? h('blockquote', {}, invitation.message) : null,
    countdown,
    actions,
    error,
  );
  const expiresAt = Date.parse(invitation.expiresAt);
  const tick = () => {
    const left = Math.ceil((expiresAt - engineNow()) / 1000);
    if (left <= 0) hangUp(invitation.callId, 'missed');
    else countdown.textContent = `Expires in ${clockText(left)}`;
  };
  async function answer(action) {
    for (const button of actions.children) button.disabled = true;
    try {
      // The price shown on this card is the most the fan agrees to pay.
      const body = action === 'accept' ? { maxRatePerMinute: invitation.ratePerMinute } : undefined;
      const result = await api('POST', `/api/calls/${invitation.callId}/${action}`, body);
      if (action === 'accept') {
        rememberJoin(invitation.callId, result.join);
        location.href = `/call.html?id=${encodeURIComponent(invitation.callId)}`;
      } else {
        close(invitation.callId);
      }
    } catch (e) {
      error.textContent = describeError(e);
      if (GONE.has(e.code)) {
        actions.replaceChildren(h('button', { onclick: () => close(invitation.callId) }, 'Dismiss'));
      } else {
        for (const button of actions.children) button.disabled = false;
      }
    }
  }
  open.set(invitation.callId, { card, ticker: setInterval(tick, 250), caller: invitation.caller });
  layer.append(card);
  layer.hidden = false;
  tick();
}

function close(callId) {
  over.add(callId);
  const entry = open.get(callId);
  if (!entry) return;
  clearInterval(entry.ticker);
  entry.card.remove();
  open.delete(callId);
  layer.hidden = open.size === 0;
  return entry;
}

function hangUp(callId, why) {
  const entry = close(callId);
  if (!entry) return;
  const text = why === 'missed' ? `Missed call from ${entry.caller}` : `${entry.caller} hung up`;
  notices.append(h('p', { class: 'notice' }, text));
}
