// The landing page: the stand-in identity picker and where each role goes next. Fans also get
// their incoming calls here; creators set their price per minute (PUT /api/calls/price), which
// every call they start from then on takes.

import { api } from './api.js';
import { byId, show } from './dom.js';
import { describeError } from './errors.js';
import { renderIdentityBar } from './identity.js';
import { watchIncomingCalls } from './incoming-call.js';

async function priceForm(creatorId) {
  const form = byId('price');
  const status = byId('price-status');
  try {
    const { ratePerMinute } = await api('GET', `/api/calls/price/${encodeURIComponent(creatorId)}`);
    form.elements.ratePerMinute.value = ratePerMinute;
  } catch (error) {
    status.textContent = describeError(error);
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    try {
      const { ratePerMinute } = await api('PUT', '/api/calls/price', { ratePerMinute: Number(form.elements.ratePerMinute.value) });
      status.textContent = `Saved: ${ratePerMinute} tokens a minute for your next calls.`;
    } catch (error) {
      status.textContent = describeError(error);
    }
  });
}

const who = renderIdentityBar();
show(byId('fan-home'), who?.role === 'fan');
show(byId('creator-home'), who?.role === 'creator' || who?.role === 'admin');
if (who?.role === 'fan') await watchIncomingCalls();
if (who?.role === 'creator') await priceForm(who.id);
