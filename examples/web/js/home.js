// The landing page: the stand-in identity picker and where each role goes next. Fans also get
// their incoming calls here.

import { byId, show } from './dom.js';
import { renderIdentityBar } from './identity.js';
import { watchIncomingCalls } from './incoming-call.js';

const who = renderIdentityBar();
show(byId('fan-home'), who?.role === 'fan');
show(byId('creator-home'), who?.role === 'creator' || who?.role === 'admin');
if (who?.role === 'fan') await watchIncomingCalls();
