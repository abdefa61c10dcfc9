// What a side needs to join the Agora channel (app id, channel, uid, token, expiry), kept for
// the call screen: accepting happens on another page, and reloading the call screen must not
// lose it. sessionStorage is per tab and gone when the tab closes, which suits a token.

const key = (callId) => `fanline-example.join.${callId}`;

export function rememberJoin(callId, join) {
  sessionStorage.setItem(key(callId), JSON.stringify(join));
}

export function recallJoin(callId) {
  const stored = sessionStorage.getItem(key(callId));
  return stored ? JSON.parse(stored) : null;
}
