// FanPrivacySettings: the fan's visibility, DM and call permissions and searchability, saved
// with PATCH /api/fans/me (only the fields that changed), and the share link: generate, copy,
// revoke. The page also rings for incoming calls, like every fan page.

import { api } from './api.js';
import { byId, dateTimeText, show } from './dom.js';
import { describeError } from './errors.js';
import { renderIdentityBar } from './identity.js';
import { watchIncomingCalls } from './incoming-call.js';

const form = byId('settings');
let saved = null; // the settings as the server last returned them

function fill(settings) {
  saved = settings;
  form.elements.visibility.value = settings.visibility;
  form.elements.allowDm.value = settings.allowDm;
  form.elements.allowCalls.value = settings.allowCalls;
  form.elements.allowSearch.checked = settings.allowSearch;
  // A share link only works while visibility is `link`, so offer it only then.
  show(byId('share'), settings.visibility === 'link');
}

function edited() {
  const now = {
    visibility: form.elements.visibility.value,
    allowDm: form.elements.allowDm.value,
    allowCalls: form.elements.allowCalls.value,
    allowSearch: form.elements.allowSearch.checked,
  };
  return Object.fromEntries(Object.entries(now).filter(([field, value]) => saved[field] !== value));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  byId('settings-error').textContent = '';
  byId('saved').textContent = '';
  try {
    const { settings } = await api('PATCH', '/api/fans/me', edited());
    fill(settings);
    byId('saved').textContent = 'Saved';
  } catch (error) {
    byId('settings-error').textContent = describeError(error);
  }
});

// The server keeps no copy of a token (only enough to check and revoke it), so a link can be
// shown only right after it is generated.
const NO_LINK_SHOWN = 'A link is shown once, when you generate it. Generating a new one stops the old one.';

function showLink(link, note) {
  show(byId('share-link'), Boolean(link));
  byId('share-url').value = link ? new URL(link.url, location.origin).href : '';
  byId('share-copied').textContent = '';
  byId('share-state').textContent = link ? `Your link works until ${dateTimeText(link.expiresAt)}.` : note;
}

async function shareAction(path) {
  byId('share-error').textContent = '';
  try {
    return await api('POST', path);
  } catch (error) {
    byId('share-error').textContent = describeError(error);
    return null;
  }
}

byId('share-enable').addEventListener('click', async () => {
  const result = await shareAction('/api/fans/share/enable');
  if (result) showLink(result);
});

byId('share-disable').addEventListener('click', async () => {
  if (await shareAction('/api/fans/share/disable')) showLink(null, 'Link revoked: it no longer works.');
});

byId('share-copy').addEventListener('click', async () => {
  const input = byId('share-url');
  try {
    await navigator.clipboard.writeText(input.value);
    byId('share-copied').textContent = 'Copied';
  } catch {
    // No clipboard permission (e.g. an insecure origin): leave the link selected to copy by hand.
    input.select();
    byId('share-copied').textContent = 'Press Ctrl+C to copy';
  }
});

renderIdentityBar();
try {
  const { settings } = await api('GET', '/api/fans/me');
  fill(settings);
  showLink(null, NO_LINK_SHOWN);
  show(form);
} catch (error) {
  byId('settings-error').textContent = describeError(error);
}
await watchIncomingCalls();
