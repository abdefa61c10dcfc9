// Readable messages for the engine's stable error codes (docs/rules.md section 10). The pages
// show these, never the raw response body.

function seconds(n) {
  const s = Math.max(1, Math.ceil(Number(n) || 1));
  return s === 1 ? '1 second' : `${s} seconds`;
}

const MESSAGES = {
  CALL_COOLDOWN: (e) => `You called this fan a moment ago. You can call again in ${seconds(e.retryAfter)}.`,
  RATE_LIMITED: (e) => `Too many call attempts in a short time. Try again in ${seconds(e.retryAfter)}.`,
  BLOCKED: () => 'You can’t interact with this person.',
  PROFILE_PRIVATE: () => 'This fan keeps their profile private.',
  DM_NOT_ALLOWED: () => 'This fan doesn’t accept messages from you.',
  CALL_NOT_ALLOWED: () => 'This fan doesn’t accept calls from you.',
  NOT_CREATOR: () => 'Only creators can do that.',
  FEATURE_DISABLED: () => 'This feature is switched off on this platform right now.',
  BUSY: () => 'They’re in another call right now. Try again later.',
  INSUFFICIENT_TOKENS: () => 'The fan doesn’t have enough tokens for a call.',
  INVITATION_EXPIRED: () => 'This call invitation has expired.',
  PRICE_CHANGED: () => 'The price of this call changed since it was shown to you, so it was not accepted.',
  INVALID_STATE: (e) => `That can’t be done any more: ${e.message}.`,
  NOT_FOUND: () => 'We couldn’t find that. It may have been removed.',
  INVALID_INPUT: (e) => `Please check what you entered: ${e.message}.`,
  STORE_UNAVAILABLE: () => 'The service is briefly unavailable. Please try again in a moment.',
  NETWORK: () => 'Can’t reach the server. Check your connection and try again.',
};

/** A sentence for people, from an ApiError (or anything thrown). */
export function describeError(error) {
  const message = MESSAGES[error?.code];
  return message ? message(error) : 'Something went wrong on our side. Please try again.';
}

const DECISION_ALLOWED = {
  self_or_admin: 'Allowed: you are an admin.',
  allow_dm: 'Allowed by the fan’s message settings.',
  allow_calls: 'Allowed by the fan’s call settings.',
};

/**
 * Why a mini profile's Message or Call button is on or off, from the engine's decision
 * (`{ allowed, deny, rule }`): the denial reads like the error the action would give.
 */
export function describeDecision(decision) {
  if (decision.allowed) return DECISION_ALLOWED[decision.rule] ?? 'Allowed.';
  return describeError({ code: decision.deny });
}
