// Tiny DOM helpers. Every value from the server goes in as text (never as HTML), so a display
// name like `<img onerror=...>` stays a harmless string.

/** Builds an element: `h('button', { class: 'primary', onclick }, 'Save')`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** The element with this id; a missing one is a bug in the page, so say which. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page has no #${id}`);
  return el;
}

/** Shows or hides sections by toggling the `hidden` attribute. */
export function show(el, visible = true) {
  el.hidden = !visible;
}

/** `m:ss` (or `h:mm:ss`) for a number of whole seconds. */
export function clockText(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A date and time for people, in UTC so both sides of a call read the same thing. */
export function dateTimeText(value) {
  return new Date(value).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }) + ' UTC';
}
