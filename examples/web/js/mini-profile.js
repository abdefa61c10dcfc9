// FanMiniProfile, a creator's view of a fan (`/fan.html?id=<fanId>`): avatar and name, the
// Message and Call buttons enabled or disabled with the engine's reason, the relationship
// history, and voice and video calls. One GET /api/fans/:fanId answers all of it.

import { api } from './api.js';
import { byId, dateTimeText, h, show } from './dom.js';
import { describeDecision, describeError } from './errors.js';
import { renderIdentityBar } from './identity.js';

const fanId = new URLSearchParams(location.search).get('id');

const KIND_TEXT = {
  follow: 'Follows you',
  tipped: 'Tipped you',
  purchased: 'Bought from you',
  messaged: 'Messaged',
  called: 'Talked on a call',
};

function render(profile) {
  byId('avatar').src = profile.avatarUrl || '/img/avatar.svg';
  byId('display-name').textContent = profile.displayName || profile.fanId;
  byId('fan-id').textContent = profile.fanId;

  byId('message').disabled = !profile.canMessage;
  byId('message-reason').textContent = describeDecision(profile.messageDecision);
  byId('call-voice').disabled = !profile.canCall;
  byId('call-video').disabled = !profile.canCall;
  byId('call-reason').textContent = describeDecision(profile.callDecision);

  const rows = profile.relationships.map((r) =>
    h(
      'tr',
      {},
      h('td', {}, KIND_TEXT[r.kind] ?? r.kind),
      h('td', {}, dateTimeText(r.firstAtMs)),
      h('td', {}, dateTimeText(r.lastInteractionAtMs)),
    ),
  );
  byId('relationships').tBodies[0].replaceChildren(...rows);
  show(byId('relationships'), rows.length > 0);
  show(byId('no-relationships'), rows.length === 0);
  show(byId('profile'));
}

async function call(callType) {
  byId('action-error').textContent = '';
  try {
    const { call: ringing } = await api('POST', '/api/calls/initiate', { fanId, callType });
    location.href = `/call.html?id=${encodeURIComponent(ringing.id)}`;
  } catch (error) {
    byId('action-error').textContent = describeError(error);
  }
}

renderIdentityBar();
byId('call-voice').addEventListener('click', () => call('voice'));
byId('call-video').addEventListener('click', () => call('video'));
// Messaging is the host's own feature; fanline only decides whether it is allowed.
byId('message').addEventListener('click', () => {
  byId('action-note').textContent = 'Messaging belongs to the host app; fanline only decided it is allowed.';
});
try {
  if (!fanId) throw Object.assign(new Error('no fan id'), { code: 'NOT_FOUND' });
  const { profile } = await api('GET', `/api/fans/${encodeURIComponent(fanId)}`);
  render(profile);
} catch (error) {
  byId('profile-error').textContent = describeError(error);
}
