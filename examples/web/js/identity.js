// STAND-IN FOR REAL AUTHENTICATION. The example backend believes whoever the browser says it
// is: the `x-user-id` / `x-user-role` headers on API calls, and `?as=&role=` on the event
// stream (EventSource cannot send headers). A real host takes the user from its own session
// (cookie, bearer token) and never trusts the browser like this.
//
// Open any page with `?as=fan_ada&role=fan` to become that user in this tab. The choice lives in
// sessionStorage, so two tabs (or two browser contexts in the tests) can be two different users.

import { byId, h } from './dom.js';

const KEY = 'fanline-example.identity';
export const ROLES = ['fan', 'creator', 'admin'];

/** The stand-in user of this tab, `{ id, role }`, or null when none was picked. */
export function currentIdentity() {
  const params = new URLSearchParams(location.search);
  const as = params.get('as');
  if (as) {
    const role = ROLES.includes(params.get('role')) ? params.get('role') : 'fan';
    sessionStorage.setItem(KEY, JSON.stringify({ id: as, role }));
  }
  const stored = sessionStorage.getItem(KEY);
  return stored ? JSON.parse(stored) : null;
}

/** Fills the page's `<header id="identity-bar">` with the identity picker and the links for the role. */
export function renderIdentityBar() {
  const who = currentIdentity();
  const form = h(
    'form',
    { class: 'identity-form', 'aria-label': 'Stand-in identity' },
    h('label', {}, 'User id ', h('input', { name: 'as', required: true, value: who?.id ?? '', size: 14 })),
    h(
      'label',
      {},
      'Role ',
      h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === who?.role }, r))),
    ),
    h('button', { type: 'submit' }, 'Switch'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    sessionStorage.setItem(KEY, JSON.stringify({ id: data.get('as').trim(), role: data.get('role') }));
    location.href = '/';
  });
  const nav = h(
    'nav',
    {},
    h('a', { href: '/' }, 'Home'),
    who?.role === 'fan' ? h('a', { href: '/settings.html' }, 'Privacy settings') : null,
  );
  byId('identity-bar').replaceChildren(
    nav,
    h(
      'div',
      { class: 'stand-in' },
      h('strong', {}, 'Stand-in sign-in'),
      ' (example only, not real authentication): ',
      who ? h('span', { id: 'whoami' }, `${who.id} (${who.role})`) : 'nobody yet',
      form,
    ),
  );
  return who;
}
