'use strict'
// AUTHENTICATION STAND-IN — NOT FOR PRODUCTION.
// The caller names itself with two headers: `x-user-id` and `x-user-role` (fan, creator,
// admin). Anyone can claim to be anyone. A real backend verifies a session or a JWT (Supabase,
// Firebase, ...) here and builds the same `{ id, role }` actor from it; fanline then
// authorises every operation itself.
const { HttpError } = require('./http')

/** The actor a request claims to be, or a 401. */
function actorOf(req) {
  const id = req.headers['x-user-id']
  const role = req.headers['x-user-role']
  if (typeof id !== 'string' || typeof role !== 'string' || id === '' || role === '') {
    throw new HttpError(401, 'UNAUTHENTICATED', 'send x-user-id and x-user-role (a development stand-in for real authentication)')
  }
  return { id, role }
}

module.exports = { actorOf }
