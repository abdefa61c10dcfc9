// The one way the pages talk to the example backend. Failures become ApiError with the
// engine's stable `code` (and `retryAfter` when the server sent one), for describeError().

import { currentIdentity } from './identity.js';

export class ApiError extends Error {
  constructor({ code, message, status, retryAfter }) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** `await api('PATCH', '/api/fans/me', { visibility: 'link' })`: the parsed JSON body. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const who = currentIdentity();
  if (who) {
    headers['x-user-id'] = who.id;
    headers['x-user-role'] = who.role;
  }
  const init = { method, headers };
  // The backend takes state changes as JSON only (its CSRF guard), bodiless ones included.
  if (method !== 'GET' && method !== 'HEAD') headers['content-type'] = 'application/json';
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({ code: 'NETWORK', message: 'network error', status: 0 });
  }
  const data = await response.json().catch(() => null);
  if (response.ok && data && data.ok !== false) return data;
  throw new ApiError({
    code: data?.code ?? 'INTERNAL',
    message: data?.error ?? response.statusText,
    status: response.status,
    retryAfter: data?.retryAfter,
  });
}
