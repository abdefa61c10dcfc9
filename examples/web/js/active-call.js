// ActiveCallUI, for both sides of one call (`/call.html?id=<callId>`): ringing (creator),
// connected (timer, live cost, mute, camera, end, the Agora join details) and ended (the billed
// summary). The engine is the only source of truth: the page loads the call's status, then
// follows the realtime events, and the timer and cost come from the server's meter, which runs
// on the engine's clock with the engine's billing rules.

import { api } from './api.js';
import { recallJoin, rememberJoin } from './call-join.js';
import { byId, clockText, dateTimeText, h, show } from './dom.js';
import { describeError } from './errors.js';
import { currentIdentity, renderIdentityBar } from './identity.js';
import { subscribe } from './realtime.js';

const METER_EVERY_MS = 1000;

const callId = new URLSearchParams(location.search).get('id');
const who = currentIdentity();
let call = null;
let meterTimer = null;

const sections = ['ringing', 'active', 'summary', 'notice'].map(byId);

// A call only moves forward (ringing, connected, over), but a status response and an event
// can arrive in either order: an older answer never replaces a newer screen.
const STAGE = { ringing: 0, active: 1, summary: 2, notice: 2 };
let stage = -1;

function only(id) {
  if (STAGE[id] < stage) return false;
  stage = STAGE[id];
  for (const section of sections) show(section, section.id === id);
  return true;
}

function fail(error) {
  byId('call-error').textContent = describeError(error);
}

function otherSide() {
  return who.id === call.creatorId ? call.fanId : call.creatorId;
}

function renderRinging() {
  if (!only('ringing')) return;
  byId('ringing-text').textContent =
    who.id === call.creatorId
      ? `Calling ${call.fanId}…`
      : 'This call is waiting for your answer on the invitation.';
  show(byId('cancel'), who.id === call.creatorId);
  document.querySelector('#ringing .ring img').src = `/img/${call.callType === 'video' ? 'video' : 'phone'}.svg`;
}

function renderActive(join) {
  if (!only('active')) return;
  byId('active-title').textContent = `${call.callType === 'video' ? 'Video' : 'Voice'} call with ${otherSide()}`;
  show(byId('camera'), call.callType === 'video');
  byId('join-app-id').textContent = join.appId;
  byId('join-channel').textContent = join.channel;
  byId('join-uid').textContent = String(join.uid);
  // Enough of the token to recognise it; the whole token is a credential and stays out of view.
  byId('join-token').textContent = `${join.token.slice(0, 12)}… (${join.token.length} characters)`;
  byId('join-expires').textContent = dateTimeText(join.expiresAt);
  if (!meterTimer) {
    readMeter();
    meterTimer = setInterval(readMeter, METER_EVERY_MS);
  }
}

async function readMeter() {
  try {
    const meter = await api('GET', `/api/calls/${callId}/meter`);
    byId('timer').textContent = clockText(meter.elapsedSeconds);
    byId('cost').textContent = `${meter.cost} tokens`;
    byId('rate').textContent = `${meter.ratePerMinute} tokens/min`;
    // Only the fan's meter says how long their balance lasts; the creator never sees it.
    const affordable = meter.maxAffordableSeconds;
    show(byId('affordable-box'), affordable !== undefined);
    byId('affordable').textContent =
      affordable === null ? 'no limit' : `${clockText(Math.max(0, affordable - meter.elapsedSeconds))} left`;
  } catch (error) {
    // The call ended between two readings: its status (or the call:ended event) says how.
    if (error.code === 'INVALID_STATE') refresh();
    else fail(error);
  }
}

function stopMeter() {
  clearInterval(meterTimer);
  meterTimer = null;
}

function renderSummary(settlement) {
  stopMeter();
  if (!only('summary')) return;
  const bill = settlement.bill;
  const billed =
    bill.billedMinutes > 0
      ? `${bill.billedMinutes} min × ${bill.ratePerMinute} tokens = ${bill.gross} tokens`
      : `${bill.billedSeconds} s at ${bill.ratePerMinute} tokens/min = ${bill.gross} tokens`;
  const rows = [
    ['Duration', `${clockText(bill.billedSeconds)} (${bill.billedSeconds} s)`],
    ['Billed', billed],
    ['Charged to the fan', `${settlement.charged} tokens`],
    settlement.shortfall > 0 ? ['Not covered by the balance', `${settlement.shortfall} tokens`] : null,
    ['Platform fee', `${settlement.fee} tokens`],
    ['Creator receives', `${settlement.creatorNet} tokens`],
  ];
  byId('summary-list').replaceChildren(
    ...rows.filter(Boolean).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

function renderNotice(text) {
  stopMeter();
  if (!only('notice')) return;
  byId('notice-text').textContent = text;
}

const FINISHED = {
  declined: 'The fan declined the call.',
  cancelled: 'The creator cancelled the call.',
  missed: 'No answer: the invitation expired.',
};

/** Loads the call's status and shows the matching screen. */
async function refresh() {
  try {
    const status = await api('GET', `/api/calls/${callId}/status`);
    call = status.call;
    if (call.state === 'ringing') renderRinging();
    else if (call.state === 'connected') renderActive(await joinInfo());
    else if (call.state === 'ended') renderSummary(status.settlement);
    else renderNotice(FINISHED[call.state]);
  } catch (error) {
    fail(error);
  }
}

/** This side's join details: kept from accepting, or a fresh token (e.g. after a reload). */
async function joinInfo() {
  const kept = recallJoin(callId);
  if (kept && Date.parse(kept.expiresAt) > Date.now()) return kept;
  const { join } = await api('POST', `/api/calls/${callId}/token`);
  rememberJoin(callId, join);
  return join;
}

async function act(action) {
  byId('call-error').textContent = '';
  try {
    const result = await api('POST', `/api/calls/${callId}/${action}`);
    if (action === 'end') renderSummary(result.settlement);
    else refresh();
  } catch (error) {
    fail(error);
  }
}

function toggle(button, on, off) {
  const pressed = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(pressed));
  button.textContent = pressed ? on : off;
  // Agora SDK: localAudioTrack.setEnabled(!muted) / localVideoTrack.setEnabled(cameraOn) here.
}

renderIdentityBar();
if (!who || !callId) {
  renderNotice('Pick who you are above, then open a call from a fan’s profile or an invitation.');
} else {
  byId('cancel').addEventListener('click', () => act('cancel'));
  byId('end').addEventListener('click', () => act('end'));
  byId('mute').addEventListener('click', (e) => toggle(e.currentTarget, 'Unmute', 'Mute'));
  byId('camera').addEventListener('click', (e) => toggle(e.currentTarget, 'Turn camera on', 'Turn camera off'));
  const mine = (handle) => (payload) => payload.callId === callId && handle(payload);
  try {
    await subscribe({
      // The event carries no token (it travels through the realtime provider): the join
      // details come from the authenticated API, in refresh().
      'call:accepted': mine(refresh),
      'call:rejected': mine(() => renderNotice(FINISHED.declined)),
      'call:cancelled': mine(() => renderNotice(FINISHED.cancelled)),
      'call:missed': mine(() => renderNotice(FINISHED.missed)),
      'call:ended': mine((p) => renderSummary(p.settlement)),
    });
    await refresh();
  } catch (error) {
    fail(error);
  }
}
